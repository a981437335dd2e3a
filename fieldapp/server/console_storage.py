"""What the officers' console needs from a database, beyond ``Storage``.

Kept apart from ``Storage`` so a backend can add the console separately: SQLite implements
it in :mod:`fieldapp.server.sqlite_console` (a mixin of ``SqliteStorage``). The console
also uses ``Storage``'s own administration methods (create_village, create_team,
create_member, move_member, issue_code, revoke_device), which write the audit log too.

Every method that changes something takes ``by`` (the officer or leader acting, never
None here: the console always has a signed-in person), checks scope exactly as the API
does (:mod:`fieldapp.server.accounts`), and writes one audit entry in the same
transaction (:mod:`fieldapp.server.audit`). Changes to households go on the change feed,
so phones receive them on their next pull like any other change.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, Protocol

from fieldapp.domain.model import Team, Village
from fieldapp.domain.validation import MESSAGES, contains_id_number
from fieldapp.server.errors import ApiError, invalid_field
from fieldapp.server.storage import IssuedCode, Principal
from fieldapp.text import nfc, normalize_phone

__all__ = [
    "NAME_MAX",
    "ConsoleSession",
    "ConsoleSignIn",
    "ConsoleStorage",
    "clean_name",
    "clean_phone",
    "refuse_id_number",
]

NAME_MAX = 100  # as the API's names (routes_admin)


def clean_name(name: str, field: str = "name") -> str:
    """A village, team or member name as stored (NFC), or 422 naming ``field``.

    Control characters are refused: they cannot be shown, and a spreadsheet download
    (XLSX) cannot hold them at all. So is anything shaped like a citizen-ID number:
    fieldapp never stores one, wherever it is typed.

    >>> clean_name(" Thôn  Một ")
    'Thôn Một'
    """
    clean = nfc(name)
    refuse_id_number(clean, field)
    if not clean or len(clean) > NAME_MAX or any(unicodedata.category(c) == "Cc" for c in clean):
        raise _invalid(
            field,
            f"Cần nhập tên (1–{NAME_MAX} ký tự, không có ký tự điều khiển).",
            f"A name is needed (1–{NAME_MAX} characters, no control characters).",
        )
    return clean


def refuse_id_number(text: str, field: str) -> None:
    """422 naming ``field`` when ``text`` holds something shaped like a CMND/CCCD number."""
    if contains_id_number(text):
        raise _invalid(field, *MESSAGES["id_number_forbidden"])


def _invalid(field: str, message_vi: str, message_en: str) -> ApiError:
    return invalid_field(field, "invalid", message_vi, message_en)


def clean_phone(raw: str | None) -> str | None:
    """A phone typed in the console as stored (E.164), None when empty; 422 ``phone``
    when it is not a phone number (every backend and the console's forms use this)."""
    parsed = normalize_phone(raw)
    if parsed is None:
        return None
    if parsed.kind == "invalid":
        problem = {
            "field": "phone",
            "code": "invalid",
            "message_vi": parsed.warning_vi or "",
            "message_en": parsed.warning_en or "",
        }
        raise ApiError(
            "invalid_request",
            field="phone",
            message_vi=parsed.warning_vi,
            message_en=parsed.warning_en,
            problems=[problem],
        )
    return parsed.value


@dataclass(frozen=True)
class ConsoleSession:
    """A live browser session: its public handle, who is behind it and their scope."""

    session_id: str
    principal: Principal
    member_name: str


@dataclass(frozen=True)
class ConsoleSignIn:
    """A new session: ``token`` goes into the HttpOnly cookie and is never shown again."""

    token: str
    session: ConsoleSession


class ConsoleStorage(Protocol):
    """Sessions, the audit log, and the console's setting-up and review actions."""

    # -- sessions ---------------------------------------------------------------------
    def console_sign_in(self, code: str, *, user_agent: str) -> ConsoleSignIn:
        """Exchange a one-time code for a session. ``bad_code`` (400) when the code is
        wrong, used or expired; ``forbidden`` (403, code NOT used up) when it belongs to
        a team member, whose place is the phone app."""
        ...

    def console_session(self, token: str, *, idle: timedelta) -> ConsoleSession | None:
        """The session behind a cookie token; None when unknown, revoked, idle longer
        than ``idle`` or its member deactivated. Records the use (at most each minute)."""
        ...

    def console_sign_out(self, token: str) -> None: ...

    def console_sessions(self, *, by: Principal) -> list[dict[str, Any]]:
        """Sessions of the members ``by`` manages (and ``by``'s own), newest first."""
        ...

    def revoke_console_session(self, session_id: str, *, by: Principal) -> None: ...

    # -- what the console lists -------------------------------------------------------
    def console_wards(self, *, by: Principal) -> list[dict[str, Any]]:
        """Wards in ``by``'s scope: code, name, kind (from the wards table)."""
        ...

    def console_villages(self, *, by: Principal, ward: str | None = None) -> list[dict[str, Any]]:
        """Villages in scope with ward, team and retirement, retired ones included."""
        ...

    def console_members(self, *, by: Principal) -> list[dict[str, Any]]:
        """Members ``by`` manages, with phone, deactivation and device use."""
        ...

    # -- setting up -------------------------------------------------------------------
    def rename_village(self, village_id: str, name: str, *, by: Principal) -> Village: ...

    def retire_village(self, village_id: str, *, by: Principal) -> None:
        """Mark a village retired; refused while it has households or belongs to a team."""
        ...

    def create_team_with_villages(self, team: Team, *, by: Principal) -> Team:
        """Create a team with its villages in one transaction (as :meth:`update_team`)."""
        ...

    def update_team(
        self, team_id: str, *, name: str, village_ids: Sequence[str], by: Principal
    ) -> Team:
        """Rename a team and set its villages (a village moves from its old team)."""
        ...

    def update_member(
        self, member_id: str, *, name: str, phone: str | None, by: Principal
    ) -> dict[str, Any]: ...

    def deactivate_member(self, member_id: str, *, by: Principal) -> None:
        """Stop a member: their devices, sessions and unused codes are revoked at once."""
        ...

    def issue_codes(self, member_ids: Sequence[str], *, by: Principal) -> list[IssuedCode]:
        """One code per member (for a team's QR sheet), in one transaction."""
        ...

    # -- review -----------------------------------------------------------------------
    def resolve_conflict(
        self, conflict_id: int, *, keep: Literal["server", "device"], by: Principal
    ) -> None:
        """Settle a hard conflict with one of its two values; the household gets a new
        version on the change feed if its value changes."""
        ...

    def dismiss_quarantine(self, quarantine_id: int, *, note: str, by: Principal) -> None:
        """Close a quarantined record with a note; the server's version of the record is
        put on the change feed again, so phones holding the refused version get it."""
        ...

    # -- audit log --------------------------------------------------------------------
    def audit_entries(
        self, *, by: Principal, limit: int, before_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Audit entries in ``by``'s scope, newest first, paged by id."""
        ...
