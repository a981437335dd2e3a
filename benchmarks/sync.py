"""Sync benchmark against a real ``fieldapp serve`` process (uvicorn) on 127.0.0.1.

(a) one device pushes a 10,000-visit backlog with the real :class:`SyncClient`:
    visits/s, and the client's peak memory (tracemalloc, separate run);
(b) the same 10,000 visits one request per visit (OpenRosa-style), and the ratio (a)/(b);
(c) 200 devices sync at once (``GET /me``, push, pull every page — what
    ``SyncClient.sync`` does): visits/s, p50/p95/max push latency, and an exactly-once
    check of the server database. The devices are simulated with asyncio and one
    ``httpx.AsyncClient`` (one connection) each, in a separate process from the server,
    so their overhead does not sit on the server's event loop. Their push bodies are what
    a device sends: outbox payloads as the device store writes them, gzip-compressed.
    Two backlogs: a day of work (25 visits, 3 new households, 2 edits of households
    the server already has, which each device pulled on an earlier day: its pull starts
    from the cursor it held then) and a heavier one (50 visits, 5 new households). For
    comparison (not the goal's condition) the day's syncs also run with their starts
    spread over 10 seconds.

Each case runs on SQLite with one server process and on PostgreSQL with one and two
(``fieldapp serve --workers 2``: Python runs one thread at a time per process), and a
table at the end puts them side by side, with the server CPU per day's sync (``/me``,
push, pull: the server's CPU over the run divided by the syncs). Server and devices
share this machine's cores; server CPU seconds (all its processes, not PostgreSQL's)
are read from /proc, PostgreSQL's own backends are counted apart.

PostgreSQL: ``FIELDAPP_BENCH_POSTGRES`` (or ``FIELDAPP_TEST_POSTGRES``) is a URL where
databases may be created; without either, a throwaway cluster is started with
``scripts/postgres-cluster`` (``FIELDAPP_PG_DURABLE=1``: fsync on, commits not waited
for, as SQLite's WAL with ``synchronous=NORMAL``).
Run: ``python benchmarks/sync.py [--quick]`` (a few minutes on 2 cores; ``--quick`` only
the day-of-work cases, without (b) and the memory trace).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import multiprocessing
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from postgres_bench import Databases

from fieldapp.domain.model import Household, Member, Role, Team, Village
from fieldapp.server.open_storage import open_storage
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient, SyncReport
from fieldapp.sync.enrol import enrol
from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

WARD = "18754"
BACKLOG = 10_000
DEVICES = 200
TEAM_SIZE = 5
SEEDED_HOUSEHOLDS = 50  # per village, already on the server (devices edit some)
GOAL_A = 10_000  # visits/s
GOAL_P95 = 0.5  # s


@dataclass(frozen=True)
class Day:
    label: str
    visits: int
    new_households: int
    edits: int


SCENARIOS = (
    Day("a day of work", 25, 3, 2),
    Day("heavy backlog", 50, 5, 0),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``fieldapp serve`` in its own process."""

    def __init__(self, db: str, workers: int = 1):
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
                "--workers",
                str(workers),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/health", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process and its workers so far (Linux)."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if stat.parent.name == str(self.proc.pid) or fields[1] == str(self.proc.pid):
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def seed(db: str, teams: int, members_per_team: int) -> list[str]:
    """Villages, teams and members; returns one enrolment code per member."""
    storage = open_storage(db)
    codes = []
    for t in range(teams):
        storage.create_village(Village(f"v{t}", WARD, f"Tổ dân phố {t}"))
        storage.create_team(Team(f"t{t}", f"Tổ {t}", WARD, (f"v{t}",)))
        for _ in range(members_per_team):
            m = storage.create_member(Member(str(uuid.uuid4()), "Thành viên", Role.MEMBER, f"t{t}"))
            codes.append(storage.issue_code(m.id).code)
    storage.close()
    return codes


