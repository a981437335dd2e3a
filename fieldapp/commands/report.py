"""``fieldapp report``: export coverage (villages, members or the visit log) to XLSX/CSV.

Works on a device-store file, a server database file or the server's PostgreSQL
database (the same tables; see :mod:`fieldapp.coverage.queries`). A file is opened
read-only, PostgreSQL is read in a read-only transaction: a report never changes the
data. The logic lives in :mod:`fieldapp.coverage.export`.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import psycopg

from fieldapp.coverage import CoverageService, Period
from fieldapp.coverage.export import export_report, fmt_day
from fieldapp.reference import Campaign, load_campaign
from fieldapp.server.dossiers import derive_all
from fieldapp.server.open_storage import is_postgres_url, open_storage
from fieldapp.sql import Conn

EXIT_ERROR = 2


def _vn_date(raw: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"ngày không hợp lệ {raw!r}, cần dạng dd/mm/yyyy (invalid date, use dd/mm/yyyy)"
    )


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="Xuất báo cáo độ phủ (thôn, tổ viên, nhật ký lượt thăm) ra XLSX/CSV. "
        "(Export coverage reports.)",
        description=(
            "Xuất bảng độ phủ theo thôn, hoạt động theo tổ viên hoặc nhật ký lượt thăm từ tệp "
            "cơ sở dữ liệu của máy hoặc của máy chủ. Số liệu là hoạt động của tổ, không phải số "
            "liệu chính thức. (Exports the village table, member table or visit log from a "
            "device-store or server database; the team's own activity, not official figures.)"
        ),
    )
    parser.add_argument(
        "--database",
        required=True,
        metavar="FILE|URL",
        help="Tệp SQLite của máy hoặc máy chủ (mở chỉ để đọc), hoặc địa chỉ postgresql://… của"
        " máy chủ. (Database file, read-only, or the server's PostgreSQL URL.)",
    )
    parser.add_argument(
        "--kind",
        required=True,
        choices=("villages", "members", "procedures", "visits"),
        help="Loại báo cáo: villages = theo thôn, members = theo tổ viên, procedures = hồ sơ "
        "theo thủ tục (từ máy chủ), visits = nhật ký lượt thăm. (Report kind.)",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        default=None,
        choices=("xlsx", "csv"),
        help="Định dạng tệp; mặc định theo đuôi tệp --out. (File format; default from --out.)",
    )
    parser.add_argument(
        "--from",
        dest="date_from",
        required=True,
        type=_vn_date,
        metavar="DD/MM/YYYY",
        help="Ngày bắt đầu kỳ báo cáo (tính cả ngày này). (First day of the period.)",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        required=True,
        type=_vn_date,
        metavar="DD/MM/YYYY",
        help="Ngày kết thúc kỳ báo cáo (tính cả ngày này). (Last day of the period.)",
    )
    parser.add_argument(
        "--today",
        type=_vn_date,
        default=None,
        metavar="DD/MM/YYYY",
        help="Ngày tính hẹn quay lại đến hạn/quá hạn; mặc định hôm nay. (Date for follow-ups.)",
    )
    parser.add_argument(
        "--ward",
        default=None,
        metavar="CODE",
        help="Chỉ các thôn của xã/phường này (mã NSO); mặc định tất cả. (Limit to one ward.)",
    )
    parser.add_argument(
        "--campaign",
        default="ha-tinh-2024",
        metavar="KEY",
        help="Chiến dịch có chỉ tiêu (data/campaigns/KEY.json). (Campaign with targets.)",
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="Tệp kết quả. (Output file.)"
    )
    parser.set_defaults(func=handle)


def _fail(message: str) -> int:
    print(f"Lỗi: {message}", file=sys.stderr)
    return EXIT_ERROR


def handle(args: argparse.Namespace) -> int:

    fmt = args.fmt or args.out.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        return _fail("chọn --format xlsx hoặc csv (choose --format xlsx or csv).")
    if args.date_to < args.date_from:
        return _fail("--to trước --from (the period ends before it starts).")
    try:
        campaign = load_campaign(args.campaign)
    except FileNotFoundError:
        return _fail(f"không có chiến dịch {args.campaign!r} (unknown campaign).")
    try:
        if is_postgres_url(args.database):
            try:
                storage = open_storage(args.database)
            except (OSError, ValueError, psycopg.Error) as exc:
                return _fail(f"không mở được cơ sở dữ liệu ({exc}) (cannot open the database).")
            try:
                with storage.db.read() as pg:
                    n = _export(pg, args, fmt, campaign)
            finally:
                storage.close()
        else:
            path = Path(args.database)
            if not path.is_file():
                return _fail(f"không tìm thấy tệp {args.database} (database file not found).")
            try:
                conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
                conn.execute("SELECT count(*) FROM households").fetchone()
            except sqlite3.DatabaseError as exc:
                return _fail(f"không đọc được cơ sở dữ liệu ({exc}) (not a fieldapp database).")
            try:
                n = _export(conn, args, fmt, campaign)
            finally:
                conn.close()
        if n is None:
            return _fail(f"xã/phường {args.ward} không có thôn nào (no villages in ward).")
    except OSError as exc:  # writing the report; database errors are answered above
        reason = exc.strerror or type(exc).__name__
        return _fail(f"không ghi được {args.out}: {reason} (cannot write the report file).")
    period = Period(args.date_from, args.date_to)
    print(
        f"Đã ghi {n} dòng vào {args.out} (kỳ {fmt_day(period.start)} – {fmt_day(period.end)})."
        " Số liệu hoạt động của tổ, không phải số liệu chính thức."
    )
    return 0


def _export(
    db: Conn, args: argparse.Namespace, fmt: Literal["xlsx", "csv"], campaign: Campaign
) -> int | None:
    """Write the report from ``db``; the row count, or None when the ward has no village."""

    village_ids = None
    if args.ward:
        village_ids = [
            r[0] for r in db.execute("SELECT id FROM villages WHERE ward_code = ?", [args.ward])
        ]
        if not village_ids:
            return None
    # A server database keeps its dossiers in a table; a phone's file has none, so they
    # are derived from its visits (only asked for then).
    service = CoverageService(
        db, village_ids=village_ids, campaign=campaign, dossiers=lambda: derive_all(db)
    )
    period = Period(args.date_from, args.date_to)
    today = args.today or date.today()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    return export_report(service, args.kind, fmt, args.out, period, today)
