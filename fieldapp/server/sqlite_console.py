"""SQLite implementation of :class:`fieldapp.server.console_storage.ConsoleStorage`.

A mixin: :class:`fieldapp.server.sqlite_storage.SqliteStorage` inherits it and provides
``self.db`` (:class:`fieldapp.server.db.ServerDatabase`: SQLite or PostgreSQL). Scope checks reuse
:mod:`fieldapp.server.accounts`; every change writes its audit entry
(:mod:`fieldapp.server.audit`) in the same transaction.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from fieldapp.domain.model import Household, Role, Team, Village
from fieldapp.domain.validation import ValidationError, parse_household
from fieldapp.server import accounts, audit
from fieldapp.server.console_storage import (
    ConsoleSession,
    ConsoleSignIn,
    clean_name,
    clean_phone,
    refuse_id_number,
)
from fieldapp.server.db import ServerDatabase, Writer, now_iso
from fieldapp.server.errors import ApiError
from fieldapp.server.push import current_household, stamp_change, write_household
from fieldapp.server.storage import IssuedCode, Principal
from fieldapp.sql import Conn
from fieldapp.text import nfc, sort_key

__all__ = [
    "SqliteConsole",
    "create_team_audited",
    "issue_code_audited",
]

# A session's last use is written at most this often (idle expiry is in hours).
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
NOTE_MAX = 500


def _invalid(field: str, message_vi: str, message_en: str) -> ApiError:
    return accounts.invalid_field(field, "invalid", message_vi, message_en)


def _console_device(session_id: str) -> str:
    # Principal.device_id of a browser: never a phone's id (phones use UUIDs).
    return f"console:{session_id}"


def _deactivated(conn: Conn, member_id: str) -> bool:
    row = conn.execute("SELECT deactivated_at FROM members WHERE id = ?", [member_id]).fetchone()
    return bool(row and row[0])


def refuse_deactivated(conn: Conn, member_id: str) -> None:
    """No new codes for a deactivated member (used by ``issue_code`` everywhere)."""
    if _deactivated(conn, member_id):
        raise ApiError(
            "forbidden",
            field="member_id",
            message_vi="Thành viên này đã ngừng hoạt động; không cấp mã mới.",
            message_en="This member is deactivated; no new codes.",
        )


def _village_row(conn: Conn, village_id: str) -> tuple[str, str, str | None]:
    row = conn.execute(
        "SELECT ward_code, name, retired_at FROM villages WHERE id = ?", [village_id]
    ).fetchone()
    if row is None:
        raise ApiError("not_found", field="village_id")
    return row[0], row[1], row[2]


def _officer_ward(by: Principal, ward: str, field: str) -> None:
    accounts.require_officer(by)
    if by.ward_codes and ward not in by.ward_codes:
        raise ApiError("not_found", field=field)


class SqliteConsole:
    """The console's storage over ``self.db``."""

    db: ServerDatabase

    # -- sessions ---------------------------------------------------------------------

    def console_sign_in(self, code: str, *, user_agent: str) -> ConsoleSignIn:
        with self.db.write() as w:
            live = accounts.live_code(w.conn, code)
            if live is None:
                raise ApiError("bad_code", field="code")
            code_hash, member_id = live
            row = w.conn.execute(
                "SELECT role, name, deactivated_at FROM members WHERE id = ?", [member_id]
            ).fetchone()
            if row is None or row[2]:
                raise ApiError("bad_code", field="code")
            if row[0] == Role.MEMBER:
                # Raised before anything is written: the code still enrols the phone.
                raise ApiError(
                    "forbidden",
                    field="code",
                    message_vi=(
                        "Mã này là của tổ viên: hãy nhập vào ứng dụng trên điện thoại. Trang "
                        "quản trị chỉ dành cho tổ trưởng và cán bộ xã, tỉnh."
                    ),
                    message_en=(
                        "This code belongs to a team member: enter it in the phone app. The "
                        "console is for team leaders and commune or province officers."
                    ),
                )
            session_id = secrets.token_urlsafe(12)
            token = secrets.token_urlsafe(32)
            now = now_iso()
            w.conn.execute(
                "UPDATE enrol_codes SET used_at = ?, used_by_device = ? WHERE code_hash = ?",
                [now, _console_device(session_id), code_hash],
            )
            w.conn.execute(
                "INSERT INTO console_sessions (id, token_hash, member_id, created_at,"
                " last_used_at, user_agent) VALUES (?, ?, ?, ?, ?, ?)",
                [session_id, accounts.hash_secret(token), member_id, now, now, user_agent[:200]],
            )
            principal = accounts.principal_for(w.conn, _console_device(session_id), member_id)
            assert principal is not None
            ward, team = audit.member_scope(w.conn, member_id)
            audit.record(
                w, principal, "session_started", "console_session", session_id, ward=ward, team=team
            )
        return ConsoleSignIn(token, ConsoleSession(session_id, principal, row[1]))

    def console_session(self, token: str, *, idle: timedelta) -> ConsoleSession | None:
        digest = accounts.hash_secret(token)
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT s.id, s.member_id, s.last_used_at, m.name, m.deactivated_at"
                " FROM console_sessions s JOIN members m ON m.id = s.member_id"
                " WHERE s.token_hash = ? AND s.revoked_at IS NULL",
                [digest],
            ).fetchone()
            if row is None or row[4]:
                return None
            last = datetime.fromisoformat(row[2])
            now = datetime.now(UTC)
            if now - last > idle:
                return None
            principal = accounts.principal_for(conn, _console_device(row[0]), row[1])
        if principal is None or principal.role == Role.MEMBER:
            return None
        if now - last >= SESSION_TOUCH_INTERVAL:
            with self.db.write() as w:
                w.conn.execute(
                    "UPDATE console_sessions SET last_used_at = ? WHERE id = ?", [now_iso(), row[0]]
                )
        return ConsoleSession(row[0], principal, row[3])

    def console_sign_out(self, token: str) -> None:
        digest = accounts.hash_secret(token)
        with self.db.write() as w:
            row = w.conn.execute(
                "SELECT id, member_id FROM console_sessions WHERE token_hash = ?"
                " AND revoked_at IS NULL",
                [digest],
            ).fetchone()
            if row is None:
                return
            w.conn.execute(
                "UPDATE console_sessions SET revoked_at = ? WHERE id = ?", [now_iso(), row[0]]
            )
            ward, team = audit.member_scope(w.conn, row[1])
            principal = accounts.principal_for(w.conn, _console_device(row[0]), row[1])
            audit.record(
                w, principal, "session_ended", "console_session", row[0], ward=ward, team=team
            )

    def _managed_ids(self, conn: Conn, by: Principal) -> set[str]:
        return {m["id"] for m in accounts.list_members(conn, by)} | {by.member_id}

    def console_sessions(self, *, by: Principal) -> list[dict[str, Any]]:
        accounts.require_review(by)
        with self.db.read() as conn:
            visible = self._managed_ids(conn, by)
            cur = conn.execute(
                "SELECT s.id, s.member_id, m.name, m.role, s.created_at, s.last_used_at,"
                " s.revoked_at, s.user_agent FROM console_sessions s"
                " JOIN members m ON m.id = s.member_id"
                " ORDER BY s.revoked_at IS NOT NULL, s.created_at DESC"
            )
            names = [d[0] for d in cur.description]
            # Scope is applied while reading, not after a global cut: a session of this
            # ward, however old, is never pushed off the list by other wards' sessions.
            # Unrevoked sessions come first, so a live one is always there to revoke.
            rows = (dict(zip(names, r, strict=True)) for r in cur)
            return list(itertools.islice((r for r in rows if r["member_id"] in visible), 200))

    def revoke_console_session(self, session_id: str, *, by: Principal) -> None:
        with self.db.write() as w:
            row = w.conn.execute(
                "SELECT member_id, revoked_at FROM console_sessions WHERE id = ?", [session_id]
            ).fetchone()
            if row is None:
                raise ApiError("not_found", field="session_id")
            if row[0] != by.member_id:
                accounts.require_review(by)
                accounts.member_visible(w.conn, by, row[0])
            if row[1]:
                return
            w.conn.execute(
                "UPDATE console_sessions SET revoked_at = ? WHERE id = ?", [now_iso(), session_id]
            )
            ward, team = audit.member_scope(w.conn, row[0])
            audit.record(
                w,
                by,
                "session_revoked",
                "console_session",
                session_id,
                ward=ward,
                team=team,
                before={"member_id": row[0]},
            )

    # -- listings ---------------------------------------------------------------------

    def console_wards(self, *, by: Principal) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            if by.ward_codes:
                marks = ",".join("?" * len(by.ward_codes))
                rows = conn.execute(
                    f"SELECT code, name, kind FROM wards WHERE code IN ({marks})",
                    sorted(by.ward_codes),
                ).fetchall()
            elif by.is_officer:
                rows = conn.execute("SELECT code, name, kind FROM wards").fetchall()
            else:
                rows = []
        wards = [{"code": r[0], "name": r[1], "kind": r[2]} for r in rows]
        return sorted(wards, key=lambda w: (sort_key(w["name"]), w["code"]))

    def console_villages(self, *, by: Principal, ward: str | None = None) -> list[dict[str, Any]]:
        where, params = ["1 = 1"], []
        if ward is not None:
            where.append("v.ward_code = ?")
            params.append(ward)
        with self.db.read() as conn:
            cur = conn.execute(
                "SELECT v.id, v.ward_code, v.name, v.kind, v.retired_at, tv.team_id, t.name AS"
                " team_name, (SELECT count(*) FROM households h WHERE h.village_id = v.id"
                " AND h.deleted = 0) AS households FROM villages v"
                " LEFT JOIN team_villages tv ON tv.village_id = v.id"
                " LEFT JOIN teams t ON t.id = tv.team_id"
                f" WHERE {' AND '.join(where)} ORDER BY v.name_sort, v.id",
                params,
            )
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        if by.is_officer:
            return [r for r in rows if not by.ward_codes or r["ward_code"] in by.ward_codes]
        return [r for r in rows if r["id"] in by.village_ids]

    def console_members(self, *, by: Principal) -> list[dict[str, Any]]:
        accounts.require_review(by)
        with self.db.read() as conn:
            visible = {m["id"] for m in accounts.list_members(conn, by)}
            cur = conn.execute(
                "SELECT m.id, m.name, m.role, m.team_id, t.name AS team_name, m.phone,"
                " coalesce(t.ward_code, m.ward_code) AS ward_code, m.deactivated_at,"
                " (SELECT count(*) FROM devices d WHERE d.member_id = m.id"
                "  AND d.revoked_at IS NULL) AS devices,"
                " (SELECT max(d.last_seen_at) FROM devices d WHERE d.member_id = m.id)"
                " AS last_seen_at FROM members m LEFT JOIN teams t ON t.id = m.team_id"
            )
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        rows = [r for r in rows if r["id"] in visible]
        return sorted(rows, key=lambda r: (sort_key(r["name"]), r["id"]))

    # -- setting up -------------------------------------------------------------------

    def rename_village(self, village_id: str, name: str, *, by: Principal) -> Village:
        clean = clean_name(name)
        with self.db.write() as w:
            ward, old, _ = _village_row(w.conn, village_id)
            _officer_ward(by, ward, "village_id")
            w.conn.execute(
                "UPDATE villages SET name = ?, name_sort = ? WHERE id = ?",
                [clean, sort_key(clean), village_id],
            )
            audit.record(
                w,
                by,
                "village_renamed",
                "village",
                village_id,
                ward=ward,
                before={"name": old},
                after={"name": clean},
            )
            kind = w.conn.execute("SELECT kind FROM villages WHERE id = ?", [village_id]).fetchone()
        return Village(village_id, ward, clean, kind[0])

    def retire_village(self, village_id: str, *, by: Principal) -> None:
        with self.db.write() as w:
            ward, name, retired = _village_row(w.conn, village_id)
            _officer_ward(by, ward, "village_id")
            if retired:
                return
            households = w.conn.execute(
                "SELECT count(*) FROM households WHERE village_id = ? AND deleted = 0",
                [village_id],
            ).fetchone()[0]
            if households:
                raise _invalid(
                    "village_id",
                    f"«{name}» còn {households} hộ; chỉ thôi dùng được thôn không còn hộ nào.",
                    f"'{name}' still has {households} households; only an empty village can "
                    "be retired.",
                )
            team = w.conn.execute(
                "SELECT t.name FROM team_villages tv JOIN teams t ON t.id = tv.team_id"
                " WHERE tv.village_id = ?",
                [village_id],
            ).fetchone()
            if team:
                raise _invalid(
                    "village_id",
                    f"«{name}» đang thuộc tổ «{team[0]}»; hãy bỏ thôn khỏi tổ trước.",
                    f"'{name}' belongs to team '{team[0]}'; remove it from the team first.",
                )
            now = now_iso()
            w.conn.execute("UPDATE villages SET retired_at = ? WHERE id = ?", [now, village_id])
            audit.record(
                w,
                by,
                "village_retired",
                "village",
                village_id,
                ward=ward,
                before={"name": name, "retired": False},
                after={"name": name, "retired": True},
            )

    def create_team_with_villages(self, team: Team, *, by: Principal) -> Team:
        clean = clean_name(team.name)
        with self.db.write() as w:
            # One transaction: a refused village leaves no team behind.
            made = create_team_audited(w, Team(team.id, clean, team.ward_code, ()), by)
            if not team.village_ids:
                return made
            return _set_team(w, made.id, clean, team.village_ids, by)

    def update_team(
        self, team_id: str, *, name: str, village_ids: Sequence[str], by: Principal
    ) -> Team:
        clean = clean_name(name)
        with self.db.write() as w:
            return _set_team(w, team_id, clean, village_ids, by)

    def update_member(
        self, member_id: str, *, name: str, phone: str | None, by: Principal
    ) -> dict[str, Any]:
        clean = clean_name(name)
        new_phone = clean_phone(phone)
        with self.db.write() as w:
            accounts.require_review(by)
            current = accounts.member_visible(w.conn, by, member_id)
            w.conn.execute(
                "UPDATE members SET name = ?, phone = ? WHERE id = ?",
                [clean, new_phone, member_id],
            )
            ward, team = audit.member_scope(w.conn, member_id)
            audit.record(
                w,
                by,
                "member_updated",
                "member",
                member_id,
                ward=ward,
                team=team,
                before={"name": current["name"], "phone": current["phone"]},
                after={"name": clean, "phone": new_phone},
            )
        return {**current, "name": clean, "phone": new_phone}

    def deactivate_member(self, member_id: str, *, by: Principal) -> None:
        with self.db.write() as w:
            accounts.require_review(by)
            accounts.member_visible(w.conn, by, member_id)
            if member_id == by.member_id:
                raise _invalid(
                    "member_id",
                    "Không thể tự ngừng hoạt động tài khoản của mình.",
                    "You cannot deactivate yourself.",
                )
            if _deactivated(w.conn, member_id):
                return
            now = now_iso()
            w.conn.execute("UPDATE members SET deactivated_at = ? WHERE id = ?", [now, member_id])
            devices = w.conn.execute(
                "UPDATE devices SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL",
                [now, member_id],
            ).rowcount
            w.conn.execute(
                "UPDATE device_tokens SET revoked_at = ? WHERE member_id = ?"
                " AND revoked_at IS NULL",
                [now, member_id],
            )
            sessions = w.conn.execute(
                "UPDATE console_sessions SET revoked_at = ? WHERE member_id = ?"
                " AND revoked_at IS NULL",
                [now, member_id],
            ).rowcount
            w.conn.execute(
                "UPDATE enrol_codes SET used_at = ?, used_by_device = 'deactivated'"
                " WHERE member_id = ? AND used_at IS NULL",
                [now, member_id],
            )
            ward, team = audit.member_scope(w.conn, member_id)
            audit.record(
                w,
                by,
                "member_deactivated",
                "member",
                member_id,
                ward=ward,
                team=team,
                before={"active": True},
                after={"active": False, "devices_revoked": devices, "sessions_revoked": sessions},
            )

    def issue_codes(self, member_ids: Sequence[str], *, by: Principal) -> list[IssuedCode]:
        with self.db.write() as w:
            issued = []
            for member_id in member_ids:
                issued.append(issue_code_audited(w, member_id, by))
            return issued

    # -- review -----------------------------------------------------------------------

    def resolve_conflict(
        self, conflict_id: int, *, keep: Literal["server", "device"], by: Principal
    ) -> None:
        with self.db.write() as w:
            accounts.require_review(by)
            row = w.conn.execute(
                "SELECT household_id, village_id, kind, field, server_value, device_value,"
                " resolved FROM conflicts WHERE id = ?",
                [conflict_id],
            ).fetchone()
            if row is None or row[1] not in by.village_ids:
                raise ApiError("not_found", field="conflict_id")
            household_id, village_id, kind, field, server_value, device_value, resolved = row
            if resolved:
                raise ApiError(
                    "conflict",
                    field="conflict_id",
                    message_vi="Xung đột này đã được xử lý.",
                    message_en="This conflict was already resolved.",
                )
            chosen_json = server_value if keep == "server" else device_value
            if kind != "hard" or chosen_json is None:
                chosen_json = None  # a soft conflict only needs acknowledging
            current = current_household(w, household_id)
            before = current[0][field] if current else None
            after = before
            if chosen_json is not None and current is not None:
                value = json.loads(chosen_json)
                if value != current[0][field]:
                    if field == "village_id" and value not in by.village_ids:
                        raise ApiError("forbidden", field="keep")
                    _write_field(w, current, field, value)
                    after = value
            w.conn.execute("UPDATE conflicts SET resolved = 1 WHERE id = ?", [conflict_id])
            ward = w.conn.execute(
                "SELECT ward_code FROM villages WHERE id = ?", [village_id]
            ).fetchone()
            audit.record(
                w,
                by,
                "conflict_resolved",
                "household",
                household_id,
                ward=ward[0] if ward else None,
                team=_team_of(w.conn, village_id),
                before={field: before},
                after={field: after},
                note=f"conflict {conflict_id}: kept {keep}",
            )

    def dismiss_quarantine(self, quarantine_id: int, *, note: str, by: Principal) -> None:
        clean = nfc(note)
        refuse_id_number(clean, "note")
        if not clean or len(clean) > NOTE_MAX:
            raise _invalid(
                "note",
                f"Cần ghi lý do bỏ qua (1–{NOTE_MAX} ký tự).",
                f"A note is needed (1–{NOTE_MAX} characters).",
            )
        with self.db.write() as w:
            accounts.require_review(by)
            row = w.conn.execute(
                "SELECT village_id, team_id, entity, entity_id, reason, resolved, device_id"
                " FROM quarantine WHERE id = ?",
                [quarantine_id],
            ).fetchone()
            if row is None or not (
                row[0] in by.village_ids or (by.team_id is not None and row[1] == by.team_id)
            ):
                raise ApiError("not_found", field="quarantine_id")
            village_id, team_id, entity, entity_id, reason, resolved, device_id = row
            if resolved:
                raise ApiError(
                    "conflict",
                    field="quarantine_id",
                    message_vi="Bản ghi này đã được xử lý.",
                    message_en="This record was already dealt with.",
                )
            w.conn.execute("UPDATE quarantine SET resolved = 1 WHERE id = ?", [quarantine_id])
            # The server's own version goes out again: a phone still showing the refused
            # version replaces it on its next pull.
            table = {"household": "households", "visit": "visits"}.get(entity)
            if table is not None:
                found = w.conn.execute(
                    f"SELECT village_id FROM {table} WHERE id = ?", [entity_id]
                ).fetchone()
                if found is not None:
                    stamp_change(w, entity, entity_id, found[0])
            ward = (
                w.conn.execute(
                    "SELECT ward_code FROM villages WHERE id = ?", [village_id]
                ).fetchone()
                if village_id
                else None
            )
            team_ward = w.conn.execute(
                "SELECT ward_code FROM teams WHERE id = ?", [team_id]
            ).fetchone()
            audit.record(
                w,
                by,
                "quarantine_dismissed",
                entity,
                entity_id,
                ward=(ward or team_ward or (None,))[0],
                team=team_id,
                before={"reason": reason, "device_id": device_id, "resolved": False},
                after={"resolved": True},
                note=clean,
            )

    # -- audit log --------------------------------------------------------------------

    def audit_entries(
        self, *, by: Principal, limit: int, before_id: int | None = None
    ) -> list[dict[str, Any]]:
        accounts.require_review(by)
        with self.db.read() as conn:
            return audit.entries(conn, by, limit=limit, before_id=before_id)


