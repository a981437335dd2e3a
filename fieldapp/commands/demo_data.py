"""``fieldapp demo-data``: write a synthetic demo dataset (JSON) and print a summary.

The dataset comes from :mod:`fieldapp.demo.generator`; loading it into the device store
or the server is done by their own commands.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fieldapp.admin_units import write_document
from fieldapp.demo.generator import dataset_to_json, generate, summarize

EXIT_ERROR = 2


def _date(raw: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"ngày không hợp lệ {raw!r}, cần yyyy-mm-dd hoặc dd/mm/yyyy (invalid date)"
    )


def _bounded(lo: int, hi: int) -> Any:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            value = lo - 1
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"phải là số nguyên từ {lo} đến {hi} (must be an integer {lo}–{hi}): {raw!r}"
            )
        return value

    return parse


def register(subparsers: Any) -> None:
    """Add the ``demo-data`` subcommand."""
    parser = subparsers.add_parser(
        "demo-data",
        help="Tạo bộ dữ liệu mẫu hư cấu (phường Sông Trí) ra tệp JSON. "
        "(Generate a synthetic demo dataset.)",
        description=(
            "Tạo dữ liệu mẫu HƯ CẤU, tất định theo --seed: các tổ dân phố của phường Sông Trí "
            "(Hà Tĩnh), hộ gia đình, Tổ CNSCĐ và lượt thăm trong N tuần trước --today. Không "
            "có người thật. (Writes a deterministic, synthetic demo dataset as JSON.)"
        ),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=42,
        help="Hạt giống ngẫu nhiên; cùng hạt giống cho cùng dữ liệu (mặc định 42). "
        "(Random seed; same seed, same data.)",
    )
    parser.add_argument(
        "--households",
        type=_bounded(1, 50_000),
        default=3000,
        help="Số hộ gia đình (1–50.000, mặc định 3.000). (Number of households.)",
    )
    parser.add_argument(
        "--villages",
        type=_bounded(1, 200),
        default=14,
        help="Số tổ dân phố (mặc định 14). (Number of villages / residential groups.)",
    )
    parser.add_argument(
        "--weeks",
        type=_bounded(1, 52),
        default=4,
        help="Số tuần có lượt thăm, tính ngược từ --today (mặc định 4). "
        "(Weeks of visits before --today.)",
    )
    parser.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="Ngày 'hôm nay' của dữ liệu (yyyy-mm-dd hoặc dd/mm/yyyy); mặc định hôm nay. "
        "(The dataset's 'today'; default today.)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("demo-data.json"),
        metavar="PATH",
        help="Tệp JSON kết quả (mặc định demo-data.json). (Output JSON file.)",
    )
    parser.set_defaults(func=run)


def _n(value: int) -> str:
    """Vietnamese thousands separator: 3000 → 3.000."""
    return f"{value:,}".replace(",", ".")


def run(args: argparse.Namespace) -> int:
    """Generate, write atomically, print the summary; exit code 2 on errors."""
    try:
        ds = generate(
            seed=args.seed,
            households=args.households,
            weeks=args.weeks,
            today=args.today,
            villages=args.villages,
        )
        write_document(dataset_to_json(ds), args.out, indent=None)
    except (OSError, ValueError) as exc:
        print(f"Lỗi: không tạo được dữ liệu mẫu ({exc}).\n(Error: {exc})", file=sys.stderr)
        return EXIT_ERROR
    s = summarize(ds)
    ward = next(w for w in ds.wards if w.code == ds.ward_code)
    print(
        f"Đã tạo dữ liệu mẫu HƯ CẤU cho {ward.kind} {ward.name} (mã {ward.code}), "
        f"hôm nay = {date.fromisoformat(ds.today):%d/%m/%Y}, {ds.weeks} tuần:\n"
        f"  Số thôn/tổ dân phố: {_n(s['villages'])}\n"
        f"  Số Tổ CNSCĐ: {_n(s['teams'])} ({_n(s['members'])} người, kể cả cán bộ phường)\n"
        f"  Số hộ: {_n(s['households'])} (đã thăm {_n(s['households_visited'])})\n"
        f"  Số lượt thăm: {_n(s['visits'])} — xong {_n(s['outcome_done'])}, "
        f"cần quay lại {_n(s['outcome_follow_up'])}, "
        f"không có ai ở nhà {_n(s['outcome_nobody_home'])}, "
        f"từ chối {_n(s['outcome_declined'])}; lượt sửa {_n(s['corrections'])}\n"
        f"  Số hoạt động: {_n(s['activities'])}\n"
        f"Đã ghi vào {args.out}."
    )
    return 0
