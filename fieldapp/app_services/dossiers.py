"""Dossiers on the phone: the member's follow-up list, the one-tap update, the slip.

The dossiers themselves are derived from the phone's own visits
(:meth:`DeviceStore.dossiers`, :func:`fieldapp.domain.dossier.derive_dossiers`). This module
turns them into what the screens show and records what the member learns:

- :func:`follow_up_list` — dossiers still waiting for a result or for a payment, grouped by
  village in Vietnamese order, oldest first inside each village, each with how long it has
  waited against the procedure's processing time (late ones flagged);
- :class:`DossierUpdateModel` — a follow-up (new status, fee status, how a payment is known,
  receipt or dossier number, and where it happened: at home, by phone, at the support desk)
  saved as a **new visit** with one ``dossier_update`` activity through the store's usual
  ``save_visit`` (one transaction with its outbox entry): visits stay immutable events;
- :func:`slip_spec` — what the household's slip says (:mod:`fieldapp.portal.slip`), the
  head of household's name only while the household's consent stands.

Every call here is blocking (SQLite): screens run them through the store runner.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from fieldapp.app_services.formatting import local_now_iso
from fieldapp.app_services.visit_form import SaveVisitResult
from fieldapp.domain.dossier import DossierState, is_overdue, waiting_days, waiting_working_days
from fieldapp.domain.model import (
    ActivityKind,
    Channel,
    Consent,
    DossierStatus,
    FeeStatus,
    Household,
    Outcome,
    PaymentStatus,
    Visit,
)
from fieldapp.domain.validation import ValidationError
from fieldapp.portal.slip import SlipSpec
from fieldapp.reference import load_procedures
from fieldapp.store import DeviceStore
from fieldapp.text import sort_key

__all__ = [
    "STATUS_CHOICES",
    "UPDATE_KEYS",
    "DossierItem",
    "DossierUpdateModel",
    "FollowUpList",
    "VillageFollowUps",
    "dossier_item",
    "follow_up_counts",
    "follow_up_list",
    "household_consent",
    "household_dossiers",
    "slip_spec",
]

# Statuses a follow-up can report, in the order the screen shows them (fee and channel
# choices are the visit form's: FEE_CHOICES, CHANNEL_CHOICES).
STATUS_CHOICES: tuple[DossierStatus, ...] = (
    DossierStatus.PROCESSING,
    DossierStatus.NEEDS_PAPERS,
    DossierStatus.RESULT_RECEIVED,
    DossierStatus.REFUSED,
)

Waiting = Literal["all", "overdue", "payment"]


@dataclass(frozen=True)
class DossierItem:
    """One dossier, ready to show (the view translates the enum values)."""

    dossier: DossierState
    household_name: str
    village_id: str
    village_name: str
    procedure_name: str
    waited_days: int  # calendar days since submission: what the household has waited
    waited_working_days: int  # what the processing time is counted in
    processing_days: int | None  # working days, from the catalogue; None when unknown
    overdue: bool

    @property
    def waiting(self) -> bool:
        return self.dossier.waiting_for_result or self.dossier.waiting_for_payment


@dataclass(frozen=True)
class VillageFollowUps:
    village_id: str
    village_name: str
    items: tuple[DossierItem, ...]


@dataclass(frozen=True)
class FollowUpList:
    groups: tuple[VillageFollowUps, ...]

    @property
    def items(self) -> list[DossierItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def total(self) -> int:
        return sum(len(g.items) for g in self.groups)

    @property
    def overdue(self) -> int:
        return sum(1 for g in self.groups for item in g.items if item.overdue)


def _household_title(h: Household | None) -> str:
    # A household may be known only by its address (name unknown or withheld).
    return (h.head_name or h.address_detail) if h else ""


def dossier_item(
    state: DossierState,
    household: Household | None,
    village_names: dict[str, str],
    today: date,
    lang: str = "vi",
) -> DossierItem:
    """One dossier with its waiting time measured against its procedure's."""
    procedure = load_procedures().get(state.procedure_code)
    name = state.procedure_code
    if procedure is not None:
        name = procedure.name_en if lang == "en" else procedure.name_vi
    village_id = household.village_id if household else ""
    return DossierItem(
        dossier=state,
        household_name=_household_title(household),
        village_id=village_id,
        village_name=village_names.get(village_id, ""),
        procedure_name=name,
        waited_days=waiting_days(state, today),
        waited_working_days=waiting_working_days(state, today),
        processing_days=procedure.processing_days if procedure else None,
        overdue=is_overdue(state, procedure, today),
    )


