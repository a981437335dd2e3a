"""The narrow storage interface the routes use; SQLite implements it today.

Routes only see :class:`Storage` and :class:`Principal`, so a PostgreSQL backend is a
new class, not a change to any route. Every scope decision is made from the
:class:`Principal` the storage builds from a token — never from ids a client sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from fieldapp.coverage.service import CoverageService
from fieldapp.domain.model import Household, Member, Role, Team, Village, Visit
from fieldapp.sync.protocol import (
    DeviceState,
    EnrolResponse,
    Mutation,
    PullResponse,
    PushResponse,
    ReferenceData,
)

__all__ = ["IssuedCode", "Principal", "Storage"]


@dataclass(frozen=True)
class Principal:
    """Who is calling, and what they may see: computed on the server from the token.

    ``village_ids`` is the whole scope: a member's or leader's team villages, an
    officer's ward (or the whole province when ``ward_codes`` is empty).
    """

    device_id: str
    member_id: str
    role: Role
    team_id: str | None
    ward_codes: frozenset[str]
    village_ids: frozenset[str]

    @property
    def can_review(self) -> bool:
        return self.role in (Role.LEADER, Role.OFFICER)

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER


@dataclass(frozen=True)
class IssuedCode:
    """A one-time enrolment code, shown once; only its hash is stored."""

    code: str
    member_id: str
    expires_at: str


class Storage(Protocol):
    """Everything the routes need from a database."""

    @property
    def epoch(self) -> str: ...

    def close(self) -> None: ...

    # -- identity ---------------------------------------------------------------------
    def authenticate(self, token: str) -> Principal | None:
        """The caller behind a token; None if unknown or revoked (401 ``unauthenticated``).
        A token idle too long raises ``ApiError("token_expired")`` itself, so the phone
        can say "ask your leader for a new code" rather than "revoked"."""
        ...

    def load_secret(self) -> None:
        """Read (or on first start create) the code-hashing secret; raises if it is bad."""
        ...

    def code_is_live(self, code: str) -> bool:
        """Whether ``code`` could enrol now, checked without taking the write lock (so a
        wrong guess never holds up the phones' pushes)."""
        ...

    def enrol(self, code: str, device_id: str, next_seq: int) -> EnrolResponse: ...

    def issue_code(self, member_id: str, *, issued_by: Principal | None = None) -> IssuedCode: ...

    def revoke_device(self, device_id: str, *, by: Principal | None = None) -> None: ...

    # -- sync -------------------------------------------------------------------------
    def push(
        self, principal: Principal, device_id: str, batch: Sequence[Mutation]
    ) -> PushResponse: ...

    async def push_async(
        self, principal: Principal, device_id: str, batch: Sequence[Mutation]
    ) -> PushResponse:
        """:meth:`push` for the event loop: waits without holding a worker thread."""
        ...

    def pull(self, principal: Principal, cursor: int, limit: int) -> PullResponse: ...

    def device_state(self, principal: Principal) -> DeviceState: ...

    def reference(self, principal: Principal) -> ReferenceData: ...

    def household(self, principal: Principal, household_id: str) -> dict[str, Any]: ...

    def visit(self, principal: Principal, visit_id: str) -> dict[str, Any]: ...

    def quarantine(
        self, principal: Principal, *, limit: int, after_id: int
    ) -> list[dict[str, Any]]: ...

    def conflicts(
        self, principal: Principal, *, limit: int, after_id: int
    ) -> list[dict[str, Any]]: ...

    # -- administration (``by=None`` means the local command line) --------------------
    def create_village(self, village: Village, *, by: Principal | None = None) -> Village: ...

    def create_team(self, team: Team, *, by: Principal | None = None) -> Team: ...

    def create_member(
        self, member: Member, *, ward_code: str | None = None, by: Principal | None = None
    ) -> Member: ...

    def move_member(
        self, member_id: str, team_id: str, *, by: Principal | None = None
    ) -> Member: ...

    def list_members(self, *, by: Principal | None = None) -> list[dict[str, Any]]: ...

    def list_devices(self, *, by: Principal | None = None) -> list[dict[str, Any]]: ...

    def coverage(
        self, village_ids: Sequence[str] | None
    ) -> AbstractContextManager[CoverageService]:
        """Coverage figures over one consistent snapshot, limited to ``village_ids``
        (None: every village). Who may see which villages is decided by the caller."""
        ...

    def village_exists(self, village_id: str) -> bool: ...

    def list_villages(
        self, *, by: Principal | None = None, ward: str | None = None
    ) -> list[Village]:
        """Villages ``by`` may see (None: all), optionally of one ward only."""
        ...

    def list_teams(self, *, by: Principal | None = None) -> list[Team]: ...

    def import_records(
        self, households: Sequence[Household], visits: Sequence[Visit]
    ) -> tuple[int, int]: ...

    def rotate_epoch(self) -> str: ...
