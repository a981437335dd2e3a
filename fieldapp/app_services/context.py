"""The app's state for one running app: data folder, store, runner, language, identity.

Configuration is read once: the data folder comes from ``$FIELDAPP_HOME``, then
``$FLET_APP_STORAGE_DATA`` (set by packaged Flet apps), then ``~/.local/share/fieldapp``.

>>> import tempfile
>>> ctx = AppContext.open(tempfile.mkdtemp())
>>> ctx.lang, ctx.identity is None
('vi', True)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fieldapp.app_services.identity import Identity, load_identity
from fieldapp.app_services.runner import StoreRunner
from fieldapp.app_services.settings import SettingsService, wipe_store_files
from fieldapp.store import DeviceStore

__all__ = ["STORE_FILE", "AppContext", "default_data_dir"]

STORE_FILE = "device.db"


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

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> AppContext:
        folder = Path(data_dir) if data_dir else default_data_dir()
        store = DeviceStore.open(folder / STORE_FILE)
        return cls(
            data_dir=folder,
            store=store,
            runner=StoreRunner(),
            lang=SettingsService(store).language(),
            identity=load_identity(store),
        )

    @property
    def store_path(self) -> Path:
        return self.data_dir / STORE_FILE

    def reload_identity(self) -> Identity | None:
        """Re-read who is enrolled (after enrolment or a sync that changed the team)."""
        self.identity = load_identity(self.store)
        return self.identity

    def sign_out(self) -> None:
        """Wipe this device's store and start a fresh one (a new device id)."""
        self.store.close()
        wipe_store_files(self.store_path)
        self.store = DeviceStore.open(self.store_path)
        self.identity = None
        SettingsService(self.store).set_language(self.lang)
