"""The domain, as plain frozen dataclasses: no I/O, shared by device, server and reports.

Wards (2025 NSO codes) → villages (thôn / tổ dân phố, kept per ward) → households →
visits. Teams cover villages; members belong to a team with a role. A visit is an
immutable event: a correction is a new visit whose ``supersedes`` names the old one.

Dictionaries produced by ``to_dict`` are the wire and storage shape (JSON-safe).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

__all__ = [
    "ACTIVITY_FIELDS",
    "HOUSEHOLD_FIELDS",
    "VISIT_FIELDS",
    "Activity",
    "ActivityKind",
    "Channel",
    "Consent",
    "DossierStatus",
    "FeeStatus",
    "GeoPoint",
    "Household",
    "Indicator",
    "Member",
    "Outcome",
    "PaymentStatus",
    "Procedure",
    "ProcedureLevel",
    "Role",
    "Team",
    "Village",
    "Visit",
    "Ward",
]


class Consent(StrEnum):
    """Consent to keep the household's personal details (Law 91/2025)."""

    GIVEN = "given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    DONE = "done"
    FOLLOW_UP = "follow_up"
    NOBODY_HOME = "nobody_home"
    DECLINED = "declined"


class ActivityKind(StrEnum):
    VNEID_INSTALLED = "vneid_installed"
    VNEID_LEVEL2 = "vneid_level2"
    PORTAL_ACCOUNT = "portal_account"
    DOSSIER_SUBMITTED = "dossier_submitted"
    # A later word on a dossier already submitted (its status, its fee, its number): the
    # dossier's state is derived from these events (fieldapp.domain.dossier).
    DOSSIER_UPDATE = "dossier_update"
    FEE_PAID = "fee_paid"
    PAYMENT_ACCOUNT = "payment_account"
    DIGITAL_SIGNATURE = "digital_signature"
    OTHER = "other"


class ProcedureLevel(StrEnum):
    """Toàn trình (full online) or một phần (partial: one step in person)."""

    FULL = "full"
    PARTIAL = "partial"


class PaymentStatus(StrEnum):
    """The app cannot see the portal's payments, so it records how it knows."""

    UNKNOWN = "unknown"
    SELF_REPORTED = "self_reported"
    VERIFIED = "verified"


class DossierStatus(StrEnum):
    """Where a dossier stands on the portal, as the household tells the team."""

    SUBMITTED = "submitted"
    PROCESSING = "processing"
    NEEDS_PAPERS = "needs_papers"
    RESULT_RECEIVED = "result_received"
    REFUSED = "refused"


class FeeStatus(StrEnum):
    """A dossier's fee: ``paid_online`` is how far the app can know (``PaymentStatus`` says how)."""

    NOT_DUE = "not_due"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID_ONLINE = "paid_online"


class Channel(StrEnum):
    """Where a visit happened: at the door, by phone, or at the team's support desk
    (điểm hỗ trợ, usually the village cultural house)."""

    HOME = "home"
    PHONE = "phone"
    DESK = "desk"


class Role(StrEnum):
    MEMBER = "member"
    LEADER = "leader"
    OFFICER = "officer"


@dataclass(frozen=True)
class Ward:
    """A commune-level unit (xã / phường / đặc khu) keyed by its 2025 NSO code."""

    code: str
    name: str
    kind: str
    province_code: str


