"""Idle expiry of device tokens (sync.md case 19): a token unused for ``token_idle_days``
answers 401 ``token_expired`` everywhere; use within the limit keeps it alive, recorded at
most hourly on the writer thread without making the request wait.

Time is moved by writing ``last_used_at`` in the real database to the past, never by
sleeping or patching clocks.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from fieldapp_harness import API, World, household, visit
from sqlite_utils import Database

from fieldapp.cli import main
from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.app import create_app
from fieldapp.server.errors import MESSAGES
from fieldapp.server.open_storage import open_storage
from fieldapp.server.postgres import PostgresStorage
from fieldapp.server.schema import migrations
from fieldapp.server.settings import DEFAULT_TOKEN_IDLE_DAYS, Settings
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.store.device_store import DeviceStore


def _ago(**delta: float) -> str:
    """A past instant in the server's own timestamp format (db.now_iso)."""
    return (datetime.now(UTC) - timedelta(**delta)).isoformat(timespec="milliseconds")


def set_last_used(storage: SqliteStorage, device_id: str, when: str) -> None:
    with storage.db.write() as w:
        w.conn.execute(
            "UPDATE device_tokens SET last_used_at = ? WHERE device_id = ? AND revoked_at IS NULL",
            [when, device_id],
        )


def last_used(storage: SqliteStorage, device_id: str) -> str:
    with storage.db.read() as conn:
        rows = conn.execute(
            "SELECT last_used_at FROM device_tokens WHERE device_id = ? AND revoked_at IS NULL",
            [device_id],
        ).fetchall()
    assert len(rows) == 1
    return str(rows[0][0])


def writes_settled(storage: SqliteStorage) -> None:
    """Wait until every write queued so far has committed."""
    if isinstance(storage, PostgresStorage):
        storage.db.settle(timeout=10)  # writes run side by side there
        return
    storage.db.submit(lambda w: None).result(timeout=10)  # the writer runs them in order


def seconds_since(text: str) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(text)).total_seconds()


@pytest.fixture
def a1(world: World) -> DeviceStore:
    store = world.device("a1")
    assert world.sync(store).ok
    return store


