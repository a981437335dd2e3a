"""Authorisation matrix: a member of team A cannot read or write team B's villages,
households or visits, cannot widen scope by sending ids; revoked devices get 401."""

from __future__ import annotations

import uuid

import pytest
from fieldapp_harness import API, World, household, visit


@pytest.fixture
def setup(world: World):
    a1, b1 = world.device("a1"), world.device("b1")
    ha, hb = household(a1, "v1"), household(b1, "v3")
    va, vb = visit(a1, ha), visit(b1, hb)
    assert world.sync(a1).ok and world.sync(b1).ok and world.sync(a1).ok
    return world, a1, b1, ha, hb, va, vb


def _mutation(seq, entity, entity_id, payload, op="create"):
    return {
        "seq": seq,
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "payload": payload,
        "base_version": 1 if op == "update" else None,
        "created_at": "2026-11-20T09:00:00",
    }


def test_reads_are_scoped(setup):
    world, a1, _b1, ha, hb, va, vb = setup
    h = world.token_headers(a1)
    assert world.client.get(f"/api/v1/households/{ha}", headers=h).status_code == 200
    assert world.client.get(f"/api/v1/visits/{va}", headers=h).status_code == 200
    assert world.client.get(f"/api/v1/households/{hb}", headers=h).status_code == 404
    assert world.client.get(f"/api/v1/visits/{vb}", headers=h).status_code == 404
    pulled = world.client.get("/api/v1/pull", headers=h).json()
    ids = {c["entity_id"] for c in pulled["changes"]}
    assert ids == {ha, va} and pulled["village_ids"] == ["v1", "v2"]
    # Extra query parameters naming other villages or teams change nothing.
    widened = world.client.get("/api/v1/pull?village_id=v3&team_id=team-b", headers=h).json()
    assert {c["entity_id"] for c in widened["changes"]} == ids
    ref = world.client.get("/api/v1/reference", headers=h).json()
    assert {v["id"] for v in ref["villages"]} == {"v1", "v2"}
    assert {t["id"] for t in ref["teams"]} == {"team-a"}
    me = world.client.get("/api/v1/me", headers=h).json()
    assert me["team_id"] == "team-a" and me["role"] == "member"
    assert b1_not_in(a1, hb, vb)


def b1_not_in(store, *ids) -> bool:
    return all(store.household(i) is None and store.visit(i) is None for i in ids)


def test_writes_outside_scope_are_kept_for_review_not_applied(setup):
    world, a1, b1, _ha, hb, _va, vb = setup
    h = world.token_headers(a1)
    seq = world.server_rows("SELECT hwm FROM devices WHERE id = ?", [a1.device_id])[0][0]
    member = a1.meta_get("member_id")
    new_h = str(uuid.uuid4())
    new_v = str(uuid.uuid4())
    batch = [
        _mutation(seq + 1, "household", new_h, {"id": new_h, "village_id": "v3", "head_name": "X"}),
        _mutation(
            seq + 2, "household", hb, {"id": hb, "fields": {"head_name": "Đổi tên"}}, "update"
        ),
        _mutation(
            seq + 3,
            "visit",
            new_v,
            {
                "id": new_v,
                "household_id": hb,
                "member_id": member,
                "visited_at": "2026-11-20T09:00:00",
                "consent": "given",
                "outcome": "done",
            },
        ),
        # Claiming to be another member does not work either.
        _mutation(
            seq + 4,
            "visit",
            str(uuid.uuid4()),
            {
                "id": str(uuid.uuid4()),
                "household_id": hb,
                "member_id": b1.meta_get("member_id"),
                "visited_at": "2026-11-20T09:00:00",
                "consent": "given",
                "outcome": "done",
            },
        ),
    ]
    batch[3]["entity_id"] = batch[3]["payload"]["id"]
    r = world.client.post(
        "/api/v1/push", json={"device_id": a1.device_id, "batch": batch}, headers=h
    )
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == ["quarantined"] * 4
    assert {x["code"] for x in r.json()["results"]} == {"out_of_scope"}
    assert world.server_rows("SELECT head_name FROM households WHERE id = ?", [hb]) != [
        ("Đổi tên",)
    ]
    assert world.server_rows("SELECT count(*) FROM visits")[0][0] == 2
    assert world.server_rows("SELECT count(*) FROM households WHERE id = ?", [new_h])[0][0] == 0
    # Leader B sees what A's member tried in B's villages; leader A sees its own team's attempts.
    for leader in ("leader_a", "leader_b"):
        store = world.device(leader)
        items = world.client.get(
            "/api/v1/admin/quarantine", headers=world.token_headers(store)
        ).json()
        assert len(items["items"]) == 4, leader
    assert vb


