"""The visit form model: consent first, activities, procedures, payment, errors per field."""

import pytest
from app_helpers import add_household

from fieldapp.app_services.procedures import procedure_option, procedure_options
from fieldapp.app_services.visit_form import VisitFormModel, parse_gps_text


@pytest.fixture
def household(store):
    return add_household(store, "Nguyễn Thị Ánh")


@pytest.fixture
def form(household, member_id):
    return VisitFormModel(household_id=household.id, member_id=member_id)


def test_consent_is_never_pre_ticked_and_required(store, form):
    assert form.consent is None
    form.outcome = "done"
    result = form.save(store)
    assert not result.ok and "sự đồng ý" in result.errors["consent"]
    assert store.pending_count() == 1  # only the household; the visit was not written


def test_full_visit_with_procedure_and_payment(store, form):
    form.consent = "given"
    form.add_procedure("1.001193")
    form.toggle_activity("fee_paid", True)
    form.toggle_activity("vneid_level2", True)
    form.payment_status = "self_reported"
    form.outcome = "done"
    form.notes = "Hướng dẫn khai sinh"
    result = form.save(store)
    assert result.ok, result.errors
    kinds = {a.kind: a for a in result.visit.activities}
    assert kinds["dossier_submitted"].procedure_code == "1.001193"
    assert kinds["dossier_submitted"].level == "full"  # level comes from the catalogue
    assert kinds["fee_paid"].payment_status == "self_reported"
    assert store.visit(form.id).notes == "Hướng dẫn khai sinh"


def test_declined_household_logged_without_personal_details(store, form):
    form.consent = "given"
    form.notes = "Số nhà 12"
    form.gps_text = "18.07, 106.29"
    form.consent = "declined"
    form.outcome = "declined"
    result = form.save(store)
    assert result.ok, result.errors
    assert result.visit.notes == "" and result.visit.gps is None
    assert form.notes == "Số nhà 12"  # still in the form if consent is switched back


def test_errors_map_to_controls(store, form):
    form.consent = "given"
    form.toggle_activity("dossier_submitted", True)  # no procedure picked
    form.toggle_activity("fee_paid", True)  # no payment status
    form.toggle_activity("other", True)  # no description
    form.outcome = "follow_up"  # no date
    form.gps_text = "ở đầu ngõ"
    errors = form.save(store).errors
    assert set(errors) == {"procedures", "payment_status", "other_text", "follow_up_on", "gps"}
    assert errors["payment_status"] == "Chọn tình trạng thanh toán."


def test_verified_payment_needs_receipt(store, form):
    form.consent = "given"
    form.toggle_activity("fee_paid", True)
    form.payment_status = "verified"
    form.outcome = "done"
    assert "biên lai" in form.save(store).errors["receipt_no"]
    form.receipt_no = "BL-001"
    assert form.save(store).ok


def test_nobody_home_needs_no_consent(store, form):
    form.outcome = "nobody_home"
    result = form.save(store)
    assert result.ok and result.visit.people_guided == 0


def test_follow_up_quick_chip_and_user_date(store, form):
    from datetime import date

    form.consent = "given"
    assert form.follow_up_in(7, today=date(2026, 3, 11)) == "18/03/2026"
    assert form.to_dict()["follow_up_on"] == "2026-03-18"
    form.follow_up_on = "31/02/2026"
    assert "follow_up_on" in form.save(store).errors


def test_id_number_in_notes_refused(store, form):
    form.consent = "given"
    form.outcome = "done"
    form.notes = "CCCD 042098001234"
    assert "CCCD" in form.save(store).errors["notes"]


def test_english_messages(store, form):
    form.outcome = "done"
    assert form.save(store, lang="en").errors["consent"].startswith("Ask for")


def test_correction_keeps_time_and_supersedes(store, form, member_id):
    form.consent = "given"
    form.outcome = "done"
    form.add_procedure("1.000894")
    old = form.save(store).visit
    fix = VisitFormModel.correcting(old, member_id)
    assert fix.procedure_codes == ["1.000894"] and fix.supersedes == old.id
    fix.remove_procedure("1.000894")
    fix.add_procedure("1.001193")
    new = fix.save(store).visit
    assert new.visited_at == old.visited_at and new.supersedes == old.id
    again = VisitFormModel.correcting(old, member_id)
    assert "đã được sửa" in again.save(store).errors["form"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18.07, 106.29", {"lat": 18.07, "lon": 106.29}),
        ("18,07; 106,29", {"lat": 18.07, "lon": 106.29}),
        ("-1 2", {"lat": -1.0, "lon": 2.0}),
        ("gần chợ", None),
    ],
)
def test_parse_gps_text(text, expected):
    assert parse_gps_text(text) == expected


def test_procedure_picker_accent_free_and_level():
    options = procedure_options("dang ky ket hon")
    assert options[0].code == "1.000894" and not options[0].full_online
    assert procedure_option("1.001193").full_online
    assert procedure_option("1.001193", "en").name.lower().startswith("birth")
    assert procedure_option("9.999999") is None
