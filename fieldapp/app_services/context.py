"""The app's state for one running app: data folder, store, runner, language, identity,
and the vault holding the device token (secure storage on phones; see token_vault).

Configuration is read once: the data folder comes from ``$FIELDAPP_HOME``, then
``$FLET_APP_STORAGE_DATA`` (set by packaged Flet apps), then ``~/.local/share/fieldapp``.
Opening is blocking (SQLite, secure storage): call it through ``asyncio.to_thread``.

>>> import tempfile
>>> ctx = AppContext.open(tempfile.mkdtemp())
>>> ctx.lang, ctx.identity is None
('vi', True)
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from fieldapp.app_services.identity import Identity, load_identity
from fieldapp.app_services.runner import StoreRunner
from fieldapp.app_services.settings import SettingsService, wipe_store_files
from fieldapp.app_services.token_vault import StoreTokenVault, TokenVault, move_token_to_vault
from fieldapp.store import DeviceStore

__all__ = ["STORE_FILE", "AppContext", "default_data_dir"]

STORE_FILE = "device.db"
logger = logging.getLogger(__name__)


def default_data_dir() -> Path:
    """Where this device keeps its store (see module docstring for the order)."""
    for var in ("FIELDAPP_HOME", "FLET_APP_STORAGE_DATA"):
        value = os.environ.get(var)
        if value:
            return Path(value)
    return Path.home() / ".local" / "share" / "fieldapp"


@dataclass
class AppContext:
    data_dir: Path
    store: DeviceStore
    runner: StoreRunner
    lang: str
    identity: Identity | None
    vault: TokenVault

    @classmethod
    def open(
        cls, data_dir: str | Path | None = None, vault: TokenVault | None = None
    ) -> AppContext:
        """Open the store; with a secure ``vault``, first move an old token into it."""
        folder = Path(data_dir) if data_dir else default_data_dir()
        store = DeviceStore.open(folder / STORE_FILE)
        vault = vault or StoreTokenVault(folder / STORE_FILE)
        try:
            move_token_to_vault(store, vault)
        except Exception:
            # Secure storage refused: the token stays in meta and is used from there this
            # time (the member stays enrolled); the move is tried again at the next start.
            logger.warning("device token left in the store: secure storage failed", exc_info=True)
            vault = StoreTokenVault(folder / STORE_FILE)
        return cls(
            data_dir=folder,
            store=store,
            runner=StoreRunner(),
            lang=SettingsService(store).language(),
            identity=load_identity(store, vault),
            vault=vault,
        )

    @property
    def store_path(self) -> Path:
        return self.data_dir / STORE_FILE

    def open_second_store(self) -> DeviceStore:
        """Another connection to this device's store (a screen's long reads in threads,
        e.g. coverage, without holding the UI's store lock). Blocking."""
        return DeviceStore.open(self.store_path)

    def reload_identity(self) -> Identity | None:
        """Re-read who is enrolled (after enrolment or a sync that changed the team)."""
        self.identity = load_identity(self.store, self.vault)
        return self.identity

    def sign_out(self) -> None:
        """Forget the token, wipe this device's store and start a fresh one (new device id)."""
        self.vault.clear()
        self.store.close()
        wipe_store_files(self.store_path)
        self.store = DeviceStore.open(self.store_path)
        self.identity = None
        SettingsService(self.store).set_language(self.lang)
