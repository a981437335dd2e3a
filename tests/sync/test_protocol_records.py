"""The typed records of a mutation: the domain rules decide, nothing is checked twice."""

import uuid

import pytest

from fieldapp.domain.validation import ValidationError, parse_household, parse_visit
from fieldapp.reference import load_procedures
from fieldapp.sync.protocol import HouseholdCreate, HouseholdUpdate, VisitCreate, read_record

PROCEDURES = load_procedures()
HID = str(uuid.uuid4())
VISIT = {
    "id": str(uuid.uuid4()),
    "household_id": HID,
    "member_id": str(uuid.uuid4()),
    "visited_at": "2026-11-20T09:00:00+07:00",
    "consent": "given",
    "outcome": "done",
    "people_guided": 1,
    "activities": [{"kind": "vneid_level2"}],
}
HOUSEHOLD = {"id": HID, "village_id": "v1", "head_name": "Lê Văn Tám"}


def test_each_pair_gets_its_record():
    visit = read_record("visit", "create", VISIT["id"], VISIT, PROCEDURES)
    assert visit == VisitCreate(parse_visit(VISIT, procedures=PROCEDURES))
    created = read_record("household", "create", HID, HOUSEHOLD, PROCEDURES)
    assert created == HouseholdCreate(parse_household(HOUSEHOLD))
    update = {"id": HID, "fields": {"phone": "0912345678"}}
    assert read_record("household", "update", HID, update, PROCEDURES) == HouseholdUpdate(
        HID, {"phone": "0912345678"}
    )


@pytest.mark.parametrize(
    ("entity", "op", "payload"),
    [
        ("visit", "update", VISIT),  # visits are immutable
        ("household", "update", {"id": HID}),  # no fields
        ("household", "update", {"id": "other", "fields": {}}),  # another household's id
    ],
)
def test_no_record_for_what_the_protocol_does_not_carry(entity, op, payload):
    assert read_record(entity, op, HID, payload, PROCEDURES) is None


def test_the_domain_refuses_with_its_own_problems():
    bad = {**VISIT, "people_guided": -1, "notes": 7}
    with pytest.raises(ValidationError) as domain:
        parse_visit(bad, procedures=PROCEDURES)
    with pytest.raises(ValidationError) as wire:
        read_record("visit", "create", VISIT["id"], bad, PROCEDURES)
    assert wire.value.problems == domain.value.problems
