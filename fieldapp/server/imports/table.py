"""Reading a commune's list (XLSX or CSV) into a plain table keyed as the spreadsheet shows it.

Real lists are made for printing, not for machines: title rows above the header, a row of
column numbers under it, a village cell merged down over its households, subtotal rows
("Cộng", "Tổng cộng"), empty rows, NFD text from phones, stray spaces, CSV files with a
BOM, semicolons (Excel in Vietnamese locale) or a Windows code page. :func:`read_table`
copes with all of these and keeps the spreadsheet's own row numbers and column letters,
so every problem can be shown where the officer will look for it.

Columns holding ID numbers or full dates of birth are blanked here, before anything else
sees them (:mod:`fieldapp.server.imports.sensitive`); so is any single cell shaped like an
ID number, which is reported by its cell only.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from fieldapp.server.imports.fields import header_key, is_known_header
from fieldapp.server.imports.messages import Issue, issue
from fieldapp.server.imports.sensitive import Reason, column_reason, looks_like_id
from fieldapp.text import fold, nfc

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "RawRow",
    "RawTable",
    "RefusedColumn",
    "TableError",
    "read_table",
]

# Rows searched for the header, and the most data rows one file may hold.
HEADER_SEARCH = 30
MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024

# A subtotal label, read with its diacritics ("Tổng" is a label, "Tống" a family name) …
_SUBTOTAL = re.compile(r"^(tổng cộng|tổng số|tổng|cộng|total|sum)\b", re.IGNORECASE)
# … or without them, for lists typed without accents.
_SUBTOTAL_FOLDED = re.compile(r"^(tong cong|tong so|tong|cong|total)(\b|$)")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


class TableError(ValueError):
    """The file cannot be read as a table; ``issue`` says why (no personal data)."""

    def __init__(self, problem: Issue):
        super().__init__(problem.message_en)
        self.issue = problem


@dataclass(frozen=True)
class RawRow:
    """One data row: its spreadsheet row number and its non-empty cells by column letter."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class RefusedColumn:
    """A column refused for what it holds; its cells were blanked, only the header is kept."""

    column: str
    header: str
    reason: Reason

    @property
    def issue(self) -> Issue:
        code = "id_column" if self.reason == "id_number" else "birth_date_column"
        return issue(code, column=self.column, header=self.header or self.column)


@dataclass
class RawTable:
    """A list as read: header row, data rows, and what was set aside on the way."""

    filename: str
    sheet: str | None
    header_row: int
    headers: dict[str, str]
    rows: list[RawRow]
    refused: list[RefusedColumn] = field(default_factory=list)
    # Rows left out without a problem (subtotal, repeated header, column numbers), and
    # cells blanked because they looked like an ID number.
    notes: list[Issue] = field(default_factory=list)
    empty_rows: int = 0

    @property
    def refused_columns(self) -> set[str]:
        return {r.column for r in self.refused}

    def column_issues(self) -> list[Issue]:
        return [r.issue for r in self.refused]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, for keeping an upload between the preview and the commit (several
        server processes share nothing else). Refused columns are already blank in it,
        so it is safe to hold where the uploaded file itself must never go."""
        return {
            "filename": self.filename,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "headers": self.headers,
            "rows": [[r.number, r.cells] for r in self.rows],
            "refused": [[r.column, r.header, r.reason] for r in self.refused],
            "notes": [n.to_dict() for n in self.notes],
            "empty_rows": self.empty_rows,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RawTable:
        return cls(
            filename=data["filename"],
            sheet=data["sheet"],
            header_row=data["header_row"],
            headers=dict(data["headers"]),
            rows=[RawRow(n, dict(cells)) for n, cells in data["rows"]],
            refused=[RefusedColumn(c, h, r) for c, h, r in data["refused"]],
            notes=[
                Issue(
                    n["code"],
                    n["severity"],
                    n["message_vi"],
                    n["message_en"],
                    n["row"],
                    n["column"],
                    n["field"],
                )
                for n in data["notes"]
            ],
            empty_rows=data["empty_rows"],
        )


def _text(value: Any) -> str:
    """A cell as text: NFC, spaces folded; whole floats without ``.0``; dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return nfc(str(value).replace("\u00a0", " "))


def _xlsx_grids(data: bytes) -> list[tuple[str, list[list[str]]]]:
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError(issue("bad_file")) from exc
    sheets = []
    for ws in book.worksheets:
        grid = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        # A merged cell holds its value in the top-left cell only: spread it over the
        # range, so a village merged down over its households applies to each of them.
        for merged in ws.merged_cells.ranges:
            top = merged.min_row - 1
            left = merged.min_col - 1
            if top >= len(grid) or left >= len(grid[top]):
                continue
            value = grid[top][left]
            for r in range(top, min(merged.max_row, len(grid))):
                row = grid[r]
                for c in range(left, merged.max_col):
                    if c < len(row):
                        row[c] = value
        sheets.append((ws.title, grid))
    book.close()
    return sheets


