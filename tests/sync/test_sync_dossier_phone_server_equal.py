"""The phone's derived dossiers equal the server's ``dossiers`` table in the cases where
the phone holds something the server does not keep (its own quarantined visit) or holds
many households at once (the server derives one household at a time)."""

from __future__ import annotations

import uuid

from fieldapp_harness import World, household, sync_until, visit

from fieldapp.reference import load_procedures
from fieldapp.server.dossiers import DOSSIER_COLUMNS, dossier_row

PROCS = load_procedures()


def server_dossiers(world: World) -> list[tuple]:
    rows = world.server_rows(f"SELECT {', '.join(DOSSIER_COLUMNS)} FROM dossiers")
    return sorted(tuple(r) for r in rows)


def phone_dossiers(store) -> list[tuple]:
    return sorted(dossier_row(d, PROCS) for d in store.dossiers())


def submission(dossier_id: str, **extra) -> dict:
    return {
        "kind": "dossier_submitted",
        "procedure_code": "1.004222",
        "level": "full",
        "dossier_id": dossier_id,
        **extra,
    }


def test_a_correction_quarantined_on_the_server_stops_counting_in_the_phones_dossiers(
    world: World,
):
    a1, a2 = world.device("a1"), world.device("a2")
    hid = household(a1)
    dossier = uuid.uuid4().hex
    at = "2026-11-02T09:00:00+07:00"
    first = visit(a1, hid, visited_at=at, activities=[submission(dossier)])
    assert world.sync(a1).ok
    sync_until(world, a2, lambda: len(a2.dossiers()) == 1)
    # Both phones correct the submission offline; a1's correction reaches the server first,
    # a2's is quarantined (already_superseded) and the server never keeps it.
    visit(
        a1,
        hid,
        visited_at=at,
        supersedes=first,
        activities=[submission(dossier, dossier_no="H1-1")],
    )
    visit(
        a2,
        hid,
        visited_at="2026-11-02T08:00:00+07:00",  # sorts before a1's: it would stand
        supersedes=first,
        activities=[submission(dossier, dossier_no="H2-2", fee_status="awaiting_payment")],
    )
    assert world.sync(a1).ok
    assert world.sync(a2).quarantined == 1
    # (On PostgreSQL the pull may bring a1's correction a sync later: the feed's fence.)
    sync_until(world, a2, lambda: [d.dossier_no for d in a2.dossiers()] == ["H1-1"])
    assert phone_dossiers(a2) == server_dossiers(world) == phone_dossiers(a1)


def test_a_dossier_id_reused_in_another_household_hides_no_dossier_on_the_phone(world: World):
    a1, a2 = world.device("a1"), world.device("a2")
    h1, h2 = household(a1), household(a1, name="Lê Văn Bảo")
    dossier = uuid.uuid4().hex
    visit(a1, h1, visited_at="2026-11-02T09:00:00+07:00", activities=[submission(dossier)])
    assert world.sync(a1).ok
    sync_until(world, a2, lambda: len(a2.dossiers()) == 1)
    # Another phone of the team names the same dossier id in another household, its clock
    # earlier: the server keeps both households' dossiers apart, and so must the phone.
    visit(a2, h2, visited_at="2026-10-01T09:00:00+07:00", activities=[submission(dossier)])
    assert world.sync(a2).ok
    sync_until(world, a1, lambda: len(server_dossiers(world)) == 2)
    sync_until(world, a1, lambda: len(a1.dossiers()) == 2)
    assert phone_dossiers(a1) == server_dossiers(world) == phone_dossiers(a2)
