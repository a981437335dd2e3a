"""API errors that name their field (never a 500), an unhandled error logged without its
traceback, and enrolment codes: HMAC with a secret outside the database, rate limited."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import stat
import threading
import time
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient
from fieldapp_harness import API, World

from fieldapp.server import accounts
from fieldapp.server.app import create_app
from fieldapp.server.deps import AttemptLimiter
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.sync.protocol import EPOCH_HEADER

WARD = "18754"


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["error"]["code"] == code
    assert body["error"]["message_vi"] and body["error"]["message_en"]
    assert response.headers[EPOCH_HEADER] == body["epoch"]
    return body["error"]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_team_with_a_village_listed_twice_is_422_naming_village_ids(world: World):
    officer = world.device("officer")
    teams_before = world.count("teams")
    r = world.client.post(
        "/api/v1/admin/teams",
        headers=world.token_headers(officer),
        json={"name": "Tổ Lê Thị Hoa", "ward_code": WARD, "village_ids": ["v2", "v1", "v2"]},
    )
    err = _error(r, 422, "invalid_request")
    assert err["field"] == "village_ids" and "v2" in err["message_en"]
    assert [p["field"] for p in err["problems"]] == ["village_ids"]
    assert world.count("teams") == teams_before  # nothing partially written


def test_unhandled_error_is_a_json_500_logged_as_type_and_path_only(world: World):
    def broken() -> None:
        raise RuntimeError("Nguyễn Thị Ánh 0987654321")

    world.app.add_api_route("/api/v1/broken", broken)
    records = _Records()
    logger = logging.getLogger("fieldapp.server")
    logger.addHandler(records)
    try:
        # raise_server_exceptions=True: an exception re-raised past the app would fail here.
        with TestClient(world.app, raise_server_exceptions=True) as client:
            r = client.get("/api/v1/broken")
            after = client.get("/health")
    finally:
        logger.removeHandler(records)
    _error(r, 500, "internal")
    assert after.status_code == 200
    bugs = [rec for rec in records.records if rec.getMessage() == "unhandled_error"]
    assert len(bugs) == 1
    fields = bugs[0].fields  # type: ignore[attr-defined]
    assert fields == {"path": "/api/v1/broken", "error": "RuntimeError"}
    assert not bugs[0].exc_info  # no traceback, whose frames may hold personal data
    logged = " ".join(f"{rec.getMessage()} {getattr(rec, 'fields', '')}" for rec in records.records)
    assert "Nguyễn" not in logged and "0987654321" not in logged


def test_unreadable_body_is_400_bad_body_naming_body(world: World):
    a = world.device("a1")
    headers = {**world.token_headers(a), "Content-Type": "application/json"}
    for content in (b"\xff\xfe not json", b"[" * 5000 + b"]" * 5000):
        err = _error(
            world.client.post("/api/v1/push", headers=headers, content=content), 400, "bad_body"
        )
        assert err["field"] == "body"
    # Malformed JSON text is a 422 whose field is the body, not a character offset.
    err = _error(
        world.client.post("/api/v1/push", headers=headers, content=b"{not json"),
        422,
        "invalid_request",
    )
    assert err["field"] == "body" and err["problems"][0]["field"] == "body"


def test_member_without_team_is_422_naming_team_id(world: World):
    members_before = world.count("members")
    for who in ("leader_a", "officer"):
        store = world.device(who)
        r = world.client.post(
            "/api/v1/admin/members",
            headers=world.token_headers(store),
            json={"name": "Phạm Văn Khoa"},
        )
        err = _error(r, 422, "invalid_request")
        assert err["field"] == "team_id"
        assert err["problems"] == [
            {
                "field": "team_id",
                "code": "missing",
                "message_vi": err["message_vi"],
                "message_en": err["message_en"],
            }
        ]
    assert world.count("members") == members_before


# -- enrolment codes: keyed digests and a limit on wrong guesses ----------------------------


def _enrol(client: TestClient, code: str) -> httpx.Response:
    return client.post(
        "/api/v1/enrol", headers=API, json={"code": code, "device_id": str(uuid.uuid4())}
    )


@pytest.mark.sqlite_only  # the secret file beside the database (PostgreSQL: FIELDAPP_SECRET)
def test_codes_are_hmac_with_a_secret_outside_the_database(world: World, tmp_path):
    issued = world.storage.issue_code(world.members["a1"].id)
    clean = issued.code.replace("-", "")
    (stored,) = world.server_rows("SELECT code_hash FROM enrol_codes")[0]
    secret = accounts.secret_file(str(world.db_path))
    assert secret.exists() and stat.S_IMODE(secret.stat().st_mode) == 0o600
    key = secret.read_text().strip().encode()
    assert stored == "h1:" + hmac.new(key, clean.encode(), hashlib.sha256).hexdigest()
    assert stored != accounts.hash_secret(clean) and key.decode() not in json.dumps(
        world.server_rows("SELECT * FROM server_meta")
    )
    # A copy of the database without the secret file cannot check the code.
    copy_dir = tmp_path / "stolen"
    copy_dir.mkdir()
    src, dst = sqlite3.connect(world.db_path), sqlite3.connect(copy_dir / "server.db")
    src.backup(dst)  # SQLite's online backup, as docs/server.md recommends
    src.close()
    dst.close()
    stolen = SqliteStorage(copy_dir / "server.db")
    try:
        _error(_enrol(TestClient(create_app(stolen)), issued.code), 400, "bad_code")
    finally:
        stolen.close()
    # With it, the code works (once).
    assert _enrol(world.client, issued.code).status_code == 200
    _error(_enrol(world.client, issued.code), 400, "bad_code")


def test_secret_from_the_environment_wins(world: World, monkeypatch):
    monkeypatch.setenv(accounts.SECRET_ENV, "x" * 40)
    issued = world.storage.issue_code(world.members["a1"].id)
    clean = issued.code.replace("-", "")
    (stored,) = world.server_rows("SELECT code_hash FROM enrol_codes")[0]
    assert stored == "h1:" + hmac.new(b"x" * 40, clean.encode(), hashlib.sha256).hexdigest()
    assert _enrol(world.client, issued.code).status_code == 200
    monkeypatch.setenv(accounts.SECRET_ENV, "short")
    with pytest.raises(ValueError, match=accounts.SECRET_ENV):
        accounts.server_secret(str(world.db_path))


def test_codes_issued_before_the_secret_still_enrol(world: World):
    member = world.members["a2"].id
    with world.storage.db.write() as w:
        w.conn.execute(
            "INSERT INTO enrol_codes (code_hash, member_id, issued_by, created_at, expires_at)"
            " VALUES (?, ?, 'cli', '2026-01-01T00:00:00', '2999-01-01T00:00:00+00:00')",
            [accounts.hash_secret("ABCDEFGH"), member],
        )
    r = _enrol(world.client, "abcd-efgh")
    assert r.status_code == 200 and r.json()["member"]["id"] == member
    _error(_enrol(world.client, "ABCD-EFGH"), 400, "bad_code")


def test_wrong_codes_are_limited_per_client_and_overall(world: World):
    now = [1000.0]
    limiter = AttemptLimiter(per_client=10, overall=25, window=600, clock=lambda: now[0])
    world.app.state.enrol_limiter = limiter
    good = world.storage.issue_code(world.members["a1"].id).code
    for i in range(10):
        _error(_enrol(world.client, f"WRNG-{i:04d}".replace("0", "A")), 400, "bad_code")
        now[0] += 1
    r = _enrol(world.client, good)  # even the right code waits: no guessing "between"
    err = _error(r, 429, "rate_limited")
    assert err["field"] == "code" and "phút" in err["message_vi"]
    # Now is 1010; the oldest failure (at 1000) ages out at 1600.
    assert int(r.headers["Retry-After"]) == 590
    # Another address is not held up by this one.
    other = TestClient(world.app, client=("10.0.0.7", 40000))
    _error(_enrol(other, "ZZZZ-ZZZZ"), 400, "bad_code")
    # Many addresses together hit the overall limit (25 failures in the window).
    for n in range(14):
        _error(
            _enrol(TestClient(world.app, client=(f"10.1.0.{n}", 1)), "ZZZZ-ZZZZ"), 400, "bad_code"
        )
    _error(_enrol(TestClient(world.app, client=("10.2.0.1", 1)), good), 429, "rate_limited")
    # Once the window has passed, the code works.
    now[0] += 600
    assert _enrol(world.client, good).status_code == 200


def test_a_wrong_code_does_not_wait_for_the_write_lock(world: World):
    held, release = threading.Event(), threading.Event()

    def hold_writer() -> None:
        with world.storage.db.write():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_writer)
    holder.start()
    try:
        assert held.wait(5)
        started = time.perf_counter()
        _error(_enrol(world.client, "ABCD-EFGH"), 400, "bad_code")
        assert time.perf_counter() - started < 2.0
    finally:
        release.set()
        holder.join()
