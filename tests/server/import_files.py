"""Messy, real-shaped commune lists built in the tests (XLSX with openpyxl, CSV by hand).

The shapes are those of lists communes keep: a title block above the header, a row of
column numbers, a village cell merged down over its households, subtotal rows, empty rows,
headers without diacritics, NFD text, stray spaces, phones typed every way, and the
citizen-ID and date-of-birth columns the import must refuse.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

# ID numbers and birth dates that appear in the files and must never be stored.
CCCD = ["042087001234", "042190005678", "042301009876", "042155004321", "042099002468"]
CMND = "183456789"
BIRTH_DATES = ["05/11/1987", "17/02/1990", "23/08/2001", "30/04/1955", "12/12/1999"]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def xlsx(rows: Sequence[Sequence[Any]], merges: Sequence[str] = (), title: str = "DS") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, sep: str = ",", bom: bool = False, encoding: str = "utf-8"
) -> bytes:
    def cell(v: Any) -> str:
        text = "" if v is None else str(v)
        if sep in text or '"' in text or "\n" in text:
            text = '"' + text.replace('"', '""') + '"'
        return text

    body = "\r\n".join(sep.join(cell(v) for v in row) for row in rows) + "\r\n"
    data = body.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


TITLE = [
    ["UỶ BAN NHÂN DÂN PHƯỜNG SÔNG TRÍ", None, None, None, None, None, None, None],
    ["DANH SÁCH HỘ GIA ĐÌNH NĂM 2026", None, None, None, None, None, None, None],
    [None] * 8,
]
# Headers as a commune types them: no diacritics, odd case, a CCCD and a birth-date column.
HEADER = [
    "STT",
    "HO TEN CHU HO",
    "So CCCD",
    "Ngay sinh",
    "Thôn/TDP",
    "SĐT",
    "so nhan khau",
    "Địa chỉ",
]
NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]


def messy_households(*, fixed: bool = False) -> tuple[bytes, dict[str, int]]:
    """The household list with mistakes (or, ``fixed``, with them corrected).

    Returns the XLSX bytes and the spreadsheet row number of each named row.
    """
    rows: list[list[Any]] = [*TITLE, HEADER, NUMBERS]
    at: dict[str, int] = {}

    def add(key: str, values: list[Any]) -> None:
        rows.append(values)
        at[key] = len(rows)

    # TDP 1, merged down over three households (E6:E8 below).
    add(
        "an",
        [
            1,
            nfd("Nguyễn Văn An"),
            CCCD[0],
            BIRTH_DATES[0],
            "TDP 1",
            "0912 345 678",
            4,
            "Số 5, ngõ 2",
        ],
    )
    add(
        "binh",
        [
            2,
            "  Trần   Thị  Bình ",
            CCCD[1],
            BIRTH_DATES[1],
            None,
            912345679,
            "3 người",
            "Số 7 ngõ 2",
        ],
    )
    add("cuong", [3, "Lê Văn Cường", CCCD[2], BIRTH_DATES[2], None, "+84 98 765 4321", 5, None])
    add("subtotal1", ["Cộng TDP 1", None, None, None, None, None, 12, None])
    add("empty", [None] * 8)
    add(
        "dung",
        [
            4,
            "Phạm Thị Dung",
            CCCD[3],
            BIRTH_DATES[3],
            "Tổ dân phố số 2",
            "84.912.000.111",
            2,
            "Xóm Trên",
        ],
    )
    add("tong", [5, "Tống Văn Em", CCCD[4], BIRTH_DATES[4], "tdp2", "(0239) 3855 123", 1, None])
    # Mistakes: a village the ward does not have, 40 people, an old CMND typed as the phone.
    add(
        "giang",
        [6, "Võ Thị Giang", None, None, "TDP 2" if fixed else "TDP 9", "0987654321", 6, "Số 1"],
    )
    add("hai", [7, "Đặng Văn Hải", None, None, "Tổ 3", "0911222333", 3 if fixed else 40, "Số 2"])
    add(
        "khanh", [8, "Bùi Thị Khánh", None, None, "TDP 3", "0911333444" if fixed else CMND, 2, None]
    )
    # An exact repeat of "dung" (copied twice), which is skipped, not refused.
    add("dung_again", list(rows[at["dung"] - 1]))
    add("total", ["Tổng cộng", None, None, None, None, None, 26, None])
    merges = [f"E{at['an']}:E{at['cuong']}", "A1:H1", "A2:H2"]
    return xlsx(rows, merges), at
