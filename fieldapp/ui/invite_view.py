"""Leaders: "Mời thành viên" — tap a team member, the server issues a one-time
enrolment code and the screen shows it as a QR code
(:func:`fieldapp.ui.portal_views.enrol_qr_view`) with the code in large letters.

A list of members with one tap each, rather than a dropdown: bigger targets for a
thumb, and every row is a plain button for screen readers and browser tests.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.ui.portal_views import enrol_qr_view
from fieldapp.ui.widgets import ErrorLabel, refreshes, sid

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp


class InviteScreen:
    def __init__(self, app: FieldApp):
        self.app = app
        self.title = app.tr("nav_invite")
        self.members = ft.Column(spacing=0)
        self.status = ft.Text("", size=13, italic=True)
        self.error = ErrorLabel()
        self.result = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.CENTER)
        self.picker = ft.Column(
            [ft.Text(self.app.tr("invite_intro")), sid("invite-members", self.members)],
            spacing=8,
        )

    def build(self) -> ft.Control:
        return ft.Column(
            [
                self.picker,
                self.status,
                self.error,
                sid("invite-qr", self.result),
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        # Its own connection and no store lock: never wait behind a sync.
        members = await asyncio.to_thread(self.app.sync.team_members)
        tr = self.app.tr
        ident = self.app.ctx.identity
        me = ident.member_id if ident else ""
        self.members.controls = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.PERSON),
                title=ft.Text(tr("invite_me", name=name) if member_id == me else name),
                subtitle=ft.Text(tr("invite_tap")),
                trailing=ft.Icon(ft.Icons.QR_CODE_2),
                data=(member_id, name),
                on_click=self.on_issue,
            )
            for member_id, name in members
        ]
        if not members:
            self.members.controls = [ft.Text(tr("invite_none"), italic=True)]

    @refreshes
    async def on_issue(self, e: Any) -> None:
        member_id, name = e.control.data
        tr = self.app.tr
        self.error.show(None)
        self.status.value = tr("invite_issuing", name=name)
        self.app.page.update()
        # A network call: off the event loop, outside the store lock.
        outcome = await asyncio.to_thread(self.app.sync.issue_invite, member_id, self.app.ctx.lang)
        self.status.value = ""
        if not outcome.ok:
            self.error.show(outcome.message)
            return
        self.picker.visible = False
        self.result.controls = [
            ft.Text(tr("invite_for", name=name), size=16, weight=ft.FontWeight.BOLD),
            enrol_qr_view(outcome.link, lang=self.app.ctx.lang),
            sid(
                "invite-code",
                ft.Text(
                    tr("invite_code", code=outcome.code),
                    size=22,
                    weight=ft.FontWeight.BOLD,
                ),
            ),
            ft.Text(tr("invite_once"), size=13, text_align=ft.TextAlign.CENTER),
            sid(
                "invite-another",
                ft.OutlinedButton(
                    content=tr("invite_another"), icon=ft.Icons.GROUP_ADD, on_click=self.on_again
                ),
            ),
        ]

    @refreshes
    def on_again(self, _e: Any) -> None:
        self.result.controls = []
        self.picker.visible = True
