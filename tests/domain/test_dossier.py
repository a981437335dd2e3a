"""A dossier's state derived from visits: in order, whatever order they come in, with
corrections replacing what they correct; waiting and lateness against the catalogue."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest

from fieldapp.domain import ValidationError, parse_visit
from fieldapp.domain.dossier import (
    derive_dossiers,
    is_overdue,
    late_from,
    waiting_days,
    waiting_working_days,
)
from fieldapp.domain.model import (
    Channel,
    DossierStatus,
    FeeStatus,
    PaymentStatus,
    ProcedureLevel,
    Visit,
)
from fieldapp.reference import load_procedures

PROCS = load_procedures()
HOUSEHOLD = str(uuid.uuid4())
MEMBER = str(uuid.uuid4())
DOSSIER = uuid.uuid4().hex


def uid(n: int) -> str:
    """Ids whose order is known: uid(1) < uid(2) as strings."""
    return f"00000000-0000-4000-8000-{n:012d}"


def visit(n: int, at: str, *acts: dict, household: str = HOUSEHOLD, **over) -> Visit:
    data = {
        "id": uid(n),
        "household_id": household,
        "member_id": MEMBER,
        "visited_at": at,
        "consent": "given",
        "outcome": "done",
        "people_guided": 1,
        "activities": list(acts),
        **over,
    }
    return parse_visit(data, procedures=PROCS)


def submitted(code="1.004222", level="full", dossier_id=DOSSIER, **extra) -> dict:
    act = {"kind": "dossier_submitted", "procedure_code": code, "level": level, **extra}
    if dossier_id:
        act["dossier_id"] = dossier_id
    return act


def update(dossier_id=DOSSIER, **changes) -> dict:
    return {"kind": "dossier_update", "dossier_id": dossier_id, **changes}


def test_a_dossier_follows_its_updates_in_order():
    sub = visit(1, "2026-11-02T09:00:00+07:00", submitted(dossier_no="H42.18754-261102-0001"))
    call = visit(
        2,
        "2026-11-05T15:00:00+07:00",
        update(dossier_status="processing", fee_status="awaiting_payment"),
        channel="phone",
    )
    desk = visit(
        3,
        "2026-11-09T10:00:00+07:00",
        update(dossier_status="result_received", fee_status="paid_online"),
        channel="desk",
    )
    (state,) = derive_dossiers([sub, call, desk]).values()
    assert state.dossier_id == DOSSIER
    assert state.household_id == HOUSEHOLD and state.member_id == MEMBER
    assert (state.procedure_code, state.level) == ("1.004222", ProcedureLevel.FULL)
    assert state.dossier_no == "H42.18754-261102-0001"
    assert state.submitted_at == "2026-11-02T09:00:00+07:00"
    assert state.submitted_visit_id == uid(1)
    assert state.status is DossierStatus.RESULT_RECEIVED
    assert state.fee_status is FeeStatus.PAID_ONLINE
    assert state.payment_status is PaymentStatus.SELF_REPORTED  # the household's word
    assert (state.updated_at, state.last_visit_id) == ("2026-11-09T10:00:00+07:00", uid(3))
    assert state.channel is Channel.DESK
    assert not state.waiting_for_result and not state.waiting_for_payment

    # After the phone call alone: processing, fee awaited, last word by phone.
    (mid,) = derive_dossiers([sub, call]).values()
    assert (mid.status, mid.fee_status, mid.payment_status, mid.channel) == (
        DossierStatus.PROCESSING,
        FeeStatus.AWAITING_PAYMENT,
        None,
        Channel.PHONE,
    )
    assert mid.waiting_for_result and mid.waiting_for_payment


def test_the_result_does_not_depend_on_the_order_visits_come_in():
    # The update on phone B was made with a clock behind phone A's: by visited_at it comes
    # before the submission it updates, so it is kept aside and applied right after it.
    early = visit(
        7, "2026-11-01T08:00:00+07:00", update(dossier_status="needs_papers", dossier_no="H42-9")
    )
    sub = visit(5, "2026-11-02T09:00:00+07:00", submitted())
    later = visit(3, "2026-11-04T09:00:00+07:00", update(dossier_status="processing"))
    fee = visit(
        9,
        "2026-11-06T09:00:00+07:00",
        {
            "kind": "fee_paid",
            "dossier_id": DOSSIER,
            "payment_status": "verified",
            "receipt_no": "BL-2611-00007",
        },
    )
    results = {
        tuple(derive_dossiers(order).items())
        for order in itertools.permutations([early, sub, later, fee])
    }
    assert len(results) == 1
    ((_, state),) = results.pop()
    # Hand-folded: submitted → needs_papers (early, kept aside) → processing → fee verified.
    assert state.status is DossierStatus.PROCESSING
    assert state.dossier_no == "H42-9"  # only the early update said it
    assert state.fee_status is FeeStatus.PAID_ONLINE
    assert state.payment_status is PaymentStatus.VERIFIED
    assert state.receipt_no == "BL-2611-00007"
    assert state.last_visit_id == uid(9)


def test_an_update_older_than_its_submission_still_applies():
    upd = visit(1, "2026-11-01T08:00:00+07:00", update(dossier_status="result_received"))
    sub = visit(2, "2026-11-02T09:00:00+07:00", submitted())
    for order in ([upd, sub], [sub, upd]):
        state = derive_dossiers(order)[DOSSIER]
        assert (state.status, state.last_visit_id) == (DossierStatus.RESULT_RECEIVED, uid(1))


def test_equal_times_are_ordered_by_visit_id():
    sub = visit(1, "2026-11-02T09:00:00+07:00", submitted())
    a = visit(4, "2026-11-03T09:00:00+07:00", update(dossier_status="refused"))
    b = visit(2, "2026-11-03T09:00:00+07:00", update(dossier_status="result_received"))
    for order in ([sub, a, b], [b, a, sub]):
        # uid(2) < uid(4): b first, then a, so a's "refused" is the last word.
        assert derive_dossiers(order)[DOSSIER].status is DossierStatus.REFUSED


def test_offsets_are_compared_as_instants():
    # 09:00+07:00 is 02:00 UTC, before 03:00+00:00: the update comes after the submission.
    sub = visit(9, "2026-11-02T09:00:00+07:00", submitted())
    upd = visit(1, "2026-11-02T03:00:00+00:00", update(dossier_status="processing"))
    state = derive_dossiers([upd, sub])[DOSSIER]
    assert (state.status, state.last_visit_id) == (DossierStatus.PROCESSING, uid(1))


def test_a_corrected_submission_replaces_the_one_it_corrects():
    wrong = visit(1, "2026-11-02T09:00:00+07:00", submitted(code="1.004194", level="full"))
    upd = visit(2, "2026-11-04T09:00:00+07:00", update(dossier_status="processing"))
    fixed = visit(
        3,
        "2026-11-02T10:00:00+07:00",
        submitted(code="1.000894", level="partial"),
        supersedes=uid(1),
    )
    for order in itertools.permutations([wrong, upd, fixed]):
        state = derive_dossiers(order)[DOSSIER]
        assert (state.procedure_code, state.level) == ("1.000894", ProcedureLevel.PARTIAL)
        assert state.submitted_visit_id == uid(3)
        assert state.status is DossierStatus.PROCESSING  # the update still applies


def test_a_corrected_update_replaces_the_one_it_corrects():
    sub = visit(1, "2026-11-02T09:00:00+07:00", submitted())
    slip = visit(2, "2026-11-04T09:00:00+07:00", update(dossier_status="refused"))
    fix = visit(
        3,
        "2026-11-04T09:05:00+07:00",
        update(dossier_status="result_received"),
        supersedes=uid(2),
    )
    assert derive_dossiers([fix, slip, sub])[DOSSIER].status is DossierStatus.RESULT_RECEIVED
    # A correction that drops the update altogether leaves the dossier as submitted.
    dropped = visit(4, "2026-11-04T09:05:00+07:00", supersedes=uid(2), people_guided=0)
    state = derive_dossiers([sub, slip, dropped])[DOSSIER]
    assert (state.status, state.last_visit_id) == (DossierStatus.SUBMITTED, uid(1))


def test_a_correction_of_a_correction_leaves_only_the_last():
    a = visit(1, "2026-11-02T09:00:00+07:00", submitted(code="1.004194"))
    b = visit(2, "2026-11-02T09:01:00+07:00", submitted(code="1.004222"), supersedes=uid(1))
    c = visit(3, "2026-11-02T09:02:00+07:00", submitted(code="1.010038"), supersedes=uid(2))
    assert derive_dossiers([c, a, b])[DOSSIER].procedure_code == "1.010038"


def test_legacy_submissions_get_their_visit_and_index_as_id():
    old = visit(
        1,
        "2026-11-02T09:00:00+07:00",
        {"kind": "vneid_installed"},
        submitted(dossier_id=None),
        submitted(code="1.004194", dossier_id=None),
    )
    found = derive_dossiers([old])
    assert list(found) == [f"{uid(1)}.1", f"{uid(1)}.2"]
    upd = visit(
        2, "2026-11-03T09:00:00+07:00", update(dossier_id=f"{uid(1)}.2", dossier_status="refused")
    )
    found = derive_dossiers([old, upd])
    assert found[f"{uid(1)}.2"].status is DossierStatus.REFUSED
    assert found[f"{uid(1)}.1"].status is DossierStatus.SUBMITTED


def test_updates_without_their_submission_change_nothing():
    other = str(uuid.uuid4())
    sub = visit(1, "2026-11-02T09:00:00+07:00", submitted())
    stray = visit(
        2,
        "2026-11-03T09:00:00+07:00",
        update(dossier_id=uuid.uuid4().hex, dossier_status="refused"),
    )
    # Another household's visit cannot move this household's dossier.
    foreign = visit(
        3, "2026-11-03T09:00:00+07:00", update(dossier_status="refused"), household=other
    )
    found = derive_dossiers([sub, stray, foreign])
    assert list(found) == [DOSSIER]
    assert found[DOSSIER].status is DossierStatus.SUBMITTED
    assert derive_dossiers([stray, foreign]) == {}


def test_first_fee_status_comes_with_the_submission():
    sub = visit(1, "2026-11-02T09:00:00+07:00", submitted(fee_status="paid_online"))
    state = derive_dossiers([sub])[DOSSIER]
    assert (state.fee_status, state.payment_status) == (
        FeeStatus.PAID_ONLINE,
        PaymentStatus.SELF_REPORTED,
    )
    plain = visit(2, "2026-11-02T09:00:00+07:00", submitted(dossier_id=None))
    assert derive_dossiers([plain])[f"{uid(2)}.0"].fee_status is FeeStatus.NOT_DUE


def test_waiting_and_lateness_against_the_statutory_time():
    # Permanent residence: 7 working days. Submitted Friday 6/11/2026.
    proc = PROCS["1.004222"]
    assert proc.processing_days == 7
    sub = visit(1, "2026-11-06T16:00:00+07:00", submitted())
    state = derive_dossiers([sub])[DOSSIER]
    # Mon 9 … Fri 13 = 5, Mon 16, Tue 17 = 7 working days: on time on the 17th, late on the 18th.
    assert waiting_days(state, date(2026, 11, 17)) == 11
    assert waiting_working_days(state, date(2026, 11, 17)) == 7
    assert not is_overdue(state, proc, date(2026, 11, 17))
    assert waiting_working_days(state, date(2026, 11, 18)) == 8
    assert is_overdue(state, proc, date(2026, 11, 18))
    assert late_from(state, proc) == date(2026, 11, 18)
    # Across the calendar the two rules agree: late exactly when more working days passed.
    for offset in range(40):
        day = date(2026, 11, 6).fromordinal(date(2026, 11, 6).toordinal() + offset)
        assert is_overdue(state, proc, day) == (waiting_working_days(state, day) > 7)
    # The weekend right after counts nothing; the day of submission counts nothing.
    assert waiting_working_days(state, date(2026, 11, 8)) == 0
    assert waiting_working_days(state, date(2026, 11, 6)) == 0
    assert waiting_days(state, date(2026, 11, 1)) == 0  # a clock behind never gives < 0
    # Waiting on the household's papers, or done, is never late; nor without a known time.
    papers = visit(2, "2026-11-09T09:00:00+07:00", update(dossier_status="needs_papers"))
    assert not is_overdue(derive_dossiers([sub, papers])[DOSSIER], proc, date(2026, 12, 30))
    done = visit(3, "2026-11-20T09:00:00+07:00", update(dossier_status="result_received"))
    assert not is_overdue(derive_dossiers([sub, done])[DOSSIER], proc, date(2026, 12, 30))
    assert not is_overdue(state, PROCS["1.011607"], date(2027, 6, 1))  # no time known
    assert not is_overdue(state, None, date(2027, 6, 1))


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        (
            {"kind": "dossier_update", "dossier_status": "processing"},
            ("activities.0.dossier_id", "dossier_id_required"),
        ),
        (
            {"kind": "dossier_update", "dossier_id": DOSSIER},
            ("activities.0", "update_needs_change"),
        ),
        (
            update(dossier_id="../x", dossier_status="processing"),
            ("activities.0.dossier_id", "bad_dossier_id"),
        ),
        (update(dossier_status="lost"), ("activities.0.dossier_status", "bad_choice")),
        (update(fee_status="free"), ("activities.0.fee_status", "bad_choice")),
        (
            update(fee_status="paid_online", payment_status="verified"),
            ("activities.0.receipt_no", "verified_needs_receipt"),
        ),
        (
            update(fee_status="awaiting_payment", payment_status="self_reported"),
            ("activities.0.payment_status", "payment_status_needs_paid"),
        ),
        (update(receipt_no="001 203 004 567"), ("activities.0.receipt_no", "id_number_forbidden")),
        (submitted(dossier_no="001203004567"), ("activities.0.dossier_no", "id_number_forbidden")),
        # A new dossier's id is a uuid4 in hex; the legacy "<visit>.<n>" is for updates only.
        (submitted(dossier_id=f"{uid(1)}.0"), ("activities.0.dossier_id", "bad_dossier_id")),
        (
            submitted(dossier_status="processing"),
            ("activities.0.dossier_status", "field_not_allowed"),
        ),
        (
            {"kind": "vneid_installed", "dossier_id": DOSSIER},
            ("activities.0.dossier_id", "field_not_allowed"),
        ),
    ],
)
def test_bad_dossier_activities_name_their_field(act, expected):
    with pytest.raises(ValidationError) as exc:
        visit(1, "2026-11-02T09:00:00+07:00", act)
    assert expected in {(p.field, p.code) for p in exc.value.problems}


def test_a_verified_update_with_a_receipt_is_valid():
    v = visit(
        1,
        "2026-11-02T09:00:00+07:00",
        update(fee_status="paid_online", payment_status="verified", receipt_no="BL-2611-00001"),
    )
    (act,) = v.activities
    assert (act.fee_status, act.payment_status, act.receipt_no) == (
        FeeStatus.PAID_ONLINE,
        PaymentStatus.VERIFIED,
        "BL-2611-00001",
    )
    assert parse_visit(v.to_dict(), procedures=PROCS).activities == v.activities


def test_declined_consent_keeps_no_dossier_or_receipt_number():
    for act in (
        update(dossier_no="H42-1"),
        update(receipt_no="BL-1"),
        submitted(dossier_no="H42-1"),
    ):
        with pytest.raises(ValidationError) as exc:
            visit(1, "2026-11-02T09:00:00+07:00", act, consent="declined")
        assert ("consent", "no_personal_without_consent") in {
            (p.field, p.code) for p in exc.value.problems
        }
    # Without the numbers a declined household is still followed.
    ok = visit(
        1, "2026-11-02T09:00:00+07:00", update(dossier_status="processing"), consent="declined"
    )
    assert ok.activities[0].dossier_status is DossierStatus.PROCESSING


def test_the_same_dossier_twice_in_one_visit_is_a_duplicate():
    with pytest.raises(ValidationError) as exc:
        visit(
            1,
            "2026-11-02T09:00:00+07:00",
            update(dossier_status="processing"),
            update(fee_status="not_due"),
        )
    assert ("activities.1", "duplicate_activity") in {(p.field, p.code) for p in exc.value.problems}
    # Two different dossiers may be updated at one visit.
    two = visit(
        2,
        "2026-11-02T09:00:00+07:00",
        update(dossier_status="processing"),
        update(dossier_id=uuid.uuid4().hex, dossier_status="refused"),
    )
    assert len(two.activities) == 2


def test_channel_defaults_to_home_and_is_checked():
    assert visit(1, "2026-11-02T09:00:00+07:00").channel is Channel.HOME
    assert visit(1, "2026-11-02T09:00:00+07:00", channel="desk").channel is Channel.DESK
    with pytest.raises(ValidationError) as exc:
        visit(1, "2026-11-02T09:00:00+07:00", channel="email")
    assert ("channel", "bad_choice") in {(p.field, p.code) for p in exc.value.problems}


def test_an_update_only_follow_up_guides_nobody_new():
    """A phone call that only updates a dossier must not count a person guided."""
    call = visit(
        1,
        "2026-11-02T09:00:00+07:00",
        update(dossier_status="result_received"),
        people_guided=0,
        channel="phone",
    )
    assert call.people_guided == 0
    with pytest.raises(ValidationError) as exc:
        visit(2, "2026-11-02T09:00:00+07:00", submitted(), update(), people_guided=0)
    assert ("people_guided", "people_for_activities") in {
        (p.field, p.code) for p in exc.value.problems
    }
