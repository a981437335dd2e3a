"""Several real server processes on one database (SQLite file or PostgreSQL):
``fieldapp serve --workers 2``, and two independent ``fieldapp serve`` processes.

Several phones sync at the same time through the real client, each round through
either process; every record reaches the server exactly once, every phone ends with
what its team holds, and SIGTERM stops the workers too.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from fieldapp_harness import bulk_visits
from test_server_process import free_port

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.open_storage import open_storage
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient
from fieldapp.sync.enrol import enrol

PHONES = 6
VISITS = 40  # per phone, over 5 households of its own


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(args: list[str], url: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fieldapp", "serve", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=0.5).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("server did not start")
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["workers", "independent"])
def test_server_processes_apply_concurrent_syncs_exactly_once(
    tmp_path: Path, database: str, layout: str
):
    db = database
    storage = open_storage(db)
    storage.create_village(Village("v1", "18754", "Tổ dân phố 1"))
    storage.create_team(Team("team-a", "Tổ 1", "18754", ("v1",)))
    codes = [
        storage.issue_code(
            storage.create_member(
                Member(str(uuid.uuid4()), f"Tổ viên {i}", Role.MEMBER, "team-a")
            ).id
        ).code
        for i in range(PHONES)
    ]
    storage.close()

    ports = [free_port()] if layout == "workers" else [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    procs: list[subprocess.Popen] = []
    workers: list[int] = []
    try:
        for port, url in zip(ports, urls, strict=True):
            args = ["--database", db, "--port", str(port), "--log-level", "warning"]
            if layout == "workers":
                args += ["--workers", "2"]
            procs.append(_start(args, url))
        if layout == "workers":
            workers = _children(procs[0].pid)
            # uvicorn's supervisor keeps one helper process besides the two workers.
            assert len(workers) >= 2

        stores = [DeviceStore.open(tmp_path / f"phone-{i}.db") for i in range(PHONES)]
        sent: list[str] = []
        for i, (store, code) in enumerate(zip(stores, codes, strict=True)):
            with httpx.Client(timeout=30) as http:
                enrol(http, urls[i % len(urls)], code, store)
            sent += bulk_visits(store, VISITS, households=5)

        errors: list[BaseException] = []

        def sync(store: DeviceStore, url: str) -> None:
            try:
                with httpx.Client(base_url=url, timeout=60) as http:
                    SyncClient(store, http, batch_records=15).sync()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=sync, args=(s, urls[i % len(urls)]))
            for i, s in enumerate(stores)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        # A second round through the other process: each phone now also receives what
        # the others pushed.
        for i, store in enumerate(stores):
            sync(store, urls[(i + 1) % len(urls)])
        assert not errors
        assert all(store.pending_count() == 0 for store in stores)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(30)

    # The workers went with it (orphans would be re-parented, so look them up by pid).
    time.sleep(0.5)
    alive = [pid for pid in workers if _running(pid)]
    assert not alive
    check = open_storage(db)
    try:
        with check.db.read() as conn:
            visits = [r[0] for r in conn.execute("SELECT id FROM visits")]
            households = conn.execute("SELECT count(*) FROM households").fetchone()[0]
            logged = conn.execute("SELECT count(*) FROM mutation_log").fetchone()[0]
    finally:
        check.close()
    assert sorted(visits) == sorted(sent)  # none lost, none doubled
    assert households == PHONES * 5
    assert logged == PHONES * (VISITS + 5)
    for store in stores:
        held = {r[0] for r in store.db.execute("SELECT id FROM visits")}
        assert held == set(sent)
        store.close()
