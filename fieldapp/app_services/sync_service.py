"""Enrolment and sync for the app: runs the sync client, records the last success,
answers "online or offline", and lists rejected records and conflicts for the member.

The sync run uses its **own** store connection on the same file (SQLite serialises the
writers), so a long sync never holds the UI's connection. Everything here is blocking:
the UI calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from fieldapp.app_services.enrolment import parse_enrol_input
from fieldapp.app_services.token_vault import StoreTokenVault, TokenVault
from fieldapp.portal.enrol_link import build_enrol_link
from fieldapp.store import DeviceStore, settings
from fieldapp.sync.client import SyncClient
from fieldapp.sync.enrol import enrol
from fieldapp.sync.errors import SyncAuthError, SyncError
from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from fieldapp.text import sort_key

__all__ = [
    "AUTO_SYNC_SECONDS",
    "EnrolOutcome",
    "InviteOutcome",
    "IssueItem",
    "SyncService",
    "SyncSummary",
    "auto_sync_delay",
]

# Automatic sync about every 3 minutes while the app is open.
AUTO_SYNC_SECONDS = 180.0

Progress = Callable[[int, int], None]
HttpFactory = Callable[[str], httpx.Client]


def default_http(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=httpx.Timeout(15.0, connect=4.0))


@dataclass(frozen=True)
class SyncSummary:
    ok: bool
    reachable: bool
    pushed: int = 0
    pulled: int = 0
    rejected: int = 0
    conflicts: int = 0
    message_vi: str = ""
    message_en: str = ""
    identity_changed: bool = False
    auth_failed: bool = False

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


@dataclass(frozen=True)
class EnrolOutcome:
    ok: bool
    errors: dict[str, str] = field(default_factory=dict)
    member_name: str = ""
    role: str = ""
    team_name: str = ""
    village_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class InviteOutcome:
    ok: bool
    link: str = ""
    code: str = ""
    message: str = ""


_OFFLINE = (
    "Không kết nối được máy chủ. Dữ liệu vẫn an toàn trên máy.",
    "Cannot reach the server. Your data is safe on this device.",
)


@dataclass(frozen=True)
class IssueItem:
    """One rejected record or conflict, with its reason in the member's language."""

    id: int
    kind: str
    entity: str
    entity_id: str
    reason: str
    when: str
    label: str = ""


