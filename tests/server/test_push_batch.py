"""One push batch whose mutations depend on each other: the bulk path (lookups loaded
once per batch, visits inserted together) must decide exactly as one-by-one would."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fieldapp_harness import World, household, visit


def _visit(vid: str, hid: str, member: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": vid,
        "household_id": hid,
        "member_id": member,
        "visited_at": "2026-11-20T09:00:00+07:00",
        "consent": "given",
        "outcome": "done",
        "people_guided": 1,
        "activities": [{"kind": "vneid_installed"}, {"kind": "vneid_level2"}],
        **extra,
    }


def _push(world: World, store, items: list[tuple[str, str, str, dict, int | None]]) -> dict:
    batch = [
        {
            "seq": i + 1,
            "entity": entity,
            "entity_id": entity_id,
            "op": op,
            "payload": payload,
            "base_version": base,
            "created_at": "2026-11-20T09:00:00+07:00",
        }
        for i, (entity, entity_id, op, payload, base) in enumerate(items)
    ]
    r = world.client.post(
        "/api/v1/push",
        json={"device_id": store.device_id, "batch": batch},
        headers=world.token_headers(store),
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_batch_with_dependent_mutations_decides_like_one_by_one(world: World):
    a = world.device("a1")
    member = a.meta_get("member_id")
    h, moved, v1, v2, v3, v4, v5 = (str(uuid.uuid4()) for _ in range(7))
    house = {"id": h, "village_id": "v1", "head_name": "Nguyễn Thị Ánh"}
    other = {"id": moved, "village_id": "v1", "head_name": "Lê Văn Bảo"}
    items = [
        ("visit", v1, "create", _visit(v1, h, member), None),  # household not yet there
        ("household", h, "create", house, None),
        ("household", moved, "create", other, None),
        ("visit", v2, "create", _visit(v2, h, member), None),
        ("visit", v2, "create", _visit(v2, h, member), None),  # identical repeat
        ("visit", v2, "create", _visit(v2, h, member, people_guided=3), None),
        ("visit", v3, "create", _visit(v3, h, member, supersedes=v2), None),
        ("visit", v4, "create", _visit(v4, h, member, supersedes=v2), None),
        ("visit", v5, "create", _visit(v5, moved, member), None),
        ("household", moved, "update", {"id": moved, "fields": {"village_id": "v2"}}, 1),
        ("visit", v1, "create", _visit(v1, moved, member), None),
    ]
    answer = _push(world, a, items)
    got = [(r["status"], r["code"]) for r in answer["results"]]
    assert got == [
        ("quarantined", "unknown_household"),
        ("applied", None),
        ("applied", None),
        ("applied", None),
        ("applied", None),
        ("quarantined", "visit_conflict"),
        ("applied", None),
        ("quarantined", "already_superseded"),
        ("applied", None),
        ("applied", None),
        ("applied", None),
    ]
    assert answer["high_water_mark"] == 11
    rows = dict(
        (r[0], r[1:])
        for r in world.server_rows(
            "SELECT id, household_id, village_id, superseded_by, people_guided FROM visits"
        )
    )
    assert rows == {
        v2: (h, "v1", v3, 1),
        v3: (h, "v1", None, 1),
        # Inserted before the move, then moved with its household; v1 arrived after it.
        v5: (moved, "v2", None, 1),
        v1: (moved, "v2", None, 1),
    }
    assert world.count("visit_activities") == 8
    assert world.server_rows("SELECT visit_count FROM households WHERE id = ?", [h]) == [(1,)]
    assert world.server_rows("SELECT visit_count FROM households WHERE id = ?", [moved]) == [(2,)]
    # Every applied record is on the pull feed once, in commit order.
    stamped = world.server_rows("SELECT entity_id FROM changes ORDER BY change_seq")
    assert sorted(r[0] for r in stamped) == sorted([h, moved, v1, v2, v3, v5])
    assert world.count("quarantine") == 3 and world.count("mutation_log") == 11
    # The same batch again: every entry a duplicate, nothing written twice.
    again = _push(world, a, items)
    assert again["high_water_mark"] == 11
    assert [(r["status"], r["code"]) for r in again["results"]] == [
        ("duplicate", code) for _, code in got
    ]
    assert world.count("visits") == 4 and world.count("quarantine") == 3


def test_visits_of_known_households_across_many_households(world: World):
    a = world.device("a1")
    hs = [household(a, name=f"Hộ {i}") for i in range(60)]
    assert world.sync(a).ok
    member = a.meta_get("member_id")
    b = world.device("b1")
    outside = household(b, village="v3")
    assert world.sync(b).ok
    ids = [str(uuid.uuid4()) for _ in range(400)]
    items = [
        ("visit", vid, "create", _visit(vid, hs[i % 60], member), None) for i, vid in enumerate(ids)
    ]
    items.append(
        ("visit", str(uuid.uuid4()), "create", _visit(str(uuid.uuid4()), hs[0], member), None)
    )
    stray = str(uuid.uuid4())
    items.append(("visit", stray, "create", _visit(stray, outside, member), None))
    # The device's counter continues after what it already sent.
    first = a.db.execute("SELECT max(seq) FROM outbox").fetchone()[0]
    batch = [
        {
            "seq": first + i + 1,
            "entity": e,
            "entity_id": eid,
            "op": op,
            "payload": p,
            "base_version": base,
            "created_at": "2026-11-20T09:00:00+07:00",
        }
        for i, (e, eid, op, p, base) in enumerate(items)
    ]
    r = world.client.post(
        "/api/v1/push",
        json={"device_id": a.device_id, "batch": batch},
        headers=world.token_headers(a),
    ).json()
    codes = [x["code"] for x in r["results"]]
    assert codes[:400] == [None] * 400
    assert codes[400:] == ["id_mismatch", "out_of_scope"]
    assert world.count("visits") == 400
    assert world.server_rows("SELECT sum(visit_count) FROM households WHERE village_id = 'v1'") == [
        (400,)
    ]


def test_spliced_push_body_is_the_outbox_as_json(world: World):
    a = world.device("a1")
    h = household(a, name='Hộ "Ánh" \\ 1')
    for _ in range(3):
        visit(a, h, notes="Đã hướng dẫn")
    a.save_household({"id": h, "village_id": "v1", "head_name": "Hộ Ánh", "phone": "0912345678"})
    entries = a.pending_outbox()
    sent, body = a.sync.pending_push(a.device_id, limit=500, max_bytes=512_000)
    assert [e.seq for e in sent] == [e.seq for e in entries]
    assert json.loads(body) == {
        "device_id": a.device_id,
        "batch": [
            {
                "seq": e.seq,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "op": e.op,
                "payload": e.payload,
                "base_version": e.base_version,
                "created_at": e.created_at,
            }
            for e in entries
        ],
    }
    # Bounded like pending_outbox, and starting after a known floor.
    small, _ = a.sync.pending_push(a.device_id, limit=500, max_bytes=200)
    assert len(small) == len(a.pending_outbox(max_bytes=200))
    later, _ = a.sync.pending_push(a.device_id, after_seq=entries[1].seq, limit=2, max_bytes=10**6)
    assert [e.seq for e in later] == [e.seq for e in entries[2:4]]
    report = world.sync(a, batch_records=2)
    assert report.ok and report.pushed == 5 and a.pending_count() == 0
    assert a.db.execute("SELECT dirty FROM households").fetchall() == [(0,)]
    assert a.db.execute("SELECT DISTINCT sync_status FROM visits").fetchall() == [("synced",)]


def test_digests_logged_before_orjson_still_recognise_resends(world: World):
    from fieldapp.server.push import _digest_v1
    from fieldapp.sync.protocol import Mutation

    a = world.device("a1")
    member = a.meta_get("member_id")
    h, v = str(uuid.uuid4()), str(uuid.uuid4())
    items = [
        ("household", h, "create", {"id": h, "village_id": "v1", "head_name": "Hộ Ánh"}, None),
        ("visit", v, "create", _visit(v, h, member, notes="Đã hướng dẫn"), None),
    ]
    _push(world, a, items)
    logged = world.server_rows("SELECT seq, digest FROM mutation_log ORDER BY seq")
    assert all(d.startswith("2:") for _, d in logged)
    # The log as an older server wrote it (standard-json digests, no prefix).
    with world.storage.db.write() as w:
        for seq, (entity, entity_id, op, payload, base) in enumerate(items, 1):
            m = Mutation(
                seq=seq,
                entity=entity,
                entity_id=entity_id,
                op=op,
                payload=payload,
                base_version=base,
                created_at="x",
            )
            w.conn.execute("UPDATE mutation_log SET digest = ? WHERE seq = ?", [_digest_v1(m), seq])
    again = _push(world, a, items)
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    changed = [items[0], ("visit", v, "create", _visit(v, h, member, notes="khác"), None)]
    r = world.client.post(
        "/api/v1/push",
        json={
            "device_id": a.device_id,
            "batch": [
                {
                    "seq": i + 1,
                    "entity": e,
                    "entity_id": eid,
                    "op": op,
                    "payload": p,
                    "base_version": b,
                    "created_at": "x",
                }
                for i, (e, eid, op, p, b) in enumerate(changed)
            ],
        },
        headers=world.token_headers(a),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "device_reset"
    assert world.count("visits") == 1
