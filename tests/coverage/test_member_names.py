"""The leader's per-member coverage table names everyone who visited — a member who
joined after the leader's phone was enrolled, one who has since moved to another team
("đã rời tổ") — never a raw id. Names come from the server's member list, which now
includes whoever logged a visit in the leader's villages, and which the phone fetches
again when visits by someone it cannot name arrive. Real server, real SQLite files."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from fieldapp_harness import World, household, visit

from fieldapp.coverage import CoverageService, Period
from fieldapp.coverage.export import member_table as export_member_table
from fieldapp.domain.model import Member, Role, Village
from fieldapp.store import DeviceStore
from fieldapp.ui.coverage_views import member_table

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 11, 25)


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _names(rows):
    return {m.member_name: m for m in rows}


def test_leader_table_names_new_and_departed_members(world):
    leader = world.device("leader_a")  # its member list: the team as it was then
    newcomer = world.storage.create_member(
        Member(str(uuid.uuid4()), "Đỗ Văn Mới", Role.MEMBER, "team-a")
    )
    world.members["newcomer"] = newcomer
    for who in ("newcomer", "a2"):
        phone = world.device(who)
        visit(
            phone, household(phone, "v1", f"Hộ của {who}"), visited_at="2026-11-20T08:00:00+07:00"
        )
        assert world.sync(phone).ok
    world.storage.move_member(world.members["a2"].id, "team-b")  # Lê Văn Cường moved away

    assert world.sync(leader).ok
    rows = CoverageService(leader.db).members(PERIOD, TODAY)
    names = _names(rows)
    assert not [m for m in rows if m.member_id in m.member_name]  # no raw ids
    assert names["Đỗ Văn Mới"].figures.visits == 1 and not names["Đỗ Văn Mới"].left_team
    assert names["Lê Văn Cường"].left_team and names["Lê Văn Cường"].figures.visits == 1
    assert not names["Trần Thị Bình"].left_team  # still in the team, no visits: zeros

    ui = member_table(rows)
    first_cells = [row.cells[0].content.value for row in ui.rows]
    assert "Lê Văn Cường (đã rời tổ)" in first_cells and "Đỗ Văn Mới" in first_cells
    assert "Lê Văn Cường (left the team)" in [
        row.cells[0].content.value for row in member_table(rows, "en").rows
    ]
    exported = [r[0] for r in export_member_table(rows, PERIOD, TODAY, {}).rows]
    assert "Lê Văn Cường (đã rời tổ)" in exported
    # The departed member's phone number is not sent to the old team's phones.
    phone = leader.db.execute(
        "SELECT phone FROM members WHERE id = ?", [world.members["a2"].id]
    ).fetchone()
    assert phone == (None,)


def test_member_phones_fetch_the_list_once_per_new_unknown_author(world):
    member = world.device("a1")
    stranger = world.storage.create_member(
        Member(str(uuid.uuid4()), "Người Mới", Role.MEMBER, "team-a")
    )
    world.members["stranger"] = stranger
    phone = world.device("stranger")
    visit(phone, household(phone, "v1", "Hộ mới"), visited_at="2026-11-20T08:00:00+07:00")
    assert world.sync(phone).ok
    transport = world.transport()
    assert world.sync(member, transport).ok
    assert sum(1 for path, _, _ in transport.log if path == "/api/v1/reference") == 1
    assert member.db.execute("SELECT name FROM members WHERE id = ?", [stranger.id]).fetchone()
    again = world.transport()
    assert world.sync(member, again).ok
    assert not [p for p, _, _ in again.log if p == "/api/v1/reference"]  # nothing new: no refetch


def test_unknown_author_reads_chua_ro_ten_not_an_id(tmp_path):
    store = DeviceStore.open(tmp_path / "d.db")
    try:
        store.load_reference(villages=[Village("v1", "18754", "Thôn 1")])
        hid = str(uuid.uuid4())
        store.save_household({"id": hid, "village_id": "v1", "head_name": "A"})
        ghost = "782a65e0-0000-4000-8000-000000000009"
        store.save_visit(
            {
                "id": str(uuid.uuid4()),
                "household_id": hid,
                "member_id": ghost,
                "visited_at": "2026-11-20T08:00:00+07:00",
                "consent": "given",
                "outcome": "done",
            }
        )
        rows = CoverageService(store.db).members(PERIOD, TODAY)
        assert [m.member_name for m in rows] == ["Chưa rõ tên · 782a65e0"]
    finally:
        store.close()
