"""Leaders: "Mời thành viên" — pick a team member, ask the server for a one-time
enrolment code and show it as a QR code (:func:`fieldapp.ui.portal_views.enrol_qr_view`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.ui.widgets import big_button, refreshes, sid

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp


class InviteScreen:
    def __init__(self, app: FieldApp):
        self.app = app
        self.title = app.tr("nav_invite")
        self.member = ft.Dropdown(label=app.tr("invite_member"), options=[], expand=True)
        self.body = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.CENTER)
        self.error = ft.Text("", color=ft.Colors.ERROR)

    def build(self) -> ft.Control:
        return ft.Column(
            [
                ft.Text(self.app.tr("invite_intro")),
                sid("invite-member", ft.Row([self.member])),
                big_button(self.app.tr("issue_code"), self.on_issue, identifier="invite-issue"),
                self.error,
                sid("invite-qr", self.body),
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        members = await self.app.call(self.app.sync.team_members)
        self.member.options = [ft.DropdownOption(key=mid, text=name) for mid, name in members]

    @refreshes
    async def on_issue(self, _e: Any) -> None:
        from fieldapp.ui.portal_views import enrol_qr_view

        if not self.member.value:
            self.error.value = self.app.tr("invite_member")
            return
        outcome = await self.app.call(
            self.app.sync.issue_invite, self.member.value, self.app.ctx.lang
        )
        if not outcome.ok:
            self.error.value = outcome.message
            return
        self.error.value = ""
        self.body.controls = [enrol_qr_view(outcome.link)]
