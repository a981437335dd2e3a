"""Settings: language, about (version, device id) and the sign-out rule.

Signing out wipes this device's store (personal data must not outlive the member's
enrolment); a wiped store is born again with a new device id. Records not yet synced
would be lost, so sign-out refuses while any are pending unless the member confirms.

>>> from fieldapp.store import DeviceStore
>>> SettingsService(DeviceStore.open(":memory:")).language()
'vi'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldapp import __version__
from fieldapp.store import DeviceStore, settings

__all__ = ["LANGUAGES", "About", "SettingsService", "SignOutCheck", "wipe_store_files"]

LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class About:
    version: str
    device_id: str


@dataclass(frozen=True)
class SignOutCheck:
    """Whether sign-out may go ahead now, and how many records it would lose."""

    allowed: bool
    pending: int
    needs_confirmation: bool


class SettingsService:
    def __init__(self, store: DeviceStore):
        self.store = store

    def language(self) -> str:
        lang = self.store.get(settings.LANG) or "vi"
        return lang if lang in LANGUAGES else "vi"

    def set_language(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}; choose one of {LANGUAGES}")
        self.store.put(settings.LANG, lang)
        return lang

    def about(self) -> About:
        return About(version=__version__, device_id=self.store.device_id)

    def check_sign_out(self, *, confirmed: bool = False) -> SignOutCheck:
        """Refuse while records are unsynced, unless the member explicitly confirmed."""
        pending = self.store.pending_count()
        return SignOutCheck(
            allowed=pending == 0 or confirmed,
            pending=pending,
            needs_confirmation=pending > 0 and not confirmed,
        )


def wipe_store_files(path: Path) -> None:
    """Delete a closed store file and its WAL/SHM companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
