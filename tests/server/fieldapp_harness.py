"""Shared test world for server and sync tests: a real app over a real SQLite file or
PostgreSQL database (see tests/conftest.py),
enrolled devices with their own SQLite files, and a fault-injecting transport."""

from __future__ import annotations

import random
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from pg_support import copy_database, drop_database

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.app import create_app
from fieldapp.server.open_storage import open_storage
from fieldapp.server.postgres import PostgresStorage
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient
from fieldapp.sync.enrol import enrol
from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

WARD = "18754"
BASE = "http://testserver"
API = {PROTOCOL_HEADER: PROTOCOL_VERSION}


class Fault(Exception):
    pass


@dataclass
class FaultyTransport(httpx.BaseTransport):
    """Wraps the in-process transport; each queued fault applies to one request.

    Faults: ``drop_request`` (never reaches the server), ``drop_response`` (server
    handled it, the answer is lost), ``duplicate`` (sent twice), ``delay``, ``error_500``
    (a proxy answering 500 without reaching the server).
    """

    inner: httpx.BaseTransport
    faults: list[str] = field(default_factory=list)
    rule: Callable[[httpx.Request], str | None] | None = None
    log: list[tuple[str, str, int | None]] = field(default_factory=list)
    delay_s: float = 0.01

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.pop(0) if self.faults else (self.rule(request) if self.rule else None)
        body = request.read()
        if fault == "drop_request":
            self.log.append((request.url.path, fault, None))
            raise httpx.ConnectError("injected: request dropped", request=request)
        if fault == "error_500":
            self.log.append((request.url.path, fault, 500))
            return httpx.Response(500, json={"ok": False}, request=request)
        if fault == "delay":
            time.sleep(self.delay_s)
        response = self.inner.handle_request(_copy(request, body))
        response.read()
        if fault == "duplicate":
            response = self.inner.handle_request(_copy(request, body))
            response.read()
        self.log.append((request.url.path, fault or "ok", response.status_code))
        if fault == "drop_response":
            raise httpx.ReadError("injected: response lost", request=request)
        return response


def _copy(request: httpx.Request, body: bytes) -> httpx.Request:
    return httpx.Request(request.method, request.url, headers=request.headers, content=body)


