"""Device tokens: authenticate a request, record last use, revoke a device.

Tokens are 32 random bytes (256 bits), stored as plain SHA-256. A token expires after
``FIELDAPP_TOKEN_IDLE_DAYS`` (default 90) days without use; its last use is recorded at
most hourly (:func:`authenticate`, :class:`TokenTouches`), not a write per request.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fieldapp.server.accounts.scope import member_visible, principal_for, require_review
from fieldapp.server.accounts.secret import hash_secret
from fieldapp.server.db import ServerDatabase, Writer, now_iso
from fieldapp.server.errors import ApiError
from fieldapp.server.logs import log_event
from fieldapp.server.settings import DEFAULT_TOKEN_IDLE_DAYS
from fieldapp.server.storage import Principal
from fieldapp.sql import Conn

__all__ = [
    "TOKEN_TOUCH_INTERVAL",
    "TokenTouches",
    "TokenUse",
    "authenticate",
    "revoke_device",
    "touch_token",
]


# A token's last use is written at most this often: not a write per request, and the
# idle limit (days) is only ever this much later than exact.
TOKEN_TOUCH_INTERVAL = timedelta(hours=1)


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
