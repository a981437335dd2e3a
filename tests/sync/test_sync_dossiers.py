"""Dossier follow-ups across phones: made offline on two phones, with lost and doubled
answers, they converge to one state on both phones and the server (both backends)."""

from __future__ import annotations

import uuid

from fieldapp_harness import World, household, sync_until, visit

from fieldapp.domain.dossier import derive_dossiers
from fieldapp.domain.model import Channel, DossierStatus, FeeStatus, PaymentStatus
from fieldapp.reference import load_procedures
from fieldapp.server.dossiers import DOSSIER_COLUMNS, dossier_row

PROCS = load_procedures()


def server_dossiers(world: World) -> list[tuple]:
    rows = world.server_rows(
        f"SELECT {', '.join(DOSSIER_COLUMNS)} FROM dossiers ORDER BY submitted_at, dossier_id"
    )
    return [tuple(r) for r in rows]


def phone_dossiers(store) -> list[tuple]:
    return [dossier_row(d, PROCS) for d in store.dossiers()]


def submit(store, hid, dossier_id, at="2026-11-02T09:00:00+07:00"):
    return visit(
        store,
        hid,
        visited_at=at,
        activities=[
            {
                "kind": "dossier_submitted",
                "procedure_code": "1.004222",
                "level": "full",
                "dossier_id": dossier_id,
                "dossier_no": "H42.18754-261102-0001",
            }
        ],
    )


def follow_up(store, hid, at, channel="home", **changes):
    return visit(
        store,
        hid,
        visited_at=at,
        channel=channel,
        activities=[{"kind": "dossier_update", "dossier_id": DOSSIER, **changes}],
    )


DOSSIER = uuid.uuid4().hex


def test_follow_ups_on_two_phones_converge_with_faults(world: World):
    a1, a2 = world.device("a1"), world.device("a2")
    hid = household(a1)
    sub = submit(a1, hid, DOSSIER)
    # The submission's push answer is lost: the retry is a harmless duplicate.
    report = world.sync(a1, world.transport(faults=[None, "drop_response"]))
    assert report.ok and (report.pushed, report.duplicates) == (0, 2)
    # a2 now holds the household, the visit, hence the dossier.
    sync_until(world, a2, lambda: [d.dossier_id for d in a2.dossiers()] == [DOSSIER])

    # Offline on both phones. a2 (its clock an hour behind) hears by phone that the
    # dossier is being processed and a fee is asked; a1, at the desk, that the result came
    # and the fee was paid (receipt checked).
    follow_up(
        a2,
        hid,
        "2026-11-05T08:00:00+07:00",
        channel="phone",
        dossier_status="processing",
        fee_status="awaiting_payment",
    )
    follow_up(
        a1,
        hid,
        "2026-11-09T10:00:00+07:00",
        channel="desk",
        dossier_status="result_received",
        fee_status="paid_online",
        payment_status="verified",
        receipt_no="BL-2611-00007",
    )
    # a1 first (its push doubled), then a2 (its answer lost once), then both pull.
    assert world.sync(a1, world.transport(faults=[None, "duplicate"])).ok
    report = world.sync(a2, world.transport(faults=[None, "drop_response"]))
    assert report.ok and report.duplicates == 1
    sync_until(world, a1, lambda: len(a1.visits_for_household(hid)) == 3)
    sync_until(world, a2, lambda: len(a2.visits_for_household(hid)) == 3)

    assert world.count("visits") == 3
    on_server = server_dossiers(world)
    assert len(on_server) == 1
    assert phone_dossiers(a1) == phone_dossiers(a2) == on_server
    (state,) = a1.dossiers()
    # Hand-folded: submitted → processing, fee asked (5/11, phone) → result, paid (9/11, desk).
    assert state.status is DossierStatus.RESULT_RECEIVED
    assert (state.fee_status, state.payment_status) == (
        FeeStatus.PAID_ONLINE,
        PaymentStatus.VERIFIED,
    )
    assert state.receipt_no == "BL-2611-00007"
    assert state.channel is Channel.DESK  # the last word came at the support desk
    assert state.submitted_visit_id == sub
    assert state.dossier_no == "H42.18754-261102-0001"


def test_an_update_arriving_with_an_older_clock_is_applied_after_its_submission(world: World):
    a1, a2 = world.device("a1"), world.device("a2")
    hid = household(a1)
    submit(a1, hid, DOSSIER, at="2026-11-02T09:00:00+07:00")
    assert world.sync(a1).ok
    sync_until(world, a2, lambda: a2.household(hid) is not None)
    # a2's clock is days behind: its update reads as older than the submission.
    follow_up(a2, hid, "2026-10-30T09:00:00+07:00", dossier_status="refused")
    assert world.sync(a2).ok
    sync_until(world, a1, lambda: len(a1.visits_for_household(hid)) == 2)
    (row,) = server_dossiers(world)
    assert phone_dossiers(a1) == phone_dossiers(a2) == [row]
    assert row[DOSSIER_COLUMNS.index("status")] == "refused"


def test_a_corrected_follow_up_replaces_the_first_on_every_side(world: World):
    a1, a2 = world.device("a1"), world.device("a2")
    hid = household(a1)
    submit(a1, hid, DOSSIER)
    assert world.sync(a1).ok
    sync_until(world, a2, lambda: a2.household(hid) is not None)
    wrong = follow_up(a2, hid, "2026-11-05T09:00:00+07:00", dossier_status="refused")
    assert world.sync(a2).ok
    visit(
        a2,
        hid,
        visited_at="2026-11-05T09:05:00+07:00",
        supersedes=wrong,
        activities=[
            {"kind": "dossier_update", "dossier_id": DOSSIER, "dossier_status": "needs_papers"}
        ],
    )
    assert world.sync(a2).ok
    sync_until(world, a1, lambda: len(a1.visits_for_household(hid)) == 3)
    (row,) = server_dossiers(world)
    assert row[DOSSIER_COLUMNS.index("status")] == "needs_papers"
    assert phone_dossiers(a1) == phone_dossiers(a2) == [row]


def test_server_table_equals_the_derivation_over_its_own_visits(world: World):
    """The pushed table against derive_dossiers over what the server holds."""
    a1 = world.device("a1")
    hids = [household(a1, name=f"Hộ {i}") for i in range(3)]
    ids = [uuid.uuid4().hex for _ in hids]
    for hid, did in zip(hids, ids, strict=True):
        submit(a1, hid, did)
    visit(
        a1,
        hids[1],
        visited_at="2026-11-04T09:00:00+07:00",
        activities=[{"kind": "dossier_update", "dossier_id": ids[1], "dossier_status": "refused"}],
    )
    assert world.sync(a1).ok
    every = [v for hid in hids for v in a1.visits_for_household(hid)]
    derived = sorted(
        (dossier_row(d, PROCS) for d in derive_dossiers(every).values()),
        key=lambda r: (r[5], r[1]),
    )
    assert server_dossiers(world) == derived
