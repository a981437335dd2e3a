"""Device-store benchmark: visits saved per second (with outbox) and household search time.

Run: python benchmarks/store.py
Goals (issue 2): >= 5,000 visits/s through the store API; <= 20 ms median search over
20,000 households.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from fieldapp.domain import Village
from fieldapp.store import DeviceStore

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang"]
GIVEN = [
    "An",
    "Anh",
    "Ánh",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hương",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Yến",
]


def build(path: Path, households: int, rng: random.Random) -> tuple[DeviceStore, list[str]]:
    store = DeviceStore.open(path)
    villages = [
        Village(str(uuid.UUID(int=rng.getrandbits(128))), "18754", f"Tổ dân phố {i}")
        for i in range(1, 13)
    ]
    store.load_reference(villages=villages)
    ids = []
    with store.db.atomic():  # bulk setup only; the timed part goes through the API one by one
        for i in range(households):
            h, _ = store.save_household(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128))),
                    "village_id": villages[i % len(villages)].id,
                    "head_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    "address_detail": f"Số {rng.randint(1, 200)}, ngõ {rng.randint(1, 30)}",
                }
            )
            ids.append(h.id)
    return store, ids


def bench_visits(
    store: DeviceStore, household_ids: list[str], n: int, rng: random.Random
) -> tuple[float, float]:
    """Visits/s by the wall clock and by this process's CPU time (steadier on a shared
    machine); both are printed."""
    member = str(uuid.uuid4())
    payloads = [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
            "household_id": rng.choice(household_ids),
            "member_id": member,
            "visited_at": "2026-11-20T09:00:00+07:00",
            "consent": "given",
            "outcome": "done",
            "people_guided": 2,
            "activities": [
                {"kind": "vneid_level2"},
                {"kind": "dossier_submitted", "procedure_code": "1.001193", "level": "full"},
                {"kind": "fee_paid", "payment_status": "self_reported"},
            ],
        }
        for _ in range(n)
    ]
    start, cpu_start = time.perf_counter(), time.process_time()
    for p in payloads:
        store.save_visit(p)  # one transaction per visit, row + activities + outbox
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    assert store.pending_count() >= n
    return n / elapsed, n / cpu


def bench_visits_batched(
    store: DeviceStore, household_ids: list[str], n: int, rng: random.Random, batch: int = 100
) -> float:
    """Visits/s through ``save_visits`` (one transaction per ``batch`` visits, each with its
    own outbox entry) — the import/restore path, printed for comparison only."""
    member = str(uuid.uuid4())
    payloads = [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
            "household_id": rng.choice(household_ids),
            "member_id": member,
            "visited_at": "2026-11-21T09:00:00+07:00",
            "consent": "given",
            "outcome": "done",
            "people_guided": 1,
            "activities": [{"kind": "vneid_installed"}],
        }
        for _ in range(n)
    ]
    start = time.perf_counter()
    for i in range(0, n, batch):
        store.save_visits(payloads[i : i + batch])
    return n / (time.perf_counter() - start)


def bench_search(store: DeviceStore, rng: random.Random, runs: int = 200) -> list[float]:
    queries = [
        rng.choice(
            [
                "nguyen thi",
                "tran van anh",
                "hoang",
                "le minh tam",
                "so 12",
                "ngo 3",
                "dang",
                "bui thanh",
            ]
        )
        for _ in range(runs)
    ]
    times = []
    for q in queries:
        start = time.perf_counter()
        store.search_households(query=q, limit=50)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    rng = random.Random(20261127)
    with tempfile.TemporaryDirectory() as tmp:
        store, ids = build(Path(tmp) / "bench.db", 20_000, rng)
        per_s, per_cpu_s = bench_visits(store, ids, 10_000, rng)
        batched = bench_visits_batched(store, ids, 10_000, rng)
        times = bench_search(store, rng)
        store.close()
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(
        f"visits saved through the store API (with outbox): {per_s:,.0f} visits/s "
        f"(goal >= 5,000; ratio {per_s / 5000:.2f}x); by CPU time {per_cpu_s:,.0f} visits/s"
    )
    print(
        f"  for comparison, save_visits in transactions of 100 (import path): {batched:,.0f}"
        " visits/s"
    )
    print(
        f"household search over 20,000 households: median {median:.2f} ms, p95 {p95:.2f} ms "
        f"(goal <= 20 ms; ratio {20 / median:.1f}x headroom)"
    )


if __name__ == "__main__":
    main()
