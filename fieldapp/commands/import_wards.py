"""``fieldapp import-wards``: write one province's wards (2025 NSO codes) as data JSON.

The logic lives in :mod:`fieldapp.admin_units`; this module only parses options,
prints a Vietnamese summary and maps errors to exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from fieldapp.admin_units import (
    AdminUnitsError,
    import_wards,
    kind_counts,
    normalize_province_code,
)
from fieldapp.domain.model import Ward
from fieldapp.reference import data_dir

EXIT_ERROR = 2


def _iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"ngày không hợp lệ {raw!r}, cần dạng yyyy-mm-dd (invalid date, use yyyy-mm-dd)"
        ) from exc


def register(subparsers: Any) -> None:
    """Add the ``import-wards`` subcommand."""
    parser = subparsers.add_parser(
        "import-wards",
        help="Nhập danh sách xã/phường của một tỉnh (mã NSO 2025) vào dữ liệu. "
        "(Import a province's wards.)",
        description=(
            "Đọc danh sách đơn vị cấp xã của một tỉnh từ tệp nguồn và ghi ra JSON theo định dạng "
            "dữ liệu của fieldapp (có khối provenance). Tệp nguồn: wheel của gói "
            "vietnam-provinces (tải bằng `pip download --no-deps vietnam-provinces`), tệp "
            "nested-divisions.json trích từ wheel, một tệp JSON dữ liệu của fieldapp, hoặc CSV "
            "có cột code,name,kind. (Reads one province's communes/wards from a source file and "
            "writes fieldapp's data JSON.)"
        ),
    )
    parser.add_argument(
        "source",
        type=Path,
        help="Tệp nguồn: .whl của vietnam-provinces, JSON, hoặc CSV (code,name,kind). "
        "(Source file: the wheel, a JSON or a CSV.)",
    )
    parser.add_argument(
        "--province",
        required=True,
        metavar="CODE",
        help="Mã tỉnh/thành phố (NSO), ví dụ 42 = Hà Tĩnh, 01 = Hà Nội. (Province code.)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="PATH",
        help="Tệp JSON kết quả; mặc định data/wards/<mã tỉnh>.json trong thư mục dữ liệu. "
        "(Output file; default data/wards/<province>.json.)",
    )
    parser.add_argument(
        "--province-name",
        default=None,
        metavar="NAME",
        help="Tên tỉnh (bắt buộc với CSV; nếu có thì thay tên trong tệp nguồn), ví dụ "
        "'Hà Tĩnh'. (Province name: required for a CSV, overrides the source otherwise.)",
    )
    parser.add_argument(
        "--extracted-on",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="Ngày trích xuất ghi vào provenance; mặc định hôm nay. "
        "(Extraction date recorded in provenance; default today.)",
    )
    parser.set_defaults(func=run)


def _default_out(province_code: str) -> Path:
    try:
        base = data_dir()
    except FileNotFoundError:
        base = Path("data")
    return base / "wards" / f"{province_code}.json"


def run(args: argparse.Namespace) -> int:
    """Import, print a summary; exit code 2 with a Vietnamese message on any error."""
    try:
        code = normalize_province_code(args.province)
        out = args.out or _default_out(code)
        doc = import_wards(
            args.source,
            code,
            out,
            province_name=args.province_name,
            extracted_on=args.extracted_on,
        )
    except AdminUnitsError as exc:
        print(f"Lỗi: {exc.message_vi}\n(Error: {exc.message_en})", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(
            f"Lỗi: không ghi được tệp kết quả ({exc.strerror}).\n"
            f"(Error: cannot write the output file.)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    wards = [Ward(w["code"], w["name"], w["kind"], code) for w in doc["wards"]]
    detail = ", ".join(f"{n} {kind}" for kind, n in kind_counts(wards).items())
    print(
        f"Đã ghi {len(wards)} đơn vị ({detail}) của {doc['province']['name']} "
        f"(mã {code}) vào {out}."
    )
    return 0
