"""Member lists: roles and teams written as people write them, re-imports recognising the
members a ward has, a move to another team, and officers never created from a list."""

from __future__ import annotations

from fieldapp_harness import WARD
from import_files import csv_bytes, nfd

from fieldapp.server.imports import commit, guess_mapping, preview, read_table


def _preview(world, data, name="tv.csv"):
    raw = read_table(data, name)
    return preview(
        world.storage, raw, guess_mapping(raw, "members"), kind="members", ward_code=WARD
    )


def _members(world):
    return world.server_rows(
        "SELECT m.name, m.role, m.team_id, m.phone FROM members m"
        " WHERE m.role != 'officer' ORDER BY m.name"
    )


HEADER = ["STT", "Họ và tên", "Chức vụ", "Tổ CNSCĐ", "Số điện thoại"]


def test_members_list_with_roles_and_teams_written_loosely(world):
    rows = [
        ["DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG", "", "", "", ""],
        HEADER,
        ["1", nfd("Ngô Thị Hoa"), "Tổ viên", "Tổ CNSCĐ 1", "0912 000 001"],
        ["2", "Trần Thị Bình", "tổ viên", "to cnscd 1", ""],  # already in team A
        ["3", "Lý Văn Long", "", "TDP 3", "0912000003"],  # the team covering TDP 3
        ["4", "Mai Văn Nam", "Tổ trưởng", "Tổ 9", ""],
        ["5", "Võ Thị Giang", "Cán bộ", "Tổ CNSCĐ 2", ""],
        ["6", "Đỗ Văn Phúc", "Thủ quỹ", "Tổ CNSCĐ 2", ""],
    ]
    pv = _preview(world, csv_bytes(rows, sep=";", bom=True))
    errors = {(i.cell, i.code) for i in pv.errors()}
    assert errors == {("D6", "unknown_team"), ("C7", "officer_role"), ("C8", "bad_role")}
    assert (pv.counts["new"], pv.counts["unchanged"], pv.counts["refused"]) == (2, 1, 3)
    commit(world.storage, pv, skip_refused=True)
    members = _members(world)
    assert ("Ngô Thị Hoa", "member", "team-a", "+84912000001") in members
    assert ("Lý Văn Long", "member", "team-b", "+84912000003") in members
    assert sum(1 for m in members if m[0] == "Trần Thị Bình") == 1
    assert len(members) == 7


def test_reimport_recognises_members_and_moves_one(world):
    rows = [
        HEADER,
        ["1", "Ngô Thị Hoa", "Tổ viên", "Tổ CNSCĐ 1", "0912000001"],
        ["2", "Lý Văn Long", "Tổ trưởng", "Tổ CNSCĐ 2", ""],
    ]
    commit(world.storage, _preview(world, csv_bytes(rows)))
    again = _preview(world, csv_bytes(rows))
    assert (again.counts["new"], again.counts["unchanged"]) == (0, 2)
    moved = [HEADER, ["1", "NGO THI HOA", "Tổ viên", "Tổ CNSCĐ 2", "0912000001"], rows[2]]
    pv = _preview(world, csv_bytes(moved))
    hoa = pv.rows[0]
    assert (hoa.action, hoa.changed_fields) == ("changed", ("name", "team_id"))
    commit(world.storage, pv)
    assert ("NGO THI HOA", "member", "team-b", "+84912000001") in _members(world)
    assert len(_members(world)) == 7
