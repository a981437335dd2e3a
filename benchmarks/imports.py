"""List-import benchmark: read + preview + commit of a 10,000-row household list (XLSX).

Run: python benchmarks/imports.py [--rows N]
Goal (issue 12): 10,000 rows imported in under 10 s. Also times the re-import of the same
list (everything recognised, nothing written but the links) and prints the split between
reading the file, the preview and the commit.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from fieldapp.domain.model import Team, Village
from fieldapp.server.imports import commit, guess_mapping, preview, read_table
from fieldapp.server.sqlite_storage import SqliteStorage

WARD = "18754"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang"]
GIVEN = ["An", "Ánh", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam"]
PHONES = ["0912 {:03d} {:03d}", "+84 98 {:03d} {:04d}", "09{:02d}.{:06d}", "9{:02d}{:06d}"]


def build_list(rows: int, villages: int, rng: random.Random) -> bytes:
    """A real-shaped list: title rows, headers without accents, CCCD and birth-date columns."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ GIA ĐÌNH"])
    ws.append([])
    ws.append(
        ["STT", "Ho ten chu ho", "So CCCD", "Ngay sinh", "Thon/TDP", "SDT", "So NK", "Dia chi"]
    )
    for i in range(rows):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = rng.choice(PHONES).format(rng.randrange(100), rng.randrange(1000, 10000))
        ws.append(
            [
                i + 1,
                name,
                f"0421{rng.randrange(10**8):08d}",
                f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/19{rng.randrange(40, 99)}",
                f"TDP {i % villages + 1}",
                phone,
                rng.randrange(1, 9),
                f"Số {i // villages + 1}, ngõ {rng.randrange(1, 40)}",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed_import(storage: SqliteStorage, data: bytes) -> tuple[float, float, float, dict]:
    t0 = time.perf_counter()
    raw = read_table(data, "ds.xlsx")
    t1 = time.perf_counter()
    pv = preview(storage, raw, guess_mapping(raw, "households"), kind="households", ward_code=WARD)
    t2 = time.perf_counter()
    report = commit(storage, pv, skip_refused=True)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, report.counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(12)
    villages = 20
    data = build_list(args.rows, villages, rng)
    with tempfile.TemporaryDirectory() as tmp:
        storage = SqliteStorage(Path(tmp) / "server.db")
        for v in range(1, villages + 1):
            storage.create_village(Village(f"v{v}", WARD, f"Tổ dân phố {v}", "tổ dân phố"))
        storage.create_team(Team("t1", "Tổ CNSCĐ 1", WARD, tuple(f"v{v}" for v in range(1, 21))))
        print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB XLSX, {villages} villages")
        for label in ("first import", "re-import (same list)"):
            read, pre, com, counts = timed_import(storage, data)
            total = read + pre + com
            print(
                f"{label:22s} read {read:5.2f} s  preview {pre:5.2f} s  commit {com:5.2f} s"
                f"  total {total:5.2f} s  ({args.rows / total:,.0f} rows/s; goal < 10 s"
                f" for 10,000: {'met' if total < 10 * args.rows / 10_000 else 'NOT met'})"
            )
            print(f"{'':22s} {counts}")
        storage.close()


if __name__ == "__main__":
    main()
