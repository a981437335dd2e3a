"""More: language, server, about (version, device id), sign out (refused while records
are unsynced unless explicitly confirmed), and the QR / invite / coverage screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.app_services.settings import SettingsService
from fieldapp.ui.coverage_link import coverage_screen
from fieldapp.ui.portal_views import build_portal_screen
from fieldapp.ui.widgets import ErrorLabel, console_card, refreshes, section, sid

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp


class SettingsScreen:
    def __init__(self, app: FieldApp):
        self.app = app
        self.title = app.tr("nav_more")
        self.settings = SettingsService(app.ctx.store)
        tr = app.tr
        self.lang = ft.SegmentedButton(
            segments=[
                ft.Segment(value="vi", label=ft.Text("Tiếng Việt")),
                ft.Segment(value="en", label=ft.Text("English")),
            ],
            selected=[app.ctx.lang],
            on_change=self.on_lang,
        )
        self.about = ft.Column(spacing=2)
        self.sign_out_msg = ErrorLabel()
        self.confirm = ft.Checkbox(label="", value=False, visible=False)
        self.leader_items = ft.Column(spacing=0)
        self.sign_out_btn = sid(
            "settings-sign-out",
            ft.OutlinedButton(
                content=tr("sign_out"), icon=ft.Icons.LOGOUT, on_click=self.on_sign_out
            ),
        )

    def build(self) -> ft.Control:
        tr = self.app.tr
        ident = self.app.ctx.identity
        entries: list[ft.Control] = [
            self._entry("more-qr", ft.Icons.QR_CODE, tr("nav_qr"), self.on_qr),
        ]
        if ident and ident.can_invite:
            entries.append(
                self._entry("more-invite", ft.Icons.GROUP_ADD, tr("nav_invite"), self.on_invite)
            )
        if ident and ident.is_leader:
            entries.append(
                self._entry(
                    "more-coverage", ft.Icons.INSERT_CHART, tr("nav_coverage"), self.on_coverage
                )
            )
        if ident and ident.needs_console:
            entries.append(console_card(ident.console_url, self.app.ctx.lang))
        return ft.Column(
            [
                *entries,
                ft.Divider(),
                section(tr("language")),
                sid("settings-lang", self.lang),
                section(tr("server")),
                ft.Text(ident.server_url if ident else "", selectable=True),
                section(tr("about")),
                self.about,
                ft.Divider(),
                self.sign_out_msg,
                sid("settings-confirm", self.confirm),
                self.sign_out_btn,
            ],
            spacing=10,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    def _entry(self, identifier: str, icon: Any, label: str, handler: Any) -> ft.Control:
        return sid(
            identifier, ft.ListTile(leading=ft.Icon(icon), title=ft.Text(label), on_click=handler)
        )

    async def load(self) -> None:
        about = await self.app.call(self.settings.about)
        ident = self.app.ctx.identity
        tr = self.app.tr
        lines = [tr("version", v=about.version), tr("device_id", id=about.device_id)]
        if ident:
            where = ident.team_name or ", ".join(ident.ward_names)
            lines.insert(0, f"{ident.member_name} · {where}")
        lines.append(tr("data_dir", path=str(self.app.ctx.data_dir)))
        self.about.controls = [ft.Text(x, size=13, selectable=True) for x in lines]

    async def on_lang(self, e: Any) -> None:
        lang = (list(e.control.selected) or ["vi"])[0]
        await self.app.call(self.settings.set_language, lang)
        await self.app.set_language(lang)

    @refreshes
    async def on_sign_out(self, _e: Any) -> None:
        tr = self.app.tr
        check = await self.app.call(
            self.settings.check_sign_out, confirmed=bool(self.confirm.value)
        )
        if not check.allowed:
            self.sign_out_msg.show(tr("sign_out_refused", n=check.pending))
            self.confirm.label = tr("sign_out_confirm", n=check.pending)
            self.confirm.visible = True
            return
        await self.app.call(self.app.ctx.sign_out)
        await self.app.show_enrol()

    async def on_qr(self, _e: Any) -> None:
        ident = self.app.ctx.identity
        portal = build_portal_screen(
            village=", ".join(ident.village_names) if ident else "",
            team=ident.team_name if ident else "",
            lang=self.app.ctx.lang,
        )
        await self.app.push(_Wrapped(self.app.tr("nav_qr"), portal.control))

    async def on_invite(self, _e: Any) -> None:
        await self.app.open_invite()

    async def on_coverage(self, _e: Any) -> None:
        control = await coverage_screen(self.app)
        await self.app.push(_Wrapped(self.app.tr("nav_coverage"), control))


class _Wrapped:
    """A ready-made control shown as a sub-screen."""

    def __init__(self, title: str, control: ft.Control):
        self.title = title
        self.control = control

    def build(self) -> ft.Control:
        return self.control

    async def load(self) -> None:
        return None
