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
    # What the hostile tester slipped past: other separators, invisible characters, O for 0.
    "CCCD 001/203/004/567",
    "CCCD 001,203,004,567",
    "CCCD 001_203_004_567",
    "CCCD 001\u200b203\u200b004\u200b567",
    "CCCD 001\u200c203\u2060004\ufeff567",
    "CCCD 0O1203OO4567",
    "CMND O12 345 678",
    "cccd oo1 2o3 oo4 567",
    "CCCD 001 / 203 _ 004 , 567",
    "CCCD 0O1\u200b/2O3-004.567",
    "CCCD 001203004567 123456789",
    "số 001.203.004.567 1",
]
HARMLESS = [
    "SĐT 0912 345 678",
    "0912.345.678",
    "ngày 20.11.2026",
    "đã nộp 12.500.000 đồng",
    "số nhà 12-14, ngõ 3",
    "ngày 20/11/2026",
    "Đoàn Văn Oanh, tổ 3",
    "xóm 5, ngõ 12",
    "ngày 20/11/2026 3 người",
    "0912 345 678 0912 345 679",
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


@pytest.mark.parametrize("phone", ["0912 345 678", "912345678", "+84 912 345 678", "0239 3855 123"])
def test_phone_numbers_are_not_id_numbers(phone: str):
    # A phone is digits by nature: a real phone number is never refused as an ID number.
    h = parse_household(
        {"id": str(uuid.uuid4()), "village_id": "v1", "head_name": "Lan", "phone": phone}
    )
    assert h.phone == phone


@pytest.mark.parametrize("phone", ["001203004567", "001.203.004.567", "123 456 789"])
def test_id_number_in_the_phone_box_is_refused(phone: str):
    # 9 or 12 digits that are no phone number: an ID-card number typed where a phone goes.
    with pytest.raises(ValidationError) as err:
        parse_household(
            {"id": str(uuid.uuid4()), "village_id": "v1", "head_name": "Lan", "phone": phone}
        )
    assert [(p.field, p.code) for p in err.value.problems] == [("phone", "id_number_forbidden")]