def issue_code_audited(w: Writer, member_id: str, by: Principal | None) -> IssuedCode:
    """Issue a one-time code (never for a deactivated member) and audit it (not the code)."""
    refuse_deactivated(w.conn, member_id)
    issued = accounts.issue_code(w, member_id, by)
    ward, team = audit.member_scope(w.conn, member_id)
    audit.record(
        w,
        by,
        "code_issued",
        "member",
        member_id,
        ward=ward,
        team=team,
        after={"expires_at": issued.expires_at},
    )
    return issued


def create_team_audited(w: Writer, team: Team, by: Principal | None) -> Team:
    """Create a team and audit it, in the caller's transaction."""
    made = accounts.create_team(w, team, by)
    audit.record(
        w,
        by,
        "team_created",
        "team",
        made.id,
        ward=made.ward_code,
        team=made.id,
        after={"name": made.name, "village_ids": list(made.village_ids)},
    )
    return made


def _set_team(
    w: Writer, team_id: str, clean: str, village_ids: Sequence[str], by: Principal
) -> Team:
    """Rename a team and set its villages, in the caller's transaction."""
    wanted = list(dict.fromkeys(village_ids))
    row = w.conn.execute("SELECT name, ward_code FROM teams WHERE id = ?", [team_id]).fetchone()
    if row is None:
        raise ApiError("not_found", field="team_id")
    old_name, ward = row
    _officer_ward(by, ward, "team_id")
    for vid in wanted:
        v_ward, v_name, retired = _village_row(w.conn, vid)
        if v_ward != ward:
            raise ApiError("not_found", field="village_ids")
        if retired:
            raise _invalid(
                "village_ids",
                f"«{v_name}» đã thôi dùng.",
                f"'{v_name}' is retired.",
            )
    before = sorted(
        r[0]
        for r in w.conn.execute("SELECT village_id FROM team_villages WHERE team_id = ?", [team_id])
    )
    moved_from = sorted(
        {
            r[0]
            for vid in wanted
            for r in w.conn.execute(
                "SELECT team_id FROM team_villages WHERE village_id = ? AND team_id <> ?",
                [vid, team_id],
            )
        }
    )
    if wanted:
        marks = ",".join("?" * len(wanted))
        # A village has one team: taking it here takes it from its old team.
        w.conn.execute(f"DELETE FROM team_villages WHERE village_id IN ({marks})", wanted)
    w.conn.execute("DELETE FROM team_villages WHERE team_id = ?", [team_id])
    w.conn.executemany(
        "INSERT INTO team_villages (team_id, village_id) VALUES (?, ?)",
        [(team_id, v) for v in wanted],
    )
    w.conn.execute("UPDATE teams SET name = ? WHERE id = ?", [clean, team_id])
    audit.record(
        w,
        by,
        "team_updated",
        "team",
        team_id,
        ward=ward,
        team=team_id,
        before={"name": old_name, "village_ids": before},
        after={"name": clean, "village_ids": sorted(wanted)},
        note=f"moved from {', '.join(moved_from)}" if moved_from else "",
    )
    return Team(team_id, clean, ward, tuple(sorted(wanted)))


def _team_of(conn: Conn, village_id: str) -> str | None:
    row = conn.execute(
        "SELECT team_id FROM team_villages WHERE village_id = ?", [village_id]
    ).fetchone()
    return row[0] if row else None


def _write_field(
    w: Writer, current: tuple[dict[str, Any], int, Any], field: str, value: Any
) -> None:
    """Set one household field as a new version, stamped for the phones' pull."""
    data, old_version, field_versions = current
    data = {**data, field: value}
    try:
        household: Household = parse_household(data)
    except ValidationError:
        raise _invalid(
            "keep", "Giá trị này không còn hợp lệ.", "This value is no longer valid."
        ) from None
    version = old_version + 1
    versions = {**field_versions, field: [version, None]}
    write_household(
        w, household, version, versions, None, new=False, old_village=current[0]["village_id"]
    )
