"""Accounts, devices and scope: enrolment codes, device tokens, who may see what.

Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), valid
48 hours, usable once. An 8-character code has only ~40 bits, so it is stored as an
HMAC-SHA256 keyed with a server secret kept *outside* the database (``FIELDAPP_SECRET``
or ``<database>.secret``, see :func:`server_secret`): a copy of the database alone does
not let anyone try codes offline. Tokens are 32 random bytes (256 bits, far beyond any
guessing), stored as plain SHA-256 so that losing the secret file never signs out every
phone. Online guessing of codes is limited per client by :mod:`fieldapp.server.deps`.
A token expires after ``FIELDAPP_TOKEN_IDLE_DAYS`` (default 90) days without use; its
last use is recorded at most hourly (:func:`authenticate`, :class:`TokenTouches`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.domain.validation import ValidationError, check_place_name
from fieldapp.reference import data_dir, load_wards
from fieldapp.server.db import ServerDatabase, Writer, now_iso
from fieldapp.server.errors import ApiError, SecretError
from fieldapp.server.logs import log_event
from fieldapp.server.settings import DEFAULT_TOKEN_IDLE_DAYS
from fieldapp.server.storage import IssuedCode, Principal
from fieldapp.sql import Conn
from fieldapp.sync.protocol import MemberOut, TeamOut, VillageOut
from fieldapp.text import nfc, sort_key

__all__ = [
    "CODE_ALPHABET",
    "CODE_TTL",
    "SECRET_ENV",
    "TOKEN_TOUCH_INTERVAL",
    "TokenTouches",
    "TokenUse",
    "authenticate",
    "code_digest",
    "code_is_live",
    "hash_secret",
    "issue_code",
    "normalize_code",
    "principal_for",
    "server_secret",
    "touch_token",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_TTL = timedelta(hours=48)
# A token's last use is written at most this often: not a write per request, and the
# idle limit (days) is only ever this much later than exact.
TOKEN_TOUCH_INTERVAL = timedelta(hours=1)


SECRET_ENV = "FIELDAPP_SECRET"
MIN_SECRET_CHARS = 16
# Stored code digests carry this prefix; rows without it are SHA-256 from before the
# server secret existed (still accepted until they expire, at most 48 hours).
_HMAC_PREFIX = "h1:"

_secrets: dict[str, bytes] = {}
_secrets_lock = threading.Lock()


def hash_secret(secret: str) -> str:
    """Plain SHA-256: device tokens (256 random bits) and codes issued before HMAC."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_file(database: str) -> Path:
    """Where the server secret lives when ``FIELDAPP_SECRET`` is not set."""
    return Path(f"{database}.secret")


def _database_file(conn: Conn) -> str:
    # A PostgreSQL connection names its database itself (see postgres.connection): its
    # secret can only come from FIELDAPP_SECRET (see server_secret).
    named = getattr(conn, "database_name", None)
    if isinstance(named, str):
        return named
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return str(file or "")
    return ""


def _short(name: str) -> SecretError:
    return SecretError(
        f"{name}: khoá bí mật của máy chủ phải có ít nhất {MIN_SECRET_CHARS} ký tự.",
        f"{name}: the server secret must have at least {MIN_SECRET_CHARS} characters.",
    )


def _read_or_create(path: Path) -> bytes:
    try:
        return _read_or_create_file(path)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise SecretError(
            f"không đọc hoặc tạo được tệp khoá bí mật {path} ({reason}).",
            f"cannot read or create the secret file {path} ({reason}).",
        ) from None


def _read_or_create_file(path: Path) -> bytes:
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        # Written under a temporary name with 0600, then linked into place: a second
        # process (``fieldapp admin``) never reads a half-written file, and if two create
        # it at once the first link wins and both use that one.
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(key + "\n")
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                key = path.read_text(encoding="ascii").strip()
        finally:
            tmp.unlink(missing_ok=True)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        log_event("secret_file_readable_by_others", file=path.name)
    if len(key) < MIN_SECRET_CHARS:
        raise _short(path.name)
    return key.encode()


def server_secret(database: str) -> bytes:
    """The HMAC key for enrolment codes, never stored in the database itself.

    ``FIELDAPP_SECRET`` wins; otherwise ``<database>.secret`` (created on first use with
    mode 0600); a PostgreSQL database needs ``FIELDAPP_SECRET``. An in-memory database
    gets a per-process key: it lives no longer.
    """
    env = os.environ.get(SECRET_ENV)
    if env:
        if len(env) < MIN_SECRET_CHARS:
            raise _short(SECRET_ENV)
        return env.encode()
    if database.startswith(("postgresql:", "postgres:")):
        # Several API processes on several machines share one PostgreSQL database and
        # no file beside it: they must share one secret, given to each of them.
        raise SecretError(
            f"Cần đặt {SECRET_ENV} khi cơ sở dữ liệu là PostgreSQL"
            " (cùng một khoá cho mọi máy chủ API).",
            f"{SECRET_ENV} must be set when the database is PostgreSQL"
            " (the same on every API process).",
        )
    memory = database in ("", ":memory:")
    with _secrets_lock:
        key = _secrets.get(database)
        if key is None:
            key = secrets.token_bytes(32) if memory else _read_or_create(secret_file(database))
            _secrets[database] = key
        return key


def code_digest(conn: Conn, clean_code: str) -> str:
    """What ``enrol_codes.code_hash`` holds for a normalised code: HMAC-SHA256."""
    key = server_secret(_database_file(conn))
    return _HMAC_PREFIX + hmac.new(key, clean_code.encode(), hashlib.sha256).hexdigest()


