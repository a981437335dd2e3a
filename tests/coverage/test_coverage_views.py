"""The Flet coverage views built without a page from a small device store."""

from __future__ import annotations

import asyncio
import csv
from datetime import date

import flet as ft
from coverage_case import PERIOD, TODAY

from fieldapp.coverage import DATA_LABEL_VI
from fieldapp.ui.coverage_views import build_coverage_screen, village_table


def descendants(control):
    """``control`` and every control below it (depth first)."""
    yield control
    for name in ("content", "controls", "cells", "rows", "columns", "label", "title",
                 "subtitle"):  # fmt: skip
        child = getattr(control, name, None)
        for item in child if isinstance(child, list) else [child]:
            if isinstance(item, ft.BaseControl):
                yield from descendants(item)


def texts(control) -> list[str]:
    """Every Text value below ``control`` (depth first)."""
    return [c.value for c in descendants(control) if isinstance(c, ft.Text) and c.value]


def bars_in(control) -> list[ft.Semantics]:
    """The target bars (``coverage-target-…`` semantics nodes) below ``control``."""
    return [
        c
        for c in descendants(control)
        if isinstance(c, ft.Semantics) and (c.identifier or "").startswith("coverage-target-")
    ]


def bar_ids(control) -> list[str]:
    return [b.identifier for b in bars_in(control)]


def fill_of(bar: ft.Semantics) -> int:
    """The filled share (of 1000) of a target bar: the first row's first expand."""
    track = bar.content.content.controls[0]
    return track.controls[0].expand if len(track.controls) == 2 else 0


def tick_of(bar: ft.Semantics) -> int | None:
    """Where the target tick sits (of 1000): the share before the 3-px marker."""
    marker = bar.content.content.controls[1]
    widths = [c.width for c in marker.controls]
    if 3 not in widths:
        return None
    before = marker.controls[widths.index(3) - 1] if widths.index(3) else None
    return before.expand if before is not None and before.expand else 0


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
    # The 5th indicator: results back for none of V1's 2 dossiers (both only submitted).
    assert rows[0][5:] == ["60,0%", "66,7%", "100,0%", "100,0%", "0,0%"]
    assert rows[1][7] == "không có số liệu"  # Thôn Đông: no dossiers → no full-online share
    assert rows[2][2] == "0 (không có số liệu)"

    all_text = texts(screen.control)
    assert any(DATA_LABEL_VI in t for t in all_text)
    assert any("7 hộ" in t and "5/7" in t for t in all_text)

    charts = screen.charts.controls
    assert len(charts) == 5  # one per campaign indicator
    # Each indicator: the total against its target, then one bar per village.
    key = screen.data.overview.indicators[2].key
    bars = bar_ids(charts[2])
    assert bars == [f"coverage-target-{key}"] + [
        f"coverage-target-{key}-{case.ids[v]}" for v in ("V1", "V2", "V3")
    ]
    lines = texts(charts[2])
    assert "Thôn Bắc: 100,0%" in lines and "Thôn Đông: không có số liệu" in lines
    for chart in charts:  # the target is drawn on every bar
        assert all(tick_of(b) is not None for b in bars_in(chart))

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
    # No villages: every indicator still shows its target, with "no data".
    assert all("không có số liệu" in " ".join(texts(c)) for c in screen.charts.controls)
    assert all(fill_of(b) == 0 for c in screen.charts.controls for b in bars_in(c))
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


def test_one_village_team_reads_each_indicator_against_its_target(tmp_path):
    """A one-village team: no "one bar per chart" — each indicator is one bar filled to
    its value with the target's tick on it, and a line saying both in words."""
    from coverage_case import WARD

    from fieldapp.domain import Team, Village
    from fieldapp.store import DeviceStore

    store = DeviceStore.open(tmp_path / "one.db")
    store.load_reference(
        villages=[Village("v1", WARD, "Thôn Một")],
        teams=[Team("t1", "Tổ CNSCĐ thôn Một", WARD, ("v1",))],
    )
    hid = "00000000-0000-4000-8000-0000000000a1"
    store.save_household({"id": hid, "village_id": "v1", "head_name": "Hộ A"})
    store.save_household({"id": hid[:-1] + "2", "village_id": "v1", "head_name": "Hộ B"})
    store.save_visit(
        {
            "id": "00000000-0000-4000-8000-0000000000b1",
            "household_id": hid,
            "member_id": "00000000-0000-4000-8000-0000000000c1",
            "visited_at": "2024-06-10T09:00:00+07:00",
            "consent": "given",
            "outcome": "done",
        }
    )
    screen = build_coverage_screen(store, today=TODAY, period=PERIOD, export_dir=tmp_path)
    screen.render(screen.load())
    totals = {i.key: i for i in screen.data.overview.indicators}
    for chart in screen.charts.controls:
        (bar,) = bars_in(chart)  # one bar per indicator, not one bar per village chart
        ind = totals[bar.identifier.removeprefix("coverage-target-")]
        assert tick_of(bar) == round(ind.target * 1000)
        assert fill_of(bar) == round((ind.value or 0) * 1000)
    visited = next(i for i in totals.values() if i.metric == "visited_share")
    line = next(t for t in texts(screen.charts) if t.startswith("Đạt 50,0%"))
    assert f"chỉ tiêu {visited.target * 100:.0f}" in line.replace(",0%", "")
    store.close()