def visit_payload(visit_id: str, household_id: str, member_id: str) -> dict[str, Any]:
    return {
        "id": visit_id,
        "household_id": household_id,
        "member_id": member_id,
        "visited_at": "2026-11-20T09:00:00+07:00",
        "consent": "given",
        "outcome": "done",
        "people_guided": 1,
        "activities": [{"kind": "vneid_installed"}],
    }


def fill(store: DeviceStore, visits: int, village: str, households: int = 50) -> set[str]:
    """A device backlog through the real device store (households, then visits)."""
    member = store.meta_get("member_id")
    assert member
    ids = set()
    with store.db.atomic():
        hs = []
        for i in range(households):
            hid = str(uuid.uuid4())
            store.save_household({"id": hid, "village_id": village, "head_name": f"Hộ {i}"})
            hs.append(hid)
        for i in range(visits):
            vid = str(uuid.uuid4())
            store.save_visit(visit_payload(vid, hs[i % households], member))
            ids.add(vid)
    return ids


# -- (a) and (b): one device, the real client ------------------------------------------


def push_backlog(
    dbs: Databases, backend: str, batch: int, label: str, trace: bool = False
) -> dict[str, float]:
    db = dbs.new(backend, label)
    code = seed(db, 1, 1)[0]
    server = Server(db)
    try:
        store = DeviceStore.open(dbs.tmp / f"{label}-{backend}-device.db")
        with httpx.Client(timeout=60) as http:
            enrol(http, server.url, code, store)
            fill(store, BACKLOG, "v0")
            client = SyncClient(store, http, batch_records=batch)
            client._reconcile(client.device_state())
            if trace:
                tracemalloc.start()
            cpu0, pg0 = server.cpu_seconds(), dbs.backend_cpu(db)
            start = time.perf_counter()
            client.push_all(SyncReport())
            elapsed = time.perf_counter() - start
            server_cpu = server.cpu_seconds() - cpu0
            pg_cpu = dbs.backend_cpu(db) - pg0
            peak = tracemalloc.get_traced_memory()[1] if trace else 0
            tracemalloc.stop()
        assert store.pending_count() == 0
        rate = BACKLOG / elapsed
        if trace:
            print(
                f"    client peak memory while pushing {BACKLOG:,} visits (tracemalloc, "
                f"separate run): {peak / 1e6:.1f} MB"
            )
        else:
            print(
                f"({label}, {backend}) {BACKLOG:,} visits (+50 households), batch={batch}: "
                f"{elapsed:.2f} s, {rate:,.0f} visits/s; server CPU {server_cpu:.2f} s "
                f"({BACKLOG / server_cpu:,.0f} visits per server CPU-second)"
                + (f"; PostgreSQL CPU {pg_cpu:.2f} s" if backend == "postgres" else "")
            )
        store.close()
        return {"rate": rate, "server_cpu": server_cpu, "pg_cpu": pg_cpu}
    finally:
        server.stop()


# -- (c): many devices at once -----------------------------------------------------------


@dataclass
class Device:
    device_id: str
    token: str
    body: bytes  # the gzip push body, as SyncClient sends it
    visit_ids: list[str]
    household_ids: list[str]
    mutations: int
    cursor: int  # where the device's pull feed stood after the earlier day