@dataclass(frozen=True)
class Village:
    """A thôn / tổ dân phố: no national code list, so ids are local and keyed to a ward."""

    id: str
    ward_code: str
    name: str
    kind: str = "thôn"


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    ward_code: str
    village_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: Role
    team_id: str | None
    phone: str | None = None


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (TTHC) keyed by its national code, e.g. ``1.001193``."""

    code: str
    name_vi: str
    name_en: str
    level: ProcedureLevel
    fee_vnd: int | None = None
    field_vi: str = ""
    # The statutory time to settle a dossier, in working days (None: not known); the
    # follow-up list and coverage measure waiting against it. See data/procedures.json.
    processing_days: int | None = None


@dataclass(frozen=True)
class Indicator:
    """A campaign indicator with its target share (0–1), measured by ``metric``."""

    key: str
    name_vi: str
    name_en: str
    target: float
    metric: str
    note_vi: str = ""


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lon: float
    accuracy_m: float | None = None


# The optional fields of an activity, in wire order (``kind`` comes first, always).
ACTIVITY_FIELDS: tuple[str, ...] = (
    "procedure_code",
    "level",
    "dossier_no",
    "payment_status",
    "receipt_no",
    "text",
    "dossier_id",
    "dossier_status",
    "fee_status",
)


@dataclass(frozen=True)
class Activity:
    """One thing done with the household during a visit.

    ``procedure_code``/``level``/``dossier_no`` belong to ``dossier_submitted``, with the
    ``dossier_id`` the device gave it (uuid4 hex) and optionally its first ``fee_status``;
    ``dossier_update`` names a ``dossier_id`` and carries at least one of ``dossier_status``,
    ``fee_status``, ``dossier_no``, ``receipt_no`` (``payment_status`` with a paid fee);
    ``payment_status``/``receipt_no`` (and optionally ``procedure_code`` or the
    ``dossier_id`` whose fee it was) to ``fee_paid``; ``text`` to ``other``.
    """

    kind: ActivityKind
    procedure_code: str | None = None
    level: ProcedureLevel | None = None
    dossier_no: str | None = None
    payment_status: PaymentStatus | None = None
    receipt_no: str | None = None
    text: str | None = None
    dossier_id: str | None = None
    dossier_status: DossierStatus | None = None
    fee_status: FeeStatus | None = None

    def to_dict(self) -> dict[str, Any]:
        # Explicit rather than dataclasses.asdict: this runs for every saved visit. Absent
        # fields stay off the wire, so old activities keep their old shape.
        out: dict[str, Any] = {"kind": str(self.kind)}
        for key in ACTIVITY_FIELDS:
            value = getattr(self, key)
            if value is not None:
                out[key] = str(value)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Activity:
        return cls(
            kind=ActivityKind(data["kind"]),
            procedure_code=data.get("procedure_code"),
            level=ProcedureLevel(data["level"]) if data.get("level") else None,
            dossier_no=data.get("dossier_no"),
            payment_status=(
                PaymentStatus(data["payment_status"]) if data.get("payment_status") else None
            ),
            receipt_no=data.get("receipt_no"),
            text=data.get("text"),
            dossier_id=data.get("dossier_id"),
            dossier_status=(
                DossierStatus(data["dossier_status"]) if data.get("dossier_status") else None
            ),
            fee_status=FeeStatus(data["fee_status"]) if data.get("fee_status") else None,
        )


@dataclass(frozen=True)
class Household:
    """A household in a village. Edited by several people, so merged per field on sync."""

    id: str
    village_id: str
    head_name: str = ""
    address_detail: str = ""
    phone: str | None = None
    members_count: int | None = None
    deleted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Household:
        return cls(
            id=data["id"],
            village_id=data["village_id"],
            head_name=data.get("head_name") or "",
            address_detail=data.get("address_detail") or "",
            phone=data.get("phone"),
            members_count=data.get("members_count"),
            deleted=bool(data.get("deleted", False)),
        )


# The fields of a household after its id, in wire/storage order (per-field merge, the
# columns in fieldapp.records, the validator): read from the class, so they cannot drift.
HOUSEHOLD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Household))[1:]


# The fields of a visit, in wire/storage order: every table, message and validator that
# lists them uses this one tuple.
VISIT_FIELDS: tuple[str, ...] = (
    "id",
    "household_id",
    "member_id",
    "visited_at",
    "consent",
    "outcome",
    "people_guided",
    "activities",
    "follow_up_on",
    "notes",
    "gps",
    "supersedes",
    "channel",
)


@dataclass(frozen=True)
class Visit:
    """An immutable visit event. ``visited_at`` is the device clock: data, never order."""

    id: str
    household_id: str
    member_id: str
    visited_at: str
    consent: Consent | None
    outcome: Outcome
    people_guided: int = 0
    activities: tuple[Activity, ...] = field(default_factory=tuple)
    follow_up_on: str | None = None
    notes: str = ""
    gps: GeoPoint | None = None
    supersedes: str | None = None
    # Absent on the wire (old phones) means at the door.
    channel: Channel = Channel.HOME

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "household_id": self.household_id,
            "member_id": self.member_id,
            "visited_at": self.visited_at,
            "consent": str(self.consent) if self.consent else None,
            "outcome": str(self.outcome),
            "people_guided": self.people_guided,
            "activities": [a.to_dict() for a in self.activities],
            "follow_up_on": self.follow_up_on,
            "notes": self.notes,
            "gps": asdict(self.gps) if self.gps else None,
            "supersedes": self.supersedes,
            "channel": str(self.channel),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Visit:
        """Build from a dict already checked by :func:`fieldapp.domain.validation.parse_visit`."""
        gps = data.get("gps")
        return cls(
            id=data["id"],
            household_id=data["household_id"],
            member_id=data["member_id"],
            visited_at=data["visited_at"],
            consent=Consent(data["consent"]) if data.get("consent") else None,
            outcome=Outcome(data["outcome"]),
            people_guided=int(data.get("people_guided") or 0),
            activities=tuple(Activity.from_dict(a) for a in data.get("activities") or ()),
            follow_up_on=data.get("follow_up_on"),
            notes=data.get("notes") or "",
            gps=GeoPoint(**gps) if gps else None,
            supersedes=data.get("supersedes"),
            channel=Channel(data["channel"]) if data.get("channel") else Channel.HOME,
        )
