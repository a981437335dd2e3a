"""Bodies and cursors no record can hold get a 4xx naming the field, before anything is
stored, on every route; what is stored can always be listed.

Real app over a real SQLite file. The hostile tester's cases: a value nested 300 levels
deep (1 KB) in a quarantined record broke the quarantine list for good; 600 levels
answered 500 (RecursionError); a lone surrogate in a note answered 500, and the resend
too; a page cursor decoding to a lone surrogate answered 500.
"""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from fieldapp_harness import World, household, visit_mutation

from fieldapp.domain.validation import ValidationError


def _nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = {"a": [value]} if len(str(levels)) % 2 else [value]
    return value


def _deep_text(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def _visit(store, household_id: str, **extra) -> dict:
    m = visit_mutation(store, household_id, **extra)
    return {**m, "seq": 1, "created_at": "2026-11-20T09:00:00+00:00"}


def _post_raw(world: World, store, text: str):
    headers = {**world.token_headers(store), "Content-Type": "application/json"}
    return world.client.post("/api/v1/push", headers=headers, content=text.encode("utf-8"))


def _nothing_stored(world: World, store) -> None:
    assert world.count("quarantine") == 0 and world.count("visits") == 0
    me = world.client.get("/api/v1/me", headers=world.token_headers(store)).json()
    assert me["high_water_mark"] == 0


@pytest.mark.parametrize("levels", [20, 300, 600, 5000])
def test_deep_nesting_in_a_record_is_refused_naming_the_field(world: World, levels: int):
    a = world.device("a1")
    h = household(a)
    mutation = _visit(a, h, extra_field="PLACEHOLDER")
    text = json.dumps({"device_id": a.device_id, "batch": [mutation]})
    text = text.replace('"PLACEHOLDER"', _deep_text(levels))
    for _attempt in range(2):  # the resend is answered the same way
        r = _post_raw(world, a, text)
        assert r.status_code == (400 if levels > 1000 else 422), r.text
        error = r.json()["error"]
        # Past what a parser can walk (thousands of levels) the body as a whole is named.
        named = "body" if levels > 1000 else "batch.0.payload.extra_field"
        assert error["field"].startswith(named), error
        assert "sâu" in error["message_vi"]
    _nothing_stored(world, a)


@pytest.mark.parametrize(
    "where, field",
    [
        ("notes", "batch.0.payload.notes"),
        ("key", "batch.0.payload.Lan \\ud800 ghi chú"),  # the key named with its escape
        ("activity", "batch.0.payload.activities.0.text"),
    ],
)
def test_lone_surrogate_is_refused_naming_the_field_and_resend_too(world: World, where, field):
    a = world.device("a1")
    h = household(a)
    if where == "notes":
        mutation = _visit(a, h, notes="PLACEHOLDER")
    elif where == "key":
        mutation = _visit(a, h, PLACEHOLDER=1)
    else:
        mutation = _visit(a, h, activities=[{"kind": "other", "text": "PLACEHOLDER"}])
    text = json.dumps({"device_id": a.device_id, "batch": [mutation]}, ensure_ascii=False)
    text = text.replace("PLACEHOLDER", "Lan \\ud800 ghi chú")
    for _attempt in range(2):
        r = _post_raw(world, a, text)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == field, r.text
    _nothing_stored(world, a)


def test_raw_surrogate_bytes_and_nan_are_refused(world: World):
    a = world.device("a1")
    h = household(a)
    good = json.dumps({"device_id": a.device_id, "batch": [_visit(a, h, notes="PLACE")]})
    headers = {**world.token_headers(a), "Content-Type": "application/json"}
    raw = good.encode().replace(b"PLACE", b"\xed\xa0\x80")  # a surrogate in UTF-8 form
    r = world.client.post("/api/v1/push", headers=headers, content=raw)
    assert 400 <= r.status_code < 500 and r.json()["error"]["field"], r.text
    nan = good.replace('"people_guided": 1', '"people_guided": NaN')
    r = world.client.post("/api/v1/push", headers=headers, content=nan.encode())
    assert 400 <= r.status_code < 500 and r.json()["error"]["field"] == "body", r.text
    _nothing_stored(world, a)


def test_oversize_text_is_refused_naming_the_field(world: World):
    a = world.device("a1")
    h = household(a)
    body = {"device_id": a.device_id, "batch": [_visit(a, h, cccd_scan="x" * 200_000)]}
    r = world.client.post("/api/v1/push", headers=world.token_headers(a), json=body)
    assert r.status_code == 413, r.text
    assert r.json()["error"]["field"] == "batch.0.payload.cccd_scan"
    _nothing_stored(world, a)


def test_every_json_route_refuses_deep_and_invalid_bodies(world: World):
    lead = world.device("leader_a")
    headers = {**world.token_headers(lead), "Content-Type": "application/json"}
    routes = [
        (path, method)
        for path, ops in world.app.openapi()["paths"].items()
        for method in ops
        if method in ("post", "put", "patch")
    ]
    assert ("/api/v1/push", "post") in routes and len(routes) >= 5
    for path, method in routes:
        url = path.replace("{device_id}", "d").replace("{member_id}", "m")
        for text in (_deep_text(600), '{"name": "\\udc00"}', "[" * 100_000 + "]" * 100_000):
            r = world.client.request(method, url, headers=headers, content=text.encode())
            assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:200])
            assert r.json()["error"]["field"], (path, r.text[:200])


def test_cursor_decoding_to_a_lone_surrogate_is_refused(world: World):
    lead = world.device("leader_a")
    for raw in (
        b'["\\ud800", "x"]',
        b'["a", "\\udfff"]',
        b"[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]",
    ):
        cursor = base64.urlsafe_b64encode(raw).decode()
        r = world.client.get(
            "/api/v1/coverage/gaps",
            params={"village_id": "v1", "cursor": cursor},
            headers=world.token_headers(lead),
        )
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == "cursor"


def test_what_is_stored_can_always_be_listed(world: World):
    """A record stored before these limits (300 levels deep, a lone surrogate, NaN) must
    not make the quarantine list answer 500 for the leader and the officers."""
    a, lead = world.device("a1"), world.device("leader_a")
    stored = [json.dumps(_nested(300)), '{"notes": "\\ud800"}', '{"n": NaN}', '{"ok": 1}']
    with world.storage.db.write() as w:
        for i, payload in enumerate(stored, start=1):
            w.conn.execute(
                "INSERT INTO quarantine (device_id, member_id, team_id, seq, entity, entity_id,"
                " op, payload, base_version, reason, detail, village_id, device_created_at,"
                " received_at) VALUES (?, ?, ?, ?, 'visit', ?, 'create', ?, NULL, 'invalid',"
                " '{}', 'v1', '', '2026-11-20T09:00:00+00:00')",
                [a.device_id, a.meta_get("member_id"), "team-a", i, str(uuid.uuid4()), payload],
            )
    for who in (lead, world.device("officer")):
        r = world.client.get("/api/v1/admin/quarantine", headers=world.token_headers(who))
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert len(items) == 4 and items[-1]["payload"] == {"ok": 1}


def test_the_phone_refuses_invalid_text_with_a_field_message(world: World):
    a = world.device("a1")
    with pytest.raises(ValidationError) as err:
        household(a, "v1", "Lan \ud800")
    assert err.value.by_field() == {"head_name": "Có ký tự không hợp lệ; hãy xoá và gõ lại."}
    assert a.pending_count() == 0