def _items(
    store: DeviceStore, states: list[DossierState], today: date, lang: str
) -> list[DossierItem]:
    villages = {v.id: v.name for v in store.villages()}
    households: dict[str, Household | None] = {}
    out = []
    for state in states:
        if state.household_id not in households:
            households[state.household_id] = store.household(state.household_id)
        household = households[state.household_id]
        if household is None or household.deleted:
            continue  # a deleted household's dossiers are nobody's to follow any more
        out.append(dossier_item(state, household, villages, today, lang))
    return out


def _oldest_first(item: DossierItem) -> tuple[int, str, str, str]:
    # Days waited (most first), then the submission time; the household's name in
    # Vietnamese order and the id settle ties, so the order never depends on the SQL.
    return (
        -item.waited_days,
        item.dossier.submitted_at,
        sort_key(item.household_name),
        item.dossier.dossier_id,
    )


def follow_up_list(
    store: DeviceStore,
    *,
    today: date | None = None,
    lang: str = "vi",
    member_id: str | None = None,
    village_id: str | None = None,
    show: Waiting = "all",
) -> FollowUpList:
    """Dossiers waiting for a result or a payment, by village (Vietnamese order), oldest
    first inside each village.

    ``member_id`` keeps those the member submitted; ``village_id`` one village; ``show``
    ``"overdue"`` only late ones, ``"payment"`` only those awaiting a payment.
    """
    day = today or date.today()
    states = [s for s in store.dossiers() if s.waiting_for_result or s.waiting_for_payment]
    if member_id:
        states = [s for s in states if s.member_id == member_id]
    items = _items(store, states, day, lang)
    if village_id:
        items = [i for i in items if i.village_id == village_id]
    if show == "overdue":
        items = [i for i in items if i.overdue]
    elif show == "payment":
        items = [i for i in items if i.dossier.waiting_for_payment]
    groups: list[VillageFollowUps] = []
    for village in store.villages():  # already in Vietnamese order (numbers as numbers)
        mine = sorted((i for i in items if i.village_id == village.id), key=_oldest_first)
        if mine:
            groups.append(VillageFollowUps(village.id, village.name, tuple(mine)))
    return FollowUpList(tuple(groups))


def follow_up_counts(store: DeviceStore, today: date | None = None) -> tuple[int, int]:
    """(waiting, of which late) for the Home card."""
    found = follow_up_list(store, today=today)
    return found.total, found.overdue


def household_dossiers(
    store: DeviceStore, household_id: str, *, today: date | None = None, lang: str = "vi"
) -> list[DossierItem]:
    """Every dossier of one household, finished ones too, newest submission first."""
    items = _items(store, store.dossiers(household_id), today or date.today(), lang)
    return sorted(items, key=lambda i: (i.dossier.submitted_at, i.dossier.dossier_id), reverse=True)


def _find(store: DeviceStore, household_id: str, dossier_id: str) -> DossierState | None:
    return next((s for s in store.dossiers(household_id) if s.dossier_id == dossier_id), None)


def _latest_visit(store: DeviceStore, household_id: str, *, with_consent: bool) -> Visit | None:
    """The household's latest effective visit (optionally: the latest that asked consent).

    Latest = ``visited_at`` then ``id``, the order the store's household summary uses.
    """
    visits = store.visits_for_household(household_id)  # newest first
    superseded = {v.supersedes for v in visits if v.supersedes}
    for visit in visits:
        if visit.id in superseded:
            continue
        if with_consent and visit.consent is None:
            continue  # "nobody home" asks nothing
        return visit
    return None


def household_consent(store: DeviceStore, household_id: str) -> Consent | None:
    """The household's consent as it stands: its latest answer (None if never asked)."""
    visit = _latest_visit(store, household_id, with_consent=True)
    return visit.consent if visit else None


def slip_spec(
    store: DeviceStore, household_id: str, dossier_id: str, *, team: str = ""
) -> SlipSpec | None:
    """What the household's slip says, or None for an unknown dossier.

    The head of household's name is printed only while the household's consent is
    *given*; the dossier number is stored only with consent in the first place.
    """
    state = _find(store, household_id, dossier_id)
    if state is None:
        return None
    household = store.household(household_id)
    consent = household_consent(store, household_id)
    name = household.head_name if household and consent == Consent.GIVEN else None
    procedure = load_procedures().get(state.procedure_code)
    return SlipSpec(
        procedure_code=state.procedure_code,
        submitted_on=datetime.fromisoformat(state.submitted_at).date(),
        dossier_no=state.dossier_no if consent == Consent.GIVEN else None,
        head_name=name or None,
        team=team,
        processing_days=procedure.processing_days if procedure else None,
    )


# Every place on the update screen an error can be shown; "form" is the banner.
UPDATE_KEYS = (
    "form",
    "dossier_status",
    "fee_status",
    "payment_status",
    "receipt_no",
    "dossier_no",
    "channel",
)


