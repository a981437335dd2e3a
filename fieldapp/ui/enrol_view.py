"""Enrol: server address + enrolment code (or a pasted enrolment link); shows the team
and villages joined, then continues to Home. Later launches skip this screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.app_services.enrolment import LinkAction
from fieldapp.ui.widgets import big_button, console_card, refreshes, sid

__all__ = [
    "EnrolScreen",
]

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp


class EnrolScreen:
    """``link``: an enrolment link opened the app — the form comes filled in and one tap
    on "Đăng ký" confirms; the fields stay editable (typing is the fallback)."""

    def __init__(self, app: FieldApp, link: LinkAction | None = None):
        self.app = app
        tr = app.tr
        self.title = tr("enrol_title")
        confirm = link is not None and link.kind == "confirm"
        self.server = ft.TextField(
            label=tr("server"),
            value=link.server_url if confirm and link else "",
            keyboard_type=ft.KeyboardType.URL,
        )
        self.code = ft.TextField(
            label=tr("enrol_code"), value=link.code if confirm and link else ""
        )
        if confirm and link:
            intro = tr("enrol_from_link", server=link.server_url)
        elif link is not None:
            intro = f"{link.message}\n{tr('enrol_intro')}"
        else:
            intro = tr("enrol_intro")
        self.status = ft.Text("", size=14)
        self.result = ft.Column(spacing=4, visible=False)
        self.form = ft.Column(
            [
                sid("enrol-intro", ft.Text(intro, size=14)),
                sid("enrol-server", self.server),
                sid("enrol-code", self.code),
                big_button(tr("enrol_button"), self.on_enrol, identifier="enrol-submit"),
                self.status,
            ],
            spacing=12,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    def build(self) -> ft.Control:
        return ft.Column(
            [self.form, sid("enrol-result", self.result)],
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        # An enrolment link opened in the browser (…/?server=…&code=…) pre-fills the form.
        query = getattr(self.app.page, "query", None)
        try:
            server = query.get("server") if query else None
            code = query.get("code") if query else None
        except Exception:
            server = code = None
        if server and not self.server.value:
            self.server.value = server
        if code and not self.code.value:
            self.code.value = code

    @refreshes
    async def on_enrol(self, _e: Any) -> None:
        tr = self.app.tr
        self.server.error = self.code.error = None
        self.status.value = tr("enrolling")
        self.app.page.update()
        outcome = await self.app.call(
            self.app.sync.enrol, self.server.value or "", self.code.value or "", self.app.ctx.lang
        )
        self.status.value = ""
        if not outcome.ok:
            self.server.error = outcome.errors.get("server")
            self.code.error = outcome.errors.get("code")
            return
        ident = await self.app.call(self.app.ctx.reload_identity)
        needs_console = ident is not None and ident.needs_console
        role = (
            tr(f"role_{outcome.role}")
            if outcome.role in ("member", "leader", "officer")
            else outcome.role
        )
        self.form.visible = False
        self.result.visible = True
        self.result.controls = [
            ft.Icon(ft.Icons.CHECK_CIRCLE, color=ft.Colors.GREEN, size=48),
            ft.Text(
                tr("enrolled_as", name=outcome.member_name, role=role),
                size=18,
                weight=ft.FontWeight.BOLD,
            ),
            ft.Text(f"{tr('team')}: {outcome.team_name}") if outcome.team_name else ft.Text(""),
            ft.Text(tr("villages_joined", names=", ".join(outcome.village_names))),
            *([console_card(ident.console_url, self.app.ctx.lang)] if needs_console else []),
            big_button(tr("continue"), self.on_continue, identifier="enrol-continue"),
        ]

    async def on_continue(self, _e: Any) -> None:
        await self.app.show_tab(0)
        self.app.after_enrol()