class World:
    """A server with one ward, four villages, teams A (V1, V2) and B (V3, V4)."""

    def __init__(self, tmp: Path, database: str | None = None):
        self.tmp = tmp
        self.database = database or str(tmp / "server.db")
        self.db_path = Path(self.database)  # meaningful for SQLite only
        self.storage = open_storage(self.database)
        self.app = create_app(self.storage)
        self.client = TestClient(self.app)
        self.v = [
            self.storage.create_village(Village(f"v{i}", WARD, f"Tổ dân phố {i}", "tổ dân phố"))
            for i in range(1, 5)
        ]
        self.team_a = self.storage.create_team(Team("team-a", "Tổ CNSCĐ 1", WARD, ("v1", "v2")))
        self.team_b = self.storage.create_team(Team("team-b", "Tổ CNSCĐ 2", WARD, ("v3", "v4")))
        self.members: dict[str, Member] = {}
        for key, name, role, team in (
            ("leader_a", "Nguyễn Văn An", Role.LEADER, "team-a"),
            ("a1", "Trần Thị Bình", Role.MEMBER, "team-a"),
            ("a2", "Lê Văn Cường", Role.MEMBER, "team-a"),
            ("leader_b", "Phạm Thị Dung", Role.LEADER, "team-b"),
            ("b1", "Hoàng Văn Em", Role.MEMBER, "team-b"),
        ):
            self.members[key] = self.storage.create_member(
                Member(str(uuid.uuid4()), name, role, team)
            )
        self.members["officer"] = self.storage.create_member(
            Member(str(uuid.uuid4()), "Võ Thị Giang", Role.OFFICER, None), ward_code=WARD
        )
        self.stores: list[DeviceStore] = []

    def transport(self, **kw: Any) -> FaultyTransport:
        return FaultyTransport(inner=self.client._transport, **kw)

    def http(self, transport: httpx.BaseTransport | None = None) -> httpx.Client:
        if transport is None:
            return self.client
        return httpx.Client(transport=transport, base_url=BASE)

    def device(self, who: str, name: str | None = None) -> DeviceStore:
        store = DeviceStore.open(self.tmp / f"{name or who}-{uuid.uuid4().hex[:6]}.db")
        self.stores.append(store)
        code = self.storage.issue_code(self.members[who].id).code
        enrol(self.client, BASE, code, store)
        return store

    def token_headers(self, store: DeviceStore) -> dict[str, str]:
        return {**API, "Authorization": f"Bearer {store.meta_get('device_token')}"}

    def sync(self, store: DeviceStore, transport: httpx.BaseTransport | None = None, **kw: Any):
        client = SyncClient(
            store, self.http(transport), sleep=lambda s: None, rng=random.Random(0), **kw
        )
        return client.sync()

    def restart(self, *, closed: bool = False) -> None:
        """Reopen the server database (a server process restarted)."""
        if not closed:
            self.storage.close()
        self.storage = open_storage(self.database)
        self.app = create_app(self.storage)
        self.client = TestClient(self.app)

    def backup(self) -> str:
        """A copy of the server database as it is now (the server keeps running)."""
        if self.on_postgres:
            self.storage.close()
            copy = copy_database(self.database)
            self.restart(closed=True)
            return copy
        backup = self.tmp / f"backup-{uuid.uuid4().hex[:6]}.db"
        with sqlite3.connect(backup) as dst:
            src = sqlite3.connect(self.db_path)
            src.backup(dst)
            src.close()
        return str(backup)

    def restore(self, backup: str) -> None:
        """Disaster: the server database is replaced by ``backup``, and the server restarts."""
        self.storage.close()
        if self.on_postgres:
            copy_database(backup, self.database)
            drop_database(backup)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.database}{suffix}").unlink(missing_ok=True)
            shutil.copy(backup, self.db_path)
        self.restart(closed=True)

    @property
    def on_postgres(self) -> bool:
        return isinstance(self.storage, PostgresStorage)

    def crash_on_insert(self, table: str, row_id: str, message: str) -> None:
        """Make the database itself fail inserting row ``row_id`` into ``table`` (a real
        error in the middle of a transaction), until :meth:`stop_crashing`."""
        with self.storage.db.write() as w:
            if self.on_postgres:
                w.conn.execute(
                    "CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS"
                    f" $$ BEGIN RAISE EXCEPTION '{message}'; END $$"
                )
                w.conn.execute(
                    f"CREATE TRIGGER crash BEFORE INSERT ON {table} FOR EACH ROW"
                    f" WHEN (NEW.id = '{row_id}') EXECUTE FUNCTION crash()"
                )
            else:
                w.conn.execute(
                    f"CREATE TRIGGER crash BEFORE INSERT ON {table} WHEN NEW.id = '{row_id}'"
                    f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )

    def stop_crashing(self, table: str) -> None:
        with self.storage.db.write() as w:
            if self.on_postgres:
                w.conn.execute(f"DROP TRIGGER crash ON {table}")
                w.conn.execute("DROP FUNCTION crash()")
            else:
                w.conn.execute("DROP TRIGGER crash")

    def close(self) -> None:
        for s in self.stores:
            s.close()
        self.storage.close()

    # -- reading the server back --------------------------------------------------------

    def server_rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.storage.db.read() as conn:
            return conn.execute(sql, params or []).fetchall()

    def count(self, table: str) -> int:
        return self.server_rows(f"SELECT count(*) FROM {table}")[0][0]


def household(
    store: DeviceStore, village: str = "v1", name: str = "Nguyễn Thị Ánh", **extra: Any
) -> str:
    hid = extra.pop("id", None) or str(uuid.uuid4())
    store.save_household({"id": hid, "village_id": village, "head_name": name, **extra})
    return hid


