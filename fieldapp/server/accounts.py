"""Accounts, devices and scope: enrolment codes, device tokens, who may see what.

Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), valid
48 hours, usable once. Tokens are 32 random bytes. Both are stored only as SHA-256
hashes, so a copy of the database cannot be used to sign in.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.db import Writer, now_iso
from fieldapp.server.errors import ApiError
from fieldapp.server.storage import IssuedCode, Principal
from fieldapp.sync.protocol import MemberOut, TeamOut, VillageOut
from fieldapp.text import nfc, sort_key

__all__ = [
    "CODE_ALPHABET",
    "CODE_TTL",
    "authenticate",
    "hash_secret",
    "issue_code",
    "normalize_code",
    "principal_for",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_TTL = timedelta(hours=48)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_code(code: str) -> str:
    """People type codes with spaces, dashes and lower case: ``abcd-efgh`` = ``ABCDEFGH``."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``ABCDEFGH`` → ``ABCD-EFGH`` for reading aloud and typing."""
    return f"{code[:4]}-{code[4:]}"


def _village_ids(
    conn: sqlite3.Connection, role: Role, team_id: str | None, ward: str | None
) -> list[str]:
    if role == Role.OFFICER:
        if ward:
            rows = conn.execute("SELECT id FROM villages WHERE ward_code = ?", [ward])
        else:
            rows = conn.execute("SELECT id FROM villages")
    else:
        rows = conn.execute("SELECT village_id FROM team_villages WHERE team_id = ?", [team_id])
    return sorted(r[0] for r in rows)


def principal_for(conn: sqlite3.Connection, device_id: str, member_id: str) -> Principal | None:
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


def authenticate(conn: sqlite3.Connection, token: str) -> Principal | None:
    """The principal behind a bearer token, or None if unknown or revoked."""
    row = conn.execute(
        "SELECT t.device_id, t.member_id FROM device_tokens t JOIN devices d"
        " ON d.id = t.device_id WHERE t.token_hash = ? AND t.revoked_at IS NULL"
        " AND d.revoked_at IS NULL",
        [hash_secret(token)],
    ).fetchone()
    if row is None:
        return None
    return principal_for(conn, row[0], row[1])


def require_review(by: Principal | None) -> None:
    if by is not None and not by.can_review:
        raise ApiError("forbidden")


def require_officer(by: Principal | None) -> None:
    if by is not None and not by.is_officer:
        raise ApiError("forbidden")


def member_visible(
    conn: sqlite3.Connection, by: Principal | None, member_id: str
) -> dict[str, Any]:
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


def issue_code(w: Writer, member_id: str, by: Principal | None) -> IssuedCode:
    """Create a one-time code for a member; only the hash is stored."""
    require_review(by)
    member_visible(w.conn, by, member_id)
    code = new_code()
    now = datetime.now(UTC)
    expires = (now + CODE_TTL).isoformat(timespec="seconds")
    w.conn.execute(
        "INSERT INTO enrol_codes (code_hash, member_id, issued_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [hash_secret(code), member_id, by.member_id if by else "cli", now_iso(), expires],
    )
    return IssuedCode(code=format_code(code), member_id=member_id, expires_at=expires)


def enrol(w: Writer, code: str, device_id: str, next_seq: int) -> tuple[str, Principal, int]:
    """Exchange a code for a token; returns (token, principal, device high-water mark).

    A device id seen before keeps its high-water mark (a re-enrolled phone resends its
    outbox and the server recognises what it already has); its old tokens are revoked.
    """
    clean = normalize_code(code)
    now = now_iso()
    row = w.conn.execute(
        "SELECT member_id, expires_at, used_at FROM enrol_codes WHERE code_hash = ?",
        [hash_secret(clean)],
    ).fetchone()
    if row is None or row[2] is not None or row[1] < now[:19]:
        raise ApiError("bad_code", field="code")
    member_id = row[0]
    device = w.conn.execute(
        "SELECT member_id, hwm FROM devices WHERE id = ?", [device_id]
    ).fetchone()
    if device is None:
        hwm = next_seq - 1
        w.conn.execute(
            "INSERT INTO devices (id, member_id, hwm, enrolled_at) VALUES (?, ?, ?, ?)",
            [device_id, member_id, hwm, now],
        )
    else:
        if device[0] != member_id:
            # A phone handed to someone else must start as a new device (fresh install).
            raise ApiError("device_in_use", field="device_id")
        hwm = device[1]
        w.conn.execute(
            "UPDATE devices SET revoked_at = NULL, enrolled_at = ? WHERE id = ?", [now, device_id]
        )
        w.conn.execute(
            "UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
            [now, device_id],
        )
    w.conn.execute(
        "UPDATE enrol_codes SET used_at = ?, used_by_device = ? WHERE code_hash = ?",
        [now, device_id, hash_secret(clean)],
    )
    token = secrets.token_urlsafe(32)
    w.conn.execute(
        "INSERT INTO device_tokens (token_hash, device_id, member_id, created_at)"
        " VALUES (?, ?, ?, ?)",
        [hash_secret(token), device_id, member_id, now],
    )
    principal = principal_for(w.conn, device_id, member_id)
    assert principal is not None
    return token, principal, hwm


