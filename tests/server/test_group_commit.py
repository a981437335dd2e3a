"""Group commit (:meth:`ServerDB.submit`): writes queued together share one transaction,
each is still all-or-nothing, and a failing one takes nothing of the others down."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest

from fieldapp.server.db import ServerDB, Writer

# SQLite's own writer thread and group commit (PostgreSQL writes side by side instead).
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def db(tmp_path: Path):
    d = ServerDB(tmp_path / "server.db")
    with d.write() as w:
        w.conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
    yield d
    d.close()


def _rows(db: ServerDB) -> dict[str, int]:
    with db.read() as conn:
        return dict(conn.execute("SELECT k, v FROM t").fetchall())


def _blocked_writer(db: ServerDB) -> tuple[threading.Event, Future[None]]:
    """Occupy the writer thread until the returned event is set, so the next submits
    queue up behind it (and form one group)."""
    started, release = threading.Event(), threading.Event()

    def hold(w: Writer) -> None:
        started.set()
        assert release.wait(10)

    fut = db.submit(hold)
    assert started.wait(10)
    return release, fut


def _insert(key: str, value: int, seen: list[Writer] | None = None):
    def fn(w: Writer) -> str:
        if seen is not None:
            seen.append(w)
        w.conn.execute("INSERT INTO t (k, v) VALUES (?, ?)", [key, value])
        return key

    return fn


def test_queued_writes_commit_together_and_each_returns_its_result(db: ServerDB):
    release, first = _blocked_writer(db)
    seen: list[Writer] = []
    futures = [db.submit(_insert(f"k{i}", i, seen)) for i in range(5)]
    release.set()
    assert [f.result(10) for f in futures] == [f"k{i}" for i in range(5)]
    first.result(10)
    # One transaction (one Writer) for the five queued writes.
    assert len(seen) == 5 and all(w is seen[0] for w in seen)
    assert _rows(db) == {f"k{i}": i for i in range(5)}


def test_a_failing_write_keeps_nothing_and_the_rest_of_its_group_commits(db: ServerDB):
    release, _ = _blocked_writer(db)

    def half_then_fail(w: Writer) -> None:
        w.conn.execute("INSERT INTO t (k, v) VALUES ('bad-1', 1)")
        w.stamps[("visit", "bad")] = ("v0", w.next_change_seq())
        raise ValueError("refused")

    ok_before = db.submit(_insert("a", 1))
    bad = db.submit(half_then_fail)
    ok_after = db.submit(_insert("b", 2))
    release.set()
    assert ok_before.result(10) == "a"
    assert ok_after.result(10) == "b"
    with pytest.raises(ValueError, match="refused"):
        bad.result(10)
    assert _rows(db) == {"a": 1, "b": 2}
    with db.read() as conn:
        # The failed write's feed entry and cursor value went with it.
        assert conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 0
        assert (
            conn.execute("SELECT value FROM server_meta WHERE key = 'change_seq'").fetchone()[0]
            == "0"
        )


def test_a_write_that_breaks_a_constraint_fails_alone(db: ServerDB):
    with db.write() as w:
        w.conn.execute("INSERT INTO t (k, v) VALUES ('taken', 0)")
    release, _ = _blocked_writer(db)
    first = db.submit(_insert("x", 1))
    clash = db.submit(_insert("taken", 9))
    last = db.submit(_insert("y", 2))
    release.set()
    assert first.result(10) == "x" and last.result(10) == "y"
    with pytest.raises(Exception, match="UNIQUE"):
        clash.result(10)
    assert _rows(db) == {"taken": 0, "x": 1, "y": 2}


def test_feed_cursor_values_follow_commit_order_across_a_group(db: ServerDB):
    release, _ = _blocked_writer(db)

    def stamp(i: int):
        def fn(w: Writer) -> int:
            seq = w.next_change_seq()
            w.stamps[("visit", f"v{i}")] = ("v0", seq)
            return seq

        return fn

    futures = [db.submit(stamp(i)) for i in range(4)]
    release.set()
    assert [f.result(10) for f in futures] == [1, 2, 3, 4]
    with db.read() as conn:
        rows = conn.execute("SELECT entity_id, change_seq FROM changes ORDER BY 2").fetchall()
        meta = conn.execute("SELECT value FROM server_meta WHERE key = 'change_seq'").fetchone()
    assert rows == [("v0", 1), ("v1", 2), ("v2", 3), ("v3", 4)]
    assert meta[0] == "4"


def test_the_result_and_the_error_reach_the_callers_thread(db: ServerDB):
    assert db.submit(_insert("z", 26)).result(10) == "z"
    with pytest.raises(ZeroDivisionError):
        db.submit(lambda w: 1 // 0).result(10)
    assert _rows(db) == {"z": 26}


def test_a_write_cancelled_before_it_started_is_dropped_and_the_writer_goes_on(db: ServerDB):
    release, _ = _blocked_writer(db)
    gave_up = db.submit(_insert("abandoned", 1))
    assert gave_up.cancel()  # the phone's request went away while queued
    after = db.submit(_insert("next", 2))
    release.set()
    assert after.result(10) == "next"
    assert db.submit(_insert("later", 3)).result(10) == "later"
    assert _rows(db) == {"next": 2, "later": 3}


def test_each_write_runs_at_most_twice_however_many_fail(db: ServerDB):
    runs: dict[str, int] = {}

    def counted(key: str, fail: bool):
        def fn(w: Writer) -> str:
            runs[key] = runs.get(key, 0) + 1
            w.conn.execute("INSERT INTO t (k, v) VALUES (?, 1)", [key])
            if fail:
                raise ValueError(key)
            return key

        return fn

    release, _ = _blocked_writer(db)
    futures = {
        f"{kind}{i}": db.submit(counted(f"{kind}{i}", kind == "bad"))
        for i in range(6)
        for kind in ("good", "bad")
    }
    release.set()
    for key, fut in futures.items():
        if key.startswith("good"):
            assert fut.result(10) == key
        else:
            with pytest.raises(ValueError, match=key):
                fut.result(10)
    assert max(runs.values()) <= 2
    assert all(runs[f"bad{i}"] == 1 for i in range(6))
    assert _rows(db) == {f"good{i}": 1 for i in range(6)}


def test_a_write_sqlite_rolls_back_by_itself_fails_alone_with_its_own_error(db: ServerDB):
    """Disk full makes SQLite end the transaction itself; the others still commit and
    the error the caller sees is the real one."""
    with db.write() as w:
        pages = w.conn.execute("PRAGMA page_count").fetchone()[0]
    release, _ = _blocked_writer(db)

    def limit_space(w: Writer) -> None:
        w.conn.execute(f"PRAGMA max_page_count = {pages + 8}")

    def big(w: Writer) -> None:
        w.conn.executemany(
            "INSERT INTO t (k, v) VALUES (?, ?)", [(f"big{i}" + "x" * 2000, i) for i in range(500)]
        )

    db.submit(limit_space)
    small_1 = db.submit(_insert("s1", 1))
    too_big = db.submit(big)
    small_2 = db.submit(_insert("s2", 2))
    release.set()
    assert small_1.result(10) == "s1" and small_2.result(10) == "s2"
    with pytest.raises(sqlite3.OperationalError, match="full"):
        too_big.result(10)
    assert _rows(db) == {"s1": 1, "s2": 2}


def test_a_push_queued_when_its_device_is_revoked_is_refused_unwritten(tmp_path: Path):
    from fieldapp_harness import World, household

    from fieldapp.server import accounts
    from fieldapp.server.errors import ApiError
    from fieldapp.sync.protocol import PushRequest

    world = World(tmp_path)
    try:
        store = world.device("a1")
        principal = world.storage.authenticate(store.meta_get("device_token") or "")
        assert principal is not None
        hid = household(store, "v1")
        entry = {
            "seq": 1,
            "entity": "household",
            "entity_id": hid,
            "op": "create",
            "payload": {"id": hid, "village_id": "v1", "head_name": "Hộ Một"},
            "base_version": None,
            "created_at": "2026-11-20T09:00:00+07:00",
        }
        batch = PushRequest.model_validate({"device_id": store.device_id, "batch": [entry]})
        db = world.storage.db
        release, _ = _blocked_writer(db)
        revoked = db.submit(lambda w: accounts.revoke_device(w, store.device_id, None))
        outcome: list[BaseException | object] = []

        def push() -> None:
            try:
                outcome.append(world.storage.push(principal, store.device_id, batch.batch))
            except BaseException as exc:
                outcome.append(exc)

        pusher = threading.Thread(target=push)
        pusher.start()
        while len(db._queue) < 2:  # the push waits behind the revocation
            threading.Event().wait(0.01)
        release.set()
        revoked.result(10)
        pusher.join(10)
        assert isinstance(outcome[0], ApiError) and outcome[0].code == "unauthenticated"
        with db.read() as conn:
            assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == 0
            assert (
                conn.execute("SELECT hwm FROM devices WHERE id = ?", [store.device_id]).fetchone()[
                    0
                ]
                == 0
            )
    finally:
        world.close()
