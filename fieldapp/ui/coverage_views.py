"""The leader's coverage screen (Flet 1.0), offline from the device store.

Thin views over :class:`fieldapp.coverage.CoverageService`: builder functions turn result
dataclasses into controls (testable without a page); :class:`CoverageScreen` loads data
with ``asyncio.to_thread`` (never SQL on the event loop) and re-renders. Every figure is
labelled as the team's own activity, not official statistics.

Entry point for navigation: ``build_coverage_screen(store_or_service)`` → an object whose
``control`` goes on the page; it loads itself when mounted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import flet as ft
import flet_charts as fch

from fieldapp.app_services.handover import output_dir
from fieldapp.coverage import (
    DATA_LABEL_EN,
    DATA_LABEL_VI,
    CoverageService,
    GapPage,
    MemberActivity,
    Overview,
    Period,
    VillageCoverage,
    WeekPoint,
)
from fieldapp.coverage.export import export_report, fmt_day, fmt_int, fmt_pct
from fieldapp.coverage.service import PERIOD_CHOICES
from fieldapp.ui.handover import ShareButton
from fieldapp.ui.i18n import t

__all__ = [
    "CoverageData",
    "CoverageScreen",
    "build_coverage_screen",
    "data_label",
    "followthrough_view",
    "gap_list",
    "indicator_charts",
    "member_table",
    "target_bar",
    "village_table",
    "weekly_chart",
]

GAP_PAGE = 30


def data_label(lang: str = "vi") -> ft.Control:
    """The label every coverage view carries (Vietnamese with English below, or English)."""
    text = DATA_LABEL_EN if lang == "en" else f"{DATA_LABEL_VI}\n({DATA_LABEL_EN})"
    return ft.Semantics(
        identifier="coverage-label",
        content=ft.Text(text, italic=True, size=12, color=ft.Colors.ORANGE_900),
    )


def _pct(value: float | None, lang: str) -> str:
    # fmt_pct's "no data" wording is Vietnamese (the exports use it too).
    return t("cov_no_data", lang) if value is None else fmt_pct(value)


def _name(item: Any, lang: str) -> str:
    """An indicator's name in ``lang``."""
    return str(item.name_en if lang == "en" and item.name_en else item.name_vi)


def _cell(text: str) -> ft.DataCell:
    return ft.DataCell(ft.Text(text))


def village_table(villages: Sequence[VillageCoverage], lang: str = "vi") -> ft.DataTable:
    """One row per village: households, reached and %, then each indicator vs its target."""
    indicators = villages[0].indicators if villages else ()
    columns = [
        ft.DataColumn(label=ft.Text(t("cov_col_village", lang))),
        ft.DataColumn(label=ft.Text(t("cov_col_households", lang)), numeric=True),
        ft.DataColumn(label=ft.Text(t("cov_col_visited", lang)), numeric=True),
        ft.DataColumn(label=ft.Text(t("cov_col_guided", lang)), numeric=True),
        ft.DataColumn(label=ft.Text(t("cov_col_due", lang)), numeric=True),
        *(
            ft.DataColumn(
                label=ft.Text(
                    t("cov_col_indicator", lang, name=_name(i, lang), target=_pct(i.target, lang))
                ),
                numeric=True,
            )
            for i in indicators
        ),
    ]
    rows = []
    for v in villages:
        f = v.figures
        rows.append(
            ft.DataRow(
                cells=[
                    _cell(v.village_name),
                    _cell(fmt_int(f.households_total)),
                    _cell(
                        f"{fmt_int(f.households_visited)} ({_pct(f.share('visited_share'), lang)})"
                    ),
                    _cell(fmt_int(f.people_guided)),
                    _cell(fmt_int(f.follow_ups_due)),
                    *(_cell(_pct(i.value, lang)) for i in v.indicators),
                ]
            )
        )
    return ft.DataTable(columns=columns, rows=rows)


_SCALE = 1000  # bar widths are Row expand shares out of this


def _share(value: float) -> int:
    return max(0, min(_SCALE, round(value * _SCALE)))


