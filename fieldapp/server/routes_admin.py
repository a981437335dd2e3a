"""Administration and review routes for leaders and officers.

Scope rules live in :mod:`fieldapp.server.accounts`: officers manage villages, teams and
members of their ward (or the province); leaders issue codes for and revoke devices of
their own team, and review quarantined mutations and conflicts in their villages.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.deps import CurrentPrincipal, StorageDep, check_protocol
from fieldapp.server.logs import log_event
from fieldapp.server.responses import ERRORS

__all__ = [
    "CodeIn",
    "MemberIn",
    "MoveIn",
    "TeamIn",
    "VillageIn",
    "conflicts",
    "create_member",
    "create_team",
    "create_village",
    "devices",
    "issue_code",
    "members",
    "move_member",
    "quarantine",
    "revoke",
    "router",
    "teams",
    "villages",
]

router = APIRouter(
    prefix="/api/v1/admin", dependencies=[Depends(check_protocol)], responses=ERRORS, tags=["admin"]
)

_Name = Field(min_length=1, max_length=100)
_Code = Field(min_length=1, max_length=12, pattern=r"^\d{1,12}$")
_OptId = Field(default=None, min_length=1, max_length=64)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VillageIn(_In):
    id: str | None = _OptId
    ward_code: str = _Code
    name: str = _Name
    kind: Literal["thôn", "tổ dân phố", "khu phố", "xóm", "ấp", "bản"] = "thôn"


class TeamIn(_In):
    id: str | None = _OptId
    name: str = _Name
    ward_code: str = _Code
    village_ids: list[str] = Field(default_factory=list, max_length=200)


class MemberIn(_In):
    id: str | None = _OptId
    name: str = _Name
    role: Role = Role.MEMBER
    team_id: str | None = _OptId
    phone: str | None = Field(default=None, max_length=30)
    ward_code: str | None = Field(default=None, min_length=1, max_length=12, pattern=r"^\d{1,12}$")


class MoveIn(_In):
    team_id: str = Field(min_length=1, max_length=64)


class CodeIn(_In):
    member_id: str = Field(min_length=1, max_length=64)


_Id = Annotated[str, Path(min_length=1, max_length=64)]
_Limit = Annotated[int, Query(ge=1, le=500)]
_After = Annotated[int, Query(ge=0, le=2**53)]


def _new_id(value: str | None) -> str:
    return value or str(uuid.uuid4())


@router.get("/villages")
def villages(principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """Villages in the caller's scope."""
    return {"ok": True, "villages": [v.__dict__ for v in storage.list_villages(by=principal)]}


@router.post("/villages", status_code=201)
def create_village(
    body: VillageIn, principal: CurrentPrincipal, storage: StorageDep
) -> dict[str, Any]:
    """Officers: add a thôn / tổ dân phố to a ward they oversee."""
    village = storage.create_village(
        Village(_new_id(body.id), body.ward_code, body.name, body.kind), by=principal
    )
    log_event("village_created", village_id=village.id, by=principal.member_id)
    return {"ok": True, "village": village.__dict__}


@router.get("/teams")
def teams(principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """Teams the caller may see."""
    return {"ok": True, "teams": [_team(t) for t in storage.list_teams(by=principal)]}


def _team(t: Team) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "ward_code": t.ward_code,
        "village_ids": list(t.village_ids),
    }


@router.post("/teams", status_code=201)
def create_team(body: TeamIn, principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """Officers: create a team covering villages of one ward."""
    team = storage.create_team(
        Team(_new_id(body.id), body.name, body.ward_code, tuple(body.village_ids)), by=principal
    )
    log_event(
        "team_created", team_id=team.id, villages=len(team.village_ids), by=principal.member_id
    )
    return {"ok": True, "team": _team(team)}


@router.get("/members")
def members(principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """Members the caller manages (leaders: own team; officers: their ward)."""
    return {"ok": True, "members": storage.list_members(by=principal)}


@router.post("/members", status_code=201)
def create_member(
    body: MemberIn, principal: CurrentPrincipal, storage: StorageDep
) -> dict[str, Any]:
    """Leaders add members to their team; officers add anyone in their ward."""
    member = storage.create_member(
        Member(_new_id(body.id), body.name, body.role, body.team_id, body.phone),
        ward_code=body.ward_code,
        by=principal,
    )
    log_event("member_created", member_id=member.id, role=str(member.role), by=principal.member_id)
    return {"ok": True, "member": {**member.__dict__, "role": str(member.role)}}


@router.post("/members/{member_id}/move")
def move_member(
    member_id: _Id, body: MoveIn, principal: CurrentPrincipal, storage: StorageDep
) -> dict[str, Any]:
    """Officers: move a member to another team (their devices' scope changes at once)."""
    member = storage.move_member(member_id, body.team_id, by=principal)
    log_event("member_moved", member_id=member.id, team_id=body.team_id, by=principal.member_id)
    return {"ok": True, "member": {**member.__dict__, "role": str(member.role)}}


@router.post("/enrol-codes", status_code=201)
def issue_code(body: CodeIn, principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """Leaders/officers: a one-time code (48 h) a member types or scans to enrol a phone."""
    issued = storage.issue_code(body.member_id, issued_by=principal)
    log_event("code_issued", member_id=issued.member_id, by=principal.member_id)
    return {
        "ok": True,
        "code": issued.code,
        "member_id": issued.member_id,
        "expires_at": issued.expires_at,
    }


@router.get("/devices")
def devices(principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """Enrolled devices of the members the caller manages."""
    return {"ok": True, "devices": storage.list_devices(by=principal)}


@router.post("/devices/{device_id}/revoke")
def revoke(device_id: _Id, principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """Leaders/officers: refuse this device from now on (lost or handed-over phone)."""
    storage.revoke_device(device_id, by=principal)
    log_event("device_revoked", device_id=device_id, by=principal.member_id)
    return {"ok": True, "device_id": device_id}


@router.get("/quarantine")
def quarantine(
    principal: CurrentPrincipal, storage: StorageDep, limit: _Limit = 100, after_id: _After = 0
) -> dict[str, Any]:
    """Leaders/officers: mutations kept for review (invalid, out of scope, conflicting)."""
    return {"ok": True, "items": storage.quarantine(principal, limit=limit, after_id=after_id)}


@router.get("/conflicts")
def conflicts(
    principal: CurrentPrincipal, storage: StorageDep, limit: _Limit = 100, after_id: _After = 0
) -> dict[str, Any]:
    """Leaders/officers: soft and hard household conflicts, both values kept."""
    return {"ok": True, "items": storage.conflicts(principal, limit=limit, after_id=after_id)}
