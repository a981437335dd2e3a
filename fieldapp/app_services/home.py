"""The Home screen's figures: my visits today and this week, households not yet
visited, follow-ups due, records not yet synced, last successful sync.

>>> from fieldapp.store import DeviceStore
>>> home_summary(DeviceStore.open(":memory:"), member_id=None).pending
0
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldapp.app_services.formatting import week_start
from fieldapp.store import DeviceStore

__all__ = ["LAST_SYNC_KEY", "HomeSummary", "home_summary"]

# Meta key written by the sync service after each successful run (ISO time, UTC).
LAST_SYNC_KEY = "app.last_sync_ok_at"


@dataclass(frozen=True)
class HomeSummary:
    visits_today: int
    visits_week: int
    not_visited: int
    follow_ups_due: int
    pending: int
    last_sync_at: str | None


def _visits_between(store: DeviceStore, member_id: str | None, start: date, end: date) -> int:
    """Effective (not superseded) visits whose local date is in [start, end]."""
    # visited_at is stored with the device's UTC offset, so its first ten characters are
    # the member's own calendar day.
    sql = (
        "SELECT count(*) FROM visits WHERE superseded_by IS NULL"
        " AND substr(visited_at, 1, 10) BETWEEN ? AND ?"
    )
    params: list[str] = [start.isoformat(), end.isoformat()]
    if member_id:
        sql += " AND member_id = ?"
        params.append(member_id)
    return int(store.db.execute(sql, params).fetchone()[0])


def home_summary(
    store: DeviceStore, *, member_id: str | None, today: date | None = None
) -> HomeSummary:
    """Compute every Home figure in a few indexed queries (safe for 10,000 households)."""
    day = today or date.today()
    return HomeSummary(
        visits_today=_visits_between(store, member_id, day, day),
        visits_week=_visits_between(store, member_id, week_start(day), day),
        not_visited=store.count_households(status="never"),
        follow_ups_due=store.count_households(status="due", today=day),
        pending=store.pending_count(),
        last_sync_at=store.meta_get(LAST_SYNC_KEY),
    )
