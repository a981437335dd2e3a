"""Coverage exports: the village, member and procedure tables and the visit log, XLSX or CSV.

Every file starts with a title, the label :data:`DATA_LABEL_VI` (the team's own activity,
not official statistics) and the period, then Vietnamese headings and the rows. Dates are
``dd/mm/yyyy``. In XLSX numbers stay numbers (shares formatted as %); in CSV everything is
text, so numbers are written the Vietnamese way (``1.234``, ``75,5%``). CSV is UTF-8 with a
BOM so Excel shows Vietnamese. "No data" is written as :data:`NO_DATA`, never as 0.

Text cells come from what people typed (names of households, members, villages): every
one goes through :func:`as_text`, so a name such as ``=HYPERLINK(...)`` is never a live
formula (OWASP "CSV injection"): a leading ``= + - @``, tab or CR gets a ``'`` before it,
and XLSX text cells are typed as strings. Numbers are numbers, negative ones too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from fieldapp.coverage.queries import VisitLogRow, team_villages
from fieldapp.coverage.results import (
    DATA_LABEL_EN,
    DATA_LABEL_VI,
    FOLLOW_THROUGH_FIELDS,
    Figures,
    MemberActivity,
    Period,
    ProcedureCoverage,
    VillageCoverage,
)
from fieldapp.coverage.service import CoverageService

__all__ = [
    "KINDS",
    "NO_DATA",
    "Day",
    "Pct",
    "Table",
    "activity_text",
    "as_text",
    "export_report",
    "fmt_day",
    "fmt_int",
    "fmt_pct",
    "member_table",
    "procedure_table",
    "village_table",
    "visit_table",
    "write_csv",
    "write_xlsx",
]

Kind = Literal["villages", "members", "procedures", "visits"]
Format = Literal["xlsx", "csv"]
KINDS: tuple[str, ...] = ("villages", "members", "procedures", "visits")
NO_DATA = "không có số liệu"

OUTCOME_VI = {
    "done": "Đã hướng dẫn xong",
    "follow_up": "Cần quay lại",
    "nobody_home": "Không có ai ở nhà",
    "declined": "Từ chối",
}
CONSENT_VI = {"given": "Đồng ý", "declined": "Không đồng ý", "withdrawn": "Rút lại đồng ý"}
ACTIVITY_VI = {
    "vneid_installed": "Cài VNeID",
    "vneid_level2": "Kích hoạt VNeID mức 2",
    "portal_account": "Tài khoản Cổng DVC",
    "dossier_submitted": "Nộp hồ sơ trực tuyến",
    "dossier_update": "Cập nhật hồ sơ",
    "fee_paid": "Thanh toán phí trực tuyến",
    "payment_account": "Mở tài khoản thanh toán",
    "digital_signature": "Chữ ký số",
    "other": "Hoạt động khác",
}
LEVEL_VI = {"full": "toàn trình", "partial": "một phần"}
PAYMENT_VI = {"verified": "đã xác minh", "self_reported": "tự khai", "unknown": "chưa rõ"}


@dataclass(frozen=True)
class Pct:
    """A share 0–1 (None = no data); a % cell in XLSX, ``75,5%`` in CSV."""

    value: float | None


@dataclass(frozen=True)
class Day:
    """A calendar day; a date cell in XLSX, ``dd/mm/yyyy`` in CSV."""

    value: date | None


Cell = str | int | Pct | Day | None


@dataclass(frozen=True)
class Table:
    title: str
    subtitle: str
    headers: tuple[str, ...]
    rows: Iterable[Sequence[Cell]]


def fmt_int(n: int) -> str:
    """Example:

    >>> fmt_int(1234567)
    '1.234.567'
    """
    return f"{n:,}".replace(",", ".")


def fmt_pct(value: float | None) -> str:
    """Example:

    >>> fmt_pct(0.755), fmt_pct(None)
    ('75,5%', 'không có số liệu')
    """
    if value is None:
        return NO_DATA
    return f"{value * 100:.1f}".replace(".", ",") + "%"


def fmt_day(value: date | str | None) -> str:
    """Example:

    >>> fmt_day("2024-06-05T09:00:00+07:00")
    '05/06/2024'
    """
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def _subtitle(period: Period, today: date) -> str:
    return (
        f"Từ {fmt_day(period.start)} đến {fmt_day(period.end)} · Ngày lập: {fmt_day(today)}"
        f" (period {period.start.isoformat()} – {period.end.isoformat()})"
    )


_FIGURE_HEADERS: tuple[tuple[str, str], ...] = (
    ("households_visited", "Hộ đã thăm"),
    ("households_nobody_home", "Hộ chỉ gặp vắng nhà"),
    ("visits", "Lượt thăm"),
    ("visits_declined", "Lượt hộ không đồng ý"),
    ("people_guided", "Người được hướng dẫn"),
    ("dossiers_online", "Hồ sơ nộp trực tuyến"),
    ("dossiers_full_online", "Hồ sơ toàn trình"),
    ("dossier_households", "Hộ được hỗ trợ nộp hồ sơ"),
    ("fees_paid_verified", "Thanh toán phí trực tuyến – đã xác minh"),
    ("fees_paid_self_reported", "Thanh toán phí trực tuyến – tự khai"),
    ("fees_paid_unknown", "Thanh toán phí – chưa rõ"),
    ("vneid_level2", "Kích hoạt VNeID mức 2"),
    ("payment_accounts", "Mở tài khoản thanh toán"),
    ("digital_signatures", "Chữ ký số"),
    ("follow_ups_due", "Hẹn quay lại đến hạn"),
    ("follow_ups_overdue", "Hẹn quay lại quá hạn"),
    # The dossiers submitted in the period, followed to their outcome:
    ("results_received", "Hồ sơ đã có kết quả"),
    ("dossiers_refused", "Hồ sơ bị từ chối"),
    ("dossiers_needs_papers", "Hồ sơ cần bổ sung giấy tờ"),
    ("dossiers_waiting", "Hồ sơ đang chờ kết quả"),
    ("dossiers_overdue", "Hồ sơ quá hạn giải quyết"),
    ("fees_awaiting", "Hồ sơ chờ nộp phí"),
    ("dossier_fees_paid_online", "Hồ sơ đã nộp phí trực tuyến"),
    ("dossier_fees_verified", "Hồ sơ đã nộp phí – đã xác minh"),
)
# The dossier columns of the table per procedure (the rest are about households).
_PROCEDURE_FIGURES = ("dossiers_online", "dossiers_full_online", *FOLLOW_THROUGH_FIELDS)


def _figure_cells(f: Figures) -> list[Cell]:
    return [getattr(f, name) for name, _ in _FIGURE_HEADERS]


def village_table(
    rows: Sequence[VillageCoverage], period: Period, today: date, team_names: dict[str, str]
) -> Table:
    """The village table with every indicator's value and % of its target."""
    indicators = rows[0].indicators if rows else ()
    headers = [
        "Thôn/Tổ dân phố",
        "Mã xã/phường",
        "Tổ CNSCĐ",
        "Tổng số hộ",
        _FIGURE_HEADERS[0][1],
        "Tỷ lệ hộ đã thăm",
        *(h for _, h in _FIGURE_HEADERS[1:]),
    ]
    for ind in indicators:
        name = ind.name_vi
        headers += [f"{name} – đạt", f"{name} – chỉ tiêu", f"{name} – % chỉ tiêu"]

    def cells(v: VillageCoverage) -> list[Cell]:
        f = v.figures
        out: list[Cell] = [
            v.village_name,
            v.ward_code,
            team_names.get(v.team_id or "", ""),
            f.households_total,
            f.households_visited,
            Pct(f.share("visited_share")),
            *_figure_cells(f)[1:],
        ]
        for ind in v.indicators:
            out += [Pct(ind.value), Pct(ind.target), Pct(ind.ratio)]
        return out

    return Table(
        "Độ phủ theo thôn/tổ dân phố", _subtitle(period, today), tuple(headers), map(cells, rows)
    )


