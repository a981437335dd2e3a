"""Visit and household validation: every problem at once, each naming its field."""

import unicodedata
import uuid

import pytest

from fieldapp.domain import Consent, Outcome, ValidationError, parse_household, parse_visit
from fieldapp.reference import load_procedures

PROCS = load_procedures()


def uid() -> str:
    return str(uuid.uuid4())


def visit(**over):
    base = {
        "id": uid(),
        "household_id": uid(),
        "member_id": uid(),
        "visited_at": "2026-11-20T09:30:00+07:00",
        "consent": "given",
        "outcome": "done",
        "people_guided": 2,
        "activities": [
            {"kind": "vneid_installed"},
            {
                "kind": "dossier_submitted",
                "procedure_code": "1.001193",
                "level": "full",
                "dossier_no": "HS-001",
            },
            {
                "kind": "fee_paid",
                "procedure_code": "2.000635",
                "payment_status": "verified",
                "receipt_no": "BL-77",
            },
        ],
        "notes": "Hướng dẫn cài VNeID",
    }
    base.update(over)
    return base


def problems(data, **kw):
    with pytest.raises(ValidationError) as exc:
        parse_visit(data, procedures=PROCS, **kw)
    return {(p.field, p.code) for p in exc.value.problems}, exc.value


def test_valid_visit_round_trips():
    data = visit(notes=unicodedata.normalize("NFD", "Đã hướng dẫn"))
    v = parse_visit(data, procedures=PROCS)
    assert v.consent is Consent.GIVEN and v.outcome is Outcome.DONE
    assert v.notes == "Đã hướng dẫn"  # stored NFC
    assert len(v.activities) == 3
    again = parse_visit(v.to_dict(), procedures=PROCS)
    assert again == v


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "not-a-uuid"}, ("id", "not_uuid")),
        ({"household_id": None}, ("household_id", "required")),
        ({"member_id": 5}, ("member_id", "bad_type")),
        ({"visited_at": "hôm qua"}, ("visited_at", "bad_datetime")),
        ({"visited_at": None}, ("visited_at", "required")),
        ({"consent": None}, ("consent", "consent_required")),
        ({"consent": "yes"}, ("consent", "bad_choice")),
        ({"outcome": "maybe"}, ("outcome", "bad_choice")),
        ({"people_guided": -1}, ("people_guided", "out_of_range")),
        ({"people_guided": 500}, ("people_guided", "out_of_range")),
        ({"people_guided": "hai"}, ("people_guided", "bad_type")),
        ({"people_guided": 0}, ("people_guided", "people_for_activities")),
        ({"notes": "x" * 1001}, ("notes", "too_long")),
        ({"notes": "CCCD 001234567890"}, ("notes", "id_number_forbidden")),
        ({"outcome": "follow_up"}, ("follow_up_on", "follow_up_date_required")),
        (
            {"outcome": "follow_up", "follow_up_on": "2026-11-01"},
            ("follow_up_on", "follow_up_before_visit"),
        ),
        ({"follow_up_on": "2026-12-01"}, ("follow_up_on", "follow_up_only")),
        ({"outcome": "follow_up", "follow_up_on": "31/02/2026"}, ("follow_up_on", "bad_date")),
        ({"activities": "vneid"}, ("activities", "bad_type")),
        ({"activities": [{"kind": "teleport"}]}, ("activities.0.kind", "bad_choice")),
        (
            {"activities": [{"kind": "dossier_submitted", "level": "full"}]},
            ("activities.0.procedure_code", "required"),
        ),
        (
            {
                "activities": [
                    {"kind": "dossier_submitted", "procedure_code": "1001193", "level": "full"}
                ]
            },
            ("activities.0.procedure_code", "bad_procedure_code"),
        ),
        (
            {
                "activities": [
                    {"kind": "dossier_submitted", "procedure_code": "9.999999", "level": "full"}
                ]
            },
            ("activities.0.procedure_code", "unknown_procedure"),
        ),
        (
            {"activities": [{"kind": "dossier_submitted", "procedure_code": "1.001193"}]},
            ("activities.0.level", "level_required"),
        ),
        (
            {"activities": [{"kind": "fee_paid"}]},
            ("activities.0.payment_status", "payment_status_required"),
        ),
        (
            {"activities": [{"kind": "fee_paid", "payment_status": "verified"}]},
            ("activities.0.receipt_no", "verified_needs_receipt"),
        ),
        ({"activities": [{"kind": "other"}]}, ("activities.0.text", "other_text_required")),
        (
            {"activities": [{"kind": "vneid_level2"}, {"kind": "vneid_level2"}]},
            ("activities.1", "duplicate_activity"),
        ),
        (
            {"activities": [{"kind": "vneid_level2", "password": "123"}]},
            ("activities.0.password", "field_not_allowed"),
        ),
        ({"outcome": "nobody_home", "consent": None}, ("activities", "no_activities_when_absent")),
        ({"consent": "declined"}, ("consent", "no_personal_without_consent")),
        ({"gps": {"lat": 200, "lon": 105}}, ("gps.lat", "out_of_range")),
        ({"gps": "here"}, ("gps", "bad_type")),
        ({"vneid_password": "secret"}, ("vneid_password", "field_not_allowed")),
        ({"cccd": "001234567890"}, ("cccd", "field_not_allowed")),
    ],
)
def test_each_invalid_shape_names_its_field(change, expected):
    found, exc = problems(visit(**change))
    assert expected in found
    for p in exc.problems:
        assert p.message_vi and p.message_en and p.message_vi != p.message_en


