"""A "Chia sẻ…" button for a file the app has just written (export, poster).

It opens the system share sheet through Flet 1.0's ``Share`` service (share_plus): on a
phone Zalo, email, Drive…. Where there is none (a browser without the Web Share API,
a Linux desktop) it offers a copy through ``FilePicker.save_file`` — a download in a
browser. The file's place is always said on screen too
(``fieldapp.app_services.handover.output_dir``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import flet as ft

from fieldapp.app_services.handover import mime_type
from fieldapp.ui.i18n import t
from fieldapp.ui.widgets import sid

__all__ = ["ShareButton"]


class ShareButton:
    """Hidden until :meth:`offer` gives it a file; ``control`` goes on the screen."""

    def __init__(self, lang: str, identifier: str):
        self.lang = lang
        self.path: Path | None = None
        # Flet services, kept alive while the screen lives (an unreferenced one is dropped).
        self._share: Any = None
        self._picker: Any = None
        self.status = ft.Text("", size=12)
        self.button = ft.OutlinedButton(
            t("share_file", lang), icon=ft.Icons.SHARE, on_click=self.on_share
        )
        self.box = ft.Column([self.button, self.status], spacing=4, visible=False)
        self.control = sid(identifier, self.box)  # hidden content needs sid's wrapper

    def offer(self, path: Path) -> None:
        self.path = path
        self.status.value = ""
        self.box.visible = True

    async def on_share(self, _e: Any = None) -> None:
        if self.path is None:
            return
        path = self.path
        data = await asyncio.to_thread(path.read_bytes)  # file I/O off the event loop
        try:
            if self._share is None:
                self._share = ft.Share()
            file = ft.ShareFile.from_bytes(data, mime_type=mime_type(path), name=path.name)
            await self._share.share_files([file], subject=path.name)
            self.status.value = ""
        except Exception as share_error:
            # No share sheet (a browser without the Web Share API, a Linux desktop): save
            # a copy through the file dialog instead — in a browser, a download.
            try:
                if self._picker is None:
                    self._picker = ft.FilePicker()
                await self._picker.save_file(file_name=path.name, src_bytes=data)
                self.status.value = t("share_saved_copy", self.lang, path=path)
            except Exception:
                self.status.value = t(
                    "share_failed", self.lang, path=path, error=type(share_error).__name__
                )
        self.control.update()