def visit_payload(store: DeviceStore, household_id: str, **extra: Any) -> dict[str, Any]:
    """A valid visit by the store's member (``extra`` overrides or adds fields)."""
    return {
        "id": str(uuid.uuid4()),
        "household_id": household_id,
        "member_id": store.meta_get("member_id"),
        "visited_at": "2026-11-20T09:00:00+07:00",
        "consent": "given",
        "outcome": "done",
        "people_guided": 1,
        "activities": [{"kind": "vneid_installed"}],
        **extra,
    }


def visit(store: DeviceStore, household_id: str, **extra: Any) -> str:
    data = visit_payload(store, household_id, **extra)
    store.save_visit(data)
    return str(data["id"])


def visit_mutation(store: DeviceStore, household_id: str, **extra: Any) -> dict[str, Any]:
    """A ``create`` of :func:`visit_payload` for :func:`push_raw` (no seq yet)."""
    payload = visit_payload(store, household_id, **extra)
    return {"entity": "visit", "entity_id": payload["id"], "op": "create", "payload": payload}


def push_raw(world: World, store: DeviceStore, mutations: list[dict[str, Any]]) -> dict[str, Any]:
    """Push hand-made mutations, numbered from the device's mark on; asserts a 200."""
    hwm = world.client.get("/api/v1/me", headers=world.token_headers(store)).json()[
        "high_water_mark"
    ]
    batch = [
        {"seq": hwm + 1 + i, "created_at": "2026-11-20T09:00:00+00:00", "base_version": None, **m}
        for i, m in enumerate(mutations)
    ]
    r = world.client.post(
        "/api/v1/push",
        headers=world.token_headers(store),
        json={"device_id": store.device_id, "batch": batch},
    )
    assert r.status_code == 200, r.text
    return r.json()


def device_snapshot(store: DeviceStore) -> dict[str, Any]:
    """What a device holds that the server also holds (for convergence checks)."""
    h = store.db.execute(
        "SELECT id, village_id, head_name, address_detail, phone, members_count, deleted"
        " FROM households ORDER BY id"
    ).fetchall()
    v = store.db.execute(
        "SELECT id, household_id, superseded_by FROM visits ORDER BY id"
    ).fetchall()
    return {"households": [tuple(r) for r in h], "visits": [tuple(r) for r in v]}


def server_snapshot(world: World, villages: set[str] | frozenset[str]) -> dict[str, Any]:
    marks = ",".join("?" * len(villages))
    h = world.server_rows(
        "SELECT id, village_id, head_name, address_detail, phone, members_count, deleted"
        f" FROM households WHERE village_id IN ({marks}) ORDER BY id",
        sorted(villages),
    )
    v = world.server_rows(
        "SELECT id, household_id, superseded_by FROM visits"
        f" WHERE village_id IN ({marks}) ORDER BY id",
        sorted(villages),
    )
    return {"households": [tuple(r) for r in h], "visits": [tuple(r) for r in v]}


def threads(n: int, fn: Callable[[int], Any]) -> list[Any]:
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        out[i] = fn(i)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def bulk_visits(store: DeviceStore, n: int, households: int = 50, village: str = "v1") -> list[str]:
    """``n`` visits over a few households, saved through the store in one transaction."""
    with store.db.atomic():
        hs = [household(store, village, f"Hộ số {i}") for i in range(households)]
        return [visit(store, hs[i % households]) for i in range(n)]


def sync_until(
    world: World, store: DeviceStore, ready: Callable[[], bool], *, tries: int = 100
) -> None:
    """Sync ``store`` until ``ready()``: on PostgreSQL a pull may hold back rows behind any
    transaction still open on the cluster (the feed's visibility fence, docs/protocol.md),
    which the next pull brings; this waits for that instead of assuming one pull will do."""
    for _ in range(tries):
        assert world.sync(store).ok
        if ready():
            return
        time.sleep(0.05)
    raise AssertionError("the pull never brought what was expected")
