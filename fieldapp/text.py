"""Vietnamese text: NFC normalisation, accent-free search keys, Vietnamese ordering, phones.

Everything here is pure Python so it runs on a phone without ICU.

>>> fold("Nguyễn Thị Ánh")
'nguyen thi anh'
>>> sorted(["Anh Ba", "Ánh", "Anh", "An Bình"], key=sort_key)
['An Bình', 'Anh', 'Ánh', 'Anh Ba']
>>> sorted(["Tổ dân phố 10", "Tổ dân phố 2", "Tổ dân phố 11"], key=sort_key)
['Tổ dân phố 2', 'Tổ dân phố 10', 'Tổ dân phố 11']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers

__all__ = [
    "PhoneResult",
    "fold",
    "given_name_first",
    "nfc",
    "normalize_phone",
    "sort_key",
]

_SPACES = re.compile(r"\s+")

# Combining marks that make a *letter* (ă â ê ô ơ ư) rather than a tone.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Tones in Vietnamese dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# Base letters in Vietnamese alphabetical order; f, j, w, z (loan words) slot in where
# the Latin alphabet puts them so foreign names still sort sensibly.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
# Ranks are encoded as printable ASCII so the key sorts correctly with SQLite's BINARY
# collation: numbers first, then letters, then anything else.
_RANK: dict[str, str] = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
_OTHER = chr(0x7E)
# A run of digits is one number: its length (0x31 '1' … 0x40 '@', below the letters) and
# then its digits, so "2" < "10" < "11" (people number their tổ dân phố and thôn).
_DIGITS = re.compile(r"([0-9]+)")
_MAX_DIGITS = 0x40 - 0x30
_WORD_SEP, _LEVEL_SEP = "\x01", "\x00"


def nfc(text: str | None) -> str:
    """Return ``text`` in Unicode NFC with runs of white space folded and ends trimmed.

    Phones and pasted text often produce NFD; everything stored goes through this.

    >>> nfc("Nguye\u0302\u0303n  Thi\u0323 ") == "Nguyễn Thị"
    True
    """
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """Return an accent- and case-insensitive search key (``đ`` → ``d``).

    >>> fold("ĐẶNG Văn Đức")
    'dang van duc'
    """
    decomposed = unicodedata.normalize("NFD", nfc(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def _number(digits: str) -> str:
    """Key chars of a digit run, read as a number (leading zeros ignored; the text keeps them)."""
    value = digits.lstrip("0") or "0"
    # Longer than 16 digits (never a village number) compares digit by digit after the cap.
    return chr(0x30 + min(len(value), _MAX_DIGITS)) + value


def _letters(word: str) -> tuple[str, int]:
    """Split one word into (primary key chars, tone) following Vietnamese rules."""
    primary: list[str] = []
    tone = 0
    for i, part in enumerate(_DIGITS.split(word.lower())):
        if i % 2:
            primary.append(_number(part))
            continue
        p, t = _word_letters(part)
        primary.append(p)
        tone = t or tone
    return "".join(primary), tone


def _word_letters(word: str) -> tuple[str, int]:
    """The letters of a digit-free piece of a word, and its tone."""
    primary: list[str] = []
    tone = 0
    for ch in word:
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        if base == "a" and _BREVE in marks:
            base = "ă"
        elif base in "aeo" and _CIRCUMFLEX in marks:
            base = {"a": "â", "e": "ê", "o": "ô"}[base]
        elif base in "ou" and _HORN in marks:
            base = {"o": "ơ", "u": "ư"}[base]
        for mark in marks:
            tone = _TONES.get(mark, tone)
        primary.append(_RANK.get(base, _OTHER + base))
    return "".join(primary), tone


def sort_key(text: str | None) -> str:
    """Return a string key that orders names the Vietnamese way, word by word.

    Letters compare first (a < ă < â < … < đ …), numbers by value before letters,
    tones only break ties (ngang < huyền < hỏi < ngã < sắc < nặng), and the NFC text
    breaks what remains. The key is plain text, so it can be stored in a column and paged
    with ORDER BY; stored keys are refreshed by a migration whenever this function changes
    (:func:`fieldapp.sort_keys.refresh_sort_keys`).

    >>> sorted(["Đào", "Dung", "Ân", "Ăn", "An"], key=sort_key)
    ['An', 'Ăn', 'Ân', 'Dung', 'Đào']
    """
    clean = nfc(text)
    words = [_letters(w) for w in clean.split(" ") if w]
    primary = _WORD_SEP.join(p for p, _ in words)
    secondary = "".join(chr(0x30 + t) for _, t in words)
    return primary + _LEVEL_SEP + secondary + _LEVEL_SEP + clean


def given_name_first(text: str | None) -> str:
    """Reorder a full name so the given name (last word) comes first.

    Vietnamese lists are often sorted by given name: ``sort_key(given_name_first(n))``.

    >>> given_name_first("Nguyễn Thị Ánh")
    'Ánh Nguyễn Thị'
    """
    words = nfc(text).split(" ")
    if len(words) < 2:
        return nfc(text)
    return " ".join([words[-1], *words[:-1]])


PhoneKind = Literal["mobile", "landline", "other", "invalid"]


@dataclass(frozen=True)
class PhoneResult:
    """A phone number as it will be stored, plus an optional warning (never a block).

    ``value`` is E.164 (``+84…``) when the number parses, else the cleaned input so
    nothing the user typed is lost.
    """

    value: str
    kind: PhoneKind
    warning_vi: str | None = None
    warning_en: str | None = None

    @property
    def ok(self) -> bool:
        return self.warning_vi is None


def normalize_phone(raw: str | None) -> PhoneResult | None:
    """Validate a Vietnamese phone number with ``phonenumbers``; ``None`` for empty input.

    >>> normalize_phone("0912 345 678").value
    '+84912345678'
    >>> normalize_phone("abc").kind
    'invalid'
    """
    cleaned = nfc(raw)
    if not cleaned:
        return None
    try:
        parsed = phonenumbers.parse(cleaned, "VN")
    except phonenumbers.NumberParseException:
        return PhoneResult(
            cleaned,
            "invalid",
            "Số điện thoại không đúng định dạng — vẫn lưu, hãy kiểm tra lại.",
            "Phone number is not in a valid format — saved anyway, please check it.",
        )
    if not phonenumbers.is_valid_number(parsed):
        # Keep what the user typed: a wrong guess at +84 would hide their input.
        return PhoneResult(
            cleaned,
            "invalid",
            "Số điện thoại có vẻ không hợp lệ — vẫn lưu, hãy kiểm tra lại.",
            "Phone number looks invalid — saved anyway, please check it.",
        )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    number_type = phonenumbers.number_type(parsed)
    kind: PhoneKind
    if number_type in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        kind = "mobile"
    elif number_type == phonenumbers.PhoneNumberType.FIXED_LINE:
        kind = "landline"
    else:
        kind = "other"
    if parsed.country_code != 84:
        return PhoneResult(
            e164,
            kind,
            "Số điện thoại không phải số Việt Nam — vẫn lưu, hãy kiểm tra lại.",
            "Not a Vietnamese phone number — saved anyway, please check it.",
        )
    return PhoneResult(e164, kind)
