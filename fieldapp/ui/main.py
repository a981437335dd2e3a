"""The app's entry point for Flet: ``ft.run(main)``; ``fieldapp app`` wraps it.

Each browser tab or phone gets its own :class:`FieldApp` over the device store in the
data folder (``$FIELDAPP_HOME``; see :mod:`fieldapp.app_services.context`).
"""

from __future__ import annotations

import flet as ft

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.sync_service import SyncService
from fieldapp.ui.shell import FieldApp

__all__ = ["main"]


async def main(page: ft.Page) -> None:
    import asyncio

    ctx = await asyncio.to_thread(AppContext.open)
    app = FieldApp(page, ctx, SyncService(ctx.store_path))
    page.data = app  # keep a reference for the life of the session
    await app.start()


if __name__ == "__main__":  # pragma: no cover - `flet run` / packaged apps
    ft.run(main)
