"""Setting up a commune: wards, villages, teams and members, and listing them in scope.

Every write checks the caller's scope (:mod:`.scope`) and refuses bad input with a 422
naming the field; names are NFC and checked by the domain rules.
"""

from __future__ import annotations

import json
from typing import Any

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.domain.validation import ValidationError, check_place_name
from fieldapp.reference import data_dir, load_wards
from fieldapp.server.accounts.scope import member_visible, require_officer, require_review
from fieldapp.server.db import Writer, now_iso
from fieldapp.server.errors import ApiError, invalid_field
from fieldapp.server.storage import Principal
from fieldapp.sql import Conn
from fieldapp.text import nfc, sort_key

__all__ = [
    "create_member",
    "create_team",
    "create_village",
    "ensure_ward",
    "invalid_field",
    "json_dumps",
    "list_devices",
    "list_members",
    "list_teams",
    "list_villages",
    "move_member",
]


def ensure_ward(conn: Conn, ward_code: str) -> None:
    """Wards come from the reference data (2025 NSO codes); unknown codes are refused."""
    if conn.execute("SELECT 1 FROM wards WHERE code = ?", [ward_code]).fetchone():
        return
    for path in sorted((data_dir() / "wards").glob("*.json")):
        for ward in load_wards(path.stem):
            if ward.code == ward_code:
                conn.execute(
                    "INSERT INTO wards (code, name, kind, province_code) VALUES (?, ?, ?, ?)",
                    [ward.code, ward.name, ward.kind, ward.province_code],
                )
                return
    raise ApiError(
        "not_found",
        field="ward_code",
        message_vi=f"Không có xã/phường mã {ward_code}.",
        message_en=f"No ward with code {ward_code}.",
    )


def _check_ward_scope(by: Principal | None, ward_code: str) -> None:
    require_officer(by)
    if by is not None and by.ward_codes and ward_code not in by.ward_codes:
        raise ApiError("forbidden", field="ward_code")


def _place_name(value: str) -> str:
    """A village or team name, refused (422 naming ``name``) when it is not a name."""
    try:
        return check_place_name(value, "name")
    except ValidationError as exc:
        p = exc.problems[0]
        raise invalid_field("name", p.code, p.message_vi, p.message_en) from None


def create_village(w: Writer, village: Village, by: Principal | None) -> Village:
    _check_ward_scope(by, village.ward_code)
    ensure_ward(w.conn, village.ward_code)
    name = _place_name(village.name)
    clean = Village(village.id, village.ward_code, name, nfc(village.kind))
    if w.conn.execute("SELECT 1 FROM villages WHERE id = ?", [clean.id]).fetchone():
        raise ApiError("conflict", field="id")
    w.conn.execute(
        "INSERT INTO villages (id, ward_code, name, kind, name_sort) VALUES (?, ?, ?, ?, ?)",
        [clean.id, clean.ward_code, clean.name, clean.kind, sort_key(clean.name)],
    )
    return clean


def create_team(w: Writer, team: Team, by: Principal | None) -> Team:
    _check_ward_scope(by, team.ward_code)
    ensure_ward(w.conn, team.ward_code)
    name = _place_name(team.name)
    if w.conn.execute("SELECT 1 FROM teams WHERE id = ?", [team.id]).fetchone():
        raise ApiError("conflict", field="id")
    repeated = sorted({v for v in team.village_ids if team.village_ids.count(v) > 1})
    if repeated:
        raise invalid_field(
            "village_ids",
            "duplicate",
            f"Thôn/tổ dân phố bị lặp trong danh sách: {', '.join(repeated)}.",
            f"Villages listed more than once: {', '.join(repeated)}.",
        )
    for vid in team.village_ids:
        row = w.conn.execute("SELECT ward_code FROM villages WHERE id = ?", [vid]).fetchone()
        if row is None or row[0] != team.ward_code:
            raise ApiError(
                "not_found",
                field="village_ids",
                message_vi=f"Không có thôn/tổ dân phố {vid} trong xã/phường này.",
                message_en=f"No village {vid} in this ward.",
            )
    w.conn.execute(
        "INSERT INTO teams (id, name, ward_code) VALUES (?, ?, ?)",
        [team.id, name, team.ward_code],
    )
    w.conn.executemany(
        "INSERT INTO team_villages (team_id, village_id) VALUES (?, ?)",
        [(team.id, v) for v in team.village_ids],
    )
    return Team(team.id, name, team.ward_code, tuple(team.village_ids))


