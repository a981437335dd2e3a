"""The device's settings in the ``meta`` table, each declared once with its type.

Read and write them with :meth:`DeviceStore.get` / :meth:`DeviceStore.put`; nothing else
names a meta key. The stored keys are the ones phones already hold (``last_acked_seq`` is
the high-water mark's key since the first release), so no migration renames data.

>>> HIGH_WATER_MARK.load(HIGH_WATER_MARK.dump(7))
7
>>> SCOPE_VILLAGES.dump(["v2", "v1"])
'["v2", "v1"]'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "CREATED_AT",
    "CURSOR",
    "DEVICE_ID",
    "DEVICE_TOKEN",
    "ENROLMENT",
    "FULL_RESYNC",
    "HIGH_WATER_MARK",
    "LANG",
    "LAST_SYNC_OK_AT",
    "MEMBER_ID",
    "REFETCH_CURSOR",
    "SCOPE_VILLAGES",
    "SERVER_EPOCH",
    "SERVER_URL",
    "TEAM_ID",
    "UNKNOWN_AUTHORS",
    "Setting",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One meta key and how its text reads back as a value."""

    key: str
    load: Callable[[str], T]
    dump: Callable[[T], str]


def _text(key: str) -> Setting[str]:
    return Setting(key, str, str)


def _number(key: str) -> Setting[int]:
    return Setting(key, int, str)


def _flag(value: str) -> bool:
    return value == "1"


def _dump_flag(value: bool) -> str:
    return "1" if value else "0"


def _ids(value: str) -> list[str]:
    return [str(v) for v in json.loads(value)]


def _dump_ids(value: list[str]) -> str:
    return json.dumps(value)


# Identity: born in the first migration, once per database (a wiped one gets a new id).
DEVICE_ID = _text("device_id")
CREATED_AT = _text("created_at")
# Written at enrolment. The token is here only on web and desktop; phones keep it in
# secure storage (fieldapp.app_services.token_vault).
SERVER_URL = _text("server_url")
MEMBER_ID = _text("member_id")
TEAM_ID = _text("team_id")
DEVICE_TOKEN = _text("device_token")
ENROLMENT = (SERVER_URL, MEMBER_ID, TEAM_ID, DEVICE_TOKEN)
# Sync state (fieldapp.store.sync_state): the pull cursor, the server's epoch and the
# high-water mark it last acknowledged, the scope, and pending repairs.
CURSOR = _number("sync_cursor")
SERVER_EPOCH = _text("server_epoch")
HIGH_WATER_MARK = _number("last_acked_seq")
SCOPE_VILLAGES = Setting("scope_villages", _ids, _dump_ids)
# Where to pull again from after pulled households were skipped for unsent edits.
REFETCH_CURSOR = _number("sync_refetch_cursor")
# A whole-scope re-download is due (server restored, or checksum drift).
FULL_RESYNC = Setting("sync_full_resync", _flag, _dump_flag)
# The unknown visit authors the member list was last fetched for (a digest).
UNKNOWN_AUTHORS = _text("reference_unknown_authors")
# The app's own: the screen language and the last successful sync (home screen).
LANG = _text("app.lang")
LAST_SYNC_OK_AT = _text("app.last_sync_ok_at")
