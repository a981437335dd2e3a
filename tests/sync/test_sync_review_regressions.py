"""Regressions from the sync review: each test replays a reviewer's probe through the real
app (TestClient over a real SQLite server) and real device stores."""

from __future__ import annotations

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
