"""The domain model and its validation: pure Python, no I/O."""

from fieldapp.domain.model import (
    Activity,
    ActivityKind,
    Consent,
    GeoPoint,
    Household,
    Indicator,
    Member,
    Outcome,
    PaymentStatus,
    Procedure,
    ProcedureLevel,
    Role,
    Team,
    Village,
    Visit,
    Ward,
)
from fieldapp.domain.validation import Problem, ValidationError, parse_household, parse_visit

__all__ = [
    "Activity",
    "ActivityKind",
    "Consent",
    "GeoPoint",
    "Household",
    "Indicator",
    "Member",
    "Outcome",
    "PaymentStatus",
    "Problem",
    "Procedure",
    "ProcedureLevel",
    "Role",
    "Team",
    "ValidationError",
    "Village",
    "Visit",
    "Ward",
    "parse_household",
    "parse_visit",
]