def test_pushing_as_another_device_is_refused(setup):
    world, a1, b1, *_ = setup
    body = {"device_id": b1.device_id, "batch": []}
    r = world.client.post("/api/v1/push", json=body, headers=world.token_headers(a1))
    assert r.status_code == 403 and r.json()["error"]["code"] == "device_mismatch"


ADMIN_CALLS = [
    ("GET", "/api/v1/admin/quarantine", None),
    ("GET", "/api/v1/admin/conflicts", None),
    ("GET", "/api/v1/admin/devices", None),
    ("POST", "/api/v1/admin/villages", {"ward_code": "18754", "name": "Thôn lạ"}),
    ("POST", "/api/v1/admin/teams", {"name": "Tổ lạ", "ward_code": "18754", "village_ids": ["v3"]}),
    ("POST", "/api/v1/admin/members", {"name": "Người lạ", "team_id": "team-b"}),
    ("POST", "/api/v1/admin/enrol-codes", {"member_id": "B1"}),
    ("POST", "/api/v1/admin/devices/B1DEV/revoke", None),
    ("POST", "/api/v1/admin/members/B1/move", {"team_id": "team-a"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
def test_member_cannot_administer(setup, method, path, body):
    world, a1, b1, *_ = setup
    b1_member = b1.meta_get("member_id")
    path = path.replace("B1DEV", b1.device_id).replace("B1", b1_member)
    if body and body.get("member_id") == "B1":
        body = {"member_id": b1_member}
    r = world.client.request(method, path, json=body, headers=world.token_headers(a1))
    assert r.status_code in (403, 404), r.text
    assert r.json()["ok"] is False


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS[2:])
def test_leader_a_cannot_manage_team_b(setup, method, path, body):
    world, _a1, b1, *_ = setup
    leader = world.device("leader_a")
    b1_member = b1.meta_get("member_id")
    path = path.replace("B1DEV", b1.device_id).replace("B1", b1_member)
    if body and body.get("member_id") == "B1":
        body = {"member_id": b1_member}
    r = world.client.request(method, path, json=body, headers=world.token_headers(leader))
    if path.endswith("/devices"):
        assert b1.device_id not in r.text
    else:
        assert r.status_code in (403, 404), r.text
    assert world.server_rows("SELECT revoked_at FROM devices WHERE id = ?", [b1.device_id]) == [
        (None,)
    ]


ALL_ENDPOINTS = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/reference"),
    ("GET", "/api/v1/pull"),
    ("POST", "/api/v1/push"),
    ("GET", "/api/v1/households/x"),
    ("GET", "/api/v1/visits/x"),
    *[(m, p) for m, p, _ in ADMIN_CALLS],
    ("GET", "/api/v1/admin/villages"),
    ("GET", "/api/v1/admin/teams"),
    ("GET", "/api/v1/admin/members"),
]


@pytest.mark.parametrize(("method", "path"), ALL_ENDPOINTS)
def test_revoked_device_gets_401_everywhere(setup, method, path):
    world, a1, *_ = setup
    headers = world.token_headers(a1)
    world.storage.revoke_device(a1.device_id)
    body = {"device_id": a1.device_id, "batch": []} if path.endswith("push") else None
    r = world.client.request(method, path, json=body, headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    r = world.client.request(method, path, json=body, headers=API)
    assert r.status_code == 401
