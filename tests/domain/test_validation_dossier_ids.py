"""Dossier ids a visit may carry: one submission per id in a visit, and an old
``"<visit id>.<index>"`` id written with ASCII digits only (as the phone makes it)."""

from __future__ import annotations

import uuid

import pytest

from fieldapp.domain import ValidationError, parse_visit
from fieldapp.reference import load_procedures

PROCS = load_procedures()


def a_visit(*activities: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "household_id": str(uuid.uuid4()),
        "member_id": str(uuid.uuid4()),
        "visited_at": "2026-11-02T09:00:00+07:00",
        "consent": "given",
        "outcome": "done",
        "people_guided": 1,
        "activities": list(activities),
    }


def problems(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        parse_visit(data, procedures=PROCS)
    return [(p.field, p.code) for p in caught.value.problems]


def test_one_dossier_id_submitted_twice_in_a_visit_is_refused():
    # Two procedures under one id: the derivation would keep only the first, while the
    # count of dossiers online would hold both.
    dossier = uuid.uuid4().hex
    data = a_visit(
        {
            "kind": "dossier_submitted",
            "procedure_code": "1.004222",
            "level": "full",
            "dossier_id": dossier,
        },
        {
            "kind": "dossier_submitted",
            "procedure_code": "1.001193",
            "level": "full",
            "dossier_id": dossier,
        },
    )
    assert problems(data) == [("activities.1", "duplicate_activity")]


def test_two_dossiers_of_two_procedures_in_a_visit_are_fine():
    data = a_visit(
        {
            "kind": "dossier_submitted",
            "procedure_code": "1.004222",
            "level": "full",
            "dossier_id": uuid.uuid4().hex,
        },
        {
            "kind": "dossier_submitted",
            "procedure_code": "1.001193",
            "level": "full",
            "dossier_id": uuid.uuid4().hex,
        },
    )
    assert len(parse_visit(data, procedures=PROCS).activities) == 2


@pytest.mark.parametrize("index", ["٣", "３", "²"])
def test_an_old_dossier_id_with_non_ascii_digits_is_refused(index: str):
    data = a_visit(
        {
            "kind": "dossier_update",
            "dossier_id": f"{uuid.uuid4()}.{index}",
            "dossier_status": "refused",
        }
    )
    assert problems(data) == [("activities.0.dossier_id", "bad_dossier_id")]
