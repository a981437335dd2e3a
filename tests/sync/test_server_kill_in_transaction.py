"""Case 7, the hard way: ``fieldapp serve`` killed (-9) *while* it applies a push batch.

The kill is timed from outside: a second connection polls the database — on SQLite,
``BEGIN IMMEDIATE`` without waiting; on PostgreSQL, ``pg_stat_activity`` for a session
holding a write transaction id — and the moment the server is inside a push's write
transaction (nothing else writes), it is killed.
Then: nothing of that batch is kept, the device never got an answer, and after a
restart one sync converges with every mutation applied exactly once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time

import httpx
import psycopg
import pytest
from fieldapp_harness import bulk_visits
from test_server_process import free_port, seed, start_server

from fieldapp.server.open_storage import is_postgres_url, open_storage
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient, SyncReport
from fieldapp.sync.enrol import enrol


def _server_is_writing(db: str) -> bool:
    if is_postgres_url(db):
        with psycopg.connect(db, autocommit=True) as pg:
            row = pg.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            ).fetchone()
            return bool(row and row[0])
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("PRAGMA busy_timeout=0")
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True  # locked: the server holds its write transaction
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def _counts(db: str) -> tuple[int, int, int, int]:
    storage = open_storage(db)
    try:
        with storage.db.read() as conn:
            return tuple(  # type: ignore[return-value]
                conn.execute(sql).fetchone()[0]
                for sql in (
                    "SELECT count(*) FROM visits",
                    "SELECT count(*) FROM households",
                    "SELECT coalesce(max(hwm), 0) FROM devices",
                    "SELECT count(*) FROM mutation_log",
                )
            )
    finally:
        storage.close()


@pytest.mark.slow
def test_case07_server_killed_inside_a_push_transaction(tmp_path, database):
    db = database
    code = seed(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    store = DeviceStore.open(tmp_path / "device.db")
    try:
        with httpx.Client(timeout=30) as http:
            enrol(http, base, code, store)
            bulk_visits(store, 1500, village="v1")
            outcome: dict[str, SyncReport] = {}

            def push() -> None:
                client = SyncClient(store, http, sleep=lambda s: None, max_attempts=1)
                outcome["report"] = client.sync()

            pusher = threading.Thread(target=push)
            pusher.start()
            deadline = time.monotonic() + 60
            caught = False
            while pusher.is_alive() and time.monotonic() < deadline:
                if _server_is_writing(db):
                    os.kill(proc.pid, signal.SIGKILL)
                    caught = True
                    break
            proc.wait()
            pusher.join(60)
            assert caught, "never saw the server inside a write transaction"
            report = outcome["report"]
            assert not report.ok and report.error.code == "network"

            # The batch in flight was rolled back as a whole: what is stored is exactly
            # the batches acknowledged before it (whole batches, marks and log agree).
            visits, households, hwm, logged = _counts(db)
            assert logged == hwm < 1550
            assert households + visits == hwm  # 1 mutation = 1 record, nothing half-kept
            # The device saw answers for exactly those batches and no more.
            assert _acked(store) == hwm and store.pending_count() == 1550 - hwm

            proc = start_server(db, port)
            report = SyncClient(store, http, sleep=time.sleep, backoff_base=0.05).sync()
            assert report.ok, report.error
    finally:
        proc.kill()
        proc.wait()
    assert store.pending_count() == 0
    assert _counts(db) == (1500, 50, 1550, 1550)
    store.close()


def _acked(store: DeviceStore) -> int:
    return store.db.execute("SELECT count(*) FROM outbox WHERE state != 'pending'").fetchone()[0]
