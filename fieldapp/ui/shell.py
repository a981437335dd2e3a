"""The app shell: app bar with online/pending status, bottom navigation, sub-screens
with a back arrow, snack messages and the background sync loop.

Navigation is kept in Python (a stack of screen builders) rather than URL routes: the
app is one page on a phone, and a back arrow returns to the previous screen.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Protocol

import flet as ft

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.enrolment import LinkAction, link_action
from fieldapp.app_services.sync_service import AUTO_SYNC_SECONDS, SyncService, auto_sync_delay
from fieldapp.domain.model import Visit
from fieldapp.ui.enrol_view import EnrolScreen
from fieldapp.ui.home_view import HomeScreen
from fieldapp.ui.households_view import HouseholdDetailScreen, HouseholdsScreen
from fieldapp.ui.i18n import t
from fieldapp.ui.invite_view import InviteScreen
from fieldapp.ui.location_provider import GeolocatorProvider
from fieldapp.ui.settings_view import SettingsScreen
from fieldapp.ui.sync_view import SyncScreen
from fieldapp.ui.visit_view import VisitScreen

__all__ = ["AUTO_SYNC_SECONDS", "FieldApp", "Screen"]

# How often the app tries to sync in the background while it is open.


class Screen(Protocol):
    """What every screen offers the shell."""

    title: str

    def build(self) -> ft.Control: ...

    async def load(self) -> None: ...


class FieldApp:
    """One running app (one per browser tab / phone)."""

    def __init__(self, page: ft.Page, ctx: AppContext, sync: SyncService):
        self.page = page
        self.ctx = ctx
        self.sync = sync
        self.online: bool | None = None
        self.tab = 0
        self.stack: list[Screen] = []
        self.body = ft.Container(expand=True, padding=ft.Padding.all(12))
        # Compact (icon + number of unsynced records) so the screen title keeps the app
        # bar on a 360-px phone at large text; the words are the semantics label.
        self.status_text = ft.Text("", size=13, weight=ft.FontWeight.BOLD)
        self.status_icon = ft.Icon(ft.Icons.CLOUD_OFF, size=20)
        self.status_box = ft.Semantics(
            identifier="status",
            label="",
            content=ft.Row([self.status_icon, self.status_text], spacing=2, tight=True),
        )
        self._sync_lock = asyncio.Lock()
        self._loop_task: Any = None
        self._side_store: Any = None
        self._location: Any = None
        # Flet services (secure storage, share…) live as long as the app holds them.
        self.services: list[Any] = []

    # -- helpers ----------------------------------------------------------------------

    def tr(self, key: str, **fmt: object) -> str:
        return t(key, self.ctx.lang, **fmt)

    def toast(self, message: str) -> None:
        self.page.show_dialog(ft.SnackBar(content=ft.Text(message)))

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a store call off the event loop, serialised with all others."""
        return await self.ctx.runner.call(fn, *args, **kwargs)

    def location_provider(self) -> Any:
        """The position provider, created once inside a handler and kept here."""
        if self._location is None:
            self._location = GeolocatorProvider()
        return self._location

    async def side_store(self) -> Any:
        """A second connection to this device's store, for screens that run their own
        long reads in threads (coverage) without holding the UI's store lock."""
        if self._side_store is None:
            self._side_store = await asyncio.to_thread(self.ctx.open_second_store)
        return self._side_store

    def _close_side_store(self) -> None:
        if self._side_store is not None:
            with contextlib.suppress(Exception):
                self._side_store.close()
            self._side_store = None

    # -- start ------------------------------------------------------------------------

    async def start(self) -> None:
        page = self.page
        page.title = self.tr("app_title")
        page.theme = ft.Theme(color_scheme_seed=ft.Colors.TEAL)
        page.padding = 0
        page.controls = [ft.SafeArea(content=self.body, expand=True)]
        page.on_app_lifecycle_state_change = self._on_lifecycle
        # The leader's enrolment QR opens the app on /enrol?server=…&code=…: at start it
        # is the page's route, while running it arrives as a route change.
        page.on_route_change = self._on_route_change
        action = link_action(page.route, self.ctx.identity, self.ctx.lang)
        if self.ctx.identity is None:
            await self.show_enrol(action)
        else:
            await self.show_tab(0)
            self.start_background_sync()
            if action is not None:
                self.toast(action.message)

    async def _on_route_change(self, e: Any) -> None:
        action = link_action(getattr(e, "route", None), self.ctx.identity, self.ctx.lang)
        if action is None:
            return
        if action.kind == "confirm":
            await self.show_enrol(action)
        else:
            self.toast(action.message)
            self.page.update()

    async def show_enrol(self, link: LinkAction | None = None) -> None:
        """The Enrol screen; ``link`` (an enrolment link that opened the app) fills it in
        and asks for one confirmation."""
        self._close_side_store()  # signed out: the store was wiped

        self.page.navigation_bar = None
        self.page.floating_action_button = None
        self.stack = []
        screen = EnrolScreen(self, link=link)
        self.page.appbar = ft.AppBar(title=ft.Text(screen.title))
        self.body.content = screen.build()
        await screen.load()
        self.page.update()

    def after_enrol(self) -> None:
        self.start_background_sync()

    # -- navigation -------------------------------------------------------------------

    def _nav_bar(self) -> ft.NavigationBar:
        return ft.NavigationBar(
            selected_index=self.tab,
            on_change=self._on_nav,
            destinations=[
                ft.NavigationBarDestination(icon=ft.Icons.HOME, label=self.tr("nav_home")),
                ft.NavigationBarDestination(icon=ft.Icons.PEOPLE, label=self.tr("nav_households")),
                ft.NavigationBarDestination(icon=ft.Icons.SYNC, label=self.tr("nav_sync")),
                ft.NavigationBarDestination(icon=ft.Icons.MORE_HORIZ, label=self.tr("nav_more")),
            ],
        )

    async def _on_nav(self, e: Any) -> None:
        await self.show_tab(int(e.control.selected_index))

    def _tab_screen(self, index: int) -> Screen:
        if index == 1:
            return HouseholdsScreen(self)
        if index == 2:
            return SyncScreen(self)
        if index == 3:
            return SettingsScreen(self)
        return HomeScreen(self)

    async def show_tab(self, index: int) -> None:
        self.tab = index
        self.stack = [self._tab_screen(index)]
        self.page.navigation_bar = self._nav_bar()
        await self.render()

    async def push(self, screen: Screen) -> None:
        """Open a sub-screen with a back arrow."""
        self.stack.append(screen)
        await self.render()

    async def back(self, _e: Any = None) -> None:
        if len(self.stack) > 1:
            self.stack.pop()
        await self.render()

    # Screens open each other through these (the shell knows every screen; a screen
    # knows only the shell), so views never import one another.

    async def open_visit(self, household_id: str, correcting: Visit | None = None) -> None:
        """The visit form for a household (``correcting``: the visit it corrects)."""
        await self.push(VisitScreen(self, household_id, correcting=correcting))

    async def show_household(self, household_id: str) -> None:
        """Swap the top screen for a household's detail (after a visit was saved)."""
        await self.replace(HouseholdDetailScreen(self, household_id))

    async def pick_household_for_visit(self) -> None:
        """The Households tab in "pick one to visit" mode."""
        self.tab = 1
        self.page.navigation_bar.selected_index = 1
        self.stack = [HouseholdsScreen(self, pick_for_visit=True)]
        await self.render()

    async def open_invite(self) -> None:
        await self.push(InviteScreen(self))

    async def replace(self, screen: Screen) -> None:
        """Swap the top screen (e.g. form → detail after saving)."""
        if self.stack:
            self.stack.pop()
        await self.push(screen)

    async def render(self) -> None:
        screen = self.stack[-1]
        leading = (
            sid_button(ft.Icons.ARROW_BACK, self.tr("back"), self.back, "nav-back")
            if len(self.stack) > 1
            else None
        )
        self.page.appbar = ft.AppBar(
            leading=leading,
            title=ft.Text(screen.title, size=18),
            actions=[ft.Container(content=self.status_box, padding=ft.Padding.only(right=12))],
        )
        self.page.floating_action_button = getattr(screen, "fab", None)
        self.body.content = screen.build()
        await self.refresh_status()
        self.page.update()
        await screen.load()
        self.page.update()

    # -- status and sync --------------------------------------------------------------

    async def refresh_status(self) -> None:
        pending = await self.call(self.ctx.store.pending_count)
        self.status_icon.icon = ft.Icons.CLOUD_DONE if self.online else ft.Icons.CLOUD_OFF
        state = self.tr("online") if self.online else self.tr("offline")
        self.status_text.value = str(pending) if pending else ""
        self.status_box.label = f"{state} · {self.tr('pending_n', n=pending)}"

    async def run_sync(self, progress: Callable[[int, int], None] | None = None) -> Any:
        """One sync (never two at once); updates status; returns the service's summary."""
        if self.ctx.identity is None:
            return None
        async with self._sync_lock:
            summary = await asyncio.to_thread(self.sync.sync, progress)
        self.online = summary.reachable
        if summary.identity_changed:
            await self.call(self.ctx.reload_identity)
        await self.refresh_status()
        top = self.stack[-1] if self.stack else None
        if top is not None and getattr(top, "refresh_on_sync", False):
            with contextlib.suppress(Exception):
                await top.load()
        with contextlib.suppress(Exception):
            self.page.update()
        return summary

    def sync_soon(self) -> None:
        """Kick a background sync (after a save); errors are shown on the Sync screen."""
        if not self._sync_lock.locked():
            self.page.run_task(self.run_sync)

    def start_background_sync(self) -> None:
        if self._loop_task is None:
            self._loop_task = self.page.run_task(self._sync_loop)

    async def _sync_loop(self) -> None:
        while self.ctx.identity is not None:
            if not self._sync_lock.locked():
                with contextlib.suppress(Exception):
                    await self.run_sync()
            await asyncio.sleep(auto_sync_delay())
        self._loop_task = None

    async def _on_lifecycle(self, e: Any) -> None:
        if str(getattr(e, "state", "")).lower().endswith("resume"):
            self.sync_soon()

    async def set_language(self, lang: str) -> None:
        self.ctx.lang = lang
        self.page.title = self.tr("app_title")
        await self.show_tab(self.tab)


def sid_button(icon: Any, tooltip: str, on_click: Any, identifier: str) -> ft.Control:
    return ft.Semantics(
        identifier=identifier,
        content=ft.IconButton(icon=icon, tooltip=tooltip, on_click=on_click),
    )
