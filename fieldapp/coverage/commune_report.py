"""The ward's report to send upward, laid out as a Vietnamese commune report.

Unit and national motto heading, title and period, an STT column, one row per village, a
totals row, the figures as percentages, a signature block (người lập biểu, lãnh đạo), the
header row frozen and the page set to A4 landscape. The rows go through the ordinary
writers of :mod:`fieldapp.coverage.export` (so every cell is written the same safe way);
this module then lays the sheet out around them. Figures are the team's own activity
(:data:`DATA_LABEL_VI`), never official statistics, and the file says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fieldapp.coverage.export import Cell, Pct, Table, fmt_day, write_csv, write_xlsx
from fieldapp.coverage.queries import indicator_progress, total
from fieldapp.coverage.results import DATA_LABEL_VI, Period, VillageCoverage
from fieldapp.domain.model import Indicator

__all__ = ["MOTTO", "NATION", "CommuneReport", "commune_table", "write_report"]

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG CỦA TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
TOTAL_LABEL = "Tổng cộng"
# Rows written by export.write_xlsx before the headings: title, label, subtitle, blank.
_PREAMBLE_ROWS = 4
_HEADING_ROWS = 8
_A4 = 9  # openpyxl's paperSize for A4


@dataclass(frozen=True)
class CommuneReport:
    """Who reports: e.g. kind ``phường``, name ``Sông Trí``."""

    ward_kind: str
    ward_name: str
    period: Period
    today: date

    @property
    def unit(self) -> str:
        return f"UBND {self.ward_kind} {self.ward_name}".upper()

    @property
    def place_and_date(self) -> str:
        d = self.today
        return f"{self.ward_name}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"

    @property
    def period_text(self) -> str:
        return (
            f"Kỳ báo cáo: từ ngày {fmt_day(self.period.start)} đến ngày {fmt_day(self.period.end)}"
        )


def _gap(v_total: int, visited: int, target: float) -> int:
    return max(0, math.ceil(target * v_total - 1e-9) - visited)


def commune_table(
    report: CommuneReport,
    rows: Sequence[VillageCoverage],
    team_names: dict[str, str],
    indicators: Sequence[Indicator],
) -> Table:
    """STT, village, team, households, reached, still to reach, the dossiers submitted and
    how they went on (result, refused, past their time), then each indicator as a
    percentage (its target in the heading), and a totals row."""
    visited_target = next((i.target for i in indicators if i.metric == "visited_share"), 1.0)
    headers = [
        "STT",
        "Thôn/Tổ dân phố",
        "Tổ CNSCĐ",
        "Tổng số hộ",
        "Số hộ đã thăm",
        "Số hộ còn phải thăm",
        "Số hồ sơ nộp trực tuyến",
        "Số hồ sơ đã có kết quả",
        "Số hồ sơ bị từ chối",
        "Số hồ sơ quá hạn giải quyết",
        *(f"{i.name_vi} (%) – chỉ tiêu {round(i.target * 100)}%" for i in indicators),
    ]

    def line(stt: Cell, name: str, team: str, v: VillageCoverage | None) -> list[Cell]:
        figures = v.figures if v is not None else total(rows)
        progress = indicator_progress(figures, indicators)
        return [
            stt,
            name,
            team,
            figures.households_total,
            figures.households_visited,
            _gap(figures.households_total, figures.households_visited, visited_target),
            figures.dossiers_online,
            figures.results_received,
            figures.dossiers_refused,
            figures.dossiers_overdue,
            *(Pct(p.value) for p in progress),
        ]

    body: list[list[Cell]] = [
        line(n, v.village_name, team_names.get(v.team_id or "", ""), v)
        for n, v in enumerate(rows, start=1)
    ]
    body.append(line("", TOTAL_LABEL, "", None))
    return Table(TITLE, report.period_text, tuple(headers), body)


def _layout(ws: Worksheet, report: CommuneReport, columns: int, rows: int) -> None:
    ws.delete_rows(1, _PREAMBLE_ROWS)
    ws.insert_rows(1, _HEADING_ROWS)
    bold, italic = Font(bold=True), Font(italic=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left_end = min(3, columns)
    right_start = max(left_end + 1, columns - 4)

    def put(row: int, first: int, last: int, text: str, font: Font | None = None) -> None:
        cell = ws.cell(row=row, column=first, value=text)
        if font is not None:
            cell.font = font
        cell.alignment = center
        if last > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    put(1, 1, left_end, report.unit, bold)
    put(2, 1, left_end, "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG", bold)
    put(1, right_start, columns, NATION, bold)
    put(2, right_start, columns, MOTTO, Font(bold=True, underline="single"))
    put(3, right_start, columns, report.place_and_date, italic)
    put(5, 1, columns, TITLE, Font(bold=True, size=14))
    put(6, 1, columns, report.period_text, bold)
    put(7, 1, columns, f"({DATA_LABEL_VI})", italic)
    header_row = _HEADING_ROWS + 1
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r in range(header_row, header_row + rows + 1):
        for c in range(1, columns + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = box
            if r == header_row:
                cell.alignment = center
                cell.font = bold
            elif r == header_row + rows:
                cell.font = bold  # the totals row
    ws.row_dimensions[header_row].height = 60
    widths = {1: 6, 2: 24, 3: 20}
    for c in range(1, columns + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(c, 14)
    sign = header_row + rows + 2
    put(sign, 1, left_end, "NGƯỜI LẬP BIỂU", bold)
    put(sign + 1, 1, left_end, "(Ký, ghi rõ họ tên)", italic)
    put(sign, right_start, columns, "LÃNH ĐẠO", bold)
    put(sign + 1, right_start, columns, "(Ký, ghi rõ họ tên, đóng dấu)", italic)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = _A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_report(table: Table, report: CommuneReport, path: Path, fmt: str) -> int:
    """Write the report as XLSX (laid out) or CSV (the same rows); returns data rows."""
    if fmt == "csv":
        return write_csv(table, path)
    n = write_xlsx(table, path)
    wb = load_workbook(path)
    _layout(wb.active, report, len(table.headers), n)
    wb.save(path)
    return n
