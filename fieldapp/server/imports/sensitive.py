"""Spotting what an import must never store: citizen-ID numbers and full dates of birth.

Real commune lists carry a CCCD/CMND column and a date-of-birth column. Law 91/2025 asks
for the minimum, and fieldapp never stores ID numbers, so such columns are refused
whole — found by their header *and* by their content, since a column headed "Ghi chú"
may still hold ID numbers. A 9-digit value is an old CMND unless it is a mobile number
whose leading 0 a spreadsheet dropped (``912345678``).

>>> looks_like_id("001 203 004 567"), looks_like_id("912345678"), looks_like_id("0912345678")
(True, False, False)
>>> is_full_date("05/11/1987"), is_full_date("1987")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import phonenumbers

from fieldapp.domain.validation import contains_id_number

__all__ = ["Reason", "column_reason", "contains_full_date", "is_full_date", "looks_like_id"]

Reason = Literal["id_number", "birth_date"]

# header_key forms (see fields.header_key) that name an ID number or a date of birth.
_ID_HEADERS = re.compile(
    r"\b(cccd|cmnd|cmt|cc|can cuoc|chung minh|dinh danh|so id|id card|citizen id|national id"
    r"|ho chieu|passport)\b"
)
_BIRTH_HEADERS = re.compile(
    r"\b(ngay sinh|ngay thang nam sinh|ngay thang sinh|sinh ngay|ns|dob|date of birth|birth)\b"
)
_DATE = r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{1,2}-\d{1,2})"
_FULL_DATE = re.compile(rf"^{_DATE}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?$")
_DATE_INSIDE = re.compile(rf"(?<!\d){_DATE}(?!\d)")
_SEPARATORS = re.compile(r"[\s.\-]")


def _dropped_zero_mobile(digits: str) -> bool:
    try:
        parsed = phonenumbers.parse("0" + digits, "VN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def _valid_phone(text: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, "VN"))
    except phonenumbers.NumberParseException:
        return False


def _dropped_zero_cccd(digits: str) -> bool:
    """A CCCD typed into a spreadsheet as a number, which drops its leading zeros
    (``042087001234`` → ``42087001234``): 10 or 11 digits that, padded back to 12, start
    with a province code (001–096), unless they read as a phone (``84…``, a landline or
    mobile whose 0 was dropped)."""
    if len(digits) not in (10, 11) or not 1 <= int(digits.zfill(12)[:3]) <= 96:
        return False
    return not (_valid_phone("+" + digits) or _valid_phone("0" + digits))


def looks_like_id(text: str) -> bool:
    """Whether a cell holds something shaped like a CMND (9 digits) or CCCD (12 digits,
    or 10–11 when a spreadsheet dropped its leading zeros).

    >>> looks_like_id("42087001234"), looks_like_id("84912345678"), looks_like_id("2438251234")
    (True, False, False)
    """
    digits = _SEPARATORS.sub("", text)
    if digits.isdigit() and _dropped_zero_cccd(digits):
        return True
    if not contains_id_number(text):
        return False
    return not (digits.isdigit() and len(digits) == 9 and _dropped_zero_mobile(digits))


def is_full_date(text: str) -> bool:
    """A day, month and year (``05/11/1987``, ``1987-11-05``); a bare year is not."""
    return bool(_FULL_DATE.match(text.strip()))


def contains_full_date(text: str) -> bool:
    return _DATE_INSIDE.search(text) is not None


def column_reason(header_key: str, values: Sequence[str]) -> Reason | None:
    """Why a column must be refused (by header, then by content), or None.

    By content: at least half of its non-empty cells are ID-shaped numbers, or full dates.
    """
    if _ID_HEADERS.search(header_key):
        return "id_number"
    if _BIRTH_HEADERS.search(header_key):
        return "birth_date"
    filled = [v for v in values if v]
    if not filled:
        return None
    if 2 * sum(looks_like_id(v) for v in filled) >= len(filled):
        return "id_number"
    if 2 * sum(is_full_date(v) for v in filled) >= len(filled):
        return "birth_date"
    return None
