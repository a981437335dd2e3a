"""Households moved between villages and teams, and a documented manual edit on the server,
reach every device: the real app (TestClient over a real server) and real device stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from fieldapp_harness import World, household, visit


def _pull_kinds(world: World, store, household_id: str) -> list[str]:
    body = world.client.get("/api/v1/pull?cursor=0", headers=world.token_headers(store)).json()
    return [c["kind"] for c in body["changes"] if c["entity_id"] == household_id]


def test_household_moved_between_villages_of_one_team_stays_on_every_device(world: World):
    a, b = world.device("a1"), world.device("a2")
    h = household(a, "v1")
    visit(a, h)
    assert world.sync(a).ok and world.sync(b).ok
    assert b.household(h) is not None

    # Move within team A's own villages (v1 → v2).
    a.save_household({**a.household(h).to_dict(), "village_id": "v2"})
    ra, rb = world.sync(a), world.sync(b)
    assert ra.ok and rb.ok
    assert ra.left_scope == 0 and rb.left_scope == 0
    fresh = world.device("a2", "fresh")
    assert world.sync(fresh).ok
    for store in (a, b, fresh):
        held = store.household(h)
        assert held is not None and held.village_id == "v2"
        assert len(store.visits_for_household(h)) == 1
    # Nor does a later sync (checksum) take it away.
    assert world.sync(b).ok and not world.sync(b).resynced and b.household(h) is not None
    # The server never tells a device of the team that the household left its scope.
    assert _pull_kinds(world, fresh, h) == ["upsert"]


def test_household_moved_to_another_team_still_leaves_the_old_teams_devices(world: World):
    a, b1 = world.device("a1"), world.device("b1")
    h = household(a, "v1")
    visit(a, h)
    assert world.sync(a).ok and world.sync(b1).ok
    officer = world.device("officer")
    assert world.sync(officer).ok
    officer.save_household({**officer.household(h).to_dict(), "village_id": "v3"})
    assert world.sync(officer).ok
    report = world.sync(a)
    assert report.ok and report.left_scope >= 1 and a.household(h) is None
    assert world.sync(b1).ok and b1.household(h).village_id == "v3"
    assert len(b1.visits_for_household(h)) == 1
    assert "left_scope" in _pull_kinds(world, a, h)

    # Moved back into team A's villages: the old exit notice is no longer sent to team A.
    officer.save_household({**officer.household(h).to_dict(), "village_id": "v2"})
    assert world.sync(officer).ok
    assert _pull_kinds(world, a, h) == ["upsert"]
    assert world.sync(a).ok and a.household(h).village_id == "v2"
    assert len(a.visits_for_household(h)) == 1
    assert world.sync(b1).ok and b1.household(h) is None


def _documented_manual_edit_sql(postgres: bool) -> str:
    """The SQL block of docs/server.md for the backend (SQLite's first, PostgreSQL's next)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "server.md").read_text()
    section = text[text.index("## Editing records by hand") :]
    start = section.index("```sql") + len("```sql")
    if postgres:
        start = section.index("```sql", start) + len("```sql")
    return section[start : section.index("```", start)]


def test_documented_manual_edit_reaches_every_device(world: World):
    a, b = world.device("a1"), world.device("a2")
    h = household(a, name="Tên cũ")
    assert world.sync(a).ok and world.sync(b).ok
    sql = _documented_manual_edit_sql(world.on_postgres).replace("<household id>", h)
    # The operator's own connection (an sqlite3 shell, psql) while the server is open.
    if world.on_postgres:
        with psycopg.connect(world.database, autocommit=True) as pg:
            pg.execute(sql.encode())
    else:
        operator = sqlite3.connect(world.db_path, isolation_level=None)
        try:
            operator.executescript(sql)
        finally:
            operator.close()
    assert world.server_rows("SELECT members_count, version FROM households") == [(4, 2)]
    for store in (a, b):
        report = world.sync(store)
        assert report.ok and not report.resynced  # an ordinary change, not a drift repair
        assert store.household(h).members_count == 4
    # A later edit from a device merges on top of it.
    b.save_household({**b.household(h).to_dict(), "phone": "0912345678"})
    assert world.sync(b).ok and world.sync(a).ok
    assert a.household(h).members_count == 4 and a.household(h).phone == "+84912345678"
