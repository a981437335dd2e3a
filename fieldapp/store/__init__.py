"""The device store: SQLite on the phone, with the outbox that sync drains."""

from fieldapp.store.device_store import DeviceStore, OutboxEntry
from fieldapp.store.household_query import HouseholdPage, HouseholdRow

__all__ = ["DeviceStore", "HouseholdPage", "HouseholdRow", "OutboxEntry"]
