"""ID-card numbers in free text are refused however they are formatted; phones and ordinary
figures in the same fields are not."""

from __future__ import annotations

import uuid

import pytest

from fieldapp.domain.validation import ValidationError, contains_id_number, parse_household

FORMATTED = [
    "CCCD 001203004567",
    "CCCD 001 203 004 567",
    "CCCD 001.203.004.567",
    "CCCD 0012-0300-4567",
    "CMND 123 456 789",
    "số 001 - 203 - 004 - 567",
]
HARMLESS = [
    "SĐT 0912 345 678",
    "0912.345.678",
    "ngày 20.11.2026",
    "đã nộp 12.500.000 đồng",
    "số nhà 12-14, ngõ 3",
]


@pytest.mark.parametrize("text", FORMATTED)
def test_formatted_id_numbers_are_caught(text: str):
    assert contains_id_number(text)
    with pytest.raises(ValidationError) as err:
        parse_household({"id": str(uuid.uuid4()), "village_id": "v1", "head_name": text})
    assert [(p.field, p.code) for p in err.value.problems] == [("head_name", "id_number_forbidden")]


@pytest.mark.parametrize("text", HARMLESS)
def test_phones_dates_and_amounts_are_not_id_numbers(text: str):
    assert not contains_id_number(text)


def test_phone_field_is_not_screened():
    # A phone is digits by nature and not free text: it is never refused as an ID number.
    h = parse_household(
        {"id": str(uuid.uuid4()), "village_id": "v1", "head_name": "Lan", "phone": "001203004567"}
    )
    assert h.phone == "001203004567"