def procedure_table(rows: Sequence[ProcedureCoverage], period: Period, today: date) -> Table:
    """Dossiers per procedure: submitted, full-online, and how they went on."""
    names = dict(_FIGURE_HEADERS)
    indicators = [i.metric for i in rows[0].indicators] if rows else []
    wanted = [m for m in ("full_online_share", "result_share") if m in indicators]
    headers = [
        "Mã thủ tục",
        "Thủ tục",
        "Thời hạn giải quyết (ngày làm việc)",
        *(names[n] for n in _PROCEDURE_FIGURES),
        "Tỷ lệ toàn trình",
        "Tỷ lệ có kết quả",
        *(f"{METRIC_NAMES_VI[m]} – % chỉ tiêu" for m in wanted),
    ]

    def cells(p: ProcedureCoverage) -> list[Cell]:
        f = p.figures
        ratio = {i.metric: i.ratio for i in p.indicators}
        return [
            p.procedure_code,
            p.name_vi,
            p.processing_days,
            *(getattr(f, n) for n in _PROCEDURE_FIGURES),
            Pct(f.share("full_online_share")),
            Pct(f.share("result_share")),
            *(Pct(ratio.get(m)) for m in wanted),
        ]

    return Table("Hồ sơ theo thủ tục", _subtitle(period, today), tuple(headers), map(cells, rows))


