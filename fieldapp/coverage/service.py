"""CoverageService: the one object screens, the API and the CLI ask for coverage.

It binds a database (device store or server), a scope (which villages may be seen) and a
campaign (which indicators and targets apply). Callers never write SQL; every method is
blocking, so UI code calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fieldapp.coverage import queries
from fieldapp.coverage.queries import Executor, VisitLogRow
from fieldapp.coverage.results import (
    Figures,
    GapPage,
    IndicatorProgress,
    MemberActivity,
    Period,
    ProcedureCoverage,
    TeamCoverage,
    VillageCoverage,
    WeekPoint,
)
from fieldapp.domain.dossier import DossierState
from fieldapp.reference import Campaign, load_campaign

__all__ = ["PERIOD_CHOICES", "CoverageService", "Overview"]

# Period choices offered on the coverage screen: key → (Vietnamese, English).
PERIOD_CHOICES: dict[str, tuple[str, str]] = {
    "last_4_weeks": ("4 tuần qua", "Last 4 weeks"),
    "campaign": ("Chiến dịch", "Campaign"),
    "this_month": ("Tháng này", "This month"),
}


@dataclass(frozen=True)
class Overview:
    """Everything the coverage screen shows at once for one period."""

    period: Period
    today: date
    villages: tuple[VillageCoverage, ...]
    teams: tuple[TeamCoverage, ...]
    total: Figures
    indicators: tuple[IndicatorProgress, ...]
    # Dossiers per procedure (followed to their outcome), in catalogue order.
    procedures: tuple[ProcedureCoverage, ...] = ()


class CoverageService:
    """Coverage over ``db`` limited to ``village_ids`` (None = every village in the DB).

    ``dossiers``: on a phone, where its derived dossiers come from (``DeviceStore.dossiers``);
    the server keeps them in a table of its own and needs none.
    """

    def __init__(
        self,
        db: Executor,
        *,
        village_ids: Sequence[str] | None = None,
        campaign: Campaign | None = None,
        dossiers: Callable[[], Sequence[DossierState]] | None = None,
    ) -> None:
        self.db = db
        self.village_ids = tuple(village_ids) if village_ids is not None else None
        self.campaign = campaign or load_campaign()
        self._dossiers = dossiers

    def _derived(self) -> Sequence[DossierState] | None:
        return self._dossiers() if self._dossiers is not None else None

    def campaign_period(self, today: date) -> Period:
        """The campaign's own dates, or the last 30 days when today is outside them."""
        start = date.fromisoformat(self.campaign.starts_on)
        end = date.fromisoformat(self.campaign.ends_on)
        if start <= today <= end:
            return Period(start, today)
        if today > end:
            return Period(start, end)
        return Period(date.fromordinal(today.toordinal() - 29), today)

    def period_choice(self, key: str, today: date) -> Period:
        """One of :data:`PERIOD_CHOICES` on ``today``.

        ``last_4_weeks``: the 28 days ending today. ``campaign``: the campaign's dates,
        cut at today while it runs (see :meth:`campaign_period`). ``this_month``: the 1st
        of today's month to today.
        """
        if key == "last_4_weeks":
            return Period(today - timedelta(days=27), today)
        if key == "campaign":
            return self.campaign_period(today)
        if key == "this_month":
            return Period(today.replace(day=1), today)
        raise ValueError(f"unknown period choice: {key}")

    def default_choice(self, today: date) -> str:
        """``campaign`` while today is inside the campaign, else ``last_4_weeks``.

        A screen opened after (or before) the campaign shows recent work, not an old or
        empty range.
        """
        start = date.fromisoformat(self.campaign.starts_on)
        end = date.fromisoformat(self.campaign.ends_on)
        return "campaign" if start <= today <= end else "last_4_weeks"

    def default_period(self, today: date) -> Period:
        """The period a screen opens with: see :meth:`default_choice`."""
        return self.period_choice(self.default_choice(today), today)

    def _scope(self, village_ids: Sequence[str] | None) -> tuple[str, ...] | None:
        """Narrow to the requested villages, never beyond the service's own scope."""
        if village_ids is None:
            return self.village_ids
        if self.village_ids is None:
            return tuple(village_ids)
        allowed = set(self.village_ids)
        return tuple(v for v in village_ids if v in allowed)

    def villages(
        self, period: Period, today: date, village_ids: Sequence[str] | None = None
    ) -> list[VillageCoverage]:
        return queries.village_coverage(
            self.db,
            period,
            today,
            village_ids=self._scope(village_ids),
            indicators=self.campaign.indicators,
            dossiers=self._derived(),
        )

    def procedures(
        self, period: Period, today: date, village_ids: Sequence[str] | None = None
    ) -> list[ProcedureCoverage]:
        """Dossiers per procedure, with the campaign's indicators measured on each."""
        return queries.procedure_coverage(
            self.db,
            period,
            today,
            village_ids=self._scope(village_ids),
            indicators=self.campaign.indicators,
            dossiers=self._derived(),
        )

    def teams(
        self, period: Period, today: date, village_ids: Sequence[str] | None = None
    ) -> list[TeamCoverage]:
        return queries.team_coverage(
            self.villages(period, today, village_ids),
            self.db,
            indicators=self.campaign.indicators,
        )

    def overview(
        self, period: Period, today: date, village_ids: Sequence[str] | None = None
    ) -> Overview:
        villages = self.villages(period, today, village_ids)
        teams = queries.team_coverage(villages, self.db, indicators=self.campaign.indicators)
        figures = queries.total(villages)
        return Overview(
            period=period,
            today=today,
            villages=tuple(villages),
            teams=tuple(teams),
            total=figures,
            indicators=queries.indicator_progress(figures, self.campaign.indicators),
            procedures=tuple(self.procedures(period, today, village_ids)),
        )

    def members(
        self,
        period: Period,
        today: date,
        village_ids: Sequence[str] | None = None,
        team_ids: Sequence[str] | None = None,
    ) -> list[MemberActivity]:
        scope = self._scope(village_ids)
        if team_ids is None:
            # Teams covering the scope: their idle members are listed with zeros.
            teams = queries.team_villages(self.db)
            wanted = set(scope) if scope is not None else None
            team_ids = [
                tid for tid, (_, _, vids) in teams.items() if wanted is None or wanted & set(vids)
            ]
        return queries.member_activity(
            self.db, period, today, village_ids=scope, team_ids=team_ids, dossiers=self._derived()
        )

    def weekly(self, period: Period, village_ids: Sequence[str] | None = None) -> list[WeekPoint]:
        return queries.weekly_trend(self.db, period, village_ids=self._scope(village_ids))

    def gaps(
        self,
        village_id: str,
        today: date,
        *,
        since: date | None = None,
        limit: int = 50,
        after: tuple[str, str] | None = None,
    ) -> GapPage:
        """The gap list of one village; an out-of-scope village gives an empty page."""
        if self.village_ids is not None and village_id not in self.village_ids:
            return GapPage((), None)
        return queries.gap_list(self.db, village_id, today, since=since, limit=limit, after=after)

    def visit_log(
        self, period: Period, village_ids: Sequence[str] | None = None
    ) -> Iterator[VisitLogRow]:
        return queries.visit_log(self.db, period, village_ids=self._scope(village_ids))
