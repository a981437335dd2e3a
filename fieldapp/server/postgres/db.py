"""PostgreSQL connections for the server: a pool, read snapshots, retried writes, locks.

The same shape as :class:`fieldapp.server.db.ServerDB` (``read``, ``write``, ``submit``),
so :class:`~fieldapp.server.sqlite_storage.SqliteStorage`'s logic runs unchanged on it:

* ``read()``: one ``REPEATABLE READ READ ONLY`` transaction, one snapshot (as SQLite's
  WAL readers get).
* ``submit(fn)``: ``fn`` in its own ``READ COMMITTED`` transaction on a pool thread;
  rerun (up to :data:`ATTEMPTS` times) when PostgreSQL reports a deadlock, a
  serialisation failure or a unique key taken by a concurrent transaction — ``fn``
  depends only on the database, as ``ServerDB.submit`` requires. Pushes lock what they
  write with :func:`lock_scope` first, so concurrent pushes never merge against a row
  another one is changing.
* ``write()``: one transaction holding the exclusive *global* lock, which every push
  holds shared: the rare administrative writes (enrolment, codes, revocation, teams,
  imports) see and leave the database as if alone, and a revocation waits for the
  pushes in flight, so none applies after it.

Only transaction-level state is used (``pg_advisory_xact_lock``, ``BEGIN ISOLATION
LEVEL``): PgBouncer in transaction mode can sit in front (docs/deploy.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool

from fieldapp.server.db import Writer
from fieldapp.server.postgres import migrations
from fieldapp.server.postgres.connection import PgConn
from fieldapp.server.postgres.feed import FeedWriter
from fieldapp.server.storage import Principal

__all__ = ["ATTEMPTS", "PgDB", "lock_global", "lock_scope"]

T = TypeVar("T")
ATTEMPTS = 5
_RETRY = (errors.DeadlockDetected, errors.SerializationFailure, errors.UniqueViolation)
# Advisory lock keys: one namespace for the whole database, one per ward and village.
_GLOBAL = "fieldapp:all"


def lock_global(conn: PgConn, *, exclusive: bool) -> None:
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    conn.execute(f"SELECT {fn}(hashtextextended(?, 0))", [_GLOBAL])


def lock_scope(conn: PgConn, principal: Principal) -> None:
    """Lock what a push by ``principal`` may write: its villages (exclusive), in order.

    Hierarchy, always taken top-down in sorted order (so no deadlock): the global lock
    (shared; exclusive for a province-wide officer), the ward (shared; exclusive for a
    ward officer), then each village of a team. Two pushes that could touch one
    household run one after the other; pushes of different teams run side by side.
    """
    if principal.is_officer and not principal.ward_codes:
        lock_global(conn, exclusive=True)
        return
    lock_global(conn, exclusive=False)
    wards = sorted(principal.ward_codes)
    fn = "pg_advisory_xact_lock" if principal.is_officer else "pg_advisory_xact_lock_shared"
    for ward in wards:
        conn.execute(f"SELECT {fn}(hashtextextended(?, 0))", [f"fieldapp:ward:{ward}"])
    if principal.is_officer:
        return
    for village in sorted(principal.village_ids):
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [f"fieldapp:village:{village}"]
        )


class PgDB:
    """Owns the pool; applies the migrations when opened."""

    def __init__(self, url: str, *, max_connections: int | None = None):
        self.url = url
        # What accounts.server_secret is told (never shown; it only selects the rule).
        self.path = "postgresql:"
        size = max_connections or int(os.environ.get("FIELDAPP_PG_POOL", "8"))
        with psycopg.connect(url, autocommit=True) as conn:
            migrations.apply(PgConn(conn, self.path))
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True},
            open=True,
            name="fieldapp",
        )
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="fieldapp-pg")
        self._closed = threading.Event()
        self._pending: set[Future[Any]] = set()
        self._pending_lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[PgConn]:
        with self.pool.connection() as raw, raw.transaction():
            raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield PgConn(raw, self.path)

    @contextmanager
    def transaction(self) -> Iterator[FeedWriter]:
        """One write transaction on its own pooled connection, as a push gets it (no
        global lock, no retry); committed when the block ends."""
        with self.pool.connection() as raw, raw.transaction():
            writer = FeedWriter(PgConn(raw, self.path))
            yield writer
            writer.flush()  # the feed entries, inside the transaction

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One administrative write transaction, alone (see the module docstring)."""
        with self.transaction() as writer:
            lock_global(writer.conn, exclusive=True)  # type: ignore[arg-type]
            yield writer

    def run(self, fn: Callable[[Writer], T]) -> T:
        """``fn`` in its own transaction, rerun on a transient conflict (see above)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.transaction() as writer:
                    result = fn(writer)
                return result
            except _RETRY:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def submit(self, fn: Callable[[Writer], T]) -> Future[T]:
        if self._closed.is_set():
            raise RuntimeError("database closed")
        future = self._threads.submit(self.run, fn)
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._settled)
        return future

    def _settled(self, future: Future[Any]) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def settle(self, timeout: float | None = None) -> None:
        """Wait for every write submitted so far (they run side by side, not in order)."""
        with self._pending_lock:
            pending = list(self._pending)
        wait(pending, timeout=timeout)

    def meta(self, key: str) -> str:
        with self.read() as conn:
            row = conn.execute("SELECT value FROM server_meta WHERE key = ?", [key]).fetchone()
            assert row is not None, key
            return str(row[0])

    def close(self) -> None:
        self._closed.set()
        self._threads.shutdown(wait=True)
        self.pool.close()
