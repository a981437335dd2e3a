"""Coverage review: how much of each village the team has reached, against targets.

The same SQL runs on the device store and the server database. Every figure is the
team's own activity (:data:`DATA_LABEL_VI`), never the official portal statistics.
"""

from fieldapp.coverage.queries import VisitLogRow
from fieldapp.coverage.results import (
    DATA_LABEL,
    DATA_LABEL_EN,
    DATA_LABEL_VI,
    GAP_REASONS,
    Figures,
    GapPage,
    GapRow,
    IndicatorProgress,
    MemberActivity,
    Period,
    ProcedureCoverage,
    TeamCoverage,
    VillageCoverage,
    WeekPoint,
)
from fieldapp.coverage.service import CoverageService, Overview

__all__ = [
    "DATA_LABEL",
    "DATA_LABEL_EN",
    "DATA_LABEL_VI",
    "GAP_REASONS",
    "CoverageService",
    "Figures",
    "GapPage",
    "GapRow",
    "IndicatorProgress",
    "MemberActivity",
    "Overview",
    "Period",
    "ProcedureCoverage",
    "TeamCoverage",
    "VillageCoverage",
    "VisitLogRow",
    "WeekPoint",
]
