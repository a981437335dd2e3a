"""Household lists paged from SQL: accent-free search, village and visit-status filters,
Vietnamese order. Nothing here loads a whole village into memory.

Paging is by keyset (the last row's sort key and id), so page N costs the same as page 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlite_utils import Database

from fieldapp.text import fold

__all__ = [
    "HouseholdPage",
    "HouseholdRow",
    "Status",
    "count_households",
    "search_households",
]

Status = Literal["never", "visited", "follow_up", "due", "overdue"]
Order = Literal["name", "given"]

_COLUMNS = (
    "id",
    "village_id",
    "head_name",
    "address_detail",
    "phone",
    "members_count",
    "visit_count",
    "last_visit_at",
    "last_outcome",
    "follow_up_on",
    "dirty",
)


@dataclass(frozen=True)
class HouseholdRow:
    """A household as a list shows it, with its visit summary."""

    id: str
    village_id: str
    head_name: str
    address_detail: str
    phone: str | None
    members_count: int | None
    visit_count: int
    last_visit_at: str | None
    last_outcome: str | None
    follow_up_on: str | None
    dirty: int


@dataclass(frozen=True)
class HouseholdPage:
    items: list[HouseholdRow]
    # Pass back as ``after=`` for the next page; None when this is the last page.
    next_after: tuple[str, str] | None


def _where(
    query: str,
    village_id: str | None,
    village_ids: list[str] | None,
    status: Status | None,
    today: date | None,
) -> tuple[list[str], list[Any]]:
    clauses = ["deleted = 0"]
    params: list[Any] = []
    if village_id:
        clauses.append("village_id = ?")
        params.append(village_id)
    elif village_ids is not None:
        clauses.append(f"village_id IN ({','.join('?' * len(village_ids))})")
        params.extend(village_ids)
    # Every word must appear somewhere (name, address or phone), in any order.
    for word in fold(query).split():
        clauses.append("search LIKE ? ESCAPE '\\'")
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    day = (today or date.today()).isoformat()
    if status == "never":
        clauses.append("visit_count = 0")
    elif status == "visited":
        clauses.append("visit_count > 0")
    elif status == "follow_up":
        clauses.append("follow_up_on IS NOT NULL")
    elif status == "due":
        clauses.append("follow_up_on IS NOT NULL AND follow_up_on <= ?")
        params.append(day)
    elif status == "overdue":
        clauses.append("follow_up_on IS NOT NULL AND follow_up_on < ?")
        params.append(day)
    return clauses, params


def search_households(
    db: Database,
    *,
    query: str = "",
    village_id: str | None = None,
    village_ids: list[str] | None = None,
    status: Status | None = None,
    order: Order = "name",
    limit: int = 50,
    after: tuple[str, str] | None = None,
    today: date | None = None,
) -> HouseholdPage:
    """One page of households.

    ``query`` ignores accents and case ("nguyen thi anh" finds "Nguyễn Thị Ánh");
    ``order="given"`` sorts by given name first; ``status`` is one of never / visited /
    follow_up / due / overdue (due and overdue relative to ``today``).
    """
    column = "given_sort" if order == "given" else "name_sort"
    clauses, params = _where(query, village_id, village_ids, status, today)
    if after is not None:
        clauses.append(f"({column}, id) > (?, ?)")
        params.extend(after)
    sql = (
        f"SELECT {', '.join(_COLUMNS)}, {column} FROM households"
        f" WHERE {' AND '.join(clauses)} ORDER BY {column}, id LIMIT ?"
    )
    rows = db.execute(sql, [*params, limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [HouseholdRow(*r[:-1]) for r in rows]
    next_after = (rows[-1][-1], rows[-1][0]) if more and rows else None
    return HouseholdPage(items, next_after)


def count_households(
    db: Database,
    *,
    query: str = "",
    village_id: str | None = None,
    village_ids: list[str] | None = None,
    status: Status | None = None,
    today: date | None = None,
) -> int:
    """How many households match (same filters as :func:`search_households`)."""
    clauses, params = _where(query, village_id, village_ids, status, today)
    return int(
        db.execute(
            f"SELECT count(*) FROM households WHERE {' AND '.join(clauses)}", params
        ).fetchone()[0]
    )
