"""A real-shaped household list of the demo ward (Phường Sông Trí) for the console's import
tests: a title block, a row of column numbers, a village merged down, a subtotal row, an
empty row, headers without diacritics, NFD text, phones typed every way, a CCCD column and
a date-of-birth column, and (unless ``fixed``) three mistakes."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from openpyxl import Workbook

CCCD = ["042087001234", "042190005678", "042301009876", "042155004321", "042099002468"]
BIRTH_DATES = ["05/11/1987", "17/02/1990", "23/08/2001", "30/04/1955", "12/12/1999"]
HEADER = ["STT", "HO TEN CHU HO", "So CCCD", "Ngay sinh", "Thôn/TDP", "SĐT", "so nhan khau"]
HEADS = ["Nguyễn Văn Nhập", "Trần Thị Danh", "Lê Văn Sách", "Phạm Thị Tệp", "Võ Văn Dòng"]


def household_list(*, fixed: bool = False) -> tuple[bytes, dict[str, int]]:
    """XLSX bytes and the spreadsheet row of each named row ("an", "bad_village", …)."""
    rows: list[list[Any]] = [
        ["UỶ BAN NHÂN DÂN PHƯỜNG SÔNG TRÍ", *[None] * 6],
        ["DANH SÁCH HỘ GIA ĐÌNH", *[None] * 6],
        [None] * 7,
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ]
    at: dict[str, int] = {}

    def add(key: str, values: list[Any]) -> None:
        rows.append(values)
        at[key] = len(rows)

    nfd = unicodedata.normalize("NFD", HEADS[0])
    add("an", [1, nfd, CCCD[0], BIRTH_DATES[0], "TDP 11", "0912 345 678", 4])
    add("second", [2, f"  {HEADS[1]} ", CCCD[1], BIRTH_DATES[1], None, 912345679, "3 người"])
    add("subtotal", ["Cộng TDP 11", None, None, None, None, None, 7])
    add("empty", [None] * 7)
    add(
        "bad_village",
        [3, HEADS[2], CCCD[2], BIRTH_DATES[2], "TDP 12" if fixed else "TDP 99", "0987654321", 2],
    )
    add(
        "bad_count",
        [4, HEADS[3], CCCD[3], BIRTH_DATES[3], "tdp12", "84.912.000.111", 3 if fixed else 40],
    )
    add("last", [5, HEADS[4], CCCD[4], BIRTH_DATES[4], "Tổ dân phố số 12", "+84 98 765 4321", 1])
    wb = Workbook()
    ws = wb.active
    ws.title = "DS hộ"
    for row in rows:
        ws.append(row)
    ws.merge_cells(f"E{at['an']}:E{at['second']}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), at
