"""Households: the paged, searchable list; the add/edit form; the detail with history.

The list pages from SQL by keyset, so the first page of a 5,000-household village
costs the same as the last. Searches typed quickly can finish out of order; each
search gets a generation number and only the newest one may be shown.

>>> from fieldapp.store import DeviceStore
>>> svc = HouseholdListService(DeviceStore.open(":memory:"))
>>> svc.search(query="nguyen").items
[]
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from fieldapp.app_services.formatting import fmt_date
from fieldapp.domain.model import Household, Village, Visit
from fieldapp.domain.validation import ValidationError
from fieldapp.store import DeviceStore, HouseholdRow
from fieldapp.text import normalize_phone

__all__ = [
    "FILTERS",
    "HouseholdDetail",
    "HouseholdFormModel",
    "HouseholdListItem",
    "HouseholdListResult",
    "HouseholdListService",
    "SaveHouseholdResult",
    "VisitHistoryItem",
    "household_detail",
]

# The list's filter chips: UI key → store status (None = all).
Filter = Literal["all", "never", "visited", "follow_up"]
FILTERS: dict[str, str | None] = {
    "all": None,
    "never": "never",
    "visited": "visited",
    "follow_up": "follow_up",
}

VisitState = Literal["never", "visited", "follow_up", "due"]


@dataclass(frozen=True)
class HouseholdListItem:
    """One list row, ready to show: ``state`` is translated by the view."""

    id: str
    title: str
    subtitle: str
    members_count: int | None
    state: VisitState
    follow_up_on: str
    unsynced: bool


@dataclass(frozen=True)
class HouseholdListResult:
    generation: int
    items: list[HouseholdListItem]
    total: int
    has_more: bool


def _item(row: HouseholdRow, today: date) -> HouseholdListItem:
    state: VisitState
    if row.follow_up_on:
        state = "due" if row.follow_up_on <= today.isoformat() else "follow_up"
    elif row.visit_count:
        state = "visited"
    else:
        state = "never"
    # A household may be known only by its address (head's name unknown or withheld).
    title = row.head_name or row.address_detail
    return HouseholdListItem(
        id=row.id,
        title=title,
        subtitle=row.address_detail if row.head_name else "",
        members_count=row.members_count,
        state=state,
        follow_up_on=fmt_date(row.follow_up_on),
        unsynced=bool(row.dirty),
    )


class HouseholdListService:
    """State of the household list: village, search text, filter and paging cursor."""

    def __init__(self, store: DeviceStore, *, page_size: int = 30, today: date | None = None):
        self.store = store
        self.page_size = page_size
        self._today = today
        self._generations = itertools.count(1)
        self.latest = 0
        self._after: tuple[str, str] | None = None
        self._params: dict[str, Any] = {}

    def villages(self) -> list[Village]:
        return self.store.villages()

    def begin(self) -> int:
        """Reserve a generation number on the event loop, before the thread runs."""
        self.latest = next(self._generations)
        return self.latest

    def is_current(self, generation: int) -> bool:
        return generation == self.latest

    def search(
        self,
        *,
        query: str = "",
        village_id: str | None = None,
        filter_key: str = "all",
        generation: int | None = None,
    ) -> HouseholdListResult:
        """First page for the given search; remembers the cursor for :meth:`more`."""
        gen = generation if generation is not None else self.begin()
        today = self._today or date.today()
        self._params = {
            "query": query,
            "village_id": village_id or None,
            "status": FILTERS.get(filter_key),
            "today": today,
        }
        page = self.store.search_households(**self._params, limit=self.page_size)
        total = self.store.count_households(**self._params)
        self._after = page.next_after
        return HouseholdListResult(
            gen, [_item(r, today) for r in page.items], total, page.next_after is not None
        )

    def more(self, generation: int) -> HouseholdListResult:
        """The next page of the current search (empty when there is none)."""
        if self._after is None:
            return HouseholdListResult(generation, [], 0, False)
        page = self.store.search_households(**self._params, limit=self.page_size, after=self._after)
        self._after = page.next_after
        today = self._params["today"]
        return HouseholdListResult(
            generation, [_item(r, today) for r in page.items], -1, page.next_after is not None
        )


@dataclass
class SaveHouseholdResult:
    household: Household | None = None
    warnings: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.household is not None


@dataclass
class HouseholdFormModel:
    """What the household form holds, as typed (strings), so nothing is ever lost."""

    village_id: str = ""
    head_name: str = ""
    address_detail: str = ""
    phone: str = ""
    members_count: str = ""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    is_new: bool = True

    @classmethod
    def for_household(cls, h: Household) -> HouseholdFormModel:
        return cls(
            village_id=h.village_id,
            head_name=h.head_name,
            address_detail=h.address_detail,
            phone=h.phone or "",
            members_count=str(h.members_count or ""),
            id=h.id,
            is_new=False,
        )

    def to_dict(self) -> dict[str, Any]:
        count: Any = self.members_count.strip()
        if count.isdigit():
            count = int(count)
        return {
            "id": self.id,
            "village_id": self.village_id,
            "head_name": self.head_name,
            "address_detail": self.address_detail,
            "phone": self.phone.strip() or None,
            "members_count": count or None,
        }

    def phone_warning(self, lang: str = "vi") -> str | None:
        """A warning to show under the phone field as it is typed (never blocks saving)."""
        result = normalize_phone(self.phone)
        if result is None:
            return None
        return result.warning_en if lang == "en" else result.warning_vi

    def save(self, store: DeviceStore, lang: str = "vi") -> SaveHouseholdResult:
        """Validate and save; errors come back per form field, in ``lang``."""
        try:
            household, _ = store.save_household(self.to_dict())
        except ValidationError as exc:
            return SaveHouseholdResult(errors=exc.by_field(lang))
        warning = self.phone_warning(lang)
        self.is_new = False
        return SaveHouseholdResult(household=household, warnings=[warning] if warning else [])


@dataclass(frozen=True)
class VisitHistoryItem:
    visit: Visit
    date_text: str
    superseded: bool
    synced: bool


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    village_name: str
    visits: list[VisitHistoryItem]

    @property
    def latest_effective(self) -> Visit | None:
        return next((v.visit for v in self.visits if not v.superseded), None)


def household_detail(store: DeviceStore, household_id: str) -> HouseholdDetail | None:
    """A household with its whole visit history (newest first, corrections marked)."""
    household = store.household(household_id)
    if household is None:
        return None
    village = store.village_name(household.village_id)
    flags = store.visit_flags(household_id)
    items = []
    for v in store.visits_for_household(household_id):
        superseded_by, status = flags.get(v.id, (None, "pending"))
        items.append(
            VisitHistoryItem(v, fmt_date(v.visited_at), bool(superseded_by), status == "synced")
        )
    # A correction carries the original visit time: show it above the visit it replaces.
    items.sort(key=lambda i: (i.visit.visited_at, not i.superseded), reverse=True)
    return HouseholdDetail(household, village or "", items)
