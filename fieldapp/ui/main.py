"""The app's entry point for Flet: ``ft.run(main)``; ``fieldapp app`` and the phone's
``fieldapp_main.py`` wrap it.

Each browser tab or phone gets its own :class:`FieldApp` over the device store in the
data folder (``$FIELDAPP_HOME``; see :mod:`fieldapp.app_services.context`). On Android and
iOS the device token goes to the system's secure storage (``flet-secure-storage``); on the
web and desktop it stays in the store (:mod:`fieldapp.app_services.token_vault`).
"""

from __future__ import annotations

import asyncio

import flet as ft
import flet_secure_storage as fss

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.sync_service import SyncService
from fieldapp.app_services.token_vault import SecureTokenVault, TokenVault
from fieldapp.ui.shell import FieldApp

__all__ = ["main", "phone_vault"]

PHONES = (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)


def phone_vault(page: ft.Page) -> tuple[TokenVault | None, fss.SecureStorage | None]:
    """The secure-storage vault on a phone app (None elsewhere), and its service, which
    the caller must keep referenced for the life of the session."""
    if page.web or page.platform not in PHONES:
        return None, None
    keys = fss.SecureStorage()
    return SecureTokenVault(keys, asyncio.get_running_loop()), keys


async def main(page: ft.Page) -> None:
    vault, keys = phone_vault(page)
    # Blocking (SQLite; the secure-storage vault waits on this loop, which stays free).
    ctx = await asyncio.to_thread(AppContext.open, None, vault)
    app = FieldApp(page, ctx, SyncService(ctx.store_path, vault=ctx.vault))
    if keys is not None:
        app.services.append(keys)  # a Flet service nobody references is dropped
    page.data = app  # keep a reference for the life of the session
    await app.start()


if __name__ == "__main__":  # pragma: no cover - `flet run` / packaged apps
    ft.run(main)
