"""A visit whose device clock is at the very edge of the calendar (year 1 or 9999, with an
offset that crosses it in UTC) is data, never order: it is stored and flagged, and the
dossiers derived from its household on the server and on the phone are still computed —
never a 500 that would jam the phone's queue, never a crash of the follow-up list."""

from __future__ import annotations

import uuid

import pytest
from fieldapp_harness import World, household, push_raw, visit_mutation, visit_payload

EDGE_TIMES = ["9999-12-31T23:59:59-12:00", "0001-01-01T01:00:00", "0001-01-01T00:30:00+05:00"]


def submission(dossier_id: str) -> list[dict]:
    return [
        {
            "kind": "dossier_submitted",
            "procedure_code": "1.004222",
            "level": "full",
            "dossier_id": dossier_id,
        }
    ]


@pytest.mark.parametrize("at", EDGE_TIMES)
def test_push_of_a_visit_at_the_calendar_edge_is_applied(world: World, at: str):
    a1 = world.device("a1")
    hid = household(a1)
    assert world.sync(a1).ok
    dossier = uuid.uuid4().hex
    answer = push_raw(
        world, a1, [visit_mutation(a1, hid, visited_at=at, activities=submission(dossier))]
    )
    assert [r["status"] for r in answer["results"]] == ["applied"]
    rows = world.server_rows("SELECT dossier_id, household_id FROM dossiers")
    assert [tuple(r) for r in rows] == [(dossier, hid)]


@pytest.mark.parametrize("at", EDGE_TIMES)
def test_phone_derives_dossiers_beside_a_visit_at_the_calendar_edge(world: World, at: str):
    a1 = world.device("a1")
    hid = household(a1)
    dossier = uuid.uuid4().hex
    a1.save_visit(visit_payload(a1, hid, visited_at=at, activities=submission(dossier)))
    a1.save_visit(visit_payload(a1, hid, visited_at="2026-11-02T09:00:00+07:00"))
    assert [d.dossier_id for d in a1.dossiers(hid)] == [dossier]
    assert [d.dossier_id for d in a1.dossiers()] == [dossier]