def prepare_devices(db: str, day: Day) -> list[Device]:
    """Enrol the devices and build each one's backlog (before the server starts)."""
    teams = DEVICES // TEAM_SIZE
    codes = seed(db, teams, TEAM_SIZE)
    storage = open_storage(db)
    # Households the server already has (pulled by the devices on an earlier day).
    seeded = {
        t: [
            Household(str(uuid.uuid4()), f"v{t}", f"Hộ cũ {i}", phone=None)
            for i in range(SEEDED_HOUSEHOLDS)
        ]
        for t in range(teams)
    }
    storage.import_records([h for hs in seeded.values() for h in hs], [])
    # The devices pulled those households on the earlier day: today they pull from there.
    cursor = storage.latest_cursor()
    devices = []
    for i, code in enumerate(codes):
        team = i // TEAM_SIZE
        device_id = str(uuid.uuid4())
        result = storage.enrol(code, device_id, 1)
        batch: list[dict[str, Any]] = []

        def add(
            entity: str,
            entity_id: str,
            op: str,
            payload: dict[str, Any],
            base: Any,
            batch: list[dict[str, Any]] = batch,
        ) -> None:
            batch.append(
                {
                    "seq": len(batch) + 1,
                    "entity": entity,
                    "entity_id": entity_id,
                    "op": op,
                    "payload": payload,
                    "base_version": base,
                    "created_at": "2026-11-20T09:00:00+00:00",
                }
            )

        new = [str(uuid.uuid4()) for _ in range(day.new_households)]
        for k, hid in enumerate(new):
            h = Household(hid, f"v{team}", f"Hộ mới {i}-{k}", "Xóm 1", None, 4)
            add("household", hid, "create", h.to_dict(), None)
        mine = seeded[team][(i % TEAM_SIZE) * day.edits : (i % TEAM_SIZE + 1) * day.edits]
        for h in mine:
            fields = {"phone": f"09{i:04d}{len(batch):04d}", "members_count": 5}
            add("household", h.id, "update", {"id": h.id, "fields": fields}, 1)
        targets = new + [h.id for h in seeded[team][:20]]
        visit_ids = []
        for k in range(day.visits):
            vid = str(uuid.uuid4())
            add(
                "visit",
                vid,
                "create",
                visit_payload(vid, targets[k % len(targets)], result.member.id),
                None,
            )
            visit_ids.append(vid)
        raw = json.dumps({"device_id": device_id, "batch": batch}, ensure_ascii=False).encode()
        devices.append(
            Device(
                device_id,
                result.token,
                gzip.compress(raw, 1),
                visit_ids,
                new,
                len(batch),
                cursor,
            )
        )
    storage.close()
    return devices


@dataclass
class _Barrier:
    """Every simulated device has its client ready before any of them starts."""

    waiting: int
    all_ready: asyncio.Event
    go: asyncio.Event
    tls: ssl.SSLContext  # one for all: building one per client costs ~10 ms of CPU each


