"""Home: my visits today and this week, households not yet visited, follow-ups due,
records not yet synced, last sync, and the large "Ghi lượt thăm" action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.app_services.dossiers import follow_up_counts
from fieldapp.app_services.formatting import fmt_datetime, fmt_int
from fieldapp.app_services.home import home_summary
from fieldapp.ui.dossiers_view import FollowUpScreen
from fieldapp.ui.widgets import big_button, console_card, sid, stat_card

__all__ = [
    "HomeScreen",
]

if TYPE_CHECKING:
    from fieldapp.app_services.identity import Identity
    from fieldapp.ui.shell import FieldApp


def _where(ident: Identity | None) -> str:
    """The team, or for an officer without one, the ward(s) they look after."""
    if ident is None:
        return ""
    where = ident.team_name or ", ".join(ident.ward_names)
    return where[:1].upper() + where[1:]  # "phường Sông Trí" opens a line here


class HomeScreen:
    # The shell reloads this screen after every sync (figures and status change).
    refresh_on_sync = True

    def __init__(self, app: FieldApp):
        self.app = app
        self.title = app.tr("nav_home")
        self.cards = ft.ResponsiveRow(spacing=8, run_spacing=8)
        self.pending = ft.Text("", size=16, weight=ft.FontWeight.BOLD)
        self.last_sync = ft.Text("", size=13)
        self.online = ft.Text("", size=13)
        self.followups = ft.Text("", size=15, weight=ft.FontWeight.W_500)

    def build(self) -> ft.Control:
        ident = self.app.ctx.identity
        name = ident.member_name if ident else ""
        return ft.Column(
            [
                ft.Text(self.app.tr("hello", name=name), size=20, weight=ft.FontWeight.BOLD),
                ft.Text(_where(ident), size=14),
                *(
                    [console_card(ident.console_url, self.app.ctx.lang)]
                    if ident and ident.needs_console
                    else []
                ),
                big_button(
                    self.app.tr("log_visit"),
                    self.on_log_visit,
                    icon=ft.Icons.ADD_HOME,
                    identifier="home-log-visit",
                ),
                self.cards,
                sid(
                    "home-followups",
                    ft.Container(
                        padding=12,
                        border_radius=12,
                        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                        content=ft.Row(
                            [
                                ft.Icon(ft.Icons.ASSIGNMENT_TURNED_IN),
                                ft.Container(content=self.followups, expand=True),
                            ],
                        ),
                        on_click=self.on_open_followups,
                        tooltip=self.app.tr("fu_open"),
                    ),
                ),
                sid(
                    "home-sync",
                    ft.Container(
                        padding=12,
                        border_radius=12,
                        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                        content=ft.Column([self.pending, self.last_sync, self.online], spacing=4),
                        on_click=self.on_open_sync,
                    ),
                ),
                ft.Text(self.app.tr("own_figures_note"), size=12, italic=True),
            ],
            spacing=14,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        ident = self.app.ctx.identity
        s = await self.app.call(
            home_summary, self.app.ctx.store, member_id=ident.member_id if ident else None
        )
        lang = self.app.ctx.lang
        tr = self.app.tr
        self.cards.controls = [
            stat_card(tr("visits_today"), fmt_int(s.visits_today, lang), "home-today"),
            stat_card(tr("visits_week"), fmt_int(s.visits_week, lang), "home-week"),
            stat_card(tr("not_visited"), fmt_int(s.not_visited, lang), "home-never"),
            stat_card(tr("follow_ups_due"), fmt_int(s.follow_ups_due, lang), "home-due"),
        ]
        self.pending.value = tr("pending_n", n=s.pending) if s.pending else tr("all_synced")
        self.last_sync.value = (
            tr("last_sync", when=fmt_datetime(s.last_sync_at))
            if s.last_sync_at
            else tr("never_synced")
        )
        self.online.value = tr("online") if self.app.online else tr("offline")
        waiting, late = await self.app.call(follow_up_counts, self.app.ctx.store)
        self.followups.value = tr(
            "fu_home_card", n=fmt_int(waiting, lang), late=fmt_int(late, lang)
        )

    async def on_log_visit(self, _e: Any) -> None:
        await self.app.pick_household_for_visit()

    async def on_open_followups(self, _e: Any) -> None:
        await self.app.push(FollowUpScreen(self.app))

    async def on_open_sync(self, _e: Any) -> None:
        if self.app.page.navigation_bar is not None:
            self.app.page.navigation_bar.selected_index = 2
        await self.app.show_tab(2)
