"""Sync: sync now, a progress bar during long syncs, the summary afterwards, and the
records the server rejected or found in conflict, with the reason in Vietnamese."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.app_services.formatting import fmt_datetime
from fieldapp.app_services.home import last_sync_at
from fieldapp.ui.widgets import big_button, refreshes, section, sid

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp

_KIND_KEYS = {
    "quarantined": "issue_rejected",
    "rejected": "issue_rejected",
    "conflict": "issue_conflict",
    "soft_conflict": "issue_conflict",
    "hard_conflict": "issue_conflict",
    "left_scope": "issue_left_scope",
}


class SyncScreen:
    # The shell reloads this screen after every sync (figures and status change).
    refresh_on_sync = True

    def __init__(self, app: FieldApp):
        self.app = app
        self.title = app.tr("nav_sync")
        self.state = ft.Text("", size=16, weight=ft.FontWeight.BOLD)
        self.last = ft.Text("", size=13)
        self.progress = ft.ProgressBar(value=None, visible=False)
        self.progress_text = ft.Text("", size=13, visible=False)
        self.summary = ft.Text("", size=14)
        self.issues = ft.Column(spacing=6)
        self.button: ft.Control = big_button(
            app.tr("sync_now"), self.on_sync, icon=ft.Icons.SYNC, identifier="sync-now"
        )

    def build(self) -> ft.Control:
        return ft.Column(
            [
                self.state,
                self.last,
                self.button,
                self.progress,
                self.progress_text,
                sid("sync-summary", self.summary),
                section(self.app.tr("sync_issues")),
                sid("sync-issues", self.issues),
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        tr = self.app.tr
        store = self.app.ctx.store
        pending = await self.app.call(store.pending_count)
        last = await self.app.call(last_sync_at, store)
        self.state.value = tr("pending_n", n=pending) if pending else tr("all_synced")
        self.last.value = tr("last_sync", when=fmt_datetime(last)) if last else tr("never_synced")
        issues = await self.app.call(self.app.sync.issues, self.app.ctx.lang)
        if not issues:
            self.issues.controls = [ft.Text(tr("no_sync_issues"), italic=True)]
        else:
            self.issues.controls = [
                ft.Container(
                    padding=10,
                    border_radius=10,
                    border=ft.Border.all(1, ft.Colors.ERROR),
                    content=ft.Column(
                        [
                            ft.Text(
                                f"{tr(_KIND_KEYS.get(i.kind, 'issue_other'))}: {i.label}",
                                weight=ft.FontWeight.W_500,
                            ),
                            ft.Text(i.reason, size=13),
                            ft.Text(fmt_datetime(i.when), size=12, italic=True),
                        ],
                        spacing=2,
                    ),
                )
                for i in issues
            ]

    def _on_progress(self, done: int, total: int) -> None:
        # Called from the sync thread: update the two controls and push them ourselves.
        if total:
            self.progress.value = min(1.0, done / total)
            self.progress_text.value = self.app.tr("sync_progress", sent=done, total=total)
        try:
            self.progress.update()
            self.progress_text.update()
        except Exception:  # the screen may have been left mid-sync
            pass

    @refreshes
    async def on_sync(self, _e: Any) -> None:
        tr = self.app.tr
        self.progress.visible = self.progress_text.visible = True
        self.progress.value = None
        self.summary.value = tr("syncing")
        self.app.page.update()
        summary = await self.app.run_sync(self._on_progress)
        self.progress.visible = self.progress_text.visible = False
        if summary is None:
            self.summary.value = tr("not_enrolled")
        elif summary.ok:
            text = tr("sync_done", pushed=summary.pushed, pulled=summary.pulled)
            if summary.rejected or summary.conflicts:
                text += f" {tr('issue_rejected')}: {summary.rejected}; "
                text += f"{tr('issue_conflict')}: {summary.conflicts}."
            self.summary.value = text
        else:
            self.summary.value = tr("sync_failed", reason=summary.message(self.app.ctx.lang))
        await self.load()
