"""Household list speed on the Python side (service + store): a village of 5,000
households, the first page, then each keystroke of a search typed letter by letter.

Goal: ≤ 50 ms per answer (first page + count, as the screen asks for both).

    python benchmarks/app.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from fieldapp.app_services.households import HouseholdListService
from fieldapp.domain.model import Village
from fieldapp.store import DeviceStore

GOAL_MS = 50.0
N = 5_000
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Xuân"]
GIVEN = ["Ánh", "Bình", "Cường", "Dung", "Hùng", "Lan", "Mai", "Nam", "Sơn", "Tư", "Yến", "Hải"]


def build(path: Path) -> DeviceStore:
    rng = random.Random(42)
    store = DeviceStore.open(path)
    store.load_reference(villages=[Village("v1", "18754", "Tổ dân phố 1", "tổ dân phố")])
    with store.db.atomic():
        for i in range(N):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            store.save_household(
                {
                    "id": str(uuid.uuid4()),
                    "village_id": "v1",
                    "head_name": name,
                    "address_detail": f"Xóm {i % 12 + 1}, số {i}",
                    "members_count": rng.randint(1, 8),
                }
            )
    return store


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = build(Path(tmp) / "bench.db")
        print(f"built {N:,} households in {time.perf_counter() - t0:.1f} s")
        svc = HouseholdListService(store, page_size=30)
        svc.search(village_id="v1")  # warm the page cache, as a second screen visit would
        first = [timed(lambda: svc.search(village_id="v1")) for _ in range(5)]
        print(f"first page + count: median {statistics.median(first):.1f} ms, max {max(first):.1f}")
        worst = max(first)
        query = "nguyen thi anh"
        rows = []
        for n in range(1, len(query) + 1):
            prefix = query[:n]
            ms = [timed(lambda p=prefix: svc.search(query=p, village_id="v1")) for _ in range(3)]
            hits = svc.search(query=prefix, village_id="v1").total
            rows.append((prefix, statistics.median(ms), max(ms), hits))
            worst = max(worst, max(ms))
        print(f"{'keystroke':<16}{'median ms':>10}{'max ms':>9}{'matches':>9}")
        for prefix, med, mx, hits in rows:
            print(f"{prefix!r:<16}{med:>10.1f}{mx:>9.1f}{hits:>9,}")
        for key in ("never", "visited", "follow_up"):
            ms = timed(lambda k=key: svc.search(village_id="v1", filter_key=k))
            worst = max(worst, ms)
            print(f"filter {key:<10} {ms:.1f} ms")
        svc.search(village_id="v1")
        more = timed(lambda: svc.more(svc.latest))
        print(f"next page: {more:.1f} ms")
        print(f"worst {worst:.1f} ms vs goal {GOAL_MS:.0f} ms → ratio {worst / GOAL_MS:.2f}")
        store.close()
        return 0 if worst <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
