"""Coverage results as frozen dataclasses, plus the label every figure must carry.

Nothing here touches a database: :mod:`fieldapp.coverage.queries` fills these from SQL,
the UI, the API and the exports only read them.

>>> f = Figures(households_total=4, households_visited=1)
>>> f.share("visited_share")
0.25
>>> Figures().share("full_online_share") is None  # no dossiers: no data, not 0 %
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

__all__ = [
    "DATA_LABEL",
    "DATA_LABEL_EN",
    "DATA_LABEL_VI",
    "FOLLOW_THROUGH_FIELDS",
    "GAP_REASONS",
    "METRICS",
    "Figures",
    "GapPage",
    "GapRow",
    "IndicatorProgress",
    "MemberActivity",
    "Period",
    "ProcedureCoverage",
    "TeamCoverage",
    "VillageCoverage",
    "WeekPoint",
]

# The app counts what the team itself did; the official Decision 766 KPIs are measured by
# the national portal per dossier. Every screen and file showing these figures says so.
DATA_LABEL_VI = "Số liệu hoạt động của tổ, không phải số liệu chính thức"
DATA_LABEL_EN = "The team's own activity figures, not official portal statistics"
DATA_LABEL = f"{DATA_LABEL_VI} ({DATA_LABEL_EN})"

# Why a household is on the gap list: code → (Vietnamese, English).
GAP_REASONS: dict[str, tuple[str, str]] = {
    "not_visited": ("Chưa thăm", "Not visited"),
    "nobody_home": ("Đã đến nhưng không có ai ở nhà", "Called, nobody home"),
    "follow_up_due": ("Đến hẹn quay lại", "Follow-up due"),
    "follow_up_overdue": ("Quá hẹn quay lại", "Follow-up overdue"),
}


@dataclass(frozen=True)
class Period:
    """An inclusive range of local calendar days ``[start, end]``.

    A visit belongs to the day written at the start of its ``visited_at`` (the device's
    local date, e.g. ``2024-06-05`` in ``2024-06-05T18:30:00+07:00``), not the UTC day:
    the team means "the visit on 5 June", and a UTC day would move evening visits to the
    next day. See docs/coverage.md.
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period end is before its start / ngày kết thúc trước ngày bắt đầu")


@dataclass(frozen=True)
class Figures:
    """Counts for one group (a village, a team, a member, a week or a total).

    Only effective visits count: a visit replaced by a correction (``superseded_by``)
    never does; the correction counts once. Visits to deleted households never count.
    """

    households_total: int = 0
    # Households reached at least once in the period: an effective visit whose outcome is
    # not "nobody home". Declined-consent visits count (the household was met).
    households_visited: int = 0
    # Households only called on with nobody home in the period (not reached).
    households_nobody_home: int = 0
    visits: int = 0
    visits_declined: int = 0
    people_guided: int = 0
    dossiers_online: int = 0
    dossiers_full_online: int = 0
    dossier_households: int = 0
    fees_paid_verified: int = 0
    fees_paid_self_reported: int = 0
    fees_paid_unknown: int = 0
    vneid_level2: int = 0
    payment_accounts: int = 0
    digital_signatures: int = 0
    # Follow-ups are a state on ``today``, not an activity in the period: a household whose
    # latest effective visit asks to come back on or before today (due) / before today
    # (overdue; overdue ones are also due).
    follow_ups_due: int = 0
    follow_ups_overdue: int = 0
    # Dossiers followed to their outcome: of the dossiers submitted in the period (the
    # same ones ``dossiers_online`` counts), where each stands as last recorded
    # (fieldapp.domain.dossier). ``dossiers_overdue``: still with the agency on ``today``
    # past the procedure's processing time; ``dossiers_waiting`` includes those that
    # need more papers. Fees: ``dossier_fees_paid_online`` (``…_verified`` of them by a
    # receipt) and ``fees_awaiting`` (a payment asked, not yet made).
    results_received: int = 0
    dossiers_refused: int = 0
    dossiers_needs_papers: int = 0
    dossiers_waiting: int = 0
    dossiers_overdue: int = 0
    fees_awaiting: int = 0
    dossier_fees_paid_online: int = 0
    dossier_fees_verified: int = 0

    def __add__(self, other: Figures) -> Figures:
        """Sum two groups; valid for villages (a household belongs to one village)."""
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def fees_paid_online(self) -> int:
        """Self-reported plus verified online payments (unknown ones are not counted)."""
        return self.fees_paid_verified + self.fees_paid_self_reported

    def ratio_parts(self, metric: str) -> tuple[int, int] | None:
        """(numerator, denominator) of a metric, or None if the metric is unknown."""
        parts = {
            "visited_share": (self.households_visited, self.households_total),
            "dossier_households_share": (self.dossier_households, self.households_visited),
            "full_online_share": (self.dossiers_full_online, self.dossiers_online),
            "fee_paid_share": (self.fees_paid_online, self.dossiers_online),
            "fee_paid_verified_share": (self.fees_paid_verified, self.dossiers_online),
            "result_share": (self.results_received, self.dossiers_online),
            "refused_share": (self.dossiers_refused, self.dossiers_online),
            "overdue_share": (self.dossiers_overdue, self.dossiers_online),
            "dossier_fee_paid_share": (
                self.dossier_fees_paid_online,
                self.dossier_fees_paid_online + self.fees_awaiting,
            ),
        }
        return parts.get(metric)

    def share(self, metric: str) -> float | None:
        """The metric's value (0–1, may exceed 1 for fees), or None for "no data"."""
        parts = self.ratio_parts(metric)
        if parts is None or parts[1] == 0:
            return None
        return parts[0] / parts[1]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "fees_paid_online": self.fees_paid_online}


