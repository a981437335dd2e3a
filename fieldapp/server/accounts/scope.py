"""Who may see what: a device's principal, its villages, and the checks routes call.

A member sees the villages of their team, a leader likewise plus review rights, an officer
the whole ward (``principal_for``). ``require_review`` / ``require_officer`` refuse with
``forbidden``; ``member_visible`` answers ``not_found`` for a member out of scope, so ids
outside it are never confirmed to exist.
"""

from __future__ import annotations

from typing import Any

from fieldapp.domain.model import Role
from fieldapp.server.errors import ApiError
from fieldapp.server.storage import Principal
from fieldapp.sql import Conn
from fieldapp.sync.protocol import MemberOut, TeamOut, VillageOut
from fieldapp.text import sort_key

__all__ = [
    "member_out",
    "member_visible",
    "principal_for",
    "require_officer",
    "require_review",
    "team_members",
    "team_out",
    "village_out",
]


def _village_ids(conn: Conn, role: Role, team_id: str | None, ward: str | None) -> list[str]:
    if role == Role.OFFICER:
        if ward:
            rows = conn.execute("SELECT id FROM villages WHERE ward_code = ?", [ward])
        else:
            rows = conn.execute("SELECT id FROM villages")
    else:
        rows = conn.execute("SELECT village_id FROM team_villages WHERE team_id = ?", [team_id])
    return sorted(r[0] for r in rows)


def principal_for(conn: Conn, device_id: str, member_id: str) -> Principal | None:
    row = conn.execute(
        "SELECT role, team_id, ward_code FROM members WHERE id = ?", [member_id]
    ).fetchone()
    if row is None:
        return None
    role, team_id, ward = Role(row[0]), row[1], row[2]
    if role != Role.OFFICER:
        ward_row = conn.execute("SELECT ward_code FROM teams WHERE id = ?", [team_id]).fetchone()
        ward = ward_row[0] if ward_row else None
    return Principal(
        device_id=device_id,
        member_id=member_id,
        role=role,
        team_id=team_id,
        ward_codes=frozenset([ward] if ward else []),
        village_ids=frozenset(_village_ids(conn, role, team_id, ward)),
    )


def require_review(by: Principal | None) -> None:
    if by is not None and not by.can_review:
        raise ApiError("forbidden")


def require_officer(by: Principal | None) -> None:
    if by is not None and not by.is_officer:
        raise ApiError("forbidden")


def member_visible(conn: Conn, by: Principal | None, member_id: str) -> dict[str, Any]:
    """A member row the caller may manage (leaders: own team; officers: their ward)."""
    row = conn.execute(
        "SELECT m.id, m.name, m.role, m.team_id, m.phone, m.ward_code, t.ward_code"
        " FROM members m LEFT JOIN teams t ON t.id = m.team_id WHERE m.id = ?",
        [member_id],
    ).fetchone()
    if row is None:
        raise ApiError("not_found", field="member_id")
    member = dict(
        zip(("id", "name", "role", "team_id", "phone", "ward_code", "team_ward"), row, strict=True)
    )
    if by is None:
        return member
    if by.role == Role.LEADER and member["team_id"] == by.team_id and member["role"] != "officer":
        return member
    if by.is_officer:
        ward = member["team_ward"] or member["ward_code"]
        if not by.ward_codes or ward in by.ward_codes:
            return member
    raise ApiError("not_found", field="member_id")


def village_out(conn: Conn, ids: list[str]) -> list[VillageOut]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT id, ward_code, name, kind FROM villages WHERE id IN ({marks}) ORDER BY name_sort",
        ids,
    )
    return [VillageOut(id=r[0], ward_code=r[1], name=r[2], kind=r[3]) for r in rows]


def team_out(conn: Conn, team_id: str | None) -> TeamOut | None:
    if team_id is None:
        return None
    row = conn.execute("SELECT id, name, ward_code FROM teams WHERE id = ?", [team_id]).fetchone()
    if row is None:
        return None
    villages = [
        r[0]
        for r in conn.execute(
            "SELECT village_id FROM team_villages WHERE team_id = ? ORDER BY village_id", [team_id]
        )
    ]
    return TeamOut(id=row[0], name=row[1], ward_code=row[2], village_ids=villages)


def member_out(row: tuple[Any, ...]) -> MemberOut:
    return MemberOut(id=row[0], name=row[1], role=row[2], team_id=row[3], phone=row[4])


def team_members(conn: Conn, principal: Principal) -> list[MemberOut]:
    """Members a device may list: its own team (officers: just themselves), and for a
    reviewer (leader, officer) everyone whose work shows in its villages — members of the
    teams covering them and whoever logged a visit there (a member who has since left the
    team, or moved) — so its coverage tables name them. People outside the caller's team
    come without their phone number (minimum data)."""
    if principal.team_id is None:
        rows = conn.execute(
            "SELECT id, name, role, team_id, phone FROM members WHERE id = ?",
            [principal.member_id],
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT id, name, role, team_id, phone FROM members WHERE team_id = ?",
            [principal.team_id],
        ).fetchall()
    if principal.can_review and principal.village_ids:
        seen = {r[0] for r in rows}
        villages = sorted(principal.village_ids)
        marks = ",".join("?" * len(villages))
        others = conn.execute(
            "SELECT id, name, role, team_id, NULL FROM members WHERE id IN ("
            "  SELECT tm.id FROM members tm JOIN team_villages tv ON tv.team_id = tm.team_id"
            f"   WHERE tv.village_id IN ({marks})"
            "  UNION"
            "  SELECT v.member_id FROM visits v JOIN households h ON h.id = v.household_id"
            f"   WHERE h.village_id IN ({marks}))",
            [*villages, *villages],
        ).fetchall()
        rows += [r for r in others if r[0] not in seen]
    # Vietnamese order, numbers read as numbers (no stored key: a team is a handful).
    return [member_out(r) for r in sorted(rows, key=lambda r: (sort_key(r[1]), r[0]))]
