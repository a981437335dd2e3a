"""The officer's file given back with the verdict beside each row, to fix and import again.

One sheet: the header row, then every data row as read (refused columns stay empty —
their values were never kept), its spreadsheet row number first and two columns added at
the end: what the import does with the row and every problem of it. Cells are written as
text, so a value such as ``=HYPERLINK(…)`` typed in a list is never run as a formula.
"""

from __future__ import annotations

import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from fieldapp.server.imports.messages import Issue
from fieldapp.server.imports.preview import ImportPreview
from fieldapp.server.imports.table import RawTable

__all__ = ["ACTION_LABELS", "annotated_xlsx"]

ACTION_LABELS = {
    "new": ("Mới", "New"),
    "changed": ("Thay đổi", "Changed"),
    "unchanged": ("Không đổi", "Unchanged"),
    "duplicate": ("Trùng lặp — bỏ qua", "Duplicate — skipped"),
    "refused": ("Bị từ chối", "Refused"),
}
_REFUSED_FILL = PatternFill("solid", fgColor="F8D7DA")
_WARNING_FILL = PatternFill("solid", fgColor="FFF3CD")


def _text_cell(ws: Worksheet, row: int, column: int, value: str | int | None) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with


def annotated_xlsx(raw: RawTable, preview: ImportPreview, *, lang: str = "vi") -> bytes:
    """The table of ``raw`` with the result and problems of each row (``preview``)."""
    en = lang == "en"
    by_row: dict[int, list[Issue]] = defaultdict(list)
    for i in preview.issues:
        if i.row is not None:
            by_row[i.row].append(i)
    actions = {r.row: r.action for r in preview.rows}
    refused = raw.refused_columns
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả nhập" if not en else "Import result"
    letters = list(raw.headers)
    header = ["Row" if en else "Dòng"]
    for letter in letters:
        text = raw.headers[letter] or letter
        if letter in refused:
            text += " (refused, not stored)" if en else " (bị từ chối, không lưu)"
        header.append(text)
    header += ["Result" if en else "Kết quả", "Problems" if en else "Lỗi / ghi chú"]
    bold = Font(bold=True)
    for c, text in enumerate(header, start=1):
        _text_cell(ws, 1, c, text)
        ws.cell(row=1, column=c).font = bold
    ws.freeze_panes = "B2"
    for out_row, row in enumerate(raw.rows, start=2):
        _text_cell(ws, out_row, 1, row.number)
        for c, letter in enumerate(letters, start=2):
            _text_cell(ws, out_row, c, row.cells.get(letter))
        action = actions.get(row.number, "refused")
        vi, en_label = ACTION_LABELS[action]
        _text_cell(ws, out_row, len(letters) + 2, en_label if en else vi)
        problems = by_row.get(row.number, [])
        note = "; ".join(
            f"{i.column}: {i.message(lang)}" if i.column else i.message(lang) for i in problems
        )
        _text_cell(ws, out_row, len(letters) + 3, note or None)
        fill = _REFUSED_FILL if action == "refused" else _WARNING_FILL if problems else None
        if fill is not None:
            for c in range(1, len(header) + 1):
                ws.cell(row=out_row, column=c).fill = fill
    ws.column_dimensions["A"].width = 7
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
