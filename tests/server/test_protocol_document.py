"""docs/protocol.md and the server say the same thing.

* Every JSON answer carries ``epoch`` in its body: every route of the OpenAPI list is
  called (a route added later is called too), answers and refusals alike.
* One sequence number twice in a batch follows the document's resend rule.
* The document's table of error codes is exactly the server's catalogue, and every code
  the server code raises is in it.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from fieldapp_harness import World, household, visit

from fieldapp.server.errors import MESSAGES
from fieldapp.sync.protocol import PROTOCOL_VERSION

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")


def _filled(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "x"), path)


def test_every_json_answer_of_every_route_carries_the_epoch_in_its_body(world: World):
    a, lead, officer = world.device("a1"), world.device("leader_a"), world.device("officer")
    hid = household(a)
    vid = visit(a, hid)
    assert world.sync(a).ok
    ids = {
        "household_id": hid,
        "visit_id": vid,
        "member_id": world.members["a2"].id,
        "device_id": a.device_id,
    }
    bodies = {
        "/api/v1/enrol": {"code": "ABCD-EFGH", "device_id": str(uuid.uuid4()), "next_seq": 1},
        "/api/v1/push": {"device_id": lead.device_id, "batch": []},
        "/api/v1/admin/villages": {"ward_code": "18754", "name": "Thôn Mới"},
        "/api/v1/admin/teams": {"ward_code": "18754", "name": "Tổ Mới", "village_ids": []},
        "/api/v1/admin/members": {"name": "Đỗ Văn Khải", "team_id": "team-a"},
        "/api/v1/admin/members/{member_id}/move": {"team_id": "team-b"},
        "/api/v1/admin/enrol-codes": {"member_id": ids["member_id"]},
    }
    answered = []
    paths = world.app.openapi()["paths"]
    for path, ops in paths.items():
        for method in ops:
            for who in (lead, officer, None):  # an answer and the refusals
                headers = (
                    world.token_headers(who) if who else {"X-Fieldapp-Protocol": PROTOCOL_VERSION}
                )
                kwargs = {"json": bodies.get(path, {})} if method != "get" else {}
                if path == "/api/v1/coverage/gaps":
                    kwargs["params"] = {"village_id": "v1"}
                elif path.startswith("/api/v1/coverage/"):
                    kwargs["params"] = {"from": "2026-11-01", "to": "2026-11-30"}
                r = world.client.request(method, _filled(path, ids), headers=headers, **kwargs)
                assert r.headers["content-type"].startswith("application/json"), path
                body = r.json()
                assert isinstance(body, dict), (path, body)
                assert body.get("epoch") == world.storage.epoch, (method, path, r.status_code)
                answered.append((method, path, r.status_code))
    ok_routes = {(m, p) for m, p, status in answered if status < 300}
    # Every route answered at least once with success, not only with refusals (enrol
    # needs a live code: its refusals are checked above).
    missing = {(m, p) for p, ops in paths.items() for m in ops} - ok_routes
    assert missing == {("post", "/api/v1/enrol")}, sorted(missing)


def _push(world: World, store, batch: list[dict]):
    return world.client.post(
        "/api/v1/push",
        headers=world.token_headers(store),
        json={"device_id": store.device_id, "batch": batch},
    )


def _household_mutation(seq: int, hid: str, name: str) -> dict:
    return {
        "seq": seq,
        "entity": "household",
        "entity_id": hid,
        "op": "create",
        "payload": {"id": hid, "village_id": "v1", "head_name": name},
        "base_version": None,
        "created_at": "2026-11-20T09:00:00+00:00",
    }


def test_one_number_twice_in_a_batch_is_a_resend_of_its_first_copy(world: World):
    a = world.device("a1")
    hid = str(uuid.uuid4())
    same = _household_mutation(1, hid, "Nguyễn Thị Ánh")
    r = _push(world, a, [same, same])
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied", "duplicate"]
    assert r.json()["high_water_mark"] == 1
    assert world.count("households") == 1 and world.count("mutation_log") == 1

    other = str(uuid.uuid4())
    r = _push(
        world,
        a,
        [_household_mutation(2, other, "Lê Văn B"), _household_mutation(2, other, "Lê Văn C")],
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "device_reset", r.text
    assert world.count("households") == 1 and world.count("mutation_log") == 1  # nothing kept


def _documented_codes() -> dict[str, str]:
    section = DOC.split("### Error codes", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3})", section, flags=re.M))


def _raised_codes() -> set[str]:
    pattern = re.compile(r'ApiError\(\s*"([a-z_]+)"')
    return {
        code
        for path in (ROOT / "fieldapp").rglob("*.py")
        for code in pattern.findall(path.read_text(encoding="utf-8"))
    }


def test_the_document_lists_every_error_code_the_server_can_return():
    documented = _documented_codes()
    assert set(documented) == set(MESSAGES), set(documented) ^ set(MESSAGES)
    assert _raised_codes() <= set(documented), _raised_codes() - set(documented)
    for code, (status, _, _) in MESSAGES.items():
        assert documented[code] == str(status), code
