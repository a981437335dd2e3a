"""Quarantine keeps rejected records for review, but never an ID-card number; a household
``create`` reusing an existing id with other content is refused, not merged."""

from __future__ import annotations

import uuid

from fieldapp_harness import World, household, push_raw

from fieldapp.server.push import REDACTED


def test_rejected_id_number_is_redacted_in_quarantine_and_for_leaders(world: World):
    a, lead = world.device("a1"), world.device("leader_a")
    h = household(a)
    assert world.sync(a).ok
    vid, hid2 = str(uuid.uuid4()), str(uuid.uuid4())
    visit = {
        "id": vid,
        "household_id": h,
        "member_id": a.meta_get("member_id"),
        "visited_at": "2026-11-20T09:00:00+07:00",
        "consent": "given",
        "outcome": "done",
        "people_guided": 1,
        "notes": "CCCD của chủ hộ: 001 203 004 567",
        "activities": [{"kind": "other", "text": "ghi số 001.203.004.567"}],
    }
    answer = push_raw(
        world,
        a,
        [
            {"entity": "visit", "entity_id": vid, "op": "create", "payload": visit},
            {
                "entity": "household",
                "entity_id": h,
                "op": "update",
                "payload": {"id": h, "fields": {"head_name": "Lan 0012-0300-4567"}},
                "base_version": 1,
            },
            {
                "entity": "household",
                "entity_id": hid2,
                "op": "create",
                "payload": {"id": hid2, "village_id": "v1", "head_name": "Bình 123456789"},
            },
        ],
    )
    assert [(r["status"], r["code"]) for r in answer["results"]] == [("quarantined", "invalid")] * 3
    stored = world.server_rows("SELECT payload FROM quarantine ORDER BY id")
    assert len(stored) == 3
    for (payload,) in stored:
        digits = "".join(ch for ch in payload if ch.isdigit())
        assert "001203004567" not in digits and "123456789" not in digits, payload
    items = world.client.get("/api/v1/admin/quarantine", headers=world.token_headers(lead)).json()[
        "items"
    ]
    by_id = {i["entity_id"]: i["payload"] for i in items}
    assert by_id[vid]["notes"] == REDACTED
    assert by_id[vid]["activities"][0]["text"] == REDACTED
    assert by_id[vid]["people_guided"] == 1  # the rest is kept for review
    assert by_id[h]["fields"]["head_name"] == REDACTED
    assert by_id[hid2]["head_name"] == REDACTED and by_id[hid2]["village_id"] == "v1"


def test_household_create_with_existing_id_and_other_content_is_quarantined(world: World):
    a, b = world.device("a1"), world.device("a2")
    hid = str(uuid.uuid4())
    household(a, "v1", "Nguyễn Văn A", id=hid, phone="0912345678")
    assert world.sync(a).ok
    household(b, "v2", "Trần Thị B", id=hid)  # b never pulled it; same id offline
    report = world.sync(b)
    assert report.ok and report.quarantined == 1 and report.pushed == 0
    assert world.server_rows("SELECT village_id, head_name, phone, version FROM households") == [
        ("v1", "Nguyễn Văn A", "+84912345678", 1)
    ]
    assert world.server_rows("SELECT reason, entity_id FROM quarantine") == [("id_conflict", hid)]
    assert world.count("conflicts") == 0


def test_household_create_repeated_with_identical_content_is_harmless(world: World):
    a = world.device("a1")
    hid = str(uuid.uuid4())
    household(a, "v1", "Nguyễn Văn A", id=hid)
    assert world.sync(a).ok
    payload = {"id": hid, "village_id": "v1", "head_name": "Nguyễn Văn A"}
    answer = push_raw(
        world, a, [{"entity": "household", "entity_id": hid, "op": "create", "payload": payload}]
    )
    assert [(r["status"], r["code"]) for r in answer["results"]] == [("applied", None)]
    assert world.count("quarantine") == 0
    assert world.server_rows("SELECT version FROM households") == [(1,)]


def test_a_refused_visit_without_consent_keeps_none_of_its_personal_details(world: World):
    """Declined consent with notes, GPS and a dossier number is refused — and the copy kept
    for review holds none of them (they are why it was refused, but need not be)."""
    a, lead = world.device("a1"), world.device("leader_a")
    h = household(a)
    assert world.sync(a).ok
    vid = str(uuid.uuid4())
    visit = {
        "id": vid,
        "household_id": h,
        "member_id": a.meta_get("member_id"),
        "visited_at": "2026-11-20T09:00:00+07:00",
        "consent": "declined",
        "outcome": "done",
        "people_guided": 1,
        "notes": "nhà bà Tư cạnh chợ",
        "gps": {"lat": 18.07, "lon": 106.29},
        "activities": [
            {
                "kind": "dossier_submitted",
                "procedure_code": "1.001193",
                "level": "full",
                "dossier_id": uuid.uuid4().hex,
                "dossier_no": "H42.18-261120-0007",
            }
        ],
    }
    answer = push_raw(
        world, a, [{"entity": "visit", "entity_id": vid, "op": "create", "payload": visit}]
    )
    assert [(r["status"], r["code"]) for r in answer["results"]] == [("quarantined", "invalid")]
    ((payload,),) = world.server_rows("SELECT payload FROM quarantine")
    for secret in ("bà Tư", "18.07", "106.29", "261120-0007"):
        assert secret not in payload, payload
    items = world.client.get("/api/v1/admin/quarantine", headers=world.token_headers(lead)).json()[
        "items"
    ]
    (kept,) = [i["payload"] for i in items if i["entity_id"] == vid]
    assert kept["notes"] == REDACTED and kept["gps"] is None
    assert kept["activities"][0]["dossier_no"] == REDACTED
    assert kept["activities"][0]["procedure_code"] == "1.001193"  # what review needs stays