@dataclass
class DossierUpdateModel:
    """State of the one-tap update screen for one dossier, kept as typed.

    Saving makes a new visit for the household with a single ``dossier_update`` activity.
    The household's standing consent is carried over: with consent declined or withdrawn
    the number fields are hidden and never sent. A follow-up appointment that is still
    ahead is carried over too, so a phone call does not clear "cần quay lại".
    """

    dossier: DossierState
    member_id: str
    consent: Consent | None
    dossier_status: str | None = None
    fee_status: str | None = None
    payment_status: str | None = None
    receipt_no: str = ""
    dossier_no: str = ""
    channel: str = str(Channel.HOME)
    follow_up_on: str | None = None  # ISO date carried from the latest visit, if ahead
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    visited_at: str | None = None

    @classmethod
    def for_dossier(
        cls,
        store: DeviceStore,
        household_id: str,
        dossier_id: str,
        member_id: str,
        *,
        today: date | None = None,
    ) -> DossierUpdateModel | None:
        """A fresh update form for a dossier of this device, or None if it is unknown."""
        state = _find(store, household_id, dossier_id)
        if state is None:
            return None
        latest = _latest_visit(store, household_id, with_consent=False)
        ahead = (today or date.today()).isoformat()
        follow = None
        if latest and latest.outcome == Outcome.FOLLOW_UP and (latest.follow_up_on or "") >= ahead:
            follow = latest.follow_up_on
        return cls(
            dossier=state,
            member_id=member_id,
            consent=household_consent(store, household_id),
            follow_up_on=follow,
        )

    @property
    def personal_allowed(self) -> bool:
        return self.consent == Consent.GIVEN

    @property
    def fee_paid(self) -> bool:
        return self.fee_status == FeeStatus.PAID_ONLINE

    def pick_status(self, status: str | None) -> None:
        """Tap a status chip (tap the chosen one again to clear it)."""
        self.dossier_status = None if status == self.dossier_status else status

    def pick_fee(self, fee: str | None) -> None:
        self.fee_status = None if fee == self.fee_status else fee
        if not self.fee_paid:
            self.payment_status = None  # "how it is known" only means something once paid
        elif self.payment_status is None:
            self.payment_status = str(PaymentStatus.SELF_REPORTED)

    def _activity(self) -> dict[str, Any]:
        act: dict[str, Any] = {"kind": str(ActivityKind.DOSSIER_UPDATE)}
        act["dossier_id"] = self.dossier.dossier_id
        if self.dossier_status:
            act["dossier_status"] = self.dossier_status
        if self.fee_status:
            act["fee_status"] = self.fee_status
        if self.fee_paid and self.payment_status:
            act["payment_status"] = self.payment_status
        if self.personal_allowed:
            if self.receipt_no.strip():
                act["receipt_no"] = self.receipt_no
            if self.dossier_no.strip():
                act["dossier_no"] = self.dossier_no
        return act

    def to_dict(self) -> dict[str, Any]:
        """The visit for :meth:`DeviceStore.save_visit` (validation happens there)."""
        follow = self.follow_up_on
        return {
            "id": self.id,
            "household_id": self.dossier.household_id,
            "member_id": self.member_id,
            "visited_at": self.visited_at or local_now_iso(),
            "consent": str(self.consent) if self.consent else None,
            "outcome": str(Outcome.FOLLOW_UP if follow else Outcome.DONE),
            "people_guided": 0,  # an update guides nobody new (see parse_visit)
            "activities": [self._activity()],
            "follow_up_on": follow,
            "notes": "",
            "gps": None,
            "supersedes": None,
            "channel": self.channel,
        }

    def errors_for(self, exc: ValidationError, lang: str = "vi") -> dict[str, str]:
        """Route each problem's field path (``activities.0.fee_status`` …) to its control."""
        out: dict[str, str] = {}
        for problem in exc.problems:
            head, _, rest = problem.field.partition(".")
            leaf = rest.partition(".")[2] if head == "activities" else head
            if head == "activities" and not leaf:
                key = "dossier_status"  # "choose at least one change": shown by the chips
            else:
                key = leaf if leaf in UPDATE_KEYS else "form"
            out.setdefault(key, problem.message(lang))
        return out

    def save(self, store: DeviceStore, lang: str = "vi") -> SaveVisitResult:
        """Save offline at once; on problems, return them per field (the typing kept)."""
        try:
            visit = store.save_visit(self.to_dict())
        except ValidationError as exc:
            return SaveVisitResult(errors=self.errors_for(exc, lang))
        self.visited_at = visit.visited_at
        return SaveVisitResult(visit=visit)
