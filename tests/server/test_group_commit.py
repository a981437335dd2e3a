"""Group commit (:meth:`ServerDB.submit`): writes queued together share one transaction,
each is still all-or-nothing, and a failing one takes nothing of the others down."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

import pytest

from fieldapp.server.db import ServerDB, Writer


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


def test_write_grouped_waits_and_raises_in_the_callers_thread(db: ServerDB):
    assert db.write_grouped(_insert("z", 26)) == "z"
    with pytest.raises(ZeroDivisionError):
        db.write_grouped(lambda w: 1 // 0)
    assert _rows(db) == {"z": 26}