def _decode(data: bytes) -> tuple[str, bool]:
    """Text of a CSV file and whether it was read in the Windows code page (not UTF-8)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), False
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        # Excel's "CSV" on a Vietnamese Windows writes the ANSI code page.
        return data.decode("cp1258", errors="replace"), True


def _csv_grid(data: bytes) -> tuple[list[list[str]], bool]:
    text, legacy = _decode(data)
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t"}
        delimiter = max(counts, key=lambda d: counts[d])

        class _Dialect(csv.excel):
            pass

        _Dialect.delimiter = delimiter
        dialect = _Dialect
    try:
        rows = [[_text(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise TableError(issue("bad_file")) from exc
    return rows, legacy


def _header_score(row: list[str]) -> int:
    # Distinct values: a title merged across the row counts once, not once per column.
    return sum(1 for v in set(row) if v and is_known_header(v))


def _find_header(grid: list[list[str]]) -> tuple[int, int]:
    """(index of the header row, its score); score below 2 when none was found.

    A row naming one known column counts too when it has other text cells beside it (a
    commune's own names for the rest, "Người đứng tên"…): a title, merged across, has one.
    """
    best, best_score = 0, 0
    for i, row in enumerate(grid[:HEADER_SEARCH]):
        score = _header_score(row)
        if score == 1 and len({v for v in row if v and _HAS_LETTER.search(v)}) >= 2:
            score = 2 if best_score < 2 else 1
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _is_subtotal(values: list[str]) -> bool:
    texts = [v for v in values if v and _HAS_LETTER.search(v)]
    if len(texts) != 1:
        return False  # a household row has a name and a village; a subtotal one label
    label = texts[0].lower()
    return bool(_SUBTOTAL.match(label) or _SUBTOTAL_FOLDED.match(fold(label)))


def _is_column_numbers(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return len(filled) >= 2 and all(_COLUMN_NUMBER.match(v) for v in filled)


def read_table(data: bytes, filename: str) -> RawTable:
    """Read an XLSX or CSV list; raises :class:`TableError` when it holds no table.

    The sheet chosen is the first whose header row is recognised best. Rows are the data
    rows below the header; empty, subtotal, repeated-header and column-number rows are
    left out (the last three with a note).
    """
    if len(data) > MAX_BYTES:
        raise TableError(issue("bad_file"))
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    notes: list[Issue] = []
    if data[:4] == b"PK\x03\x04":
        sheets = _xlsx_grids(data)
    else:
        if b"\x00" in data[:1024] and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        ):
            raise TableError(issue("bad_file"))  # an old .xls or another binary file
        grid, legacy = _csv_grid(data)
        if legacy:
            notes.append(issue("not_utf8"))
        sheets = [("", grid)]
    if not any(any(v for v in row) for _, grid in sheets for row in grid):
        raise TableError(issue("empty_file"))
    found = [(title, grid, *_find_header(grid)) for title, grid in sheets]
    title, grid, header_index, score = max(found, key=lambda f: f[3])
    if score < 2:
        raise TableError(issue("no_header"))
    if len(sheets) > 1:
        notes.append(issue("other_sheets", sheet=title))
    width = max(len(r) for r in grid)
    letters = [get_column_letter(c + 1) for c in range(width)]
    header_cells = grid[header_index] + [""] * (width - len(grid[header_index]))
    headers = {letters[c]: header_cells[c] for c in range(width)}
    header_keys = [header_key(h) for h in header_cells]

    rows: list[RawRow] = []
    empty = 0
    for index in range(header_index + 1, len(grid)):
        values = grid[index] + [""] * (width - len(grid[index]))
        number = index + 1
        if not any(values):
            empty += 1
            continue
        if [header_key(v) for v in values] == header_keys:
            notes.append(issue("header_repeat", row=number))
        elif index == header_index + 1 and _is_column_numbers(values):
            notes.append(issue("column_numbers", row=number))
        elif _is_subtotal(values):
            notes.append(issue("subtotal_row", row=number))
        else:
            rows.append(RawRow(number, {letters[c]: v for c, v in enumerate(values) if v}))
        if len(rows) > MAX_ROWS:
            raise TableError(issue("bad_file"))

    refused = []
    for c, letter in enumerate(letters):
        reason = column_reason(header_keys[c], [r.cells.get(letter, "") for r in rows])
        if reason is not None:
            refused.append(RefusedColumn(letter, header_cells[c], reason))
    blank = {r.column for r in refused}
    for row in rows:
        for letter in list(row.cells):
            if letter in blank:
                del row.cells[letter]
            elif looks_like_id(row.cells[letter]):
                # Dropped here so no later step (preview, log, error) can echo it.
                del row.cells[letter]
                notes.append(issue("id_number_in_cell", row=row.number, column=letter))
    return RawTable(
        filename=name,
        sheet=title or None,
        header_row=header_index + 1,
        headers=headers,
        rows=rows,
        refused=refused,
        notes=notes,
        empty_rows=empty,
    )
