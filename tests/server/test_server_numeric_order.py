"""Names with numbers in Vietnamese order on the server: "Tổ dân phố 2" < 10 < 11.

Villages page from the stored ``name_sort`` key; members and teams are sorted with
``fieldapp.text.sort_key``; keys stored before the rule changed are rewritten by the
server migration ``m009_numeric_sort_keys`` (SQLite's and its PostgreSQL twin).
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from fieldapp_harness import WARD, World, household
from sqlite_utils import Database

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.postgres.connection import PgConn, escape_nul
from fieldapp.server.schema import migrations
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.sort_keys import refresh_sort_keys

ORDERED = ["Tổ dân phố 2", "Tổ dân phố 10", "Tổ dân phố 11"]


@pytest.fixture
def world(tmp_path, database):
    w = World(tmp_path, database)
    for vid, name in (("v11", "Tổ dân phố 11"), ("v10", "Tổ dân phố 10")):
        w.storage.create_village(Village(vid, WARD, name, "tổ dân phố"))
    w.storage.create_team(Team("team-c", "Tổ CNSCĐ 10", WARD, ("v11", "v10")))
    for name in ("Thành viên 10", "Thành viên 2", "Thành viên 11"):
        w.storage.create_member(Member(str(uuid.uuid4()), name, Role.MEMBER, "team-c"))
    w.members["leader_c"] = w.storage.create_member(
        Member(str(uuid.uuid4()), "Tổ trưởng 1", Role.LEADER, "team-c")
    )
    yield w
    w.close()


def test_admin_lists_read_numbers_as_numbers(world: World):
    villages = [v.name for v in world.storage.list_villages()]
    assert villages == [f"Tổ dân phố {i}" for i in (1, 2, 3, 4, 10, 11)]
    teams = [t.name for t in world.storage.list_teams()]
    assert teams == ["Tổ CNSCĐ 1", "Tổ CNSCĐ 2", "Tổ CNSCĐ 10"]
    names = [m["name"] for m in world.storage.list_members() if m["team_id"] == "team-c"]
    assert names == ["Thành viên 2", "Thành viên 10", "Thành viên 11", "Tổ trưởng 1"]


def test_reference_and_coverage_tables_read_numbers_as_numbers(world: World):
    leader = world.device("leader_c")
    assert [v.name for v in leader.villages()] == ["Tổ dân phố 10", "Tổ dân phố 11"]
    headers = world.token_headers(leader)
    ref = world.client.get("/api/v1/reference", headers=headers).json()
    team_names = [m["name"] for m in ref["members"]]
    assert team_names == ["Thành viên 2", "Thành viên 10", "Thành viên 11", "Tổ trưởng 1"]
    officer = world.token_headers(world.device("officer"))
    q = {"from": "2026-11-01", "to": "2026-11-30", "today": "2026-11-25"}
    body = world.client.get("/api/v1/coverage/villages", headers=officer, params=q).json()
    assert [v["village_name"] for v in body["villages"]] == [
        f"Tổ dân phố {i}" for i in (1, 2, 3, 4, 10, 11)
    ]
    teams = world.client.get("/api/v1/coverage/teams", headers=officer, params=q).json()
    assert [t["team_name"] for t in teams["teams"]] == ["Tổ CNSCĐ 1", "Tổ CNSCĐ 2", "Tổ CNSCĐ 10"]


def test_coverage_gaps_page_households_by_number(world: World):
    a1 = world.device("a1")
    for n in (10, 2, 11):
        household(a1, "v1", f"Hộ số {n}")
    assert world.sync(a1).ok
    headers = world.token_headers(world.device("leader_a"))
    q = {"village_id": "v1", "today": "2026-11-25", "limit": 2}
    first = world.client.get("/api/v1/coverage/gaps", headers=headers, params=q).json()
    names = [h["head_name"] for h in first["items"]]
    cursor = first["next_cursor"]
    assert names == ["Hộ số 2", "Hộ số 10"] and cursor
    rest = world.client.get(
        "/api/v1/coverage/gaps", headers=headers, params={**q, "cursor": cursor}
    ).json()
    assert [h["head_name"] for h in rest["items"]] == ["Hộ số 11"]


def test_m009_rewrites_keys_stored_before_numbers_were_read_as_numbers(tmp_path: Path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m009_numeric_sort_keys")
    for i, name in enumerate(["Tổ dân phố 10", "Tổ dân phố 2", "Tổ dân phố 11"]):
        conn.execute(
            "INSERT INTO villages (id, ward_code, name, kind, name_sort) VALUES (?, ?, ?, ?, ?)",
            [f"v{i}", WARD, name, "tổ dân phố", name.lower()],  # the old key: text order
        )
    conn.close()
    storage = SqliteStorage(path)
    try:
        assert [v.name for v in storage.list_villages()] == ORDERED
    finally:
        storage.close()


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_pg_m009_rewrites_old_keys_and_leaves_current_nul_escaped_ones(world: World):
    a1 = world.device("a1")
    for n in (10, 2):
        household(a1, "v1", f"Hộ số {n}")
    assert world.sync(a1).ok
    world.storage.close()
    with psycopg.connect(world.database, autocommit=True) as raw:
        conn = PgConn(raw, "postgresql:")
        conn.execute("UPDATE villages SET name_sort = lower(name)")  # the old key: text order
        conn.execute("DELETE FROM _fieldapp_migrations WHERE name = 'm009_numeric_sort_keys'")
    world.restart(closed=True)  # the upgraded server applies m009 again
    villages = [v.name for v in world.storage.list_villages()]
    assert villages == [f"Tổ dân phố {i}" for i in (1, 2, 3, 4, 10, 11)]
    with psycopg.connect(world.database, autocommit=True) as raw:
        conn = PgConn(raw, "postgresql:")
        # Every key is current now; stored NUL-escaped, which is not a difference.
        assert refresh_sort_keys(conn, as_stored=escape_nul) == 0
        escaped = conn.execute(
            "SELECT count(*) FROM households WHERE position(chr(1) IN name_sort) > 0"
        ).fetchone()
        assert escaped == (2,)  # so the comparison above did have escaped keys to match
