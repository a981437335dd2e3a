"""The cases of docs sync.md (1–14, 16–21) against the real app and real SQLite files.

Faults are injected in the transport (FaultyTransport) or by real SQLite failures.
"""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
from fastapi.testclient import TestClient
from fieldapp_harness import (
    API,
    BASE,
    World,
    device_snapshot,
    household,
    server_snapshot,
    threads,
    visit,
)

from fieldapp.domain.validation import ValidationError
from fieldapp.sync.client import SyncClient
from fieldapp.sync.enrol import enrol, reset_device_identity
from fieldapp.sync.errors import DeviceResetError, ProtocolVersionError, SyncAuthError

TEAM_A = {"v1", "v2"}


def outbox_states(store) -> dict[str, int]:
    return dict(store.db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())


def push_body(store, entries) -> dict:
    return {
        "device_id": store.device_id,
        "batch": [
            {
                "seq": e.seq,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "op": e.op,
                "payload": e.payload,
                "base_version": e.base_version,
                "created_at": e.created_at,
            }
            for e in entries
        ],
    }


# 1 ---------------------------------------------------------------------------------------


def test_case01_failed_local_save_leaves_neither_row_nor_outbox(world: World):
    a = world.device("a1")
    h = household(a)
    before = (a.pending_count(), a.db.execute("SELECT count(*) FROM visits").fetchone()[0])
    # A real SQLite failure at the outbox insert, after the visit row was written.
    a.db.execute(
        "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        visit(a, h)
    after = (a.pending_count(), a.db.execute("SELECT count(*) FROM visits").fetchone()[0])
    assert after == before
    assert a.db.execute("SELECT count(*) FROM visit_activities").fetchone()[0] == 0


# 2, 3 ------------------------------------------------------------------------------------


def test_case02_response_lost_after_commit_resend_is_duplicate(world: World):
    a = world.device("a1")
    h = household(a)
    visit(a, h)
    t = world.transport(faults=["ok", "drop_response"])  # /me ok, first push answer lost
    t.faults[0] = None
    report = world.sync(a, t)
    assert report.ok, report.error
    assert report.duplicates == 2 and report.pushed == 0
    assert world.count("visits") == 1 and world.count("households") == 1
    assert a.pending_count() == 0
    assert [f for _, f, _ in t.log][:3] == ["ok", "drop_response", "ok"]


def test_case03_ack_received_but_not_recorded_resend_is_harmless(world: World):
    a = world.device("a1")
    h = household(a)
    visit(a, h)
    client = SyncClient(a, world.client, sleep=lambda s: None)
    client._reconcile(client.device_state())
    response = client._push(a.pending_outbox())  # the server answered; the phone "crashed"
    assert response is not None and response.high_water_mark == 2
    assert a.pending_count() == 2
    report = world.sync(a)
    assert report.ok and report.duplicates == 2
    assert world.count("visits") == 1 and a.pending_count() == 0


# 4 ---------------------------------------------------------------------------------------


def test_case04_same_batch_twice_and_concurrently_applied_once(world: World):
    a = world.device("a1")
    h = household(a)
    for _ in range(5):
        visit(a, h)
    body = push_body(a, a.pending_outbox())
    headers = world.token_headers(a)
    first = world.client.post("/api/v1/push", json=body, headers=headers).json()
    second = world.client.post("/api/v1/push", json=body, headers=headers).json()
    assert first["high_water_mark"] == second["high_water_mark"] == 6
    assert {r["status"] for r in second["results"]} == {"duplicate"}
    # Twice at the same moment, through two connections to the same server.
    h2 = household(a)
    for _ in range(5):
        visit(a, h2)
    body = push_body(a, a.pending_outbox(after_seq=6))

    def send(i: int) -> dict:
        with TestClient(world.app) as c:
            return c.post("/api/v1/push", json=body, headers=headers).json()

    answers = threads(2, send)
    assert [x["high_water_mark"] for x in answers] == [12, 12]
    statuses = sorted(r["status"] for x in answers for r in x["results"])
    assert statuses.count("applied") == 6 and statuses.count("duplicate") == 6
    assert world.count("visits") == 10


# 5 ---------------------------------------------------------------------------------------


def test_case05_gap_or_reorder_refused_with_expected_seq(world: World):
    a = world.device("a1")
    h = household(a)
    visit(a, h)
    entries = a.pending_outbox()
    headers = world.token_headers(a)
    reordered = push_body(a, list(reversed(entries)))
    r = world.client.post("/api/v1/push", json=reordered, headers=headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "sequence_gap" and r.json()["error"]["expected_seq"] == 1
    only_second = push_body(a, entries[1:])
    r = world.client.post("/api/v1/push", json=only_second, headers=headers)
    assert r.status_code == 409 and r.json()["error"]["expected_seq"] == 1
    assert world.count("households") == 0 and world.count("visits") == 0
    # The device believes seq 1 was acknowledged (e.g. restored phone): it resends from 1.
    a.db.execute("UPDATE outbox SET state = 'acked' WHERE seq = 1")
    report = world.sync(a)
    assert report.ok, report.error
    assert world.count("households") == 1 and world.count("visits") == 1


# 6 ---------------------------------------------------------------------------------------


def test_case06_invalid_mutation_mid_batch_is_quarantined_queue_moves(world: World):
    a = world.device("a1")
    h = household(a)
    visit(a, h)
    bad_id = str(uuid.uuid4())
    # An older app version sent a visit without consent (this app's form would refuse).
    payload = {
        "id": bad_id,
        "household_id": h,
        "member_id": a.meta_get("member_id"),
        "visited_at": "2026-11-20T09:00:00",
        "outcome": "done",
    }
    with a.db.atomic():
        a.db["visits"].insert(
            {
                "id": bad_id,
                "household_id": h,
                "member_id": payload["member_id"],
                "visited_at": payload["visited_at"],
                "outcome": "done",
            }
        )
        a.enqueue("visit", bad_id, "create", payload, None)
    visit(a, h)
    report = world.sync(a)
    assert report.ok and report.pushed == 3 and report.rejected == 1
    assert world.count("visits") == 2
    assert a.pending_count() == 0 and outbox_states(a)["rejected"] == 1
    status, error = a.db.execute(
        "SELECT sync_status, sync_error FROM visits WHERE id = ?", [bad_id]
    ).fetchone()
    assert status == "rejected" and "consent" in error
    issue = a.db.execute(
        "SELECT kind, detail FROM sync_issues WHERE entity_id = ?", [bad_id]
    ).fetchone()
    assert issue[0] == "rejected" and json.loads(issue[1])["code"] == "invalid"
    leader = world.device("leader_a")
    items = world.client.get(
        "/api/v1/admin/quarantine", headers=world.token_headers(leader)
    ).json()["items"]
    assert [i["entity_id"] for i in items] == [bad_id]
    assert items[0]["detail"]["problems"][0]["field"] == "consent"
    # The next sync does not resend it.
    assert world.sync(a).rejected == 0


# 7 (in-process part; the real process kill is in test_server_process.py) -------------------


def test_case07_failure_mid_batch_is_all_or_nothing(world: World):
    a = world.device("a1")
    h = household(a)
    ids = [visit(a, h) for _ in range(4)]
    world.crash_on_insert("visits", ids[2], "power cut")
    world.client = TestClient(world.app, raise_server_exceptions=False)
    report = world.sync(a, max_attempts=2)
    assert report.error is not None and report.error.status == 500
    assert world.count("visits") == 0 and world.count("households") == 0
    assert world.server_rows("SELECT hwm FROM devices WHERE id = ?", [a.device_id]) == [(0,)]
    world.stop_crashing("visits")
    assert world.sync(a).ok
    assert world.count("visits") == 4 and a.pending_count() == 0


# 8 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rotate_epoch", [False, True])
def test_case08_server_restored_from_older_backup(world: World, rotate_epoch: bool):
    a = world.device("a1")
    b = world.device("a2")
    h = household(a)
    visit(a, h)
    assert world.sync(a).ok
    backup = world.backup()
    later = [visit(a, h) for _ in range(3)]
    h2 = household(a, "v2", "Đỗ Văn Hùng")
    assert world.sync(a).ok and world.sync(b).ok
    assert world.count("visits") == 4
    # Disaster: the server is restored from the older backup.
    world.restore(backup)
    if rotate_epoch:
        world.storage.rotate_epoch()
    assert world.count("visits") == 1
    report = world.sync(a)
    assert report.ok, report.error
    assert world.count("visits") == 4 and world.count("households") == 2
    assert {r[0] for r in world.server_rows("SELECT id FROM visits")} >= set(later)
    assert world.sync(b).ok
    assert device_snapshot(b) == server_snapshot(world, TEAM_A)
    assert world.server_rows("SELECT 1 FROM households WHERE id = ?", [h2])


# 9 ---------------------------------------------------------------------------------------


def test_case09_implausible_clocks_flagged_not_reordered(world: World):
    a = world.device("a1")
    h = household(a)
    old = visit(a, h, visited_at="2019-03-01T08:00:00+07:00")
    future = visit(a, h, visited_at="2035-01-01T08:00:00+07:00")
    normal = visit(a, h)
    # The phone's clock also jumped while queueing.
    a.db.execute(
        "UPDATE outbox SET created_at = '2035-06-01T00:00:00+00:00' WHERE entity_id = ?", [normal]
    )
    assert world.sync(a).ok
    flags = dict(world.server_rows("SELECT id, clock_suspect FROM visits"))
    assert flags == {old: 1, future: 1, normal: 1}
    order = [r[0] for r in world.server_rows("SELECT entity_id FROM mutation_log ORDER BY seq")]
    assert order == [h, old, future, normal]


# 10, 11, 12 ------------------------------------------------------------------------------


def _two_devices_with_household(world: World):
    a, b = world.device("a1"), world.device("a2")
    h = household(a, phone="0912345678", members_count=4)
    assert world.sync(a).ok and world.sync(b).ok
    return a, b, h


def test_case10_different_fields_both_kept_soft_conflict(world: World):
    a, b, h = _two_devices_with_household(world)
    a.save_household({**a.household(h).to_dict(), "head_name": "Nguyễn Thị Ánh Hồng"})
    b.save_household({**b.household(h).to_dict(), "members_count": 6})
    assert world.sync(a).ok
    report = world.sync(b)
    assert report.ok and report.conflicts == 1
    row = world.server_rows("SELECT head_name, members_count FROM households WHERE id = ?", [h])
    assert row == [("Nguyễn Thị Ánh Hồng", 6)]
    assert world.server_rows("SELECT kind, field FROM conflicts") == [("soft", "head_name")]
    assert world.sync(a).ok
    assert device_snapshot(a) == device_snapshot(b) == server_snapshot(world, TEAM_A)


def test_case11_same_field_last_received_wins_hard_conflict(world: World):
    a, b, h = _two_devices_with_household(world)
    a.save_household({**a.household(h).to_dict(), "address_detail": "Số 5, ngõ 2"})
    b.save_household({**b.household(h).to_dict(), "address_detail": "Số 7, ngõ 9"})
    assert world.sync(a).ok and world.sync(b).ok and world.sync(a).ok
    assert world.server_rows("SELECT address_detail FROM households") == [("Số 7, ngõ 9",)]
    conflict = world.server_rows("SELECT kind, field, server_value, device_value FROM conflicts")
    assert conflict == [("hard", "address_detail", '"Số 5, ngõ 2"', '"Số 7, ngõ 9"')]
    assert device_snapshot(a) == device_snapshot(b) == server_snapshot(world, TEAM_A)
    leader = world.device("leader_a")
    items = world.client.get("/api/v1/admin/conflicts", headers=world.token_headers(leader)).json()
    assert items["items"][0]["server_value"] == "Số 5, ngõ 2"


@pytest.mark.parametrize("delete_first", [True, False])
def test_case12_delete_vs_update_delete_wins_and_converges(world: World, delete_first: bool):
    a, b, h = _two_devices_with_household(world)
    a.delete_household(h)
    b.save_household({**b.household(h).to_dict(), "head_name": "Tên mới"})
    order = [a, b] if delete_first else [b, a]
    for store in order + order:
        assert world.sync(store).ok
    assert world.server_rows("SELECT deleted, head_name FROM households") == [(1, "Tên mới")]
    assert device_snapshot(a) == device_snapshot(b) == server_snapshot(world, TEAM_A)
    # Exactly one soft conflict, recorded on the field the first writer had changed.
    field = "deleted" if delete_first else "head_name"
    conflicts = world.server_rows("SELECT household_id, kind, field FROM conflicts ORDER BY id")
    assert conflicts == [(h, "soft", field)]


# 13 --------------------------------------------------------------------------------------


def test_case13_visits_never_arrive_before_their_household(world: World):
    a = world.device("a1")
    for _ in range(4):
        h = household(a)
        for _ in range(3):
            visit(a, h)
    t = world.transport(
        rule=lambda req: (
            "drop_request"
            if req.url.path.endswith("push") and len(t.log) % 3 == 1
            else ("drop_response" if len(t.log) % 4 == 2 else None)
        )
    )
    report = world.sync(a, t, batch_records=2, max_attempts=10)
    assert report.ok, report.error
    assert world.count("quarantine") == 0
    assert world.count("households") == 4 and world.count("visits") == 12
    assert {f for _, f, _ in t.log} >= {"drop_request", "drop_response"}


# 14 --------------------------------------------------------------------------------------


def test_case14_pull_interrupted_between_pages_while_writes_land(world: World):
    a, b = world.device("a1"), world.device("a2")
    for _ in range(3):
        h = household(a)
        for _ in range(3):
            visit(a, h)
    assert world.sync(a).ok
    calls = {"n": 0}

    def rule(req):
        if req.url.path.endswith("/pull"):
            calls["n"] += 1
            if calls["n"] == 3:
                # Writes land between pages, then the page's answer is lost.
                h2 = household(a, "v2")
                visit(a, h2)
                assert world.sync(a).ok
                return "drop_response"
        return None

    report = world.sync(b, world.transport(rule=rule), pull_limit=2, max_attempts=1)
    assert not report.ok and report.error.code == "network"
    assert world.sync(b, pull_limit=2).ok
    assert device_snapshot(b) == server_snapshot(world, TEAM_A)
    server_acts = world.count("visit_activities")
    assert b.db.execute("SELECT count(*) FROM visit_activities").fetchone()[0] == server_acts
    assert (
        b.sync.local_checksum()
        == world.client.get(
            "/api/v1/pull", params={"cursor": 10**6}, headers=world.token_headers(b)
        ).json()["checksum"]
    )


# 16 --------------------------------------------------------------------------------------


def test_case16_household_moved_to_other_village_old_device_told(world: World):
    a = world.device("a1")
    officer = world.device("officer")
    h = household(a, "v1")
    visit(a, h)
    assert world.sync(a).ok and world.sync(officer).ok
    # The device edits offline while the officer moves the household to team B's village.
    a.save_household({**a.household(h).to_dict(), "head_name": "Sửa khi offline"})
    officer.save_household({**officer.household(h).to_dict(), "village_id": "v3"})
    assert world.sync(officer).ok
    report = world.sync(a)
    assert report.ok and report.rejected == 1 and report.left_scope == 1
    assert a.household(h) is None
    assert a.db.execute("SELECT kind FROM sync_issues WHERE entity_id = ?", [h]).fetchall()[-1] == (
        "left_scope",
    )
    assert world.server_rows("SELECT reason, village_id FROM quarantine") == [
        ("out_of_scope", "v3")
    ]
    b1 = world.device("b1")
    assert b1.household(h) is not None and len(b1.visits_for_household(h)) == 1
    leader = world.device("leader_a")
    items = world.client.get(
        "/api/v1/admin/quarantine", headers=world.token_headers(leader)
    ).json()["items"]
    assert items and items[0]["payload"]["fields"]["head_name"] == "Sửa khi offline"


def test_case16_member_moved_to_other_team_scope_follows(world: World):
    a = world.device("a1")
    b1 = world.device("b1")
    hb = household(b1, "v3")
    assert world.sync(b1).ok
    ha = household(a, "v1")
    assert world.sync(a).ok
    pending = household(a, "v2", "Chưa gửi")
    world.storage.move_member(world.members["a1"].id, "team-b")
    report = world.sync(a)
    assert report.ok and report.rejected == 1 and report.left_scope == 2
    assert a.household(ha) is None and a.household(pending) is None
    assert a.household(hb) is not None
    assert {v.id for v in a.villages()} == {"v3", "v4"}
    assert world.server_rows("SELECT entity_id, reason FROM quarantine") == [
        (pending, "out_of_scope")
    ]


# 17 --------------------------------------------------------------------------------------


def test_case17_reused_device_id_with_reset_counter_refused(world: World):
    a = world.device("a1")
    h = household(a)
    visit(a, h)
    assert world.sync(a).ok
    # The app is reinstalled from a copy: same device id and token, counter reset.
    clone = world.device("a1", "clone")
    for key in ("device_id", "device_token", "server_epoch", "sync_cursor", "member_id"):
        clone.meta_set(key, a.meta_get(key))
    h2 = household(clone, "v2", "Hộ khác")
    report = world.sync(clone)
    assert isinstance(report.error, DeviceResetError) and report.error.code == "device_reset"
    assert "đăng ký lại" in report.error.message_vi
    assert clone.pending_count() == 1 and world.count("households") == 1
    reset_device_identity(clone)
    enrol(world.client, BASE, world.storage.issue_code(world.members["a1"].id).code, clone)
    assert world.sync(clone).ok
    assert world.server_rows("SELECT 1 FROM households WHERE id = ?", [h2])


# 18 --------------------------------------------------------------------------------------


def test_case18_protocol_mismatch_asks_for_update_and_keeps_outbox(world: World):
    a = world.device("a1")
    household(a)
    old = world.client.get(
        "/api/v1/me", headers={**world.token_headers(a), "X-Fieldapp-Protocol": "0"}
    )
    assert old.status_code == 426 and "cập nhật" in old.json()["error"]["message_vi"]

    class OldApp(type(world.transport())):
        def handle_request(self, request):
            request.headers["X-Fieldapp-Protocol"] = "0"
            return super().handle_request(request)

    report = world.sync(a, OldApp(inner=world.client._transport))
    assert isinstance(report.error, ProtocolVersionError)
    assert a.pending_count() == 1 and world.count("households") == 0


# 19 --------------------------------------------------------------------------------------


def test_case19_token_revoked_mid_sync_stops_then_no_duplicates(world: World):
    a = world.device("a1")
    h = household(a)
    for _ in range(9):
        visit(a, h)
    pushes = {"n": 0}

    def rule(req):
        if req.url.path.endswith("/push"):
            pushes["n"] += 1
            if pushes["n"] == 2:
                world.storage.revoke_device(a.device_id)
        return None

    report = world.sync(a, world.transport(rule=rule), batch_records=3)
    assert isinstance(report.error, SyncAuthError) and report.error.status == 401
    assert "mã đăng ký mới" in report.error.message_vi
    assert a.pending_count() == 7 and world.count("visits") == 2
    enrol(world.client, BASE, world.storage.issue_code(world.members["a1"].id).code, a)
    report = world.sync(a)
    assert report.ok, report.error
    assert world.count("visits") == 9 and a.pending_count() == 0


# 21 --------------------------------------------------------------------------------------


def test_case21_manual_server_edit_triggers_scope_redownload(world: World):
    a, b = world.device("a1"), world.device("a2")
    h = household(a)
    assert world.sync(a).ok and world.sync(b).ok
    gone = visit(b, h)  # another device's visit: a's outbox cannot restore it
    assert world.sync(b).ok and world.sync(a).ok and a.visit(gone) is not None
    assert world.sync(a).resynced is False
    with world.storage.db.write() as w:
        w.conn.execute("UPDATE households SET head_name = 'Sửa tay', version = version + 1")
        w.conn.execute("DELETE FROM visit_activities WHERE visit_id = ?", [gone])
        w.conn.execute("DELETE FROM visits WHERE id = ?", [gone])
    report = world.sync(a)
    assert report.ok and report.resynced
    assert a.household(h).head_name == "Sửa tay"
    assert a.visit(gone) is None
    assert world.sync(a).resynced is False


def test_validation_error_is_not_written(world: World):
    a = world.device("a1")
    with pytest.raises(ValidationError):
        a.save_household({"id": str(uuid.uuid4()), "village_id": "v1"})
    assert a.pending_count() == 0
    assert API