def target_bar(value: float | None, target: float, identifier: str) -> ft.Control:
    """A bar from 0 to 100 %: filled up to ``value``, a dark tick at ``target``.

    Plain containers, not a chart: it stays readable at 360 px and at large font sizes,
    and one village reads as well as ten.
    """
    met = value is not None and value >= target
    fill = _share(value or 0.0)
    tick = _share(target)
    track = ft.Row(
        [
            ft.Container(expand=fill, bgcolor=ft.Colors.GREEN_600 if met else ft.Colors.AMBER_700),
            ft.Container(expand=_SCALE - fill),
        ]
        if fill
        else [ft.Container(expand=1)],
        spacing=0,
        left=0,
        right=0,
        top=3,
        bottom=3,
    )
    marker = ft.Row(
        [
            ft.Container(expand=tick) if tick else ft.Container(width=0),
            ft.Container(width=3, bgcolor=ft.Colors.ON_SURFACE),
            ft.Container(expand=_SCALE - tick) if tick < _SCALE else ft.Container(width=0),
        ],
        spacing=0,
        left=0,
        right=0,
        top=0,
        bottom=0,
    )
    return ft.Semantics(
        identifier=identifier,
        content=ft.Container(
            height=18,
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
            border_radius=4,
            content=ft.Stack([track, marker]),
        ),
    )


def _indicator_line(item: Any, lang: str) -> str:
    value = _pct(item.value, lang)
    if item.value is None:
        return t("cov_target_line_none", lang, value=value, target=_pct(item.target, lang))
    key = "cov_target_line_met" if item.value >= item.target else "cov_target_line"
    return t(key, lang, value=value, target=_pct(item.target, lang), ratio=_pct(item.ratio, lang))


def indicator_charts(
    villages: Sequence[VillageCoverage], lang: str = "vi", totals: Sequence[Any] = ()
) -> list[ft.Control]:
    """Each indicator against its target at a glance: the scope's total as a bar with the
    target's tick, then one thinner bar per village when there are several.

    ``totals`` are the scope's :class:`IndicatorProgress` (the overview's); without them
    the first village's stand in (a one-village team: the same figures).
    """
    charts: list[ft.Control] = []
    indicators = tuple(totals) or (villages[0].indicators if villages else ())
    for k, ind in enumerate(indicators):
        rows: list[ft.Control] = [
            ft.Text(_name(ind, lang), weight=ft.FontWeight.BOLD),
            ft.Text(_indicator_line(ind, lang), size=13),
            target_bar(ind.value, ind.target, f"coverage-target-{ind.key}"),
        ]
        if len(villages) > 1:
            for v in villages:
                item = v.indicators[k]
                rows += [
                    ft.Text(f"{v.village_name}: {_pct(item.value, lang)}", size=12),
                    target_bar(
                        item.value, item.target, f"coverage-target-{ind.key}-{v.village_id}"
                    ),
                ]
        charts.append(
            ft.Semantics(
                identifier=f"coverage-chart-{ind.key}",
                content=ft.Column(rows, spacing=4),
            )
        )
    return charts


