"""The API's edges: one error shape, limits, enrolment codes, health, OpenAPI, CLI."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest
from fieldapp_harness import API, World, household, visit

from fieldapp.cli import main
from fieldapp.demo.generator import dataset_to_json, generate
from fieldapp.server.demo_load import load_demo
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.sync.protocol import EPOCH_HEADER, MAX_BATCH_RECORDS


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message_vi"] and body["error"]["message_en"]
    assert response.headers[EPOCH_HEADER] == body["epoch"]
    return body["error"]


def test_health_and_openapi(world: World):
    r = world.client.get("/health")
    assert r.json()["ok"] and r.headers[EPOCH_HEADER] == world.storage.epoch
    spec = world.client.get("/openapi.json").json()
    assert "/api/v1/push" in spec["paths"] and "/api/v1/pull" in spec["paths"]


def test_error_shapes(world: World):
    a = world.device("a1")
    headers = world.token_headers(a)
    assert_error(world.client.get("/api/v1/me"), 426, "protocol_version")
    assert_error(world.client.get("/api/v1/me", headers=API), 401, "unauthenticated")
    bad = {**API, "Authorization": "Bearer nope"}
    assert_error(world.client.get("/api/v1/me", headers=bad), 401, "unauthenticated")
    err = assert_error(
        world.client.post("/api/v1/push", json={"device_id": 3}, headers=headers),
        422,
        "invalid_request",
    )
    assert {p["field"] for p in err["problems"]} >= {"device_id", "batch"}
    r = world.client.post(
        "/api/v1/push",
        content=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert_error(r, 422, "invalid_request")
    assert_error(
        world.client.get("/api/v1/pull?cursor=-1", headers=headers), 422, "invalid_request"
    )
    assert_error(world.client.get("/nowhere", headers=headers), 404, "not_found")
    assert_error(world.client.delete("/api/v1/push", headers=headers), 405, "invalid_request")
    other = {"device_id": str(uuid.uuid4()), "batch": []}
    assert_error(
        world.client.post("/api/v1/push", json=other, headers=headers), 403, "device_mismatch"
    )


def test_limits_and_compression(world: World):
    a = world.device("a1")
    headers = world.token_headers(a)
    item = {
        "seq": 1,
        "entity": "visit",
        "entity_id": "x",
        "op": "create",
        "payload": {},
        "created_at": "2026-01-01",
    }
    too_many = {"device_id": a.device_id, "batch": [item] * (MAX_BATCH_RECORDS + 1)}
    assert_error(
        world.client.post("/api/v1/push", json=too_many, headers=headers), 422, "invalid_request"
    )
    huge = json.dumps({"device_id": a.device_id, "batch": [], "pad": "x" * 1_100_000}).encode()
    r = world.client.post(
        "/api/v1/push", content=huge, headers={**headers, "Content-Type": "application/json"}
    )
    assert_error(r, 413, "too_large")
    bomb = gzip.compress(b" " * 5_000_000)
    r = world.client.post(
        "/api/v1/push",
        content=bomb,
        headers={**headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert_error(r, 413, "too_large")
    r = world.client.post(
        "/api/v1/push",
        content=b"not gzip",
        headers={**headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert_error(r, 400, "bad_body")
    h = household(a)
    for _ in range(30):
        visit(a, h)
    ok = gzip.compress(json.dumps({"device_id": a.device_id, "batch": []}).encode())
    r = world.client.post(
        "/api/v1/push",
        content=ok,
        headers={**headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert r.status_code == 200 and r.json()["high_water_mark"] == 0
    assert world.sync(a).ok
    r = world.client.get("/api/v1/pull", headers={**headers, "Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and len(r.json()["changes"]) == 31


def test_enrol_code_is_one_time_and_expires(world: World):
    member = world.members["a1"].id
    issued = world.storage.issue_code(member)
    assert len(issued.code) == 9 and issued.code[4] == "-"
    stored = world.server_rows("SELECT code_hash FROM enrol_codes")
    assert issued.code.replace("-", "") not in json.dumps(stored)
    body = {"code": issued.code.lower().replace("-", " "), "device_id": str(uuid.uuid4())}
    r = world.client.post("/api/v1/enrol", json=body, headers=API)
    assert r.status_code == 200 and r.json()["member"]["id"] == member
    assert {v["id"] for v in r.json()["villages"]} == {"v1", "v2"}
    token = r.json()["token"]
    assert token not in json.dumps(world.server_rows("SELECT * FROM device_tokens"))
    again = {"code": issued.code, "device_id": str(uuid.uuid4())}
    assert_error(world.client.post("/api/v1/enrol", json=again, headers=API), 400, "bad_code")
    late = world.storage.issue_code(member)
    with world.storage.db.write() as w:
        w.conn.execute("UPDATE enrol_codes SET expires_at = '2020-01-01T00:00:00+00:00'")
    body = {"code": late.code, "device_id": str(uuid.uuid4())}
    assert_error(world.client.post("/api/v1/enrol", json=body, headers=API), 400, "bad_code")


def test_leader_issues_code_and_revokes_device_through_api(world: World):
    leader = world.device("leader_a")
    headers = world.token_headers(leader)
    r = world.client.post(
        "/api/v1/admin/enrol-codes", json={"member_id": world.members["a2"].id}, headers=headers
    )
    assert r.status_code == 201
    device_id = str(uuid.uuid4())
    r = world.client.post(
        "/api/v1/enrol", json={"code": r.json()["code"], "device_id": device_id}, headers=API
    )
    member_headers = {**API, "Authorization": f"Bearer {r.json()['token']}"}
    assert world.client.get("/api/v1/me", headers=member_headers).status_code == 200
    r = world.client.post(f"/api/v1/admin/devices/{device_id}/revoke", headers=headers)
    assert r.status_code == 200
    assert_error(world.client.get("/api/v1/me", headers=member_headers), 401, "unauthenticated")


def test_officer_creates_village_team_member(world: World):
    officer = world.device("officer")
    headers = world.token_headers(officer)
    r = world.client.post(
        "/api/v1/admin/villages", json={"ward_code": "18754", "name": "Thôn Mới"}, headers=headers
    )
    assert r.status_code == 201
    vid = r.json()["village"]["id"]
    r = world.client.post(
        "/api/v1/admin/teams",
        json={"name": "Tổ 3", "ward_code": "18754", "village_ids": [vid]},
        headers=headers,
    )
    tid = r.json()["team"]["id"]
    r = world.client.post(
        "/api/v1/admin/members",
        json={"name": "Ngô Thị Hà", "team_id": tid, "role": "leader"},
        headers=headers,
    )
    assert r.status_code == 201 and r.json()["member"]["team_id"] == tid
    r = world.client.post(
        "/api/v1/admin/villages", json={"ward_code": "18781", "name": "X"}, headers=headers
    )
    assert_error(r, 403, "forbidden")


def test_demo_dataset_loads_once(tmp_path):
    from datetime import date

    ds = generate(seed=2, households=40, weeks=2, today=date(2026, 11, 27))
    storage = SqliteStorage(tmp_path / "s.db")
    first = load_demo(storage, ds)
    assert (first.households, first.visits) == (40, len(ds.visits))
    second = load_demo(storage, ds)
    assert second.households == second.visits == second.members == 0
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(dataset_to_json(ds), ensure_ascii=False), encoding="utf-8")
    storage.close()
    assert (
        main(["admin", "load-demo", "--database", str(tmp_path / "cli.db"), "--dataset", str(path)])
        == 0
    )


def test_admin_cli_round_trip(database, capsys):
    db = database  # an SQLite file or a postgresql:// URL: every admin command takes both
    assert (
        main(
            [
                "admin",
                "create-ward-villages",
                "--database",
                db,
                "--ward",
                "18754",
                "--name",
                "Thôn Đông",
                "--name",
                "Thôn Tây",
            ]
        )
        == 0
    )
    assert main(["admin", "list", "villages", "--database", db]) == 0
    villages = json.loads(capsys.readouterr().out.split("\n", 2)[2])
    vid = villages[0]["id"]
    assert (
        main(
            [
                "admin",
                "create-team",
                "--database",
                db,
                "--name",
                "Tổ 1",
                "--ward",
                "18754",
                "--village",
                vid,
                "--id",
                "t1",
            ]
        )
        == 0
    )
    assert (
        main(["admin", "create-member", "--database", db, "--name", "Lê Thị Lan", "--team", "t1"])
        == 0
    )
    member_id = capsys.readouterr().out.strip().rsplit(": ", 1)[1]
    assert main(["admin", "issue-code", "--database", db, "--member", member_id]) == 0
    assert "Mã đăng ký" in capsys.readouterr().out
    assert main(["admin", "create-officer", "--database", db, "--name", "Cán bộ"]) == 0
    assert main(["admin", "create-team", "--database", db, "--name", "X", "--ward", "1"]) == 2
    assert "Lỗi" in capsys.readouterr().err
    assert main(["admin", "revoke-device", "--database", db, "--device", "nope"]) == 2
    assert main(["admin", "new-epoch", "--database", db]) == 0


@pytest.mark.parametrize("command", ["serve", "admin"])
def test_commands_documented(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--database" in capsys.readouterr().out or command == "admin"


def test_logs_are_json_without_personal_data(world: World, capsys):
    from fieldapp.server.logs import setup_logging

    setup_logging("info")
    a = world.device("a1")
    h = household(a, name="Nguyễn Thị Ánh", phone="0912345678")
    visit(a, h, notes="Bà Ánh nhờ hướng dẫn")
    assert world.sync(a).ok
    world.client.get("/api/v1/me", headers=API)
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    assert {x["event"] for x in lines} >= {"enrolled", "push", "pull", "request_refused"}
    text = json.dumps(lines, ensure_ascii=False)
    for secret in ("Ánh", "0912345678", "+84912345678", "hướng dẫn", a.meta_get("device_token")):
        assert secret not in text


def test_a_version_1_phone_is_told_to_update_and_keeps_nothing_half_done(world: World):
    """Version 1 cannot read dossier_update activities back from a pull (issue 15)."""
    a = world.device("a1")
    old = {**world.token_headers(a), "X-Fieldapp-Protocol": "1"}
    assert_error(world.client.get("/api/v1/me", headers=old), 426, "protocol_version")
    pushed = world.client.post("/api/v1/push", json={"device_id": "a1", "batch": []}, headers=old)
    assert_error(pushed, 426, "protocol_version")
    assert_error(world.client.get("/api/v1/pull", headers=old), 426, "protocol_version")