# Every kind of authenticated call: identity, push, pull, reads, administration.
ENDPOINTS = [
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/push"),
    ("GET", "/api/v1/pull"),
    ("GET", "/api/v1/reference"),
    ("GET", "/api/v1/households/x"),
    ("GET", "/api/v1/visits/x"),
    ("GET", "/api/v1/admin/devices"),
    ("GET", "/api/v1/coverage/villages"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_expired_token_gets_401_token_expired_everywhere(world: World, a1, method, path):
    leader = world.device("leader_a")  # admin routes: a leader's token, expired too
    store = leader if "/admin/" in path else a1
    set_last_used(world.storage, store.device_id, _ago(days=DEFAULT_TOKEN_IDLE_DAYS, hours=2))
    body = {"device_id": store.device_id, "batch": []} if path.endswith("push") else None
    r = world.client.request(method, path, json=body, headers=world.token_headers(store))
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"] == "Bearer"
    error = r.json()["error"]
    assert error["code"] == "token_expired"
    assert error["message_vi"] == MESSAGES["token_expired"][1]
    assert "hết hạn" in error["message_vi"] and "mã đăng ký mới" in error["message_vi"]
    assert "expired" in error["message_en"]
    assert r.json()["ok"] is False and r.json()["status"] == 401


def test_expired_push_writes_nothing(world: World, a1):
    h = household(a1)
    visit(a1, h)
    set_last_used(world.storage, a1.device_id, _ago(days=DEFAULT_TOKEN_IDLE_DAYS + 1))
    report = world.sync(a1)
    assert report.error_code == "token_expired"
    assert world.count("households") == 0 and world.count("visits") == 0
    assert a1.pending_count() == 2


def test_revoked_or_unknown_stays_unauthenticated_even_if_idle(world: World, a1):
    headers = world.token_headers(a1)
    set_last_used(world.storage, a1.device_id, _ago(days=DEFAULT_TOKEN_IDLE_DAYS + 30))
    world.storage.revoke_device(a1.device_id)
    r = world.client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    bad = {**API, "Authorization": "Bearer not-a-token"}
    r = world.client.get("/api/v1/me", headers=bad)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_token_used_within_the_limit_stays_valid_and_is_refreshed(world: World, a1):
    set_last_used(world.storage, a1.device_id, _ago(days=DEFAULT_TOKEN_IDLE_DAYS - 1))
    r = world.client.get("/api/v1/me", headers=world.token_headers(a1))
    assert r.status_code == 200, r.text
    writes_settled(world.storage)
    # The use was recorded: the device has another full idle period from now.
    assert seconds_since(last_used(world.storage, a1.device_id)) < 60


def test_refresh_is_hourly_not_per_request(world: World, a1):
    recent = _ago(minutes=30)
    set_last_used(world.storage, a1.device_id, recent)
    for _ in range(5):
        assert world.client.get("/api/v1/me", headers=world.token_headers(a1)).status_code == 200
    writes_settled(world.storage)
    assert last_used(world.storage, a1.device_id) == recent  # no write for 30-minute-old use

    set_last_used(world.storage, a1.device_id, _ago(hours=1, minutes=5))
    assert world.client.get("/api/v1/pull", headers=world.token_headers(a1)).status_code == 200
    writes_settled(world.storage)
    moved = last_used(world.storage, a1.device_id)
    assert seconds_since(moved) < 60
    assert world.client.get("/api/v1/me", headers=world.token_headers(a1)).status_code == 200
    writes_settled(world.storage)
    assert last_used(world.storage, a1.device_id) == moved


def test_active_device_never_expires(world: World, a1):
    """A phone that syncs now and then within the limit is carried forward each time."""
    h = household(a1)
    for _ in range(4):
        # Each round: the last use was nearly a full idle period ago, then the phone syncs.
        set_last_used(world.storage, a1.device_id, _ago(days=DEFAULT_TOKEN_IDLE_DAYS - 1))
        visit(a1, h)
        report = world.sync(a1)
        assert report.ok, report.error
        writes_settled(world.storage)
        assert seconds_since(last_used(world.storage, a1.device_id)) < 60
    assert world.count("visits") == 4


def test_refresh_does_not_wait_for_a_busy_writer(world: World, a1):
    """The refresh is queued, not awaited: a request answers while the writer is held."""
    set_last_used(world.storage, a1.device_id, _ago(hours=3))
    before = last_used(world.storage, a1.device_id)
    answered = threading.Event()
    with world.storage.db.write():  # another write in progress (e.g. a long push group)

        def request() -> None:
            r = world.client.get("/api/v1/me", headers=world.token_headers(a1))
            assert r.status_code == 200
            answered.set()

        t = threading.Thread(target=request)
        t.start()
        assert answered.wait(10), "the request waited for the writer"
        t.join()
        if not world.on_postgres:
            # SQLite has one writer: the refresh is still queued behind the held write.
            # (PostgreSQL writes it at once beside that transaction.)
            assert last_used(world.storage, a1.device_id) == before
    writes_settled(world.storage)
    assert seconds_since(last_used(world.storage, a1.device_id)) < 60


def test_in_memory_storage_refreshes_without_deadlock():
    """On ``:memory:`` the read snapshot holds the write lock: the refresh must come after."""
    storage = SqliteStorage(":memory:")
    try:
        storage.create_village(Village("v1", "18754", "Tổ dân phố 1", "tổ dân phố"))
        storage.create_team(Team("t1", "Tổ 1", "18754", ("v1",)))
        member = storage.create_member(Member("m1", "Trần Thị Bình", Role.MEMBER, "t1"))
        token = storage.enrol(storage.issue_code(member.id).code, "dev-1", 1).token
        set_last_used(storage, "dev-1", _ago(hours=2))
        principal = storage.authenticate(token)
        assert principal is not None and principal.device_id == "dev-1"
        writes_settled(storage)
        assert seconds_since(last_used(storage, "dev-1")) < 60
    finally:
        storage.close()


def _reopen(world: World, **kw: int) -> None:
    world.storage.close()
    world.storage = open_storage(world.database, **kw)
    world.app = create_app(world.storage)
    world.client = TestClient(world.app)


def test_expiry_follows_the_setting(world: World, a1):
    _reopen(world, token_idle_days=7)
    set_last_used(world.storage, a1.device_id, _ago(days=6, hours=23))
    assert world.client.get("/api/v1/me", headers=world.token_headers(a1)).status_code == 200
    set_last_used(world.storage, a1.device_id, _ago(days=7, hours=1))
    r = world.client.get("/api/v1/me", headers=world.token_headers(a1))
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired"
    # The same state is fine under the default limit: the setting, not a constant, decides.
    _reopen(world)
    assert world.client.get("/api/v1/me", headers=world.token_headers(a1)).status_code == 200


def test_setting_from_environment():
    assert Settings.from_env({}).token_idle_days == DEFAULT_TOKEN_IDLE_DAYS == 90
    assert Settings.from_env({"FIELDAPP_TOKEN_IDLE_DAYS": "30"}).token_idle_days == 30
    assert (
        Settings.from_env({"FIELDAPP_TOKEN_IDLE_DAYS": "30"})
        .override(token_idle_days=None)
        .token_idle_days
        == 30
    )
    for bad in ("0", "-5", "soon", "1.5"):
        with pytest.raises(ValueError, match="FIELDAPP_TOKEN_IDLE_DAYS"):
            Settings.from_env({"FIELDAPP_TOKEN_IDLE_DAYS": bad})


def test_serve_refuses_a_bad_idle_limit(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--token-idle-days", "0"])
    assert exc.value.code == 2
    assert "--token-idle-days" in capsys.readouterr().err


def test_re_enrolment_after_expiry_gives_a_fresh_token(world: World, a1):
    old_headers = world.token_headers(a1)
    set_last_used(world.storage, a1.device_id, _ago(days=DEFAULT_TOKEN_IDLE_DAYS + 1))
    code = world.storage.issue_code(world.members["a1"].id).code
    r = world.client.post(
        "/api/v1/enrol", json={"code": code, "device_id": a1.device_id, "next_seq": 1}, headers=API
    )
    assert r.status_code in (200, 201), r.text
    fresh = {**API, "Authorization": f"Bearer {r.json()['token']}"}
    assert world.client.get("/api/v1/me", headers=fresh).status_code == 200
    # The expired token is revoked by the re-enrolment: now plainly unauthenticated.
    r = world.client.get("/api/v1/me", headers=old_headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_migration_backfills_last_used(tmp_path: Path):
    """Tokens from before the column count as used at the upgrade (no use was recorded
    before it): nobody is locked out by it, however old their token."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m005_token_last_used")
    conn.executescript(
        """
        INSERT INTO members (id, name, role, created_at) VALUES ('m1', 'A', 'member', 'x');
        INSERT INTO devices (id, member_id, hwm, enrolled_at, last_seen_at)
            VALUES ('d-pushed', 'm1', 3, '2026-01-01T00:00:00.000+00:00',
                    '2026-03-01T00:00:00.000+00:00'),
                   ('d-quiet', 'm1', 0, '2026-01-01T00:00:00.000+00:00', NULL);
        INSERT INTO device_tokens (token_hash, device_id, member_id, created_at) VALUES
            ('h1', 'd-pushed', 'm1', '2026-01-01T00:00:00.000+00:00'),
            ('h2', 'd-quiet', 'm1', '2026-01-02T00:00:00.000+00:00');
        """
    )
    conn.close()
    before = datetime.now(UTC)
    storage = SqliteStorage(path)
    try:
        with storage.db.read() as read:
            rows = read.execute(
                "SELECT token_hash, last_used_at FROM device_tokens ORDER BY token_hash"
            ).fetchall()
    finally:
        storage.close()
    after = datetime.now(UTC)
    assert [r[0] for r in rows] == ["h1", "h2"]
    for _, used in rows:
        # Millisecond text, as now_iso() writes it.
        assert before - timedelta(milliseconds=1) <= datetime.fromisoformat(used) <= after


def test_serve_passes_the_environment_setting_to_the_server(tmp_path: Path):
    """``fieldapp serve`` as a real process, FIELDAPP_TOKEN_IDLE_DAYS=7 in its environment."""
    db = tmp_path / "served.db"
    storage = SqliteStorage(db)
    storage.create_village(Village("v1", "18754", "Tổ dân phố 1", "tổ dân phố"))
    storage.create_team(Team("t1", "Tổ 1", "18754", ("v1",)))
    member = storage.create_member(Member("m1", "Trần Thị Bình", Role.MEMBER, "t1"))
    token = storage.enrol(storage.issue_code(member.id).code, "dev-1", 1).token
    set_last_used(storage, "dev-1", _ago(days=7, hours=1))
    storage.close()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "FIELDAPP_TOKEN_IDLE_DAYS": "7"}
    args = ["--database", str(db), "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "fieldapp", "serve", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/health", timeout=0.5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        headers = {**API, "Authorization": f"Bearer {token}"}
        r = httpx.get(f"{base}/api/v1/me", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired"
        conn = sqlite3.connect(db, timeout=30)
        with conn:
            conn.execute("UPDATE device_tokens SET last_used_at = ?", [_ago(days=6, hours=23)])
        conn.close()
        assert httpx.get(f"{base}/api/v1/me", headers=headers).status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)
