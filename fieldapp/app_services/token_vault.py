"""Where this device keeps its token: secure storage on phones, the store's meta elsewhere.

The device token is the phone's credential on the server. On Android and iOS it lives in
the system's secure storage (Keystore / Keychain, through the official
``flet-secure-storage`` extension); on web and desktop, where there is none to rely on,
it stays in the device store's ``meta`` table as before. Everything that needs the token
goes through a :class:`TokenVault`, so services and tests never care which.

Vault calls block (SQLite, or a round trip to the phone's secure storage): they are made
from worker threads (``asyncio.to_thread`` / the store runner), never on the event loop.
:class:`SecureTokenVault` carries each call over to the event loop that owns the Flet
service and waits for it there.

A store from before this change keeps the token in ``meta``: :func:`move_token_to_vault`
moves it once, in an order that loses nothing if the app dies half-way (see there).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, Protocol, TypeVar

from fieldapp.store import DeviceStore, settings

__all__ = [
    "AsyncKeyStore",
    "SecureTokenVault",
    "StoreTokenVault",
    "TokenVault",
    "move_token_to_vault",
]

SECURE_KEY = "fieldapp.device_token"
# A secure-storage round trip takes milliseconds; a minute means the client is gone.
_TIMEOUT_S = 60.0

T = TypeVar("T")


class TokenVault(Protocol):
    """Keeps one secret: this device's token. Blocking; call from a worker thread."""

    def get(self) -> str | None: ...

    def put(self, token: str) -> None: ...

    def clear(self) -> None: ...


class StoreTokenVault:
    """The token in the device store's ``meta`` table (web and desktop)."""

    def __init__(self, store_path: str | Path):
        self.store_path = Path(store_path)

    def _call(self, fn: Any, *args: Any) -> Any:
        # Its own short-lived connection, like the sync service: callers run in threads.
        store = DeviceStore.open(self.store_path)
        try:
            return fn(store, *args)
        finally:
            store.close()

    def get(self) -> str | None:
        return self._call(lambda s: s.get(settings.DEVICE_TOKEN) or None)

    def put(self, token: str) -> None:
        self._call(lambda s: s.put(settings.DEVICE_TOKEN, token))

    def clear(self) -> None:
        self._call(lambda s: s.put(settings.DEVICE_TOKEN, None))


class AsyncKeyStore(Protocol):
    """What :class:`SecureTokenVault` needs of ``flet_secure_storage.SecureStorage``."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: Any) -> None: ...

    async def remove(self, key: str) -> None: ...


class SecureTokenVault:
    """The token in the phone's secure storage, reached from worker threads.

    ``keys`` is the ``SecureStorage`` service (kept alive by the app: a Flet service held
    by nobody is dropped), ``loop`` the event loop of the Flet session that owns it.
    """

    def __init__(self, keys: AsyncKeyStore, loop: asyncio.AbstractEventLoop):
        self.keys = keys
        self.loop = loop

    def _wait(self, coro: Coroutine[Any, Any, T]) -> T:
        try:
            on_loop = asyncio.get_running_loop() is self.loop
        except RuntimeError:  # no loop in this thread: a worker, as it should be
            on_loop = False
        if on_loop:
            coro.close()
            # Waiting here would block the very loop that must answer: never do that.
            raise RuntimeError("SecureTokenVault is blocking: call it from a worker thread")
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(_TIMEOUT_S)

    def get(self) -> str | None:
        return self._wait(self.keys.get(SECURE_KEY)) or None

    def put(self, token: str) -> None:
        self._wait(self.keys.set(SECURE_KEY, token))

    def clear(self) -> None:
        self._wait(self.keys.remove(SECURE_KEY))


def move_token_to_vault(store: DeviceStore, vault: TokenVault) -> bool:
    """Move a token left in ``meta`` by an older version into ``vault``, once.

    Order: write it to the vault, read it back, and only then remove it from ``meta``.
    If the app dies before the removal both hold the same token and the next start
    finishes the move; if the vault refuses or answers wrong, ``meta`` keeps it and the
    device stays enrolled. Returns whether a token was moved now.
    """
    if isinstance(vault, StoreTokenVault):
        return False  # it already lives there
    token = store.get(settings.DEVICE_TOKEN)
    if not token:
        return False
    vault.put(token)
    if vault.get() != token:
        raise RuntimeError("secure storage did not keep the device token; it stays in meta")
    store.put(settings.DEVICE_TOKEN, None)
    return True