# The figures of dossiers followed to their outcome (state as last recorded, not activity
# in the period): from the derived dossiers, not from the activity roll-up.
FOLLOW_THROUGH_FIELDS: tuple[str, ...] = (
    "results_received",
    "dossiers_refused",
    "dossiers_needs_papers",
    "dossiers_waiting",
    "dossiers_overdue",
    "fees_awaiting",
    "dossier_fees_paid_online",
    "dossier_fees_verified",
)

# metric name → (Vietnamese, English) explanation of numerator / denominator.
METRICS: dict[str, tuple[str, str]] = {
    "visited_share": ("Hộ đã thăm / tổng số hộ", "Households reached / all households"),
    "dossier_households_share": (
        "Hộ được hỗ trợ nộp hồ sơ trực tuyến / hộ đã thăm",
        "Households helped to submit online / households reached",
    ),
    "full_online_share": (
        "Hồ sơ toàn trình / hồ sơ nộp trực tuyến",
        "Full-online dossiers / online dossiers",
    ),
    "fee_paid_share": (
        "Lượt thanh toán phí trực tuyến (tự khai + đã xác minh) / hồ sơ nộp trực tuyến",
        "Online fee payments (self-reported + verified) / online dossiers",
    ),
    "fee_paid_verified_share": (
        "Lượt thanh toán phí đã xác minh / hồ sơ nộp trực tuyến",
        "Verified online fee payments / online dossiers",
    ),
    "result_share": (
        "Hồ sơ đã có kết quả / hồ sơ nộp trực tuyến",
        "Dossiers with their result / online dossiers",
    ),
    "refused_share": (
        "Hồ sơ bị từ chối / hồ sơ nộp trực tuyến",
        "Refused dossiers / online dossiers",
    ),
    "overdue_share": (
        "Hồ sơ quá hạn giải quyết / hồ sơ nộp trực tuyến",
        "Dossiers past their processing time / online dossiers",
    ),
    "dossier_fee_paid_share": (
        "Hồ sơ đã nộp phí trực tuyến / hồ sơ phải nộp phí",
        "Dossiers whose fee was paid online / dossiers with a fee to pay",
    ),
}


@dataclass(frozen=True)
class IndicatorProgress:
    """One campaign indicator for one group: value against target.

    ``value`` None means "no data" (nothing to divide by), which is not the same as 0.
    ``value_verified`` is set for fee indicators: verified payments only.
    """

    key: str
    name_vi: str
    name_en: str
    metric: str
    target: float
    value: float | None
    numerator: int
    denominator: int
    value_verified: float | None = None

    @property
    def ratio(self) -> float | None:
        """Progress towards the target (1.0 = met); None when no data or no target."""
        if self.value is None or self.target <= 0:
            return None
        return self.value / self.target

    @property
    def has_data(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "has_data": self.has_data}


@dataclass(frozen=True)
class VillageCoverage:
    village_id: str
    village_name: str
    ward_code: str
    team_id: str | None
    figures: Figures
    indicators: tuple[IndicatorProgress, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "village_id": self.village_id,
            "village_name": self.village_name,
            "ward_code": self.ward_code,
            "team_id": self.team_id,
            "figures": self.figures.to_dict(),
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass(frozen=True)
class TeamCoverage:
    team_id: str | None
    team_name: str
    ward_code: str
    village_ids: tuple[str, ...]
    figures: Figures
    indicators: tuple[IndicatorProgress, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "team_name": self.team_name,
            "ward_code": self.ward_code,
            "village_ids": list(self.village_ids),
            "figures": self.figures.to_dict(),
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass(frozen=True)
class ProcedureCoverage:
    """The dossiers of one procedure: only the dossier figures of ``figures`` are set
    (``dossiers_online``, ``dossiers_full_online`` and the follow-through counts)."""

    procedure_code: str
    name_vi: str
    name_en: str
    processing_days: int | None
    figures: Figures
    indicators: tuple[IndicatorProgress, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "procedure_code": self.procedure_code,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "processing_days": self.processing_days,
            "figures": self.figures.to_dict(),
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass(frozen=True)
class MemberActivity:
    """What one member did in the period (``households_total`` is always 0 here)."""

    member_id: str
    member_name: str
    team_id: str | None
    figures: Figures
    # Visited here but no longer in a team covering these villages ("đã rời tổ").
    left_team: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "member_name": self.member_name,
            "team_id": self.team_id,
            "left_team": self.left_team,
            "figures": self.figures.to_dict(),
        }


@dataclass(frozen=True)
class WeekPoint:
    """Activity in one ISO week (Monday ``week_start``) of the period."""

    week_start: date
    figures: Figures

    def to_dict(self) -> dict[str, Any]:
        return {"week_start": self.week_start.isoformat(), "figures": self.figures.to_dict()}


@dataclass(frozen=True)
class GapRow:
    """A household to visit next: never reached, nobody home, or a follow-up due."""

    household_id: str
    village_id: str
    head_name: str
    address_detail: str
    reason: str
    last_visit_at: str | None
    follow_up_on: str | None

    @property
    def reason_vi(self) -> str:
        return GAP_REASONS[self.reason][0]

    @property
    def reason_en(self) -> str:
        return GAP_REASONS[self.reason][1]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reason_vi": self.reason_vi, "reason_en": self.reason_en}


@dataclass(frozen=True)
class GapPage:
    items: tuple[GapRow, ...]
    # Pass back as ``after=`` for the next page; None on the last page.
    next_after: tuple[str, str] | None
