"""One-time enrolment codes: issue them, and exchange one for a device token.

Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), valid 48
hours, usable once. An 8-character code has only ~40 bits, so it is stored as an
HMAC-SHA256 keyed with the server secret (:mod:`.secret`). Online guessing is limited per
client by :mod:`fieldapp.server.deps`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from fieldapp.server.accounts.scope import member_visible, principal_for, require_review
from fieldapp.server.accounts.secret import database_file, hash_secret, server_secret
from fieldapp.server.db import Writer, now_iso
from fieldapp.server.errors import ApiError
from fieldapp.server.storage import IssuedCode, Principal
from fieldapp.sql import Conn

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CODE_TTL",
    "code_digest",
    "code_is_live",
    "enrol",
    "format_code",
    "issue_code",
    "live_code",
    "new_code",
    "normalize_code",
]


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_TTL = timedelta(hours=48)


# Stored code digests carry this prefix; rows without it are SHA-256 from before the
# server secret existed (still accepted until they expire, at most 48 hours).
_HMAC_PREFIX = "h1:"


def code_digest(conn: Conn, clean_code: str) -> str:
    """What ``enrol_codes.code_hash`` holds for a normalised code: HMAC-SHA256."""
    key = server_secret(database_file(conn))
    return _HMAC_PREFIX + hmac.new(key, clean_code.encode(), hashlib.sha256).hexdigest()


def live_code(conn: Conn, code: str) -> tuple[str, str] | None:
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
    return live_code(conn, code) is not None


def normalize_code(code: str) -> str:
    """People type codes with spaces, dashes and lower case: ``abcd-efgh`` = ``ABCDEFGH``."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``ABCDEFGH`` → ``ABCD-EFGH`` for reading aloud and typing."""
    return f"{code[:4]}-{code[4:]}"


def issue_code(w: Writer, member_id: str, by: Principal | None) -> IssuedCode:
    """Create a one-time code for a member; only its keyed digest is stored."""
    require_review(by)
    member_visible(w.conn, by, member_id)
    code = new_code()
    now = datetime.now(UTC)
    expires = (now + CODE_TTL).isoformat(timespec="milliseconds")  # docs/protocol.md: Glossary
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
    live = live_code(w.conn, code)
    if live is None:
        raise ApiError("bad_code", field="code")
    code_hash, member_id = live
    device = w.conn.execute(
        "SELECT member_id, hwm FROM devices WHERE id = ?", [device_id]
    ).fetchone()
    if device is None:
        high_water_mark = next_seq - 1
        w.conn.execute(
            "INSERT INTO devices (id, member_id, hwm, enrolled_at) VALUES (?, ?, ?, ?)",
            [device_id, member_id, high_water_mark, now],
        )
    else:
        if device[0] != member_id:
            # A phone handed to someone else must start as a new device (fresh install).
            raise ApiError("device_in_use", field="device_id")
        high_water_mark = device[1]
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
    return token, principal, high_water_mark
