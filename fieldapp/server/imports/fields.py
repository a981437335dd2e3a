"""The fields of each kind of list, the header names recognised for them, and the mapping.

Headers are compared folded (no accents, no case, punctuation as spaces), so
"Họ tên chủ hộ", "HO TEN CHU HO" and "ho_ten_chu_ho" are one name. A header equal to a
known name beats one that merely contains it, and a longer known name beats a shorter
one ("Số điện thoại chủ hộ" is a phone, not a head of household: it starts with one).

>>> header_key("Thôn/TDP"), header_key(" SĐT  ")
('thon tdp', 'sdt')
>>> best_field("Họ và tên chủ hộ", "households")
'head_name'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from fieldapp.text import fold

if TYPE_CHECKING:  # the table module uses this one's header names at run time
    from fieldapp.server.imports.table import RawTable

__all__ = [
    "FIELDS",
    "KINDS",
    "ColumnMapping",
    "ImportKind",
    "best_field",
    "field_label",
    "guess_mapping",
    "header_key",
    "is_known_header",
]

ImportKind = Literal["households", "members"]
KINDS: tuple[ImportKind, ...] = ("households", "members")

# kind → field → (Vietnamese label, English label), in the order a form shows them.
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "households": {
        "head_name": ("Họ tên chủ hộ", "Head of household"),
        "address_detail": ("Địa chỉ (số nhà, ngõ, xóm)", "Address detail"),
        "village": ("Thôn/Tổ dân phố", "Village"),
        "phone": ("Số điện thoại", "Phone"),
        "members_count": ("Số nhân khẩu", "Number of people"),
    },
    "members": {
        "name": ("Họ tên", "Name"),
        "role": ("Vai trò", "Role"),
        "team": ("Tổ CNSCĐ", "Team"),
        "phone": ("Số điện thoại", "Phone"),
    },
}

_PHONE = (
    "so dien thoai",
    "dien thoai",
    "sdt",
    "so dt",
    "dt",
    "dtdd",
    "di dong",
    "so di dong",
    "dien thoai lien he",
    "sdt lien he",
    "so dien thoai lien he",
    "phone",
    "mobile",
)
# kind → field → header names, already in header_key form.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "households": {
        "head_name": (
            "ho ten chu ho",
            "ho va ten chu ho",
            "ten chu ho",
            "chu ho",
            "ho ten",
            "ho va ten",
            "ten",
            "head of household",
            "household head",
            "name",
        ),
        "address_detail": (
            "dia chi",
            "dia chi cu the",
            "dia chi chi tiet",
            "so nha",
            "so nha ngo",
            "so nha duong",
            "ngo xom",
            "noi o",
            "cho o hien nay",
            "address",
        ),
        "village": (
            "thon",
            "tdp",
            "thon tdp",
            "thon to dan pho",
            "to dan pho",
            "thon xom",
            "thon ban",
            "khu pho",
            "khu dan cu",
            "ten thon",
            "to",
            "xom",
            "ban",
            "ap",
            "village",
        ),
        "phone": _PHONE,
        "members_count": (
            "so nhan khau",
            "nhan khau",
            "so khau",
            "so nk",
            "so nguoi",
            "so nguoi trong ho",
            "so thanh vien",
            "tong so nhan khau",
            "members",
            "people",
        ),
    },
    "members": {
        "name": (
            "ho ten",
            "ho va ten",
            "ten",
            "ten thanh vien",
            "ho ten thanh vien",
            "ho va ten thanh vien",
            "name",
        ),
        "role": ("vai tro", "chuc vu", "chuc danh", "nhiem vu", "role"),
        "team": (
            "to",
            "ten to",
            "to cnscd",
            "thuoc to",
            "to cong nghe so",
            "to cong nghe so cong dong",
            "team",
        ),
        "phone": _PHONE,
    },
}
# Headers that are not imported but show a row is the header row.
_OTHER_HEADERS = frozenset(
    {
        "stt",
        "tt",
        "so tt",
        "ghi chu",
        "nam sinh",
        "gioi tinh",
        "dan toc",
        "nghe nghiep",
        "quan he voi chu ho",
        "quan he",
    }
)

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(text: str | None) -> str:
    """A header as compared: folded, punctuation and runs of space as one space."""
    return _NOT_ALNUM.sub(" ", fold(text)).strip()


def _score(key: str, synonym: str) -> int:
    """Exact beats a header that starts with the name, which beats one containing it
    (only names of 4 letters or more: "to", "ban" are inside too many other words)."""
    if key == synonym:
        return 1000 + len(synonym)
    if key.startswith(synonym + " "):
        return 500 + len(synonym)
    if len(synonym) >= 4 and f" {synonym} " in f" {key} ":
        return 100 + len(synonym)
    return 0


def _scores(text: str, kind: str) -> list[tuple[int, str]]:
    key = header_key(text)
    out = []
    for name, synonyms in SYNONYMS[kind].items():
        best = max(_score(key, s) for s in synonyms)
        if best:
            out.append((best, name))
    return sorted(out, reverse=True)


def best_field(text: str, kind: str) -> str | None:
    """The field a header names in lists of ``kind``, or None."""
    found = _scores(text, kind)
    return found[0][1] if found else None


def is_known_header(text: str) -> bool:
    """Whether ``text`` reads as a column header of any kind of list (finds the header row)."""
    key = header_key(text)
    # Headers name things; "TDP 1" or "Tổ 3" is a value under one.
    if not key or len(key) > 60 or any(ch.isdigit() for ch in key):
        return False
    if key in _OTHER_HEADERS:
        return True
    return any(_scores(text, kind) for kind in KINDS)


def field_label(kind: str, name: str, lang: str = "vi") -> str:
    vi, en = FIELDS.get(kind, {}).get(name, (name, name))
    return en if lang == "en" else vi


@dataclass(frozen=True)
class ColumnMapping:
    """Which spreadsheet column (letter) feeds which field; a form posts it back as a dict.

    ``headers`` remembers the header text each chosen column had, so a saved mapping can
    be shown as "Họ tên chủ hộ ← cột B «Chủ hộ»".
    """

    kind: ImportKind
    columns: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, str]:
        """``{field: column letter}``, the shape a form posts back."""
        return dict(self.columns)

    @classmethod
    def from_dict(
        cls, kind: ImportKind, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> ColumnMapping:
        """From a posted form: empty values mean "not imported"; letters are upper-cased."""
        columns = {str(k): str(v).strip().upper() for k, v in data.items() if v and str(v).strip()}
        known = headers or {}
        return cls(kind, columns, {f: known.get(c, "") for f, c in columns.items()})


def guess_mapping(
    raw: RawTable, kind: ImportKind, saved: Mapping[str, str] | None = None
) -> ColumnMapping:
    """The likeliest column for each field of ``kind``, from the header texts.

    ``saved`` is an earlier choice ``{field: header text}`` (see ``ImportStorage.
    saved_mapping``): a field whose header is found again takes that column first, so a
    commune's own header names, once confirmed, are recognised from then on. Each column
    feeds at most one field and each field takes at most one column: the best-scoring pairs
    are taken first (leftmost column on a tie). Refused columns (ID numbers, dates of birth)
    are never proposed. The officer confirms or overrides the result.
    """
    usable = {
        letter: text
        for letter, text in raw.headers.items()
        if text and letter not in raw.refused_columns
    }
    pairs = []
    remembered = {header_key(text): name for name, text in (saved or {}).items() if text}
    for order, (letter, text) in enumerate(usable.items()):
        name = remembered.get(header_key(text))
        if name in FIELDS[kind]:
            pairs.append((-10_000, order, letter, name))
        for score, found in _scores(text, kind):
            pairs.append((-score, order, letter, found))
    columns: dict[str, str] = {}
    taken: set[str] = set()
    for _, _, letter, name in sorted(pairs):
        if name in columns or letter in taken:
            continue
        columns[name] = letter
        taken.add(letter)
    ordered = {n: columns[n] for n in FIELDS[kind] if n in columns}
    return ColumnMapping(kind, ordered, {n: raw.headers[c] for n, c in ordered.items()})
