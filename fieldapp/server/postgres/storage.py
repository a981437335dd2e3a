"""The PostgreSQL implementation of :class:`fieldapp.server.storage.Storage`.

It is :class:`~fieldapp.server.sqlite_storage.SqliteStorage`'s logic over
:class:`~fieldapp.server.postgres.db.PgDB`: the validation, scope rules, merge,
quarantine and code/token hashing are the shared modules', run on the same tables. What
differs is overridden here and nowhere else: pushes lock their scope first (several API
processes write at once), the pull feed reads behind the visibility fence
(:mod:`~fieldapp.server.postgres.feed`), and the scope checksum is summed in Python
(the row hash is BLAKE2b, which PostgreSQL lacks).
"""

from __future__ import annotations

from fieldapp.server.db import Writer
from fieldapp.server.postgres.connection import PgConn
from fieldapp.server.postgres.db import PgDB, lock_scope
from fieldapp.server.postgres.feed import feed_end
from fieldapp.server.settings import DEFAULT_TOKEN_IDLE_DAYS
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.server.storage import Principal
from fieldapp.sql import Conn
from fieldapp.sync.protocol import row_hash, scope_checksum

__all__ = ["PostgresStorage"]


class PostgresStorage(SqliteStorage):
    """Storage on a PostgreSQL database given by a ``postgresql://`` URL."""

    def __init__(
        self,
        url: str,
        *,
        token_idle_days: int = DEFAULT_TOKEN_IDLE_DAYS,
        max_connections: int | None = None,
    ):
        self._attach(PgDB(url, max_connections=max_connections), token_idle_days)

    def _before_push(self, w: Writer, principal: Principal) -> None:
        assert isinstance(w.conn, PgConn)
        lock_scope(w.conn, principal)
        # A phone retrying while its first push still runs: the second waits here and
        # then sees the first one's high-water mark (a resend, not a double).
        w.conn.execute("SELECT 1 FROM devices WHERE id = ? FOR UPDATE", [principal.device_id])

    def _feed_end(self, conn: Conn) -> int:
        return feed_end(conn)

    def _scope_checksum(self, conn: Conn, principal: Principal) -> str:
        villages = sorted(principal.village_ids)
        if not villages:
            return scope_checksum([])
        marks = ",".join("?" * len(villages))
        households = conn.execute(
            f"SELECT id, version FROM households WHERE village_id IN ({marks})", villages
        ).fetchall()
        visits = conn.execute(
            f"SELECT id, CASE WHEN superseded_by IS NULL THEN 1 ELSE 2 END FROM visits"
            f" WHERE village_id IN ({marks})",
            villages,
        ).fetchall()
        return scope_checksum(
            [row_hash("household", i, v) for i, v in households]
            + [row_hash("visit", i, v) for i, v in visits]
        )
