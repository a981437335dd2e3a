"""Regressions from the server review: API errors that were 500s or named no field, and
an unhandled error that was re-raised with its traceback."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient
from fieldapp_harness import World

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
