"""The device token behind a vault: secure storage on phones, the store's meta elsewhere,
moved once from meta on upgrade without ever being lost.

The phone's Keystore cannot run here: ``DictKeys`` stands in for
``flet_secure_storage.SecureStorage`` (same async get/set/remove), served by a real event
loop in its own thread, as the Flet session's loop serves the real one. Everything else is
real: the server app in-process, SQLite files on both sides, the vault's thread bridge.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from app_helpers import server_service
from fieldapp_harness import World

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.token_vault import (
    SecureTokenVault,
    StoreTokenVault,
    move_token_to_vault,
)
from fieldapp.store import DeviceStore, settings

SERVER = "http://127.0.0.1:8765"


class DictKeys:
    """An async key store; ``fail`` names the next operation that raises (once)."""

    def __init__(self, data: dict[str, str] | None = None):
        self.data = {} if data is None else data
        self.fail: str | None = None

    def _maybe_fail(self, op: str) -> None:
        if self.fail == op:
            self.fail = None
            raise OSError(f"injected: secure storage {op} failed")

    async def get(self, key):
        self._maybe_fail("get")
        return self.data.get(key)

    async def set(self, key, value):
        self._maybe_fail("set")
        self.data[key] = value

    async def remove(self, key):
        self._maybe_fail("remove")
        self.data.pop(key, None)


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _code(world, who="a1"):
    return world.storage.issue_code(world.members[who].id).code


def _meta_token(path: Path) -> str | None:
    store = DeviceStore.open(path)
    try:
        return store.get(settings.DEVICE_TOKEN)
    finally:
        store.close()


def test_web_and_desktop_keep_the_token_in_the_store(world, tmp_path):
    ctx = AppContext.open(tmp_path / "web")
    assert isinstance(ctx.vault, StoreTokenVault)
    assert server_service(world, ctx).enrol(SERVER, _code(world)).ok
    token = _meta_token(ctx.store_path)
    assert token and ctx.vault.get() == token and ctx.reload_identity() is not None
    assert server_service(world, ctx).sync().ok
    ctx.sign_out()
    assert ctx.vault.get() is None and ctx.identity is None
    ctx.store.close()


def test_phone_enrols_into_secure_storage_and_syncs_with_it(world, tmp_path, loop):
    keys = DictKeys()
    ctx = AppContext.open(tmp_path / "phone", SecureTokenVault(keys, loop))
    service = server_service(world, ctx)
    outcome = service.enrol(SERVER, _code(world))
    assert outcome.ok, outcome.errors
    assert _meta_token(ctx.store_path) is None  # never written in clear
    token = next(iter(keys.data.values()))
    assert world.storage.authenticate(token).member_id == world.members["a1"].id
    assert ctx.reload_identity() is not None
    assert service.sync().ok
    # Without the secure token the device is not enrolled (the store alone is not enough).
    keys.data.clear()
    assert ctx.reload_identity() is None and not service.sync().ok
    ctx.store.close()


def test_upgrade_moves_the_token_once_and_it_keeps_working(world, tmp_path, loop):
    old = AppContext.open(tmp_path / "phone")  # an older version: token in meta
    assert server_service(world, old).enrol(SERVER, _code(world)).ok
    token = _meta_token(old.store_path)
    old.store.close()
    keys = DictKeys()
    ctx = AppContext.open(tmp_path / "phone", SecureTokenVault(keys, loop))
    assert _meta_token(ctx.store_path) is None
    assert list(keys.data.values()) == [token]
    assert ctx.identity is not None and server_service(world, ctx).sync().ok
    assert move_token_to_vault(ctx.store, ctx.vault) is False  # once: nothing left to move
    ctx.store.close()


@pytest.mark.parametrize("fail", ["set", "get"])
def test_a_failed_move_loses_nothing_and_is_finished_next_start(world, tmp_path, loop, fail):
    """``set`` fails: nothing written; ``get`` fails: the app "dies" after writing the
    secure copy but before removing the one in meta. Either way the member stays
    enrolled on the token in meta, and the next start completes the move."""
    old = AppContext.open(tmp_path / "phone")
    assert server_service(world, old).enrol(SERVER, _code(world)).ok
    token = _meta_token(old.store_path)
    old.store.close()
    keys = DictKeys()
    keys.fail = fail
    ctx = AppContext.open(tmp_path / "phone", SecureTokenVault(keys, loop))
    assert _meta_token(ctx.store_path) == token
    assert isinstance(ctx.vault, StoreTokenVault) and ctx.identity is not None
    assert server_service(world, ctx).sync().ok
    ctx.store.close()
    again = AppContext.open(tmp_path / "phone", SecureTokenVault(keys, loop))
    assert _meta_token(again.store_path) is None and list(keys.data.values()) == [token]
    assert isinstance(again.vault, SecureTokenVault) and again.identity is not None
    again.store.close()


def test_secure_vault_refuses_to_block_its_own_loop(loop):
    vault = SecureTokenVault(DictKeys({"fieldapp.device_token": "t"}), loop)
    assert vault.get() == "t"  # from this (worker) thread: fine
    on_loop = asyncio.run_coroutine_threadsafe(_call_get(vault), loop).result(5)
    assert isinstance(on_loop, RuntimeError)


async def _call_get(vault):
    try:
        vault.get()
    except RuntimeError as exc:
        return exc
    return None
