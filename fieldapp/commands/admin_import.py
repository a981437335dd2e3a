"""``fieldapp admin import-households`` / ``import-members``: a commune's list from XLSX or CSV.

The same engine as the console (:mod:`fieldapp.server.imports`): the report printed is the
one the console shows. Exit 0 when imported (or previewed with ``--dry-run``), 2 with one
clear line when the file cannot be read, and 1 when rows or the mapping have errors.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fieldapp.commands import admin_import_run

__all__ = ["register"]


def _add(sub: Any, name: str, kind: str, help_vi: str, help_en: str, fields: str) -> None:
    p = sub.add_parser(
        name,
        help=f"{help_vi} ({help_en})",
        description=(
            f"{help_vi} từ tệp XLSX hoặc CSV: nhận tiêu đề cột tiếng Việt có hoặc không dấu,"
            " xem trước mọi lỗi theo dòng và cột, nhập tất cả hoặc không gì cả, nhập lại không"
            f" tạo bản trùng. Trường: {fields}. Cột số CCCD/CMND và ngày sinh bị từ chối,"
            f" không lưu. ({help_en} from an XLSX or CSV file.)"
        ),
    )
    p.add_argument(
        "--database",
        metavar="PATH",
        help="Tệp SQLite của máy chủ; mặc định FIELDAPP_DATABASE. (Server database file.)",
    )
    p.add_argument("--ward", required=True, help="Mã xã/phường (NSO 2025). (Ward code.)")
    p.add_argument("file", metavar="FILE", help="Tệp .xlsx hoặc .csv. (The list file.)")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="Chỉ xem trước, không ghi gì. (Preview only; write nothing.)",
    )
    p.add_argument(
        "--skip-refused",
        action="store_true",
        help="Nhập các dòng đúng, bỏ qua dòng có lỗi. (Import the good rows, skip refused ones.)",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"Chọn cột cho một trường, ví dụ head_name=C; lặp lại. Trường: {fields}."
        " (Choose the column of a field; repeatable.)",
    )
    p.add_argument(
        "--annotated",
        metavar="OUT.xlsx",
        help="Ghi lại tệp với kết quả và lỗi bên cạnh mỗi dòng. (Write the file back with each"
        " row's result and problems.)",
    )
    p.add_argument(
        "--english", action="store_true", help="In báo cáo bằng tiếng Anh. (Report in English.)"
    )
    p.set_defaults(func=lambda args: _run(args, kind))


def register(sub: Any) -> None:
    """Add the two import actions to ``fieldapp admin``."""
    _add(
        sub,
        "import-households",
        "households",
        "Nhập danh sách hộ gia đình",
        "Import a household list",
        "head_name, address_detail, village, phone, members_count",
    )
    _add(
        sub,
        "import-members",
        "members",
        "Nhập danh sách thành viên tổ",
        "Import a list of team members",
        "name, role, team, phone",
    )


def _overrides(pairs: list[str]) -> dict[str, str] | None:
    out = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip():
            return None
        out[name.strip()] = column.strip()
    return out


def _run(args: argparse.Namespace, kind: Any) -> int:
    return admin_import_run.run(args, kind, _overrides(args.map), sys.stdout, sys.stderr)
