"""Case 7 with a real process (SQLite and PostgreSQL): ``fieldapp serve`` killed (-9)
between two push batches,
restarted, the device converges with nothing lost or doubled. (A kill *inside* a push
transaction: ``test_server_kill_in_transaction.py``.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fieldapp_harness import bulk_visits

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.open_storage import open_storage
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient
from fieldapp.sync.enrol import enrol


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str | Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fieldapp",
            "serve",
            "--database",
            str(db),
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def seed(db: str | Path) -> str:
    storage = open_storage(db)
    storage.create_village(Village("v1", "18754", "Tổ dân phố 1"))
    storage.create_team(Team("team-a", "Tổ 1", "18754", ("v1",)))
    member = storage.create_member(
        Member("7d3c6a9e-1f0b-4c55-9a8e-3b2f1c0d4e5a", "Trần Thị Bình", Role.MEMBER, "team-a")
    )
    code = storage.issue_code(member.id).code
    storage.close()
    return code


@pytest.mark.slow
def test_case07_server_process_killed_between_batches_then_restarted(tmp_path, database):
    db = database
    code = seed(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    store = DeviceStore.open(tmp_path / "device.db")
    try:
        with httpx.Client(timeout=10) as http:
            enrol(http, base, code, store)
            bulk_visits(store, 3000, village="v1")
            killed = {"done": False}

            def on_progress(done: int, total: int) -> None:
                # Kill the server for real between two batches (it is idle here).
                if done >= 500 and not killed["done"]:
                    killed["done"] = True
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()

            client = SyncClient(
                store,
                http,
                on_progress=on_progress,
                sleep=lambda s: None,
                batch_records=250,
                max_attempts=2,
            )
            report = client.sync()
            assert killed["done"] and not report.ok and report.error.code == "network"
            assert store.pending_count() > 0
            proc = start_server(db, port)
            report = SyncClient(store, http, sleep=time.sleep, backoff_base=0.05).sync()
            assert report.ok, report.error
    finally:
        proc.kill()
        proc.wait()
    assert store.pending_count() == 0
    storage = open_storage(db)
    with storage.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM visits").fetchone()[0] == 3000
        assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == 50
        acts = conn.execute("SELECT count(*) FROM visit_activities").fetchone()[0]
        assert acts == 3000
        hwm = conn.execute("SELECT hwm FROM devices").fetchone()[0]
    storage.close()
    assert hwm == 3050
    store.close()
