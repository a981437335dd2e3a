"""The visit form: what the member has tapped and typed → the dict for ``save_visit``,
and validation problems back onto the form's fields.

The form keeps everything as typed (strings, sets), so switching consent to "declined"
hides personal fields without erasing them: switching back restores them. What is
*sent* for a declined household carries no personal details.

>>> form = VisitFormModel(household_id="h", member_id="m")
>>> form.consent is None        # never pre-ticked
True
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fieldapp.app_services.formatting import local_now_iso, parse_user_date
from fieldapp.domain.model import (
    ActivityKind,
    Channel,
    Consent,
    FeeStatus,
    Outcome,
    PaymentStatus,
    Visit,
)
from fieldapp.domain.validation import ValidationError
from fieldapp.reference import load_procedures
from fieldapp.store import DeviceStore

__all__ = [
    "ACTIVITY_TOGGLES",
    "CHANNEL_CHOICES",
    "CONSENT_CHOICES",
    "FEE_CHOICES",
    "FORM_KEYS",
    "OUTCOME_CHOICES",
    "PAYMENT_CHOICES",
    "SaveVisitResult",
    "VisitFormModel",
    "parse_gps_text",
]

# Activities shown as large toggles, in the order a visit usually goes.
# Procedures (dossier_submitted) have their own picker; fee_paid shows payment status.
ACTIVITY_TOGGLES: tuple[ActivityKind, ...] = (
    ActivityKind.VNEID_INSTALLED,
    ActivityKind.VNEID_LEVEL2,
    ActivityKind.PORTAL_ACCOUNT,
    ActivityKind.DOSSIER_SUBMITTED,
    ActivityKind.FEE_PAID,
    ActivityKind.PAYMENT_ACCOUNT,
    ActivityKind.DIGITAL_SIGNATURE,
    ActivityKind.OTHER,
)

# Every place on the form an error can be shown; "form" is the banner at the top.
FORM_KEYS = (
    "form",
    "consent",
    "activities",
    "procedures",
    "dossier_no",
    "fee_status",
    "payment_status",
    "receipt_no",
    "other_text",
    "people_guided",
    "outcome",
    "follow_up_on",
    "notes",
    "gps",
    "channel",
)

_GPS = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*[;, ]\s*(-?\d+(?:[.,]\d+)?)\s*$")


def parse_gps_text(text: str) -> dict[str, float] | None:
    """Read a manually typed position ``"18.07, 106.29"``; None when unreadable.

    >>> parse_gps_text("18.07 106.29")
    {'lat': 18.07, 'lon': 106.29}
    """
    # Decimal commas are common in Vietnamese; "18,07; 106,29" must work too.
    m = _GPS.match(text)
    if not m:
        return None
    lat, lon = (float(g.replace(",", ".")) for g in m.groups())
    return {"lat": lat, "lon": lon}


@dataclass
class SaveVisitResult:
    visit: Visit | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.visit is not None


@dataclass
class VisitFormModel:
    """State of one visit form. ``activities`` holds toggled kinds; ``procedure_codes`` the
    picked procedures (each becomes a ``dossier_submitted`` activity)."""

    household_id: str
    member_id: str
    consent: str | None = None
    activities: set[str] = field(default_factory=set)
    procedure_codes: list[str] = field(default_factory=list)
    dossier_no: str = ""
    # The first fee status of the dossiers submitted (not due / awaiting payment / paid).
    fee_status: str | None = None
    # Where the visit happened: at home, by phone, at the team's support desk.
    channel: str = str(Channel.HOME)
    # procedure code → the dossier id made on this device (uuid4 hex): kept across save
    # attempts and corrections, so later updates keep naming the same dossier.
    dossier_ids: dict[str, str] = field(default_factory=dict)
    payment_status: str | None = None
    receipt_no: str = ""
    other_text: str = ""
    people_guided: str = "1"
    outcome: str | None = None
    follow_up_on: str = ""
    notes: str = ""
    gps_text: str = ""
    # Set by "Lấy vị trí": the accuracy belongs to the text it filled in, and only
    # while that text is unchanged (a hand-edited position has no known accuracy).
    gps_accuracy_m: float | None = None
    _gps_filled: str = field(default="", repr=False)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    supersedes: str | None = None
    visited_at: str | None = None
    # Filled by to_dict: activity index → form key, to route "activities.N.x" errors.
    _activity_keys: list[str] = field(default_factory=list, repr=False)

    @classmethod
    def correcting(cls, old: Visit, member_id: str) -> VisitFormModel:
        """A form pre-filled from ``old``; saving it creates a visit that supersedes it.

        The visit time stays the original one: a correction describes the same visit.
        """
        form = cls(
            household_id=old.household_id,
            member_id=member_id,
            consent=str(old.consent) if old.consent else None,
            people_guided=str(old.people_guided),
            outcome=str(old.outcome),
            follow_up_on=_dmy(old.follow_up_on),
            notes=old.notes,
            gps_text=f"{old.gps.lat}, {old.gps.lon}" if old.gps else "",
            gps_accuracy_m=old.gps.accuracy_m if old.gps else None,
            supersedes=old.id,
            visited_at=old.visited_at,
            channel=str(old.channel),
        )
        form._gps_filled = form.gps_text  # the correction keeps the fix's accuracy
        for a in old.activities:
            form.activities.add(str(a.kind))
            if a.kind == ActivityKind.DOSSIER_SUBMITTED and a.procedure_code:
                form.procedure_codes.append(a.procedure_code)
                form.dossier_no = form.dossier_no or (a.dossier_no or "")
                form.fee_status = form.fee_status or (str(a.fee_status) if a.fee_status else None)
                if a.dossier_id:
                    form.dossier_ids[a.procedure_code] = a.dossier_id
            elif a.kind == ActivityKind.FEE_PAID:
                form.payment_status = str(a.payment_status) if a.payment_status else None
                form.receipt_no = a.receipt_no or ""
            elif a.kind == ActivityKind.OTHER:
                form.other_text = a.text or ""
        return form

    # -- small edits the view calls ----------------------------------------------------

    @property
    def personal_allowed(self) -> bool:
        """Personal details (notes, numbers, GPS) only with consent given."""
        return self.consent == Consent.GIVEN

    def toggle_activity(self, kind: str, on: bool) -> None:
        if on:
            self.activities.add(kind)
        else:
            self.activities.discard(kind)

    def add_procedure(self, code: str) -> None:
        """Pick a procedure; picking one also switches on "dossier submitted"."""
        if code not in self.procedure_codes:
            self.procedure_codes.append(code)
        self.activities.add(str(ActivityKind.DOSSIER_SUBMITTED))

    def remove_procedure(self, code: str) -> None:
        if code in self.procedure_codes:
            self.procedure_codes.remove(code)

    def apply_fix(self, lat: float, lon: float, accuracy_m: float | None = None) -> str:
        """Fill the location from a position fix; returns the text the field shows."""
        self.gps_text = f"{lat:.6f}, {lon:.6f}"
        self.gps_accuracy_m = accuracy_m
        self._gps_filled = self.gps_text
        return self.gps_text

    def follow_up_in(self, days: int, today: date | None = None) -> str:
        """Set the follow-up date ``days`` from today (quick chips); returns it as shown."""
        self.outcome = str(Outcome.FOLLOW_UP)
        self.follow_up_on = ((today or date.today()) + timedelta(days=days)).strftime("%d/%m/%Y")
        return self.follow_up_on

    # -- to the store and back ---------------------------------------------------------

    def _activity_dicts(self) -> list[dict[str, Any]]:
        procedures = load_procedures()
        personal = self.personal_allowed
        out: list[dict[str, Any]] = []
        keys: list[str] = []
        for kind in ACTIVITY_TOGGLES:
            if str(kind) not in self.activities:
                continue
            if kind == ActivityKind.DOSSIER_SUBMITTED:
                codes = self.procedure_codes or [""]
                for i, code in enumerate(codes):
                    proc = procedures.get(code)
                    act: dict[str, Any] = {
                        "kind": str(kind),
                        "procedure_code": code,
                        "level": str(proc.level) if proc else None,
                        "dossier_id": self.dossier_id(code),
                    }
                    if self.fee_status:
                        act["fee_status"] = self.fee_status
                    if personal and i == 0 and self.dossier_no.strip():
                        act["dossier_no"] = self.dossier_no
                    out.append(act)
                    keys.append("procedures")
            elif kind == ActivityKind.FEE_PAID:
                act = {"kind": str(kind), "payment_status": self.payment_status}
                if self.procedure_codes:
                    act["procedure_code"] = self.procedure_codes[0]
                if personal and self.receipt_no.strip():
                    act["receipt_no"] = self.receipt_no
                out.append(act)
                keys.append("payment")
            elif kind == ActivityKind.OTHER:
                out.append({"kind": str(kind), "text": self.other_text})
                keys.append("other_text")
            else:
                out.append({"kind": str(kind)})
                keys.append("activities")
        self._activity_keys = keys
        return out

    def to_dict(self) -> dict[str, Any]:
        """The dict for :meth:`DeviceStore.save_visit` (validation happens there)."""
        nobody_home = self.outcome == Outcome.NOBODY_HOME
        people: Any = self.people_guided.strip()
        if nobody_home:
            people = 0
        elif people.isdigit():
            people = int(people)
        follow: Any = self.follow_up_on.strip() or None
        if follow:
            parsed = parse_user_date(follow)
            follow = parsed.isoformat() if parsed else follow
        gps: Any = None
        if self.personal_allowed and self.gps_text.strip():
            # Unreadable text is sent as-is so validation names the gps field.
            gps = parse_gps_text(self.gps_text) or self.gps_text
            if isinstance(gps, dict) and self.gps_text == self._gps_filled:
                gps["accuracy_m"] = self.gps_accuracy_m
        return {
            "id": self.id,
            "household_id": self.household_id,
            "member_id": self.member_id,
            "visited_at": self.visited_at or local_now_iso(),
            "consent": self.consent,
            "outcome": self.outcome,
            "people_guided": people if people != "" else 0,
            "activities": self._activity_dicts(),
            "follow_up_on": follow if self.outcome == Outcome.FOLLOW_UP else None,
            "notes": self.notes if self.personal_allowed else "",
            "gps": gps,
            "supersedes": self.supersedes,
            "channel": self.channel,
        }

    def dossier_id(self, code: str) -> str:
        """The id of the dossier for ``code`` (made once, on this device)."""
        return self.dossier_ids.setdefault(code, uuid.uuid4().hex)

    def errors_for(self, exc: ValidationError, lang: str = "vi") -> dict[str, str]:
        """Route each problem's dotted field path to the form control that shows it."""
        out: dict[str, str] = {}
        for problem in exc.problems:
            key = self._form_key(problem.field)
            out.setdefault(key, problem.message(lang))
        return out

    def _form_key(self, path: str) -> str:
        head, _, rest = path.partition(".")
        if head == "activities" and rest:
            index, _, leaf = rest.partition(".")
            group = (
                self._activity_keys[int(index)]
                if index.isdigit() and int(index) < len(self._activity_keys)
                else "activities"
            )
            if group == "payment":
                return "receipt_no" if leaf in ("receipt_no", "dossier_no") else "payment_status"
            if group == "procedures" and leaf in ("dossier_no", "fee_status"):
                return leaf
            return group
        if head in ("gps",):
            return "gps"
        if head in FORM_KEYS:
            return head
        return "form"

    def save(self, store: DeviceStore, lang: str = "vi") -> SaveVisitResult:
        """Save offline at once; on problems, return them per form field (state kept)."""
        data = self.to_dict()
        try:
            visit = store.save_visit(data)
        except ValidationError as exc:
            return SaveVisitResult(errors=self.errors_for(exc, lang))
        self.visited_at = visit.visited_at
        return SaveVisitResult(visit=visit)


def _dmy(iso: str | None) -> str:
    if not iso:
        return ""
    parsed = parse_user_date(iso)
    return parsed.strftime("%d/%m/%Y") if parsed else iso


# Kept for views that need the payment choices in display order.
PAYMENT_CHOICES: tuple[PaymentStatus, ...] = (
    PaymentStatus.UNKNOWN,
    PaymentStatus.SELF_REPORTED,
    PaymentStatus.VERIFIED,
)
OUTCOME_CHOICES: tuple[Outcome, ...] = (
    Outcome.DONE,
    Outcome.FOLLOW_UP,
    Outcome.NOBODY_HOME,
    Outcome.DECLINED,
)
CONSENT_CHOICES: tuple[Consent, ...] = (Consent.GIVEN, Consent.DECLINED)
FEE_CHOICES: tuple[FeeStatus, ...] = (
    FeeStatus.NOT_DUE,
    FeeStatus.AWAITING_PAYMENT,
    FeeStatus.PAID_ONLINE,
)
CHANNEL_CHOICES: tuple[Channel, ...] = (Channel.HOME, Channel.PHONE, Channel.DESK)