async def _one_device(
    url: str, d: Device, barrier: _Barrier, out: dict[str, Any], delay: float
) -> None:
    headers = {PROTOCOL_HEADER: PROTOCOL_VERSION, "Authorization": f"Bearer {d.token}"}
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=120, verify=barrier.tls
    ) as http:
        barrier.waiting -= 1
        if barrier.waiting == 0:
            barrier.all_ready.set()
        await barrier.go.wait()
        await asyncio.sleep(delay)
        start = time.perf_counter()
        (await http.get("/api/v1/me")).raise_for_status()
        t = time.perf_counter()
        r = await http.post(
            "/api/v1/push",
            content=d.body,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        out["push"] = time.perf_counter() - t
        r.raise_for_status()
        out["hwm"] = r.json()["high_water_mark"]
        cursor, pulled = d.cursor, 0
        while True:
            r = await http.get("/api/v1/pull", params={"cursor": cursor, "limit": 500})
            r.raise_for_status()
            page = r.json()
            pulled += len(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        out["pulled"] = pulled
        out["sync"] = time.perf_counter() - start


async def _all_devices(
    url: str, devices: list[Device], spread: float
) -> tuple[float, list[dict[str, Any]], float]:
    """(elapsed, one result per device, this process's CPU seconds after the barrier)."""
    barrier = _Barrier(len(devices), asyncio.Event(), asyncio.Event(), ssl.create_default_context())
    outs: list[dict[str, Any]] = [{} for _ in devices]
    tasks = [
        asyncio.create_task(_one_device(url, d, barrier, o, spread * i / len(devices)))
        for i, (d, o) in enumerate(zip(devices, outs, strict=True))
    ]
    await barrier.all_ready.wait()
    cpu0 = time.process_time()
    start = time.perf_counter()
    barrier.go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.perf_counter() - start
    for o, res in zip(outs, results, strict=True):
        if isinstance(res, BaseException):
            o["error"] = repr(res)
    return elapsed, outs, time.process_time() - cpu0


def _load_process(url: str, devices: list[Device], spread: float, conn: Any) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        pass
    conn.send(asyncio.run(_all_devices(url, devices, spread)))
    conn.close()


def exactly_once(db: str, devices: list[Device]) -> str:
    storage = open_storage(db)
    try:
        with storage.db.read() as conn:
            visits = [r[0] for r in conn.execute("SELECT id FROM visits")]
            households = {r[0] for r in conn.execute("SELECT id FROM households")}
            logged = conn.execute("SELECT count(*) FROM mutation_log").fetchone()[0]
            hwms = dict(conn.execute("SELECT id, hwm FROM devices").fetchall())
            quarantined = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    finally:
        storage.close()
    expected = {v for d in devices for v in d.visit_ids}
    lost = len(expected - set(visits))
    doubled = len(visits) - len(set(visits))
    extra = len(set(visits) - expected)
    lost_h = sum(1 for d in devices for h in d.household_ids if h not in households)
    marks = sum(1 for d in devices if hwms.get(d.device_id) != d.mutations)
    total = sum(d.mutations for d in devices)
    ok = not (lost or doubled or extra or lost_h or marks or quarantined) and logged == total
    return (
        f"server holds {len(visits):,} visits: lost {lost}, doubled {doubled}, unexpected "
        f"{extra}; new households lost {lost_h}; mutation log {logged:,}/{total:,}; "
        f"marks wrong {marks}; quarantined {quarantined} → {'OK' if ok else 'MISMATCH'}"
    )


def many_devices(
    dbs: Databases, backend: str, day: Day, spread: float = 0.0, workers: int = 1
) -> dict[str, float]:
    """``spread`` = 0: every device starts at the same instant; otherwise their starts
    are spread evenly over that many seconds (an evening's syncs, compressed).
    ``workers``: server processes (``fieldapp serve --workers``)."""
    db = dbs.new(backend, f"c-{day.visits}-{spread:g}-{workers}")
    devices = prepare_devices(db, day)
    server = Server(db, workers)
    try:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_load_process, args=(server.url, devices, spread, child))
        cpu0, pg0 = server.cpu_seconds(), dbs.backend_cpu(db)
        proc.start()
        elapsed, outs, load_cpu = parent.recv()
        proc.join()
        server_cpu = server.cpu_seconds() - cpu0
        pg_cpu = dbs.backend_cpu(db) - pg0
    finally:
        server.stop()
    failed = [o["error"] for o in outs if "error" in o]
    pushes = sorted(o["push"] for o in outs if "push" in o)
    syncs = sorted(o["sync"] for o in outs if "sync" in o)
    visits = sum(len(d.visit_ids) for d in devices)
    p95 = statistics.quantiles(pushes, n=20)[18] if len(pushes) > 1 else float("nan")
    when = "all at once" if not spread else f"starts spread over {spread:g} s"
    procs = "1 server process" if workers == 1 else f"{workers} server processes (--workers)"
    print(
        f"(c, {backend}) {DEVICES} devices × {day.label} ({day.visits} visits, "
        f"{day.new_households} new households, {day.edits} edits each), {when}, {procs}: "
        f"{elapsed:.2f} s, "
        f"{visits / elapsed:,.0f} visits/s (me+push+pull); server CPU {server_cpu:.2f} s, "
        f"simulated devices' CPU {load_cpu:.2f} s (same 2 cores)"
        + (f"; PostgreSQL CPU {pg_cpu:.2f} s" if backend == "postgres" else "")
    )
    print(
        f"    push latency p50 {statistics.median(pushes) * 1000:.0f} ms, p95 "
        f"{p95 * 1000:.0f} ms, max {pushes[-1] * 1000:.0f} ms (goal p95 ≤ "
        f"{GOAL_P95 * 1000:.0f} ms: {'met' if p95 <= GOAL_P95 else 'MISSED'}); whole sync "
        f"p50 {statistics.median(syncs) * 1000:.0f} ms, p95 "
        f"{statistics.quantiles(syncs, n=20)[18] * 1000:.0f} ms; failed syncs {len(failed)}"
    )
    if failed:
        print(f"    first failure: {failed[0]}")
    print(f"    {exactly_once(db, devices)}")
    return {
        "elapsed": elapsed,
        "rate": visits / elapsed,
        "p95_ms": p95 * 1000,
        "cpu_ms": server_cpu * 1000 / DEVICES,
        "pg_ms": pg_cpu * 1000 / DEVICES,
        "failed": len(failed),
    }


LAYOUTS = (("sqlite", 1), ("postgres", 1), ("postgres", 2))
GOAL_CPU_MS = 5.0  # server CPU per day's sync


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-") as d:
        dbs = Databases(Path(d))
        try:
            table = _run(dbs, quick)
        finally:
            dbs.close()
    day = SCENARIOS[0]
    print(f"\nSide by side ({DEVICES} devices × {day.label}; backlog = (a), one device):")
    print(
        "| backend | procs | (a) backlog visits/s | all at once: s | visits/s | push p95 ms"
        " | server CPU ms/sync | + PostgreSQL ms/sync | spread 10 s: server CPU ms/sync |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for (backend, workers), row in table.items():
        a, c, spread = row["a"], row["c"], row["spread"]
        print(
            f"| {backend} | {workers} | {a['rate']:,.0f} | {c['elapsed']:.2f} | {c['rate']:,.0f}"
            f" | {c['p95_ms']:.0f} | {c['cpu_ms']:.1f} | {c['pg_ms']:.1f}"
            f" | {spread['cpu_ms']:.1f} |"
        )
    lite, pg2 = table[("sqlite", 1)]["c"], table[("postgres", 2)]["c"]
    print(
        "Goals: PostgreSQL 2 procs vs SQLite 1 proc, all at once: "
        f"{pg2['rate'] / lite['rate']:.2f}×"
        f" ({'met' if pg2['rate'] >= lite['rate'] else 'MISSED'}); server CPU per day's sync"
        f" ≤ {GOAL_CPU_MS:g} ms (spread over 10 s, 1 proc): "
        + ", ".join(
            f"{b} {table[(b, 1)]['spread']['cpu_ms']:.1f} ms"
            f" ({'met' if table[(b, 1)]['spread']['cpu_ms'] <= GOAL_CPU_MS else 'MISSED'})"
            for b in ("sqlite", "postgres")
        )
    )


def _run(dbs: Databases, quick: bool) -> dict[tuple[str, int], dict[str, dict[str, float]]]:
    table: dict[tuple[str, int], dict[str, dict[str, float]]] = {}
    for backend, workers in LAYOUTS:
        row: dict[str, dict[str, float]] = {}
        if workers == 1:
            row["a"] = push_backlog(dbs, backend, 500, "a")
            if not quick:
                push_backlog(dbs, backend, 500, "a-mem", trace=True)
                b = push_backlog(dbs, backend, 1, "b")
                print(
                    f"    ratio (a)/(b): {row['a']['rate'] / b['rate']:.1f}× faster batched;"
                    f" (a) vs goal {GOAL_A:,}/s: {row['a']['rate'] / GOAL_A:.2f}×"
                    f" ({'met' if row['a']['rate'] >= GOAL_A else 'MISSED'})"
                )
        else:
            row["a"] = table[(backend, 1)]["a"]  # one device: one process serves it
        row["c"] = many_devices(dbs, backend, SCENARIOS[0], workers=workers)
        if not quick:
            many_devices(dbs, backend, SCENARIOS[1], workers=workers)
        # Not the goal's all-at-once condition: the same day's syncs arriving over 10 s.
        row["spread"] = many_devices(dbs, backend, SCENARIOS[0], spread=10.0, workers=workers)
        table[(backend, workers)] = row
    return table


if __name__ == "__main__":
    main()