def weekly_chart(weeks: Sequence[WeekPoint], lang: str = "vi") -> ft.Control:
    """Visits and households reached per week (Monday dates on the axis)."""
    visits = [fch.LineChartDataPoint(x=i, y=w.figures.visits) for i, w in enumerate(weeks)]
    reached = [
        fch.LineChartDataPoint(x=i, y=w.figures.households_visited) for i, w in enumerate(weeks)
    ]
    step = max(1, len(weeks) // 6)
    labels = [
        fch.ChartAxisLabel(value=i, label=ft.Text(w.week_start.strftime("%d/%m"), size=10))
        for i, w in enumerate(weeks)
        if i % step == 0
    ]
    chart = fch.LineChart(
        data_series=[
            fch.LineChartData(points=visits, color=ft.Colors.BLUE_700, stroke_width=3),
            fch.LineChartData(points=reached, color=ft.Colors.GREEN_700, stroke_width=3),
        ],
        min_y=0,
        height=220,
        bottom_axis=fch.ChartAxis(labels=labels, label_size=28),
        left_axis=fch.ChartAxis(label_size=36),
    )
    return ft.Semantics(
        identifier="coverage-weekly",
        content=ft.Column(
            [
                ft.Text(t("cov_weekly", lang)),
                chart,
            ]
        ),
    )


def followthrough_line(name: str, f: Any, lang: str = "vi") -> str:
    """One scope's dossiers followed to their outcome, in words (fits a 360-px phone when
    wrapped; a wide table would not):

    "Thôn Đông: 4 hồ sơ · có kết quả 1/4 (25,0%) · bị từ chối 1 · quá hạn 1 ·
    phí nộp trực tuyến 1/2 (50,0%)"
    """
    fees_due = f.dossier_fees_paid_online + f.fees_awaiting
    return t(
        "cov_ft_line",
        lang,
        name=name,
        n=fmt_int(f.dossiers_online),
        results=fmt_int(f.results_received),
        result_pct=_pct(f.share("result_share"), lang),
        refused=fmt_int(f.dossiers_refused),
        late=fmt_int(f.dossiers_overdue),
        paid=fmt_int(f.dossier_fees_paid_online),
        fees=fmt_int(fees_due),
        paid_pct=_pct(f.share("dossier_fee_paid_share"), lang),
    )


def followthrough_view(overview: Any, lang: str = "vi") -> ft.Control:
    """Dossiers followed through (results received, refused, waiting past their time, fees
    paid online): the scope's total, each village, each procedure — every line labelled
    as the team's own records."""
    lines: list[ft.Control] = [
        ft.Text(t("cov_ft_note", lang), size=12, italic=True, color=ft.Colors.ORANGE_900),
        ft.Text(
            followthrough_line(t("cov_ft_total", lang), overview.total, lang),
            weight=ft.FontWeight.BOLD,
        ),
    ]
    lines += [
        ft.Text(followthrough_line(v.village_name, v.figures, lang), size=13)
        for v in overview.villages
    ]
    procedures = [p for p in overview.procedures if p.figures.dossiers_online]
    if procedures:
        lines.append(ft.Text(t("cov_ft_by_procedure", lang), weight=ft.FontWeight.W_500))
        lines += [
            ft.Text(
                followthrough_line(p.name_en if lang == "en" else p.name_vi, p.figures, lang),
                size=13,
            )
            for p in procedures
        ]
    return ft.Semantics(identifier="coverage-followthrough", content=ft.Column(lines, spacing=4))


def member_table(members: Sequence[MemberActivity], lang: str = "vi") -> ft.DataTable:
    keys = ("member", "visits", "hh_visited", "guided", "dossiers", "vneid")
    headers = [t(f"cov_col_{k}", lang) for k in keys]
    return ft.DataTable(
        columns=[ft.DataColumn(label=ft.Text(h), numeric=i > 0) for i, h in enumerate(headers)],
        rows=[
            ft.DataRow(
                cells=[
                    _cell(
                        t("cov_member_left", lang, name=m.member_name)
                        if m.left_team
                        else m.member_name
                    ),
                    _cell(fmt_int(m.figures.visits)),
                    _cell(fmt_int(m.figures.households_visited)),
                    _cell(fmt_int(m.figures.people_guided)),
                    _cell(fmt_int(m.figures.dossiers_online)),
                    _cell(fmt_int(m.figures.vneid_level2)),
                ]
            )
            for m in members
        ],
    )


def gap_tile(g: Any, lang: str = "vi") -> ft.Control:
    detail = g.reason_en if lang == "en" else g.reason_vi
    if g.follow_up_on:
        detail += " · " + t("cov_gap_due", lang, day=fmt_day(g.follow_up_on))
    elif g.last_visit_at:
        detail += " · " + t("cov_gap_last", lang, day=fmt_day(g.last_visit_at))
    title = g.head_name or g.address_detail or t("cov_gap_no_name", lang)
    subtitle = f"{g.address_detail} · {detail}" if g.head_name and g.address_detail else detail
    return ft.ListTile(title=ft.Text(title), subtitle=ft.Text(subtitle))


def gap_list(page: GapPage, lang: str = "vi") -> ft.Column:
    """One page of the gap list (the screen appends further pages on "Xem thêm")."""
    if not page.items:
        return ft.Column([ft.Text(t("cov_gap_none", lang))])
    return ft.Column([gap_tile(g, lang) for g in page.items])


@dataclass(frozen=True)
class CoverageData:
    overview: Overview
    members: tuple[MemberActivity, ...]
    weeks: tuple[WeekPoint, ...]
    gap_village: str | None
    gaps: GapPage


def default_export_dir() -> Path:
    """Where exports go: the app's storage on a phone (handed on through the share
    sheet), the Downloads folder on a computer (see ``app_services.handover``)."""
    return output_dir("exports")


class CoverageScreen:
    """The whole coverage screen; ``control`` goes on the page."""

    def __init__(
        self,
        service: CoverageService,
        *,
        today: date | None = None,
        period: Period | None = None,
        export_dir: Path | None = None,
        lang: str = "vi",
        title: str | None = None,
    ) -> None:
        self.service = service
        self.lang = lang
        self.today = today or date.today()
        # The campaign while it runs, else the last 4 weeks; the leader can switch.
        self.period_key = "custom" if period else service.default_choice(self.today)
        self.period = period or service.period_choice(self.period_key, self.today)
        self.export_dir = export_dir or default_export_dir()
        self.data: CoverageData | None = None
        self.gap_village: str | None = None
        self._gap_after: tuple[str, str] | None = None

        self.status = ft.Text(self.tr("cov_loading"))
        self.period_text = ft.Text(self._period_line(), size=14)
        self.period_pick = ft.Dropdown(
            label=self.tr("cov_period_pick"),
            value=None if period else self.period_key,
            options=[
                ft.DropdownOption(key=k, text=en if lang == "en" else vi)
                for k, (vi, en) in PERIOD_CHOICES.items()
            ],
            on_select=self._on_period,
        )
        self.summary = ft.Column()
        self.table_box = ft.Semantics(identifier="coverage-village-table", content=ft.Row([]))
        self.charts = ft.Column()
        self.followthrough = ft.Column()
        self.weekly_box = ft.Column()
        self.members_box = ft.Semantics(identifier="coverage-member-table", content=ft.Row([]))
        self.village_pick = ft.Dropdown(
            label=self.tr("cov_col_village"), options=[], on_select=self._on_village
        )
        self.gap_box = ft.Column()
        self.more_button = ft.TextButton(self.tr("cov_more"), visible=False, on_click=self._on_more)
        self.export_buttons = ft.Row(
            [
                ft.Semantics(
                    identifier=f"coverage-export-{kind}-{fmt}",
                    content=ft.OutlinedButton(
                        f"{self.tr(f'cov_export_{kind}')} ({fmt.upper()})",
                        icon=ft.Icons.DOWNLOAD,
                        on_click=self._export_handler(kind, fmt),
                    ),
                )
                for kind in ("villages", "members", "visits")
                for fmt in ("xlsx", "csv")
            ],
            wrap=True,
        )
        self.export_status = ft.Text("")
        self.share = ShareButton(lang, "coverage-share")
        self.control = _MountingColumn(
            self,
            [
                ft.Text(title or self.tr("cov_title"), size=22, weight=ft.FontWeight.BOLD),
                data_label(lang),
                ft.Semantics(identifier="coverage-period", content=self.period_pick),
                self.period_text,
                self.status,
                self.summary,
                ft.Row([self.table_box], scroll=ft.ScrollMode.AUTO),
                ft.Text(self.tr("cov_progress"), size=18, weight=ft.FontWeight.BOLD),
                self.charts,
                ft.Text(self.tr("cov_ft_title"), size=18, weight=ft.FontWeight.BOLD),
                self.followthrough,
                self.weekly_box,
                ft.Text(self.tr("cov_by_member"), size=18, weight=ft.FontWeight.BOLD),
                ft.Row([self.members_box], scroll=ft.ScrollMode.AUTO),
                ft.Text(self.tr("cov_gaps"), size=18, weight=ft.FontWeight.BOLD),
                self.village_pick,
                ft.Semantics(identifier="coverage-gap-list", content=self.gap_box),
                self.more_button,
                ft.Text(self.tr("cov_export"), size=18, weight=ft.FontWeight.BOLD),
                self.export_buttons,
                self.export_status,
                self.share.control,
            ],
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )

    def tr(self, key: str, **fmt: object) -> str:
        """A UI string in the screen's language."""
        return t(key, self.lang, **fmt)

    # -- loading (blocking work off the event loop) -------------------------------------

    def load(self) -> CoverageData:
        """Blocking: every query the screen needs. Call through ``asyncio.to_thread``."""
        overview = self.service.overview(self.period, self.today)
        village = self.gap_village or (
            overview.villages[0].village_id if overview.villages else None
        )
        gaps = (
            self.service.gaps(village, self.today, limit=GAP_PAGE) if village else GapPage((), None)
        )
        return CoverageData(
            overview=overview,
            members=tuple(self.service.members(self.period, self.today)),
            weeks=tuple(self.service.weekly(self.period)),
            gap_village=village,
            gaps=gaps,
        )

    async def refresh(self) -> None:
        self.status.value = self.tr("cov_loading")
        self._update()
        try:
            data = await asyncio.to_thread(self.load)
        except Exception as exc:  # shown, never swallowed silently
            # The raw error (often English) goes to the log via the re-raise, not on screen.
            self.status.value = self.tr("cov_load_failed", error=type(exc).__name__)
            self._update()
            raise
        self.render(data)
        self._update()

    def render(self, data: CoverageData) -> None:
        """Fill every control from ``data`` (no I/O)."""
        self.data = data
        self.gap_village = data.gap_village
        ov = data.overview
        tot = ov.total
        self.status.value = ""
        self.summary.controls = [
            ft.Text(
                self.tr(
                    "cov_summary",
                    visited=fmt_int(tot.households_visited),
                    total=fmt_int(tot.households_total),
                    pct=_pct(tot.share("visited_share"), self.lang),
                    visits=fmt_int(tot.visits),
                    guided=fmt_int(tot.people_guided),
                    due=fmt_int(tot.follow_ups_due),
                    overdue=fmt_int(tot.follow_ups_overdue),
                )
            )
        ]
        self.table_box.content = village_table(ov.villages, self.lang)
        self.charts.controls = indicator_charts(ov.villages, self.lang, ov.indicators)
        self.followthrough.controls = [followthrough_view(ov, self.lang)]
        self.weekly_box.controls = [weekly_chart(data.weeks, self.lang)]
        self.members_box.content = member_table(data.members, self.lang)
        self.village_pick.options = [
            ft.DropdownOption(key=v.village_id, text=v.village_name) for v in ov.villages
        ]
        self.village_pick.value = data.gap_village
        self.gap_box.controls = list(gap_list(data.gaps, self.lang).controls)
        self._gap_after = data.gaps.next_after
        self.more_button.visible = data.gaps.next_after is not None

    def _update(self) -> None:
        # Work started from did_mount/run_task is not auto-updated; without a page
        # (tests) there is nothing to update.
        try:
            self.control.update()
        except RuntimeError:
            pass

    # -- handlers ---------------------------------------------------------------------------

    def _period_line(self) -> str:
        return self.tr(
            "cov_period_line", start=fmt_day(self.period.start), end=fmt_day(self.period.end)
        )

    async def _on_period(self, e: Any) -> None:
        key = self.period_pick.value
        if not key or key not in PERIOD_CHOICES:
            return
        self.period_key = key
        self.period = self.service.period_choice(key, self.today)
        self.period_text.value = self._period_line()
        await self.refresh()

    async def _on_village(self, e: Any) -> None:
        self.gap_village = self.village_pick.value
        village = self.gap_village
        if not village:
            return
        page = await asyncio.to_thread(self.service.gaps, village, self.today, limit=GAP_PAGE)
        self.gap_box.controls = list(gap_list(page, self.lang).controls)
        self._gap_after = page.next_after
        self.more_button.visible = page.next_after is not None

    async def _on_more(self, e: Any) -> None:
        if not self.gap_village or self._gap_after is None:
            return
        page = await asyncio.to_thread(
            self.service.gaps, self.gap_village, self.today, limit=GAP_PAGE, after=self._gap_after
        )
        self.gap_box.controls = [
            *self.gap_box.controls,
            *(gap_tile(g, self.lang) for g in page.items),
        ]
        self._gap_after = page.next_after
        self.more_button.visible = page.next_after is not None

    def _export_handler(self, kind: str, fmt: str) -> Any:
        async def handler(e: Any) -> None:
            await self.export(kind, fmt)

        return handler

    async def export(self, kind: str, fmt: str) -> Path:
        """Write one report file off the event loop; returns its path."""
        stamp = self.today.strftime("%Y%m%d")
        path = self.export_dir / f"do-phu-{kind}-{stamp}.{fmt}"
        self.export_status.value = self.tr("cov_exporting")
        self._update()

        def work() -> int:
            self.export_dir.mkdir(parents=True, exist_ok=True)
            return export_report(self.service, kind, fmt, path, self.period, self.today)  # type: ignore[arg-type]

        try:
            n = await asyncio.to_thread(work)
        except OSError as exc:
            self.export_status.value = self.tr(
                "cov_export_failed", dir=self.export_dir, error=type(exc).__name__
            )
            self._update()
            raise
        self.export_status.value = self.tr("cov_exported", n=fmt_int(n), path=path)
        self.share.offer(path)
        self._update()
        return path


class _MountingColumn(ft.Column):
    """A Column that asks its screen to load once it is on a page."""

    def __init__(self, screen: CoverageScreen, controls: list[ft.Control], **kw: Any) -> None:
        super().__init__(controls=controls, **kw)
        self._screen = screen

    def did_mount(self) -> None:
        super().did_mount()  # type: ignore[no-untyped-call]  # flet 1.0.5 leaves it unannotated
        self.page.run_task(self._screen.refresh)


def build_coverage_screen(
    source: Any,
    *,
    today: date | None = None,
    period: Period | None = None,
    export_dir: Path | None = None,
    lang: str = "vi",
    title: str | None = None,
) -> CoverageScreen:
    """The coverage screen over a :class:`CoverageService` or a device store, in ``lang``.

    A device store holds only its team's villages, so its whole content is the scope.
    Exported files stay Vietnamese whatever ``lang`` is: they go to commune officials.
    """
    service = source if isinstance(source, CoverageService) else source.coverage()
    return CoverageScreen(
        service, today=today, period=period, export_dir=export_dir, lang=lang, title=title
    )