# Indicator metrics named in the procedure table's "% of target" columns.
METRIC_NAMES_VI = {"full_online_share": "Toàn trình", "result_share": "Có kết quả"}


def member_table(
    rows: Sequence[MemberActivity], period: Period, today: date, team_names: dict[str, str]
) -> Table:
    headers = ("Tổ viên", "Tổ CNSCĐ", *(h for _, h in _FIGURE_HEADERS))
    return Table(
        "Hoạt động theo tổ viên",
        _subtitle(period, today),
        headers,
        (
            [
                f"{m.member_name} (đã rời tổ)" if m.left_team else m.member_name,
                team_names.get(m.team_id or "", ""),
                *_figure_cells(m.figures),
            ]
            for m in rows
        ),
    )


def activity_text(activities: Iterable[tuple[str, str | None, str | None, str | None]]) -> str:
    """Example:

    >>> activity_text([("dossier_submitted", "1.001193", "full", None)])
    'Nộp hồ sơ trực tuyến 1.001193 (toàn trình)'
    """
    parts = []
    for kind, code, level, payment in sorted(activities, key=lambda a: (a[0], a[1] or "")):
        text = ACTIVITY_VI.get(kind, kind)
        if code:
            text += f" {code}"
        detail = LEVEL_VI.get(level or "") or PAYMENT_VI.get(payment or "")
        if detail:
            text += f" ({detail})"
        parts.append(text)
    return "; ".join(parts)


def visit_table(rows: Iterable[VisitLogRow], period: Period, today: date) -> Table:
    """The visit log; a declined-consent visit shows no household name (no personal data)."""
    headers = (
        "Ngày thăm",
        "Giờ",
        "Thôn/Tổ dân phố",
        "Mã hộ",
        "Chủ hộ / địa chỉ",
        "Tổ viên",
        "Đồng ý",
        "Kết quả",
        "Người được hướng dẫn",
        "Hoạt động",
        "Hẹn quay lại",
    )

    def cells(r: VisitLogRow) -> list[Cell]:
        return [
            Day(date.fromisoformat(r.visited_at[:10])),
            r.visited_at[11:16],
            r.village_name,
            r.household_id,
            r.household_name,
            r.member_name,
            CONSENT_VI.get(r.consent or "", ""),
            OUTCOME_VI.get(r.outcome, r.outcome),
            r.people_guided,
            activity_text(r.activities),
            Day(date.fromisoformat(r.follow_up_on) if r.follow_up_on else None),
        ]

    return Table("Nhật ký lượt thăm", _subtitle(period, today), headers, map(cells, rows))