def create_member(w: Writer, member: Member, ward_code: str | None, by: Principal | None) -> Member:
    if member.role == Role.OFFICER:
        require_officer(by)
        if by is not None and by.ward_codes and ward_code not in by.ward_codes:
            raise ApiError("forbidden", field="ward_code")
        if ward_code:
            ensure_ward(w.conn, ward_code)
        team_id = None
    else:
        require_review(by)
        if not member.team_id:
            raise invalid_field(
                "team_id",
                "missing",
                "Cần chọn tổ cho thành viên (team_id).",
                "A member needs a team (team_id).",
            )
        team = w.conn.execute(
            "SELECT ward_code FROM teams WHERE id = ?", [member.team_id]
        ).fetchone()
        if team is None:
            raise ApiError("not_found", field="team_id")
        if by is not None and by.role == Role.LEADER and member.team_id != by.team_id:
            raise ApiError("forbidden", field="team_id")
        if by is not None and by.is_officer and by.ward_codes and team[0] not in by.ward_codes:
            raise ApiError("forbidden", field="team_id")
        team_id, ward_code = member.team_id, None
    if w.conn.execute("SELECT 1 FROM members WHERE id = ?", [member.id]).fetchone():
        raise ApiError("conflict", field="id")
    w.conn.execute(
        "INSERT INTO members (id, name, role, team_id, phone, ward_code, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            member.id,
            nfc(member.name),
            str(member.role),
            team_id,
            member.phone,
            ward_code,
            now_iso(),
        ],
    )
    return Member(member.id, nfc(member.name), member.role, team_id, member.phone)


def move_member(w: Writer, member_id: str, team_id: str, by: Principal | None) -> Member:
    """Move a member to another team: their devices' scope changes at once."""
    require_officer(by)
    current = member_visible(w.conn, by, member_id)
    if current["role"] == "officer":
        raise ApiError("forbidden", field="member_id")
    team = w.conn.execute("SELECT ward_code FROM teams WHERE id = ?", [team_id]).fetchone()
    if team is None or (by is not None and by.ward_codes and team[0] not in by.ward_codes):
        raise ApiError("not_found", field="team_id")
    w.conn.execute("UPDATE members SET team_id = ? WHERE id = ?", [team_id, member_id])
    return Member(member_id, current["name"], Role(current["role"]), team_id, current["phone"])


def list_members(conn: Conn, by: Principal | None) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT m.id, m.name, m.role, m.team_id, m.ward_code, t.ward_code FROM members m"
        " LEFT JOIN teams t ON t.id = m.team_id"
    ).fetchall()
    rows.sort(key=lambda r: (sort_key(r[1]), r[0]))
    out = []
    for r in rows:
        d = {"id": r[0], "name": r[1], "role": r[2], "team_id": r[3], "ward_code": r[4] or r[5]}
        if by is None or (by.is_officer and (not by.ward_codes or d["ward_code"] in by.ward_codes)):
            out.append(d)
        elif by.role == Role.LEADER and d["team_id"] == by.team_id:
            out.append(d)
    return out


def list_devices(conn: Conn, by: Principal | None) -> list[dict[str, Any]]:
    require_review(by)
    visible = {m["id"] for m in list_members(conn, by)}
    rows = conn.execute(
        "SELECT id, member_id, hwm, enrolled_at, last_seen_at, revoked_at FROM devices"
        " ORDER BY enrolled_at"
    ).fetchall()
    keys = ("id", "member_id", "high_water_mark", "enrolled_at", "last_seen_at", "revoked_at")
    return [dict(zip(keys, r, strict=True)) for r in rows if r[1] in visible]


def list_villages(conn: Conn, by: Principal | None, ward: str | None = None) -> list[Village]:
    where = " WHERE ward_code = ?" if ward is not None else ""
    rows = conn.execute(
        f"SELECT id, ward_code, name, kind FROM villages{where} ORDER BY ward_code, name_sort",
        [ward] if ward is not None else [],
    )
    return [Village(*r) for r in rows if by is None or r[0] in by.village_ids]


def list_teams(conn: Conn, by: Principal | None) -> list[Team]:
    teams = []
    rows = conn.execute("SELECT id, name, ward_code FROM teams").fetchall()
    for tid, name, ward in sorted(rows, key=lambda r: (sort_key(r[1]), r[0])):
        villages = tuple(
            r[0]
            for r in conn.execute(
                "SELECT village_id FROM team_villages WHERE team_id = ? ORDER BY village_id", [tid]
            )
        )
        if (
            by is None
            or tid == by.team_id
            or (by.is_officer and (not by.ward_codes or ward in by.ward_codes))
        ):
            teams.append(Team(tid, name, ward, villages))
    return teams


def json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
