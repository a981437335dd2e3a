"""The console's tables: one description drives the HTML table, its sorting, its
accent-insensitive search, its paging and its XLSX/CSV download.

Text sorts the Vietnamese way (:func:`fieldapp.text.sort_key`); search folds accents and
case (:func:`fieldapp.text.fold`), so "nguyen" finds "Nguyễn". Downloads go through
:mod:`fieldapp.coverage.export`'s writers with the Vietnamese headings.

>>> cols = [Column("name", "name"), Column("n", "visits", "int")]
>>> rows = [{"name": "Ánh", "n": 2}, {"name": "Anh", "n": 5}, {"name": "Bình", "n": 1}]
>>> [r["name"] for r in build("t", "villages_table", cols, rows, sort="name").rows]
['Anh', 'Ánh', 'Bình']
>>> [r["name"] for r in build("t", "villages_table", cols, rows, q="anh", sort="name").rows]
['Anh', 'Ánh']
>>> [r["name"] for r in build("t", "villages_table", cols, rows, q="anh").rows]  # given order
['Ánh', 'Anh']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import phonenumbers

from fieldapp.coverage.export import Cell, Day, Pct, Table
from fieldapp.server.console.i18n import t
from fieldapp.text import fold, sort_key

__all__ = [
    "Column",
    "TableView",
    "build",
    "export_table",
    "local_time",
    "phone_text",
]

PER_PAGE = 200
# Vietnam has one time zone and no daylight saving.
VN = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class Column:
    key: str
    label: str | tuple[str, str]  # an i18n key, or (Vietnamese, English) from data
    kind: str = "text"  # text | int | pct | day | when | phone
    sortable: bool = True

    def heading(self, lang: str) -> str:
        if isinstance(self.label, tuple):
            return self.label[1] if lang == "en" else self.label[0]
        return t(self.label, lang)


@dataclass
class TableView:
    name: str
    title: str  # an i18n key
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    all_rows: list[dict[str, Any]] = field(default_factory=list)
    sort: str | None = None
    desc: bool = False
    q: str = ""
    page: int = 1
    pages: int = 1

    @property
    def total(self) -> int:
        return len(self.all_rows)


def _sort_value(kind: str, value: Any) -> tuple[Any, ...]:
    if kind == "text":
        return (value in (None, ""), sort_key(str(value or "")))
    return (value is None, value if value is not None else 0)


def build(
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: list[dict[str, Any]],
    *,
    sort: str | None = None,
    desc: bool = False,
    q: str = "",
    search: Sequence[str] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> TableView:
    """Filter by ``q`` over the ``search`` columns (default: the text columns), sort by
    ``sort`` (ties keep the given order), and cut page ``page``."""
    kinds = {c.key: c.kind for c in columns}
    keys = search if search is not None else [c.key for c in columns if c.kind == "text"]
    wanted = fold(q)
    if wanted:
        rows = [r for r in rows if wanted in fold(" ".join(str(r.get(k) or "") for k in keys))]
    if sort is not None and sort in kinds and any(c.key == sort and c.sortable for c in columns):
        key, kind = sort, kinds[sort]
        rows = sorted(rows, key=lambda r: _sort_value(kind, r.get(key)), reverse=desc)
        if desc:  # empty values last either way
            rows = [r for r in rows if r.get(key) not in (None, "")] + [
                r for r in rows if r.get(key) in (None, "")
            ]
    else:
        sort = None
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * per_page : page * per_page]
    return TableView(name, title, columns, shown, rows, sort, desc, q, page, pages)


def local_time(value: str | None) -> str:
    """``2026-12-01T03:04:05+00:00`` → ``01/12/2026 10:04`` (Vietnam time)."""
    if not value:
        return ""
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(VN).strftime("%d/%m/%Y %H:%M")


def phone_text(value: str | None) -> str:
    """``+84912345678`` → ``0912 345 678``, the way people read a phone here.

    >>> phone_text("+84912345678"), phone_text("12ab")
    ('0912 345 678', '12ab')
    """
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code != 84:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _cell(kind: str, value: Any) -> Cell:
    if kind == "pct":
        return Pct(value)
    if kind == "day":
        return Day(date.fromisoformat(str(value)[:10]) if value else None)
    if kind == "when":
        return local_time(value)
    if kind == "int":
        return None if value is None else int(value)
    if kind == "phone":
        return phone_text(value)
    return "" if value is None else str(value)


def export_table(view: TableView, subtitle: str) -> Table:
    """The whole filtered, sorted table (every page) with Vietnamese headings."""
    cols = list(view.columns)
    return Table(
        t(view.title, "vi"),
        subtitle,
        tuple(c.heading("vi") for c in cols),
        [[_cell(c.kind, r.get(c.key)) for c in cols] for r in view.all_rows],
    )