# What makes a spreadsheet read a cell as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """A text cell as every writer puts it: never read as a formula.

    >>> print(as_text('=HYPERLINK("http://x","Bấm")'), as_text("-1+2"), as_text("Nguyễn Văn An"))
    '=HYPERLINK("http://x","Bấm") '-1+2 Nguyễn Văn An
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _preamble(table: Table) -> list[str]:
    return [table.title, f"{DATA_LABEL_VI} ({DATA_LABEL_EN})", table.subtitle]


def _csv_cell(value: Cell) -> str:
    if isinstance(value, Pct):
        return fmt_pct(value.value)
    if isinstance(value, Day):
        return fmt_day(value.value)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return fmt_int(value)
    return "" if value is None else as_text(value)


def write_csv(table: Table, path: Path) -> int:
    """Write ``table`` as UTF-8-with-BOM CSV; returns the number of data rows."""
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        for line in _preamble(table):
            writer.writerow([line])
        writer.writerow([])
        writer.writerow([as_text(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([_csv_cell(c) for c in row])
            n += 1
    return n


def write_xlsx(table: Table, path: Path) -> int:
    """Write ``table`` as one XLSX sheet (streamed: fine for a province's visit log)."""
    wb = Workbook(write_only=True)
    # Sheet names may not contain / \ ? * [ ] : and are at most 31 characters.
    ws = wb.create_sheet(re.sub(r"[/\\?*\[\]:]", "-", table.title)[:31])
    bold = Font(bold=True)

    def styled(value: object, number_format: str | None = None, font: Font | None = None):
        if isinstance(value, str):
            value = as_text(value)
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would make a formula of "=..."
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        return cell

    lines = _preamble(table)
    ws.append([styled(lines[0], font=bold)])
    for line in lines[1:]:
        ws.append([styled(line)])
    ws.append([])
    ws.append([styled(h, font=bold) for h in table.headers])
    n = 0
    for row in table.rows:
        out: list[object] = []
        for c in row:
            if isinstance(c, Pct):
                out.append(NO_DATA if c.value is None else styled(c.value, "0.0%"))
            elif isinstance(c, Day):
                out.append(None if c.value is None else styled(c.value, "DD/MM/YYYY"))
            elif isinstance(c, str):
                out.append(styled(c))
            else:
                out.append(c)
        ws.append(out)
        n += 1
    wb.save(path)
    return n


def _team_names(service: CoverageService) -> dict[str, str]:
    return {tid: name for tid, (name, _, _) in team_villages(service.db).items()}


def export_report(
    service: CoverageService,
    kind: Kind,
    fmt: Format,
    path: Path,
    period: Period,
    today: date,
    village_ids: Sequence[str] | None = None,
) -> int:
    """Write one report for the service's scope; returns the number of data rows.

    Blocking (SQL + file I/O): UI code calls it through ``asyncio.to_thread``. The file
    is written to a temporary name and renamed, so a failed export leaves nothing behind.
    """
    teams = _team_names(service)
    table: Table
    if kind == "villages":
        table = village_table(service.villages(period, today, village_ids), period, today, teams)
    elif kind == "members":
        table = member_table(service.members(period, today, village_ids), period, today, teams)
    elif kind == "procedures":
        table = procedure_table(service.procedures(period, today, village_ids), period, today)
    elif kind == "visits":
        table = visit_table(service.visit_log(period, village_ids), period, today)
    else:
        raise ValueError(f"unknown report kind {kind!r}; choose one of {', '.join(KINDS)}")
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"unknown format {fmt!r}; choose xlsx or csv")
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        n = write_xlsx(table, tmp) if fmt == "xlsx" else write_csv(table, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def iter_rows(table: Table) -> Iterator[Sequence[Cell]]:
    """The table's data rows (for tests and previews)."""
    yield from table.rows
