"""The follow-up list (order, grouping, waiting times against hand-computed cases with a
fixed clock), the one-tap update (a new visit, one transaction with its outbox entry),
the visit form's dossier fields and the slip's consent rule — on a real SQLite store."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from app_helpers import add_household

from fieldapp.app_services.dossiers import (
    DossierUpdateModel,
    follow_up_counts,
    follow_up_list,
    household_consent,
    household_dossiers,
    slip_spec,
)
from fieldapp.app_services.visit_form import VisitFormModel
from fieldapp.domain.model import Channel, DossierStatus, FeeStatus
from fieldapp.ui.i18n import STRINGS

VN = timezone(timedelta(hours=7))
TODAY = date(2026, 11, 12)  # a Thursday
OTHER_MEMBER = "6f1c2c0e-0000-4000-8000-000000000002"


def at(day: int, hour: int = 9) -> str:
    return datetime(2026, 11, day, hour, 0, tzinfo=VN).isoformat()


def submit(store, household, member_id, code, when, *, consent="given", fee=None, number=""):
    form = VisitFormModel(household_id=household.id, member_id=member_id, consent=consent)
    form.outcome = "done"
    form.visited_at = when
    form.add_procedure(code)
    form.fee_status = fee
    form.dossier_no = number
    result = form.save(store)
    assert result.ok, result.errors
    return form.dossier_ids[code]


def update(store, household, dossier_id, member_id, when, *, today=TODAY, **changes):
    model = DossierUpdateModel.for_dossier(store, household.id, dossier_id, member_id, today=today)
    assert model is not None
    model.visited_at = when
    for key, value in changes.items():
        setattr(model, key, value)
    result = model.save(store)
    assert result.ok, result.errors
    return result.visit


@pytest.fixture
def world(store, member_id):
    """Six dossiers in two villages, worked out by hand for TODAY (Thu 12/11/2026):

    A Tây  1.004222 (7 working days) Mon 02/11 → 10 days, 8 working days: late
    B Đông 1.000894 (5)              Mon 09/11 →  3 days, 3 working days
    C Đông 1.001193 (1)              Thu 05/11 →  7 days, 5 working days: late
    D Đông 2.000635 (1)              Wed 04/11, fee awaiting; result received 10/11:
           waits for the payment only (never late: the agency is done)
    E Đông 1.001193 result received, F Đông 1.001193 refused: off the list
    """
    hh = {
        "A": add_household(store, "Lê Văn Cường", village="v-tay"),
        "B": add_household(store, "Nguyễn Thị Ánh"),
        "C": add_household(store, "Trần Văn Bình"),
        "D": add_household(store, "Phạm Thị Dung"),
        "E": add_household(store, "Hoàng Văn Em"),
        "F": add_household(store, "Đỗ Thị Phương"),
    }
    ids = {
        "A": submit(store, hh["A"], member_id, "1.004222", at(2)),
        "B": submit(store, hh["B"], OTHER_MEMBER, "1.000894", at(9)),
        "C": submit(store, hh["C"], member_id, "1.001193", at(5)),
        "D": submit(store, hh["D"], member_id, "2.000635", at(4), fee="awaiting_payment"),
        "E": submit(store, hh["E"], member_id, "1.001193", at(3)),
        "F": submit(store, hh["F"], member_id, "1.001193", at(3, 10)),
    }
    update(store, hh["D"], ids["D"], member_id, at(10), dossier_status="result_received")
    update(store, hh["E"], ids["E"], member_id, at(6), dossier_status="result_received")
    update(store, hh["F"], ids["F"], member_id, at(6), dossier_status="refused")
    return hh, ids


def _rows(found):
    return [
        (
            g.village_name,
            [
                (
                    i.household_name,
                    i.waited_days,
                    i.waited_working_days,
                    i.processing_days,
                    i.overdue,
                )
                for i in g.items
            ],
        )
        for g in found.groups
    ]


def test_follow_up_list_by_village_oldest_first_with_waiting_times(store, world):
    found = follow_up_list(store, today=TODAY)
    assert _rows(found) == [
        (
            "Thôn Đông",
            [
                ("Phạm Thị Dung", 8, 6, 1, False),  # the result is in; the fee is not
                ("Trần Văn Bình", 7, 5, 1, True),
                ("Nguyễn Thị Ánh", 3, 3, 5, False),
            ],
        ),
        ("Thôn Tây", [("Lê Văn Cường", 10, 8, 7, True)]),
    ]
    assert (found.total, found.overdue) == (4, 2)
    assert follow_up_counts(store, TODAY) == (4, 2)
    dung = found.groups[0].items[0]
    assert dung.dossier.status == "result_received" and dung.dossier.waiting_for_payment
    assert dung.procedure_name == "Cấp bản sao trích lục hộ tịch"


def test_follow_up_filters_late_payment_mine_and_village(store, world, member_id):
    names = lambda found: [i.household_name for i in found.items]  # noqa: E731
    assert names(follow_up_list(store, today=TODAY, show="overdue")) == [
        "Trần Văn Bình",
        "Lê Văn Cường",
    ]
    assert names(follow_up_list(store, today=TODAY, show="payment")) == ["Phạm Thị Dung"]
    mine = follow_up_list(store, today=TODAY, member_id=member_id)
    assert "Nguyễn Thị Ánh" not in names(mine) and len(mine.items) == 3
    assert names(follow_up_list(store, today=TODAY, village_id="v-tay")) == ["Lê Văn Cường"]
    assert follow_up_list(store, today=TODAY, lang="en").items[0].procedure_name == (
        "Copy of civil-status extract"
    )


def test_waiting_is_counted_on_the_days_it_passes(store, world):
    # A week later nothing was updated: every clock ran on by 7 days, 5 working days.
    later = follow_up_list(store, today=TODAY + timedelta(days=7))
    assert [(i.waited_days, i.waited_working_days, i.overdue) for i in later.items] == [
        (15, 11, False),
        (14, 10, True),
        (10, 8, True),  # Ánh's marriage registration (5 working days) is now late too
        (17, 13, True),
    ]


def test_one_tap_update_is_one_new_visit_with_its_outbox_entry(store, world, member_id):
    hh, ids = world
    pending = store.pending_count()
    before = {v.id for v in store.visits_for_household(hh["C"].id)}
    model = DossierUpdateModel.for_dossier(store, hh["C"].id, ids["C"], member_id, today=TODAY)
    model.pick_status("result_received")
    model.channel = "phone"
    result = model.save(store)
    assert result.ok, result.errors
    visit = result.visit
    assert visit.id not in before and visit.channel == "phone"
    assert [a.kind for a in visit.activities] == ["dossier_update"]
    assert visit.activities[0].dossier_id == ids["C"]
    assert store.pending_count() == pending + 1  # the visit and its outbox entry, together
    payload = store.pending_outbox(limit=1000)[-1].payload
    assert payload["id"] == visit.id
    assert payload["activities"][0]["dossier_status"] == "result_received"
    # The old visits are untouched; the dossier has moved on and left the list.
    assert before <= {v.id for v in store.visits_for_household(hh["C"].id)}
    assert payload["channel"] == "phone"
    [state] = store.dossiers(hh["C"].id)
    assert state.status == "result_received" and state.last_visit_id == visit.id
    assert state.channel == "phone"  # read back from the store: where it happened is kept
    assert "Trần Văn Bình" not in [
        i.household_name for i in follow_up_list(store, today=TODAY).items
    ]


def test_update_without_a_change_is_refused_and_writes_nothing(store, world, member_id):
    hh, ids = world
    pending = store.pending_count()
    model = DossierUpdateModel.for_dossier(store, hh["B"].id, ids["B"], member_id, today=TODAY)
    errors = model.save(store).errors
    assert errors["dossier_status"].startswith("Chọn ít nhất một thay đổi")
    assert store.pending_count() == pending
    assert model.save(store, lang="en").errors["dossier_status"].startswith("Choose at least")


def test_paid_online_defaults_to_self_reported_and_verified_needs_a_receipt(
    store, world, member_id
):
    hh, ids = world
    model = DossierUpdateModel.for_dossier(store, hh["D"].id, ids["D"], member_id, today=TODAY)
    model.pick_fee("paid_online")
    assert model.payment_status == "self_reported"
    model.payment_status = "verified"
    assert "biên lai" in model.save(store).errors["receipt_no"]
    model.receipt_no = "BL-2026-0042"
    assert model.save(store).ok
    [state] = store.dossiers(hh["D"].id)
    assert (state.fee_status, state.payment_status, state.receipt_no) == (
        "paid_online",
        "verified",
        "BL-2026-0042",
    )
    assert follow_up_list(store, today=TODAY, show="payment").items == []
    # Tapping "paid" off again forgets how it was known.
    model.pick_fee("paid_online")
    assert model.fee_status is None and model.payment_status is None


def test_declined_household_update_sends_no_numbers(store, member_id):
    h = add_household(store, "Hộ không đồng ý")
    dossier_id = submit(store, h, member_id, "1.001193", at(5), consent="declined")
    model = DossierUpdateModel.for_dossier(store, h.id, dossier_id, member_id, today=TODAY)
    assert model.consent == "declined" and not model.personal_allowed
    model.pick_status("processing")
    model.receipt_no = "BL-1"
    model.dossier_no = "H42-1"
    visit = model.save(store).visit
    assert visit.consent == "declined"
    assert visit.activities[0].receipt_no is None and visit.activities[0].dossier_no is None
    assert model.receipt_no == "BL-1"  # kept in the form as typed


def test_a_follow_up_appointment_still_ahead_is_carried_over(store, member_id):
    h = add_household(store, "Võ Thị Giang")
    form = VisitFormModel(household_id=h.id, member_id=member_id, consent="given")
    form.visited_at = at(5)
    form.add_procedure("1.004222")
    form.outcome = "follow_up"
    form.follow_up_on = "20/11/2026"
    assert form.save(store).ok
    dossier_id = form.dossier_ids["1.004222"]
    visit = update(store, h, dossier_id, member_id, at(10), dossier_status="processing")
    assert (visit.outcome, visit.follow_up_on) == ("follow_up", "2026-11-20")
    # Once the day has passed, an update no longer repeats it.
    late = update(
        store,
        h,
        dossier_id,
        member_id,
        at(21),
        today=date(2026, 11, 21),
        dossier_status="result_received",
    )
    assert (late.outcome, late.follow_up_on) == ("done", None)


def test_visit_form_gives_each_dossier_one_id_kept_across_attempts_and_corrections(
    store, member_id
):
    h = add_household(store, "Bùi Văn Hải")
    form = VisitFormModel(household_id=h.id, member_id=member_id, consent="given")
    form.add_procedure("1.001193")
    form.add_procedure("2.000635")
    form.fee_status = "awaiting_payment"
    form.channel = "desk"
    assert not form.save(store).ok  # no outcome yet: refused, ids kept for the next try
    first = dict(form.dossier_ids)
    form.outcome = "done"
    visit = form.save(store).visit
    assert form.dossier_ids == first and len(set(first.values())) == 2
    assert all(len(i) == 32 for i in first.values())
    assert {a.dossier_id: a.fee_status for a in visit.activities} == {
        first["1.001193"]: "awaiting_payment",
        first["2.000635"]: "awaiting_payment",
    }
    assert visit.channel == "desk" and store.visit(visit.id).channel == "desk"
    fix = VisitFormModel.correcting(visit, member_id)
    assert fix.dossier_ids == first and fix.fee_status == "awaiting_payment"
    fix.remove_procedure("2.000635")
    corrected = fix.save(store).visit
    assert [a.dossier_id for a in corrected.activities] == [first["1.001193"]]
    assert [d.dossier.dossier_id for d in household_dossiers(store, h.id, today=TODAY)] == [
        first["1.001193"]
    ]


def test_slip_names_the_household_only_while_consent_stands(store, member_id):
    h = add_household(store, "Nguyễn Văn Khoa")
    dossier_id = submit(store, h, member_id, "1.004222", at(5), number="H42.18-0001")
    spec = slip_spec(store, h.id, dossier_id, team="Tổ CNSCĐ thôn Đông")
    assert (spec.procedure_code, spec.submitted_on, spec.dossier_no, spec.head_name) == (
        "1.004222",
        date(2026, 11, 5),
        "H42.18-0001",
        "Nguyễn Văn Khoa",
    )
    assert spec.processing_days == 7 and spec.team == "Tổ CNSCĐ thôn Đông"
    # A later visit where the household withdraws consent: the slip forgets the name.
    form = VisitFormModel(household_id=h.id, member_id=member_id, consent="withdrawn")
    form.outcome = "declined"
    form.visited_at = at(7)
    assert form.save(store).ok, form.save(store).errors
    assert household_consent(store, h.id) == "withdrawn"
    spec = slip_spec(store, h.id, dossier_id)
    assert spec.head_name is None and spec.dossier_no is None
    assert slip_spec(store, h.id, "0" * 32) is None


def test_outbox_payload_of_a_submission_names_its_dossier(store, member_id):
    h = add_household(store, "Đinh Thị Lan")
    dossier_id = submit(store, h, member_id, "1.001193", at(5), fee="not_due")
    entry = store.pending_outbox(limit=1000)[-1]
    act = entry.payload["activities"][0]
    assert (act["dossier_id"], act["fee_status"]) == (dossier_id, "not_due")
    assert json.dumps(entry.payload, ensure_ascii=False).count(dossier_id) == 1


def test_every_status_fee_and_channel_has_both_languages():
    keys = [f"dstatus_{s}" for s in DossierStatus] + [f"fee_{f}" for f in FeeStatus]
    keys += [f"channel_{c}" for c in Channel] + ["act_dossier_update"]
    for key in keys:
        vi, en = STRINGS[key]
        assert vi and en and vi != en, key
