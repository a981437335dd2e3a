"""Sync benchmark against a real ``fieldapp serve`` process on 127.0.0.1.

(a) one device pushes a 10,000-visit backlog in batches: visits/s, client peak memory;
(b) the same 10,000 visits, one request per visit (OpenRosa-style): visits/s, ratio;
(c) 200 devices sync at once: visits/s, p50/p95 push latency, exact server contents.

Run: ``python benchmarks/sync.py`` (about a minute or two on 2 cores).
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from pathlib import Path

import httpx

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient, SyncReport
from fieldapp.sync.enrol import enrol

WARD = "18754"
BACKLOG = 10_000
DEVICES = 200
PER_DEVICE = 50
TEAM_SIZE = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fieldapp",
                "serve",
                "--database",
                str(db),
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                if httpx.get(f"{self.url}/health", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def seed(db: Path, teams: int, members_per_team: int) -> list[str]:
    """Villages, teams and members; returns one enrolment code per member."""
    storage = SqliteStorage(db)
    codes = []
    for t in range(teams):
        storage.create_village(Village(f"v{t}", WARD, f"Tổ dân phố {t}"))
        storage.create_team(Team(f"t{t}", f"Tổ {t}", WARD, (f"v{t}",)))
        for _ in range(members_per_team):
            m = storage.create_member(Member(str(uuid.uuid4()), "Thành viên", Role.MEMBER, f"t{t}"))
            codes.append(storage.issue_code(m.id).code)
    storage.close()
    return codes


def fill(store: DeviceStore, visits: int, village: str, households: int = 50) -> set[str]:
    member = store.meta_get("member_id")
    ids = set()
    with store.db.atomic():
        hs = []
        for i in range(households):
            hid = str(uuid.uuid4())
            store.save_household({"id": hid, "village_id": village, "head_name": f"Hộ {i}"})
            hs.append(hid)
        for i in range(visits):
            vid = str(uuid.uuid4())
            store.save_visit(
                {
                    "id": vid,
                    "household_id": hs[i % households],
                    "member_id": member,
                    "visited_at": "2026-11-20T09:00:00+07:00",
                    "consent": "given",
                    "outcome": "done",
                    "people_guided": 1,
                    "activities": [{"kind": "vneid_installed"}],
                }
            )
            ids.add(vid)
    return ids


class Timed(httpx.BaseTransport):
    def __init__(self, latencies: list[float]):
        self.inner = httpx.HTTPTransport()
        self.latencies = latencies

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        response = self.inner.handle_request(request)
        response.read()
        if request.url.path.endswith("/push"):
            self.latencies.append(time.perf_counter() - start)
        return response


def push_backlog(tmp: Path, batch: int, label: str, trace: bool = False) -> float:
    db = tmp / f"{label}.db"
    code = seed(db, 1, 1)[0]
    server = Server(db)
    try:
        store = DeviceStore.open(tmp / f"{label}-device.db")
        with httpx.Client(timeout=60) as http:
            enrol(http, server.url, code, store)
            fill(store, BACKLOG, "v0")
            client = SyncClient(store, http, batch_records=batch)
            client._reconcile(client.device_state())
            if trace:
                tracemalloc.start()
            start = time.perf_counter()
            client.push_all(SyncReport())
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] if trace else 0
            tracemalloc.stop()
        assert store.pending_count() == 0
        rate = BACKLOG / elapsed
        if trace:
            print(
                f"    client peak memory while pushing {BACKLOG} visits (tracemalloc, "
                f"separate run): {peak / 1e6:.1f} MB"
            )
        else:
            print(
                f"({label}) {BACKLOG} visits (+50 households), batch={batch}: {elapsed:.2f} s, "
                f"{rate:,.0f} visits/s"
            )
        store.close()
        return rate
    finally:
        server.stop()


def many_devices(tmp: Path) -> None:
    db = tmp / "c.db"
    teams = DEVICES // TEAM_SIZE
    codes = seed(db, teams, TEAM_SIZE)
    server = Server(db)
    try:
        stores, expected = [], set()
        for i, code in enumerate(codes):
            store = DeviceStore.open(tmp / f"dev{i}.db")
            with httpx.Client(timeout=60) as http:
                enrol(http, server.url, code, store, initial_pull=False)
            expected |= fill(store, PER_DEVICE, f"v{i // TEAM_SIZE}", households=5)
            stores.append(store)
        latencies: list[float] = []
        reports: list[SyncReport | None] = [None] * len(stores)
        barrier = threading.Barrier(len(stores))

        def run(i: int) -> None:
            with httpx.Client(transport=Timed(latencies), timeout=60) as http:
                barrier.wait()
                reports[i] = SyncClient(stores[i], http).sync()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(stores))]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        failed = [r.error for r in reports if r is None or not r.ok]
        storage = SqliteStorage(db)
        with storage.db.read() as conn:
            held = [r[0] for r in conn.execute("SELECT id FROM visits")]
        storage.close()
        q = statistics.quantiles(latencies, n=20)
        print(
            f"(c) {len(stores)} devices × {PER_DEVICE} visits at once: {elapsed:.2f} s, "
            f"{len(expected) / elapsed:,.0f} visits/s (push+pull), push p50 "
            f"{statistics.median(latencies) * 1000:.0f} ms, p95 {q[18] * 1000:.0f} ms, "
            f"{len(latencies)} push requests, failed syncs: {len(failed)}"
        )
        lost = expected - set(held)
        doubled = len(held) - len(set(held))
        extra = set(held) - expected
        print(
            f"    server holds {len(held)} visits: lost {len(lost)}, doubled {doubled}, "
            f"unexpected {len(extra)} → {'OK' if not (lost or doubled or extra) else 'MISMATCH'}"
        )
        for s in stores:
            s.close()
    finally:
        server.stop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-") as d:
        tmp = Path(d)
        a = push_backlog(tmp, 500, "a")
        push_backlog(tmp, 500, "a-mem", trace=True)
        b = push_backlog(tmp, 1, "b")
        print(f"    ratio (a)/(b): {a / b:.1f}× faster batched")
        many_devices(tmp)


if __name__ == "__main__":
    main()