def auto_sync_delay(rng: random.Random | None = None) -> float:
    """Seconds until the next automatic sync: 3 minutes ± 20 %, drawn afresh each time.

    Phones that start together (a team meeting, signal coming back to a village) would
    otherwise sync in step every 3 minutes and all hit the server in the same instant,
    where each waits for the others; spread out, each sync is quick (benchmarks/sync.py
    (c): p95 push 30 ms spread over 10 s against seconds all at once).

    >>> all(144 <= auto_sync_delay(random.Random(s)) <= 216 for s in range(100))
    True
    """
    return AUTO_SYNC_SECONDS * (rng or random).uniform(0.8, 1.2)


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SyncService:
    def __init__(
        self,
        store_path: Path,
        *,
        http_factory: HttpFactory = default_http,
        max_attempts: int = 3,
        vault: TokenVault | None = None,
    ):
        self.store_path = Path(store_path)
        # Where the device token lives (secure storage on phones); blocking, like SQLite.
        self.vault: TokenVault = vault or StoreTokenVault(self.store_path)
        self.http_factory = http_factory
        # Few retries: an offline member should hear "offline" within seconds.
        self.max_attempts = max_attempts

    def _open(self) -> DeviceStore:
        return DeviceStore.open(self.store_path)

    # -- enrolment --------------------------------------------------------------------

    def enrol(self, server_text: str, code_text: str, lang: str = "vi") -> EnrolOutcome:
        """Enrol this device with a code (or pasted link); errors per field."""
        parsed = parse_enrol_input(server_text, code_text, lang)
        if not parsed.ok:
            return EnrolOutcome(False, dict(parsed.errors))
        store = self._open()
        try:
            with self.http_factory(parsed.server_url) as http:
                result = enrol(
                    http, parsed.server_url, parsed.code, store, save_token=self.vault.put
                )
            member = store.member_info(store.get(settings.MEMBER_ID) or "")
        except SyncError as exc:
            message = exc.message_en if lang == "en" else exc.message_vi
            key = "server" if exc.status is None else "code"
            return EnrolOutcome(False, {key: message})
        finally:
            store.close()
        return EnrolOutcome(
            ok=True,
            member_name=result.member_name,
            role=member[1] if member else "member",
            team_name=result.team_name or "",
            village_names=tuple(sorted(result.villages, key=sort_key)),
        )

    # -- sync -------------------------------------------------------------------------

    def sync(self, on_progress: Progress | None = None) -> SyncSummary:
        """Push then pull once. Never raises for network trouble: the summary says why."""
        store = self._open()
        try:
            server = store.get(settings.SERVER_URL)
            if not server:
                return SyncSummary(
                    False,
                    False,
                    message_vi="Thiết bị chưa đăng ký.",
                    message_en="This device is not enrolled.",
                )
            team_before = store.get(settings.TEAM_ID)
            with self.http_factory(server) as http:
                report = SyncClient(
                    store,
                    http,
                    on_progress=on_progress,
                    max_attempts=self.max_attempts,
                    token=self.vault.get(),
                ).sync()
            if report.error is not None:
                exc = report.error
                return SyncSummary(
                    False,
                    reachable=exc.code != "network",
                    message_vi=exc.message_vi,
                    message_en=exc.message_en,
                    auth_failed=isinstance(exc, SyncAuthError),
                )
            store.put(settings.LAST_SYNC_OK_AT, _utc_now())
            return SyncSummary(
                ok=True,
                reachable=True,
                pushed=report.pushed,
                pulled=report.pulled,
                rejected=report.rejected,
                conflicts=report.conflicts,
                identity_changed=bool(report.left_scope or report.resynced)
                or store.get(settings.TEAM_ID) != team_before,
            )
        finally:
            store.close()

    # -- leaders: invite a member -------------------------------------------------------

    def team_members(self) -> list[tuple[str, str]]:
        """(id, name) of the enrolled member's team, for the invite picker."""
        store = self._open()
        try:
            rows = store.team_members(store.get(settings.TEAM_ID))
            return sorted(rows, key=lambda r: (sort_key(r[1]), r[0]))
        finally:
            store.close()

    def issue_invite(self, member_id: str, lang: str = "vi") -> InviteOutcome:
        """Ask the server for a one-time enrolment code for ``member_id``; return its link."""
        store = self._open()
        try:
            server = store.get(settings.SERVER_URL) or ""
        finally:
            store.close()
        token = self.vault.get() or ""
        try:
            with self.http_factory(server) as http:
                response = http.post(
                    f"{server}/api/v1/admin/enrol-codes",
                    json={"member_id": member_id},
                    headers={
                        PROTOCOL_HEADER: PROTOCOL_VERSION,
                        "Authorization": f"Bearer {token}",
                    },
                )
        except httpx.HTTPError:
            return InviteOutcome(False, message=_OFFLINE[1 if lang == "en" else 0])
        if response.status_code != 201:
            error = _json(response).get("error") or {}
            key = "message_en" if lang == "en" else "message_vi"
            return InviteOutcome(False, message=str(error.get(key) or response.status_code))
        code = str(_json(response).get("code", ""))
        return InviteOutcome(True, link=build_enrol_link(server, code), code=code)

    # -- issues -----------------------------------------------------------------------

    def issues(self, lang: str = "vi", limit: int = 100) -> list[IssueItem]:
        """Unresolved rejections and conflicts, newest first, reason in ``lang``."""
        store = self._open()
        try:
            out = []
            for id_, kind, entity, entity_id, detail, created in store.sync.open_issues(limit):
                out.append(
                    IssueItem(
                        id=id_,
                        kind=kind,
                        entity=entity,
                        entity_id=entity_id,
                        reason=_reason(detail, lang),
                        when=created,
                        label=_label(store, entity, entity_id),
                    )
                )
            return out
        finally:
            store.close()


def _reason(detail: str, lang: str) -> str:
    try:
        data: Any = json.loads(detail or "{}")
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return str(data)
    key = "message_en" if lang == "en" else "message_vi"
    if data.get(key):
        return str(data[key])
    if data.get("fields"):
        fields = ", ".join(map(str, data["fields"]))
        return (
            f"Trường bị sửa cùng lúc: {fields}"
            if lang != "en"
            else f"Fields edited concurrently: {fields}"
        )
    return str(data.get("code") or data)


def _label(store: DeviceStore, entity: str, entity_id: str) -> str:
    """A name the member recognises: the household's head or address."""
    household_id = entity_id
    if entity == "visit":
        household_id = store.visit_household(entity_id) or ""
    h = store.household(household_id) if household_id else None
    return (h.head_name or h.address_detail) if h else entity_id[:8]


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
