"""The Flet coverage views built without a page from a small device store."""

from __future__ import annotations

import asyncio
import csv
from datetime import date

import flet as ft
import flet_charts as fch
from coverage_case import PERIOD, TODAY

from fieldapp.coverage import DATA_LABEL_VI
from fieldapp.ui.coverage_views import build_coverage_screen, village_table


def texts(control) -> list[str]:
    """Every Text value below ``control`` (depth first)."""
    out = []

    def walk(c):
        if isinstance(c, ft.Text) and c.value:
            out.append(c.value)
        for name in ("content", "controls", "cells", "rows", "columns", "label", "title",
                     "subtitle"):  # fmt: skip
            child = getattr(c, name, None)
            for item in child if isinstance(child, list) else [child]:
                if isinstance(item, ft.BaseControl):
                    walk(item)

    walk(control)
    return out


def cell_texts(table: ft.DataTable) -> list[list[str]]:
    return [[c.content.value for c in row.cells] for row in table.rows]


def test_screen_renders_table_charts_members_and_gaps(case, tmp_path):
    screen = build_coverage_screen(case.store, today=TODAY, period=PERIOD, export_dir=tmp_path)
    screen.render(screen.load())  # what refresh() does, minus the thread and the page

    table = screen.table_box.content
    assert isinstance(table, ft.DataTable)
    rows = cell_texts(table)
    assert [r[0] for r in rows] == ["Thôn Bắc", "Thôn Đông", "Thôn Nam"]
    assert rows[0][:5] == ["Thôn Bắc", "5", "3 (60,0%)", "5", "0"]
    assert rows[0][5:] == ["60,0%", "66,7%", "100,0%", "100,0%"]
    assert rows[1][7] == "không có số liệu"  # Thôn Đông: no dossiers → no full-online share
    assert rows[2][2] == "0 (không có số liệu)"

    all_text = texts(screen.control)
    assert any(DATA_LABEL_VI in t for t in all_text)
    assert any("7 hộ" in t and "5/7" in t for t in all_text)

    charts = screen.charts.controls
    assert len(charts) == 4
    bars = next(c for c in charts[2].content.controls if isinstance(c, fch.BarChart))
    assert [len(g.rods) for g in bars.groups] == [1, 0, 0]  # only Thôn Bắc has dossiers
    assert bars.groups[0].rods[0].to_y == 100.0
    assert "Không có số liệu: Thôn Đông, Thôn Nam" in texts(charts[2])

    members = cell_texts(screen.members_box.content)
    assert [m[:3] for m in members] == [
        ["Bùi Văn Minh", "4", "4"],
        ["Nguyễn Thị Lan", "3", "2"],
        ["Ông Văn Nam", "0", "0"],
    ]
    weekly = screen.weekly_box.controls[0].content.controls[1]
    assert [p.y for p in weekly.data_series[0].points] == [0, 3, 3, 1, 0]

    # Gap list of the first village (no "since": h4 was reached in May).
    assert [t.title.value for t in screen.gap_box.controls] == ["Đặng Văn Giang"]
    assert screen.gap_box.controls[0].subtitle.value == "Chưa thăm"
    assert screen.village_pick.value == case.ids["V1"]
    assert [o.text for o in screen.village_pick.options] == ["Thôn Bắc", "Thôn Đông", "Thôn Nam"]


def test_village_switch_more_and_export_handlers(case, tmp_path):
    screen = build_coverage_screen(case.store, today=TODAY, period=PERIOD, export_dir=tmp_path)
    asyncio.run(screen.refresh())  # no page: update() is skipped, data still renders
    screen.village_pick.value = case.ids["V2"]
    asyncio.run(screen._on_village(None))
    tiles = screen.gap_box.controls
    assert [t.title.value for t in tiles] == ["Hoàng Văn Em", "Vũ Thị Hoa"]
    assert tiles[0].subtitle.value == "Quá hẹn quay lại · hẹn 18/06/2024"
    assert screen.more_button.visible is False

    path = asyncio.run(screen.export("villages", "csv"))
    assert path.parent == tmp_path and path.name == "do-phu-villages-20240620.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[5][0] == "Thôn Bắc"
    assert screen.export_status.value.startswith("Đã xuất 3 dòng")


def test_empty_store_renders(tmp_path):
    from fieldapp.store import DeviceStore

    store = DeviceStore.open(tmp_path / "empty.db")
    screen = build_coverage_screen(store, today=TODAY, period=PERIOD, export_dir=tmp_path)
    screen.render(screen.load())
    assert village_table([]).rows == []
    assert screen.charts.controls == []
    assert [t for t in texts(screen.gap_box) if "Không còn hộ" in t]
    store.close()


def test_period_picker_defaults_and_switches(case, tmp_path):
    # Today after the campaign: the screen opens on the last 4 weeks.
    screen = build_coverage_screen(case.store, today=date(2024, 10, 23), export_dir=tmp_path)
    assert screen.period_pick.value == "last_4_weeks"
    assert [o.key for o in screen.period_pick.options] == ["last_4_weeks", "campaign", "this_month"]
    assert screen.period_text.value == "Kỳ: 26/09/2024 – 23/10/2024"
    asyncio.run(screen.refresh())
    assert screen.data.overview.total.visits == 0  # nothing in that window

    screen.period_pick.value = "campaign"
    asyncio.run(screen._on_period(None))
    assert screen.period_text.value == "Kỳ: 09/05/2024 – 30/09/2024"
    assert screen.data.overview.total.visits == 10  # the fixed case, whole campaign
