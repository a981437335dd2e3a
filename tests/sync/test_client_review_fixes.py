"""Client-side regressions from the sync review: a server restored behind the phone's
enrolment, acknowledgements beyond the batch sent, a correction that lost a race, and a
household edited while a pull runs. Real app, real SQLite on both sides."""

from __future__ import annotations

import sqlite3

from fieldapp_harness import BASE, World, household, visit

from fieldapp.store import settings
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.enrol import enrol, reset_device_identity


def test_server_restored_to_backup_older_than_enrolment_gets_records_back(world: World):
    backup = world.backup()  # nightly backup taken before the phone enrols
    a = world.device("a1")
    h = household(a)
    vids = [visit(a, h) for _ in range(3)]
    correction = visit(a, h, supersedes=vids[0], people_guided=4)
    assert world.sync(a).ok and world.count("visits") == 4
    world.restore(backup)
    world.storage.rotate_epoch()
    assert world.sync(a).error_code == "unauthenticated"  # the backup never knew the phone

    enrol(world.client, BASE, world.storage.issue_code(world.members["a1"].id).code, a)
    assert world.sync(a).ok
    assert world.server_rows("SELECT id FROM households") == [(h,)]
    assert world.server_rows("SELECT count(*) FROM visits") == [(4,)]
    assert world.server_rows("SELECT superseded_by FROM visits WHERE id = ?", [vids[0]]) == [
        (correction,)
    ]
    # The phone kept everything, and holds what the server holds.
    assert a.pending_count() == 0
    assert a.db.execute("SELECT sync_status, count(*) FROM visits GROUP BY 1").fetchall() == [
        ("synced", 4)
    ]
    assert a.db.execute("SELECT visit_count FROM households").fetchone() == (3,)
    assert world.sync(a).resynced is False  # converged: checksums agree


def test_full_resync_resends_own_visit_deleted_on_server(world: World):
    a = world.device("a1")
    h = household(a)
    own = visit(a, h)
    assert world.sync(a).ok
    with world.storage.db.write() as w:
        w.conn.execute("DELETE FROM visit_activities WHERE visit_id = ?", [own])
        w.conn.execute("DELETE FROM visits WHERE id = ?", [own])
        w.conn.execute("DELETE FROM households WHERE id = ?", [h])
    report = world.sync(a)
    assert report.ok and report.resynced
    assert a.visit(own) is not None and a.household(h) is not None
    assert world.server_rows("SELECT id FROM visits") == [(own,)]
    assert world.server_rows("SELECT id, version FROM households") == [(h, 1)]
    assert a.db.execute("SELECT server_version, dirty FROM households").fetchone() == (1, 0)
    assert world.sync(a).resynced is False


def test_mark_beyond_the_batch_never_acknowledges_unsent_entries(world: World):
    a = world.device("a1")
    h = household(a)
    for _ in range(2):
        visit(a, h)  # seq 1..3
    copy = world.tmp / "phone-copy.db"
    a.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    with sqlite3.connect(copy) as dst:
        a.db.conn.backup(dst)  # the phone's backup: 1..3 pending
    for _ in range(3):
        visit(a, h)  # seq 4..6 on the original phone
    assert world.sync(a).ok
    restored = DeviceStore.open(copy)
    world.stores.append(restored)
    new = [visit(restored, h) for _ in range(3)]  # reuse seq 4..6 with other content
    report = world.sync(restored, batch_records=3)
    assert report.error_code == "device_reset"
    assert restored.db.execute("SELECT seq, state FROM outbox WHERE seq > 3").fetchall() == [
        (4, "pending"),
        (5, "pending"),
        (6, "pending"),
    ]
    assert int(restored.meta_get("last_acked_seq") or 0) == 3  # only what it sent
    # The documented way out: new identity, enrol, send.
    reset_device_identity(restored)
    enrol(world.client, BASE, world.storage.issue_code(world.members["a1"].id).code, restored)
    assert world.sync(restored).ok and restored.pending_count() == 0
    assert all(world.server_rows("SELECT 1 FROM visits WHERE id = ?", [v]) for v in new)


def test_apply_push_results_acknowledges_only_the_batch(world: World):
    a = world.device("a1")
    h = household(a)
    visit(a, h)
    entries = a.pending_outbox()
    assert [e.seq for e in entries] == [1, 2]
    acked = a.sync.apply_push_results(entries[:1], 2, [])
    assert acked == 1
    assert a.db.execute("SELECT seq, state FROM outbox ORDER BY seq").fetchall() == [
        (1, "acked"),
        (2, "pending"),
    ]
    assert a.sync.unsent_below(2) == 1
    assert not hasattr(a.sync, "_ack_upto")  # one implementation: DeviceStore.mark_acked


def test_correction_that_lost_the_race_stops_counting(world: World):
    a, b = world.device("a1"), world.device("a2")
    h = household(a)
    v1 = visit(a, h)
    assert world.sync(a).ok and world.sync(b).ok
    winner = visit(a, h, supersedes=v1, people_guided=2)
    loser = visit(b, h, supersedes=v1, people_guided=3)
    assert world.sync(a).ok
    report = world.sync(b)
    assert report.ok and report.rejected == 1
    effective = (
        "SELECT id, people_guided FROM visits WHERE household_id = ? AND superseded_by IS NULL"
    )
    server = world.server_rows(effective, [h])
    assert server == [(winner, 2)]
    assert b.db.execute(effective, [h]).fetchall() == server
    assert b.db.execute("SELECT visit_count FROM households").fetchone() == (1,)
    assert b.db.execute(
        "SELECT superseded_by, sync_status FROM visits WHERE id = ?", [v1]
    ).fetchone() == (winner, "synced")
    row = b.db.execute("SELECT sync_status, sync_error FROM visits WHERE id = ?", [loser])
    status, error = row.fetchone()
    assert status == "rejected" and error  # still shown, with the reason
    assert world.sync(b).ok and world.sync(b).resynced is False


def test_edit_during_pull_does_not_leave_the_device_stale(world: World):
    a, b = world.device("a1"), world.device("a2")
    h = household(a, name="Tên cũ", members_count=4)
    assert world.sync(a).ok and world.sync(b).ok
    b.save_household({**b.household(h).to_dict(), "head_name": "Tên mới", "members_count": 5})
    assert world.sync(b).ok  # server v2
    state = {"done": False}

    def edit_while_pulling(request):
        if request.url.path.endswith("/pull") and not state["done"]:
            state["done"] = True  # the user saves while the pull is in flight
            a.save_household({**a.household(h).to_dict(), "members_count": 5})
        return None

    first = world.sync(a, world.transport(rule=edit_while_pulling))
    assert first.ok and not first.resynced
    # The skipped version is not claimed: the next edit's base is what the phone saw.
    assert a.db.execute("SELECT server_version, dirty FROM households").fetchone() == (1, 1)
    second = world.sync(a)
    assert second.ok and not second.resynced
    assert a.db.execute(
        "SELECT head_name, members_count, server_version, dirty FROM households"
    ).fetchone() == ("Tên mới", 5, 2, 0)
    assert a.get(settings.REFETCH_CURSOR) is None
    assert world.sync(a).resynced is False
