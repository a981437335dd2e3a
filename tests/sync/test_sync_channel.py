"""Where a visit happened (home / phone / desk) travels with it; phones that do not send it
(older app versions) still sync, and their visits are "home" — on both backends."""

from __future__ import annotations

import sqlite3

from fieldapp_harness import World, household, push_raw, sync_until, visit, visit_mutation

from fieldapp.domain.model import Channel, Village
from fieldapp.store import DeviceStore


def test_channel_is_stored_synced_and_pulled(world: World):
    a1, a2 = world.device("a1"), world.device("a2")
    hid = household(a1)
    by_phone = visit(a1, hid, channel="phone")
    at_desk = visit(a1, hid, channel="desk", visited_at="2026-11-21T09:00:00+07:00")
    assert world.sync(a1).ok
    stored = dict(world.server_rows("SELECT id, channel FROM visits"))
    assert stored == {by_phone: "phone", at_desk: "desk"}
    sync_until(world, a2, lambda: len(a2.visits_for_household(hid)) == 2)
    assert {v.id: v.channel for v in a2.visits_for_household(hid)} == {
        by_phone: Channel.PHONE,
        at_desk: Channel.DESK,
    }


def test_an_old_phone_without_channel_still_syncs_as_home(world: World):
    a1 = world.device("a1")
    hid = household(a1)
    assert world.sync(a1).ok
    mutation = visit_mutation(a1, hid)
    assert "channel" not in mutation["payload"]  # what a phone of the previous version sends
    body = push_raw(world, a1, [mutation])
    assert [r["status"] for r in body["results"]] == ["applied"]
    assert world.server_rows(
        "SELECT channel FROM visits WHERE id = ?", [mutation["entity_id"]]
    ) == [("home",)]
    # Its resend (the answer lost) is the same visit, not a conflict.
    again = world.client.post(
        "/api/v1/push",
        headers=world.token_headers(a1),
        json={
            "device_id": a1.device_id,
            "batch": [
                {
                    "seq": body["high_water_mark"],
                    "created_at": "2026-11-20T09:00:00+00:00",
                    "base_version": None,
                    **mutation,
                }
            ],
        },
    )
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"]
    assert world.count("quarantine") == 0


def test_a_phone_database_from_before_the_channel_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    store = DeviceStore.open(path)
    store.load_reference(villages=[Village("v1", "18754", "Tổ dân phố 1")])
    hid = household(store)
    old = visit(store, hid, member_id="00000000-0000-4000-8000-000000000001")
    store.close()
    # Back to the schema of the previous version: no channel column, m003 not applied.
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE visits DROP COLUMN channel")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_visit_channel'")
    conn.commit()
    conn.close()
    store = DeviceStore.open(path)
    assert store.visit(old).channel is Channel.HOME
    store.close()
