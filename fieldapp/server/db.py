"""SQLite connections for the server: one write connection, one read connection per thread.

Writes go through :meth:`ServerDB.write`, which holds a process lock *and* ``BEGIN
IMMEDIATE`` (so a second process such as ``fieldapp admin`` waits too). One writer at a
time means the ``change_seq`` handed out inside a write commits in the order it was
handed out: the pull cursor is commit-ordered.

Pushes go through :meth:`ServerDB.submit` instead (group commit): one writer thread
takes the writes that queued up while it was busy and applies them one after another
in *one* transaction, committed together. Each still commits with its own effects or
not at all (when one fails, the group is rolled back and run again without it), and no
caller hears back before the commit. When 200 phones push at once, most of the cost of
a commit (writing every page the pushes touched to the WAL) is paid once per group
instead of once per phone.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlite_utils import Database

from fieldapp.files import private_file
from fieldapp.server.schema import migrations
from fieldapp.sql import Conn
from fieldapp.sync.protocol import row_hash

__all__ = ["ServerDB", "ServerDatabase", "Writer", "now_iso"]

T = TypeVar("T")
# Bounds on one group commit: a group is cut after this many writes, so the first
# caller in a very long queue is not held back by everyone behind it.
MAX_GROUP = 64


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

    def __init__(self, conn: Conn):
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

    def flush_stamps(self) -> None:
        """Write the pending feed entries inside the current transaction."""
        if self.stamps:
            self.conn.executemany(
                "INSERT INTO changes (entity, entity_id, village_id, change_seq)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (entity, entity_id) DO UPDATE SET"
                " village_id = excluded.village_id, change_seq = excluded.change_seq",
                [(e, i, v, s) for (e, i), (v, s) in self.stamps.items()],
            )
            self.stamps.clear()

    def flush(self) -> None:
        self.flush_stamps()
        if self._next is not None:
            self.conn.execute(
                "UPDATE server_meta SET value = ? WHERE key = 'change_seq'", [str(self._next)]
            )


class ServerDatabase(Protocol):
    """What the storage classes use of a database: :class:`ServerDB` (SQLite) or
    :class:`fieldapp.server.postgres.db.PgDB`, with the same meanings."""

    @property
    def path(self) -> str: ...

    def write(self) -> AbstractContextManager[Writer]: ...

    def submit(self, fn: Callable[[Writer], T]) -> Future[T]: ...

    def read(self) -> AbstractContextManager[Conn]: ...

    def meta(self, key: str) -> str: ...

    def close(self) -> None: ...


class _Job:
    """One queued grouped write; its future is settled after its group's COMMIT."""

    __slots__ = ("committed", "error", "fn", "future", "result")

    def __init__(self, fn: Callable[[Writer], Any]):
        self.fn = fn
        self.future: Future[Any] = Future()
        self.result: Any = None
        self.error: BaseException | None = None
        self.committed = False


class ServerDB:
    """Owns the database file and its connections."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            private_file(self.path)  # and so its WAL: owner only (names, phones)
        self._write_conn = _connect(self.path)
        migrations.apply(Database(self._write_conn))
        self._lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._queue: deque[_Job] = deque()
        self._queue_cv = threading.Condition()
        self._writer_thread: threading.Thread | None = None
        self._closing = False

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
                if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    conn.execute("ROLLBACK")
                raise

    def submit(self, fn: Callable[[Writer], T]) -> Future[T]:
        """Queue ``fn`` for the writer thread, which runs queued writes in groups.

        ``fn`` must depend only on the database and its own arguments: it may run twice
        (see :meth:`_run_jobs`), and only its last run is committed. If it raises, none
        of its writes are kept and the future holds the exception. The future is settled
        only after the group's COMMIT; if the COMMIT fails, every write of that group
        fails with that error. A future cancelled before its write started (the caller
        gave up) is dropped unwritten.
        """
        job = _Job(fn)
        with self._queue_cv:
            if self._closing:
                raise RuntimeError("database closed")
            self._queue.append(job)
            if self._writer_thread is None or not self._writer_thread.is_alive():
                self._writer_thread = threading.Thread(
                    target=self._writer_loop, name="fieldapp-writer", daemon=True
                )
                self._writer_thread.start()
            self._queue_cv.notify()
        return job.future

    def _writer_loop(self) -> None:
        while True:
            with self._queue_cv:
                while not self._queue and not self._closing:
                    self._queue_cv.wait()
                if not self._queue:
                    return
                jobs: list[_Job] = []
                while self._queue and len(jobs) < MAX_GROUP:
                    job = self._queue.popleft()
                    # False when already cancelled; from here on it can no longer be.
                    if job.future.set_running_or_notify_cancel():
                        jobs.append(job)
            try:
                with self._lock:
                    self._run_jobs(jobs)
            except BaseException as exc:  # never let the thread die: every push would hang
                for job in jobs:
                    if not job.committed and job.error is None:
                        job.error = exc
            for job in jobs:
                if job.committed:
                    job.future.set_result(job.result)
                else:
                    job.future.set_exception(job.error or RuntimeError("write not committed"))

    def _run_jobs(self, jobs: list[_Job]) -> None:
        """Run ``jobs`` in as few transactions as failures allow.

        When job *i* raises, the transaction is rolled back and job *i* keeps its error;
        jobs before it (which had succeeded) run again and commit on their own, and the
        rest go on in a new transaction. Each job runs at most twice, whatever fails.
        Savepoints would avoid the reruns, but under this schema's triggers they made
        every write about three times slower, and failures are the rare case.
        """
        pending = jobs
        while pending:
            failed = self._try_group(pending)
            if failed is None:
                return
            done_before = pending[:failed]
            pending = pending[failed + 1 :]
            while done_before:
                again = self._try_group(done_before)
                if again is None:
                    break
                # Failed on its second run (not expected): it keeps that error.
                done_before = done_before[:again] + done_before[again + 1 :]

    def _try_group(self, jobs: list[_Job]) -> int | None:
        """Run ``jobs`` in one transaction: None once committed, else the index of the
        job that raised (the transaction is rolled back, that job holds its error)."""
        conn = self._write_conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            writer = Writer(conn)
            for i, job in enumerate(jobs):
                try:
                    job.result = job.fn(writer)
                    writer.flush_stamps()
                except BaseException as exc:  # handed to the caller through its future
                    # Some errors (disk full, I/O) make SQLite roll back by itself.
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    job.error, job.result = exc, None
                    return i
            writer.flush()
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            for job in jobs:
                job.error, job.result = exc, None
            return None
        for job in jobs:
            job.committed = True
        return None

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
            value: str = conn.execute(
                "SELECT value FROM server_meta WHERE key = ?", [key]
            ).fetchone()[0]
            return value

    def close(self) -> None:
        with self._queue_cv:
            self._closing = True
            self._queue_cv.notify()
        if self._writer_thread is not None:
            self._writer_thread.join()
        with self._readers_lock:
            for conn in self._readers:
                if conn is not self._write_conn:
                    conn.close()
            self._readers.clear()
        self._write_conn.close()