def revoke_device(w: Writer, device_id: str, by: Principal | None) -> None:
    require_review(by)
    row = w.conn.execute("SELECT member_id FROM devices WHERE id = ?", [device_id]).fetchone()
    if row is None:
        raise ApiError("not_found", field="device_id")
    member_visible(w.conn, by, row[0])
    now = now_iso()
    w.conn.execute("UPDATE devices SET revoked_at = ? WHERE id = ?", [now, device_id])
    w.conn.execute(
        "UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
        [now, device_id],
    )


# -- reference data ---------------------------------------------------------------------


def village_out(conn: sqlite3.Connection, ids: list[str]) -> list[VillageOut]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT id, ward_code, name, kind FROM villages WHERE id IN ({marks}) ORDER BY name_sort",
        ids,
    )
    return [VillageOut(id=r[0], ward_code=r[1], name=r[2], kind=r[3]) for r in rows]


def team_out(conn: sqlite3.Connection, team_id: str | None) -> TeamOut | None:
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


def team_members(conn: sqlite3.Connection, principal: Principal) -> list[MemberOut]:
    """Members a device may list: its own team (officers: just themselves)."""
    if principal.team_id is None:
        rows = conn.execute(
            "SELECT id, name, role, team_id, phone FROM members WHERE id = ?",
            [principal.member_id],
        )
    else:
        rows = conn.execute(
            "SELECT id, name, role, team_id, phone FROM members WHERE team_id = ? ORDER BY name",
            [principal.team_id],
        )
    return [member_out(r) for r in rows]


# -- administration ---------------------------------------------------------------------


def ensure_ward(conn: sqlite3.Connection, ward_code: str) -> None:
    """Wards come from the reference data (2025 NSO codes); unknown codes are refused."""
    if conn.execute("SELECT 1 FROM wards WHERE code = ?", [ward_code]).fetchone():
        return
    from fieldapp.reference import data_dir, load_wards

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


def _invalid(field: str, code: str, message_vi: str, message_en: str) -> ApiError:
    """A 422 naming one field, shaped like the request validator's answers."""
    problem = {"field": field, "code": code, "message_vi": message_vi, "message_en": message_en}
    return ApiError(
        "invalid_request",
        field=field,
        message_vi=message_vi,
        message_en=message_en,
        problems=[problem],
    )


def _check_ward_scope(by: Principal | None, ward_code: str) -> None:
    require_officer(by)
    if by is not None and by.ward_codes and ward_code not in by.ward_codes:
        raise ApiError("forbidden", field="ward_code")


def create_village(w: Writer, village: Village, by: Principal | None) -> Village:
    _check_ward_scope(by, village.ward_code)
    ensure_ward(w.conn, village.ward_code)
    clean = Village(village.id, village.ward_code, nfc(village.name), nfc(village.kind))
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
    if w.conn.execute("SELECT 1 FROM teams WHERE id = ?", [team.id]).fetchone():
        raise ApiError("conflict", field="id")
    repeated = sorted({v for v in team.village_ids if team.village_ids.count(v) > 1})
    if repeated:
        raise _invalid(
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
        [team.id, nfc(team.name), team.ward_code],
    )
    w.conn.executemany(
        "INSERT INTO team_villages (team_id, village_id) VALUES (?, ?)",
        [(team.id, v) for v in team.village_ids],
    )
    return Team(team.id, nfc(team.name), team.ward_code, tuple(team.village_ids))


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
            raise _invalid(
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


def list_members(conn: sqlite3.Connection, by: Principal | None) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT m.id, m.name, m.role, m.team_id, m.ward_code, t.ward_code FROM members m"
        " LEFT JOIN teams t ON t.id = m.team_id ORDER BY m.name"
    ).fetchall()
    out = []
    for r in rows:
        d = {"id": r[0], "name": r[1], "role": r[2], "team_id": r[3], "ward_code": r[4] or r[5]}
        if by is None or (by.is_officer and (not by.ward_codes or d["ward_code"] in by.ward_codes)):
            out.append(d)
        elif by.role == Role.LEADER and d["team_id"] == by.team_id:
            out.append(d)
    return out


def list_devices(conn: sqlite3.Connection, by: Principal | None) -> list[dict[str, Any]]:
    require_review(by)
    visible = {m["id"] for m in list_members(conn, by)}
    rows = conn.execute(
        "SELECT id, member_id, hwm, enrolled_at, last_seen_at, revoked_at FROM devices"
        " ORDER BY enrolled_at"
    ).fetchall()
    keys = ("id", "member_id", "high_water_mark", "enrolled_at", "last_seen_at", "revoked_at")
    return [dict(zip(keys, r, strict=True)) for r in rows if r[1] in visible]


def list_villages(conn: sqlite3.Connection, by: Principal | None) -> list[Village]:
    rows = conn.execute(
        "SELECT id, ward_code, name, kind FROM villages ORDER BY ward_code, name_sort"
    )
    return [Village(*r) for r in rows if by is None or r[0] in by.village_ids]


def list_teams(conn: sqlite3.Connection, by: Principal | None) -> list[Team]:
    teams = []
    for tid, name, ward in conn.execute(
        "SELECT id, name, ward_code FROM teams ORDER BY name"
    ).fetchall():
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