def test_supersedes_self_rejected():
    data = visit()
    found, _ = problems({**data, "supersedes": data["id"]})
    assert ("supersedes", "supersedes_self") in found


def test_all_problems_reported_at_once():
    found, exc = problems(visit(id="x", consent=None, people_guided=0, notes="y" * 2000))
    fields = {f for f, _ in found}
    assert {"id", "consent", "people_guided", "notes"} <= fields
    assert set(exc.by_field("vi")) == fields
    assert all(isinstance(m, str) for m in exc.by_field("en").values())


def test_not_a_mapping():
    found, _ = problems(["a"])
    assert ("body", "bad_type") in found


def test_nobody_home_needs_no_consent_and_declined_can_be_counted():
    v = parse_visit(
        visit(outcome="nobody_home", consent=None, activities=[], people_guided=0, notes=""),
        procedures=PROCS,
    )
    assert v.consent is None
    declined = parse_visit(
        visit(consent="declined", outcome="declined", activities=[], people_guided=0, notes=""),
        procedures=PROCS,
    )
    assert declined.consent is Consent.DECLINED


def test_follow_up_accepts_typed_vietnamese_date():
    v = parse_visit(visit(outcome="follow_up", follow_up_on="05/12/2026"), procedures=PROCS)
    assert v.follow_up_on == "2026-12-05"


def test_household_valid_and_normalised():
    h = parse_household(
        {
            "id": uid(),
            "village_id": "v1",
            "head_name": unicodedata.normalize("NFD", " Lê  Văn Tám "),
            "members_count": "4",
        }
    )
    assert h.head_name == "Lê Văn Tám" and h.members_count == 4


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "1"}, ("id", "not_uuid")),
        ({"village_id": ""}, ("village_id", "required")),
        ({"head_name": "", "address_detail": ""}, ("head_name", "name_or_address")),
        ({"members_count": 0}, ("members_count", "out_of_range")),
        ({"members_count": 99}, ("members_count", "out_of_range")),
        ({"head_name": "a" * 101}, ("head_name", "too_long")),
        ({"deleted": "yes"}, ("deleted", "bad_type")),
        ({"cccd": "1"}, ("cccd", "field_not_allowed")),
    ],
)
def test_household_invalid(change, expected):
    data = {"id": uid(), "village_id": "v1", "head_name": "Lê Văn Tám", **change}
    with pytest.raises(ValidationError) as exc:
        parse_household(data)
    assert expected in {(p.field, p.code) for p in exc.value.problems}


def test_ids_and_phones_with_long_digit_runs_are_not_mistaken_for_id_numbers():
    village = "12345678-1234-4123-8123-123456789012"  # a UUID with a 12-digit run
    h = parse_household(
        {"id": uid(), "village_id": village, "head_name": "Lê A", "phone": "912345678"}
    )
    assert h.village_id == village and h.phone == "912345678"
    with pytest.raises(ValidationError) as exc:
        parse_household({"id": uid(), "village_id": village, "head_name": "Lê A 123456789"})
    assert exc.value.problems[0].code == "id_number_forbidden"
