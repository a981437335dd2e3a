"""SQLite connections for the server: one write connection, one read connection per thread.

Writes go through :meth:`ServerDB.write`, which holds a process lock *and* ``BEGIN
IMMEDIATE`` (so a second process such as ``fieldapp admin`` waits too). One writer at a
time means the ``change_seq`` handed out inside a write commits in the order it was
handed out: the pull cursor is commit-ordered.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from fieldapp.server.schema import migrations
from fieldapp.sync.protocol import row_hash

__all__ = ["ServerDB", "Writer", "now_iso"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class _XorAgg:
    """SQLite aggregate: XOR of :func:`row_hash` values (as signed 64-bit for SQLite)."""

    def __init__(self) -> None:
        self.acc = 0

    def step(self, entity: str, record_id: str, version: int) -> None:
        self.acc ^= row_hash(entity, record_id, version)

    def finalize(self) -> str:
        return f"{self.acc:016x}"


def _connect(path: str) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN ourselves, nothing commits behind our back.
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a crash of the server process loses nothing committed; a power cut
    # may lose the last commits, which devices notice (mark behind) and re-send.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    # Push batches touch pages all over the id indexes (random UUIDs): keep them cached
    # (64 MiB per connection), read through the page cache of the OS (mmap), and
    # checkpoint the WAL less often than every 1,000 pages.
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute("PRAGMA mmap_size=268435456")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA wal_autocheckpoint=4000")
    conn.create_aggregate("scope_xor", 3, _XorAgg)  # type: ignore[arg-type]
    return conn


class Writer:
    """The open write transaction: the connection plus the change counter."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._next: int | None = None
        # (entity, id) → (village, change_seq): written together when the write ends.
        self.stamps: dict[tuple[str, str], tuple[str, int]] = {}

    def next_change_seq(self) -> int:
        """A new cursor value; persisted when the transaction commits."""
        if self._next is None:
            row = self.conn.execute(
                "SELECT value FROM server_meta WHERE key = 'change_seq'"
            ).fetchone()
            self._next = int(row[0])
        self._next += 1
        return self._next

    def flush(self) -> None:
        if self.stamps:
            self.conn.executemany(
                "INSERT INTO changes (entity, entity_id, village_id, change_seq)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (entity, entity_id) DO UPDATE SET"
                " village_id = excluded.village_id, change_seq = excluded.change_seq",
                [(e, i, v, s) for (e, i), (v, s) in self.stamps.items()],
            )
            self.stamps.clear()
        if self._next is not None:
            self.conn.execute(
                "UPDATE server_meta SET value = ? WHERE key = 'change_seq'", [str(self._next)]
            )


class ServerDB:
    """Owns the database file and its connections."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._write_conn = _connect(self.path)
        migrations.apply(Database(self._write_conn))
        self._lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One serialised write transaction; commits on success, rolls back on error."""
        with self._lock:
            conn = self._write_conn
            conn.execute("BEGIN IMMEDIATE")
            writer = Writer(conn)
            try:
                yield writer
                writer.flush()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read snapshot on this thread's own connection (WAL readers never block)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path) if self.path != ":memory:" else self._write_conn
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        if conn is self._write_conn:
            with self._lock:
                yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def meta(self, key: str) -> str:
        with self.read() as conn:
            return conn.execute("SELECT value FROM server_meta WHERE key = ?", [key]).fetchone()[0]

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._readers:
                if conn is not self._write_conn:
                    conn.close()
            self._readers.clear()
        self._write_conn.close()