def _live_code(conn: Conn, code: str) -> tuple[str, str] | None:
    """(stored digest, member id) of an unused, unexpired code, or None."""
    clean = normalize_code(code)
    if len(clean) != CODE_LENGTH:
        return None
    row = conn.execute(
        "SELECT code_hash, member_id, expires_at, used_at FROM enrol_codes"
        " WHERE code_hash IN (?, ?)",
        [code_digest(conn, clean), hash_secret(clean)],
    ).fetchone()
    if row is None or row[3] is not None or row[2] < now_iso()[:19]:
        return None
    return row[0], row[1]


def code_is_live(conn: Conn, code: str) -> bool:
    """Whether a code would enrol now: a read-only check made before taking the write lock."""
    return _live_code(conn, code) is not None


def normalize_code(code: str) -> str:
    """People type codes with spaces, dashes and lower case: ``abcd-efgh`` = ``ABCDEFGH``."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``ABCDEFGH`` → ``ABCD-EFGH`` for reading aloud and typing."""
    return f"{code[:4]}-{code[4:]}"


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


@dataclass(frozen=True)
class TokenUse:
    """A valid token: who is behind it, and whether its ``last_used_at`` is due a refresh."""

    principal: Principal
    token_hash: str
    touch_due: bool


def _as_utc(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def authenticate(
    conn: Conn,
    token: str,
    *,
    idle: timedelta = timedelta(days=DEFAULT_TOKEN_IDLE_DAYS),
    now: datetime | None = None,
) -> TokenUse | None:
    """The principal behind a bearer token, or None if unknown or revoked.

    A token not used for longer than ``idle`` raises 401 ``token_expired``: an idle
    limit rather than an absolute lifetime, because phones work offline for weeks and
    must not be locked out mid-campaign, while a lost or abandoned phone drops out.
    Read-only: the caller records the use (see :class:`TokenTouches`) when ``touch_due``.
    """
    digest = hash_secret(token)
    row = conn.execute(
        "SELECT t.device_id, t.member_id, COALESCE(t.last_used_at, t.created_at)"
        " FROM device_tokens t JOIN devices d ON d.id = t.device_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND d.revoked_at IS NULL",
        [digest],
    ).fetchone()
    if row is None:
        return None
    now = now or datetime.now(UTC)
    last_used = _as_utc(row[2])
    if now - last_used > idle:
        raise ApiError("token_expired")
    principal = principal_for(conn, row[0], row[1])
    if principal is None:
        return None
    return TokenUse(principal, digest, now - last_used >= TOKEN_TOUCH_INTERVAL)


def touch_token(w: Writer, token_hash: str) -> None:
    """Move a live token's ``last_used_at`` to now (never backwards; safe to run twice)."""
    now = now_iso()
    w.conn.execute(
        "UPDATE device_tokens SET last_used_at = ? WHERE token_hash = ?"
        " AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < ?)",
        [now, token_hash, now],
    )


class TokenTouches:
    """Records token use on the writer thread without making the request wait.

    Authentication runs on a read snapshot and must not take the write lock (a request
    would queue behind every push; on ``:memory:`` the read already holds that lock).
    So the refresh is queued with :meth:`ServerDB.submit` and not awaited. Its failure
    only logs: the next request an hour on tries again, long before the idle limit.
    A token already queued is not queued twice by concurrent requests.
    """

    def __init__(self, db: ServerDatabase):
        self.db = db
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def record(self, token_hash: str) -> None:
        with self._lock:
            if token_hash in self._pending:
                return
            self._pending.add(token_hash)
        try:
            future = self.db.submit(lambda w: touch_token(w, token_hash))
        except RuntimeError:  # the server is shutting down: nothing to record it in
            self._done(token_hash, None)
            return
        future.add_done_callback(lambda f: self._done(token_hash, f))

    def _done(self, token_hash: str, future: Future[None] | None) -> None:
        with self._lock:
            self._pending.discard(token_hash)
        error = future.exception() if future is not None else None
        if error is not None:
            log_event("token_touch_failed", logging.WARNING, error=type(error).__name__)


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


def issue_code(w: Writer, member_id: str, by: Principal | None) -> IssuedCode:
    """Create a one-time code for a member; only its keyed digest is stored."""
    require_review(by)
    member_visible(w.conn, by, member_id)
    code = new_code()
    now = datetime.now(UTC)
    expires = (now + CODE_TTL).isoformat(timespec="seconds")
    w.conn.execute(
        "INSERT INTO enrol_codes (code_hash, member_id, issued_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [code_digest(w.conn, code), member_id, by.member_id if by else "cli", now_iso(), expires],
    )
    return IssuedCode(code=format_code(code), member_id=member_id, expires_at=expires)


def enrol(w: Writer, code: str, device_id: str, next_seq: int) -> tuple[str, Principal, int]:
    """Exchange a code for a token; returns (token, principal, device high-water mark).

    A device id seen before keeps its high-water mark (a re-enrolled phone resends its
    outbox and the server recognises what it already has); its old tokens are revoked.
    """
    now = now_iso()
    live = _live_code(w.conn, code)
    if live is None:
        raise ApiError("bad_code", field="code")
    code_hash, member_id = live
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
        [now, device_id, code_hash],
    )
    token = secrets.token_urlsafe(32)
    w.conn.execute(
        "INSERT INTO device_tokens (token_hash, device_id, member_id, created_at, last_used_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [hash_secret(token), device_id, member_id, now, now],
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


# -- administration ---------------------------------------------------------------------


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


def _place_name(value: str) -> str:
    """A village or team name, refused (422 naming ``name``) when it is not a name."""
    try:
        return check_place_name(value, "name")
    except ValidationError as exc:
        p = exc.problems[0]
        raise _invalid("name", p.code, p.message_vi, p.message_en) from None


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
