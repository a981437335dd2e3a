"""Household lists into a real server: problems by cell, all-or-nothing commit, re-imports
without duplicates, phones pulling what was imported, and ID numbers never stored."""

from __future__ import annotations

import io
import json
import logging
import uuid
from dataclasses import replace

import pytest
from fieldapp_harness import WARD
from import_files import BIRTH_DATES, CCCD, CMND, messy_households, xlsx
from openpyxl import load_workbook

from fieldapp.domain.model import Role, Village
from fieldapp.server.errors import ApiError
from fieldapp.server.imports import (
    ImportRefused,
    commit,
    format_report,
    guess_mapping,
    preview,
    read_table,
)
from fieldapp.server.imports.annotate import annotated_xlsx
from fieldapp.server.storage import Principal


def _preview(world, data, name="ds.xlsx", mapping=None, by=None):
    raw = read_table(data, name)
    return preview(
        world.storage,
        raw,
        mapping if mapping is not None else guess_mapping(raw, "households"),
        kind="households",
        ward_code=WARD,
        by=by,
    )


def _households(world):
    return world.server_rows(
        "SELECT village_id, head_name, address_detail, phone, members_count, deleted"
        " FROM households ORDER BY head_name"
    )


def test_every_problem_is_shown_by_cell_and_nothing_is_written(world):
    data, at = messy_households()
    pv = _preview(world, data)
    errors = {(i.cell, i.code) for i in pv.issues if i.severity == "error"}
    assert errors == {
        (f"E{at['giang']}", "unknown_village"),
        (f"G{at['hai']}", "bad_count"),
        (f"F{at['khanh']}", "id_number_in_cell"),
    }
    warnings = {(i.cell, i.code) for i in pv.issues if i.severity == "warning"}
    assert warnings == {
        ("C", "id_column"),
        ("D", "birth_date_column"),
        (str(at["dung_again"]), "duplicate_row"),
    }
    assert pv.counts == {
        "rows": 9,
        "new": 5,
        "changed": 0,
        "unchanged": 0,
        "duplicate": 1,
        "refused": 3,
        "skipped": 3,
    }
    unknown = next(i for i in pv.issues if i.code == "unknown_village")
    assert "TDP 9" in unknown.message_vi and "TDP 9" in unknown.message_en
    report = format_report(pv)
    assert f"Ô E{at['giang']}: LỖI" in report and "3 bị từ chối" in report
    with pytest.raises(ImportRefused) as exc:
        commit(world.storage, pv)
    assert exc.value.refused_rows == 3
    assert world.count("households") == 0
    assert world.count("import_batches") == 0


def test_fixed_list_commits_then_reimports_without_duplicates(world):
    data, _ = messy_households(fixed=True)
    pv = _preview(world, data)
    assert pv.errors() == []
    report = commit(world.storage, pv)
    assert report.counts["new"] == 8 and report.counts["duplicate"] == 1
    rows = _households(world)
    assert len(rows) == 8
    by_name = {r[1]: r for r in rows}
    assert by_name["Nguyễn Văn An"] == ("v1", "Nguyễn Văn An", "Số 5, ngõ 2", "+84912345678", 4, 0)
    # Merged village, NFC, spaces, a phone without its 0, "3 người".
    assert by_name["Trần Thị Bình"] == ("v1", "Trần Thị Bình", "Số 7 ngõ 2", "+84912345679", 3, 0)
    assert by_name["Lê Văn Cường"][3] == "+84987654321"
    assert by_name["Phạm Thị Dung"][0] == "v2" and by_name["Phạm Thị Dung"][3] == "+84912000111"
    assert by_name["Tống Văn Em"][3] == "+842393855123"
    assert by_name["Đặng Văn Hải"][0] == "v3"
    batches = world.storage.import_batches(ward_code=WARD)
    assert [b.counts["new"] for b in batches] == [8]
    assert batches[0].filename == "ds.xlsx" and batches[0].imported_by == "cli"

    again = _preview(world, data)
    assert again.counts == {
        "rows": 9,
        "new": 0,
        "changed": 0,
        "unchanged": 8,
        "duplicate": 1,
        "refused": 0,
        "skipped": 3,
    }
    commit(world.storage, again)
    assert len(_households(world)) == 8

    # An updated list: a new phone for An, a new household, Bình's name typed with
    # diacritics fixed the other way round (same key), and Cường left out (nothing removed).
    updated = xlsx(
        [
            ["Họ tên chủ hộ", "Thôn/TDP", "Số điện thoại", "Số nhân khẩu", "Địa chỉ"],
            ["Nguyễn Văn An", "TDP 1", "0977 000 111", 4, "Số 5, ngõ 2"],
            ["TRAN THI BINH", "TDP 1", "912345679", 3, "Số 7 ngõ 2"],
            ["Phạm Thị Dung", "TDP 2", "0912000111", 2, "Xóm Trên"],
            ["Hồ Văn Mới", "TDP 4", "", 2, "Số 9"],
        ]
    )
    pv3 = _preview(world, updated, "ds-2026-12.xlsx")
    actions = {r.values["head_name"]: (r.action, r.changed_fields) for r in pv3.rows}
    assert actions == {
        "Nguyễn Văn An": ("changed", ("phone",)),
        "TRAN THI BINH": ("changed", ("head_name",)),
        "Phạm Thị Dung": ("unchanged", ()),
        "Hồ Văn Mới": ("new", ("village_id", "head_name", "address_detail", "members_count")),
    }
    r3 = commit(world.storage, pv3)
    assert (r3.counts["new"], r3.counts["changed"], r3.counts["unchanged"]) == (1, 2, 1)
    assert len(_households(world)) == 9
    an = world.server_rows(
        "SELECT phone, version FROM households WHERE head_name = 'Nguyễn Văn An'"
    )
    assert an == [("+84977000111", 2)]


def test_import_reaches_the_teams_phones_on_their_next_pull(world):
    phone_a = world.device("a1")
    phone_b = world.device("b1")
    world.sync(phone_a)
    data, _ = messy_households(fixed=True)
    commit(world.storage, _preview(world, data))
    world.sync(phone_a)
    world.sync(phone_b)
    got_a = {r[0] for r in phone_a.db.execute("SELECT head_name FROM households").fetchall()}
    got_b = {r[0] for r in phone_b.db.execute("SELECT head_name FROM households").fetchall()}
    # Team A covers TDP 1 and 2, team B TDP 3 and 4.
    assert got_a == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Tống Văn Em",
        "Võ Thị Giang",
    }
    assert got_b == {"Đặng Văn Hải", "Bùi Thị Khánh"}

    # A change in an updated list reaches the phone too.
    updated = xlsx(
        [
            ["Chủ hộ", "Thôn", "SĐT", "Địa chỉ"],
            ["Nguyễn Văn An", "TDP 1", "0977000111", "Số 5, ngõ 2"],
        ]
    )
    commit(world.storage, _preview(world, updated))
    world.sync(phone_a)
    assert (
        phone_a.db.execute(
            "SELECT phone FROM households WHERE head_name = 'Nguyễn Văn An'"
        ).fetchone()[0]
        == "+84977000111"
    )


def test_an_edit_made_on_a_phone_stands_when_the_same_list_comes_again(world):
    data, _ = messy_households(fixed=True)
    commit(world.storage, _preview(world, data))
    phone = world.device("a1")
    world.sync(phone)
    hid, *_ = phone.db.execute(
        "SELECT id FROM households WHERE head_name = 'Nguyễn Văn An'"
    ).fetchone()
    current = phone.household(hid)
    phone.save_household({**current.to_dict(), "members_count": 6})
    world.sync(phone)
    again = _preview(world, data)
    assert again.counts["changed"] == 0 and again.counts["unchanged"] == 8
    commit(world.storage, again)
    assert world.server_rows("SELECT members_count FROM households WHERE id = ?", [hid]) == [(6,)]


def test_a_preview_overtaken_by_a_phone_edit_writes_nothing(world):
    data, _ = messy_households(fixed=True)
    commit(world.storage, _preview(world, data))
    phone = world.device("a1")
    world.sync(phone)
    updated = xlsx(
        [
            ["Chủ hộ", "Thôn", "SĐT", "Địa chỉ"],
            # The new household is written first, then the commit meets the phone's edit
            # and rolls back: nothing of it stays.
            ["Mới Một", "TDP 1", "", "Số 99"],
            ["Nguyễn Văn An", "TDP 1", "0977000111", "Số 5, ngõ 2"],
        ]
    )
    pv = _preview(world, updated)
    hid = world.server_rows("SELECT id FROM households WHERE head_name = 'Nguyễn Văn An'")[0][0]
    phone.save_household({**phone.household(hid).to_dict(), "members_count": 7})
    world.sync(phone)
    before = _households(world)
    feed = world.server_rows("SELECT max(change_seq), count(*) FROM changes")
    with pytest.raises(ApiError) as exc:
        commit(world.storage, pv)
    assert exc.value.code == "conflict"
    assert _households(world) == before
    assert world.server_rows("SELECT max(change_seq), count(*) FROM changes") == feed
    assert world.count("import_batches") == 1
    # The same preview cannot be committed twice either.
    pv2 = _preview(world, updated)
    commit(world.storage, pv2)
    with pytest.raises(ApiError):
        commit(world.storage, pv2)
    assert len(_households(world)) == 9


def test_id_numbers_and_birth_dates_are_never_stored_or_logged(world, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    data, _ = messy_households()
    pv = _preview(world, data)
    commit(world.storage, pv, skip_refused=True)
    # The file named after an ID number keeps no long digit run either.
    commit(world.storage, _preview(world, data, name=f"CCCD {CCCD[0]}.xlsx"), skip_refused=True)
    shown = (
        json.dumps(pv.to_dict(), ensure_ascii=False)
        + format_report(pv)
        + format_report(pv, lang="en")
    )
    world.storage.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("server.db*"))
    world.restart()
    for secret in [*CCCD, *BIRTH_DATES, CMND]:
        assert secret.encode() not in stored, secret
        assert secret not in shown, secret
        assert secret not in caplog.text, secret
    assert "CMND/CCCD" in shown


def test_a_refused_column_cannot_be_mapped_and_a_bad_mapping_blocks(world):
    data, _ = messy_households(fixed=True)
    raw = read_table(data, "ds.xlsx")
    mapping = {**guess_mapping(raw, "households").to_dict(), "phone": "C"}
    pv = preview(world.storage, raw, mapping, kind="households", ward_code=WARD)
    assert [(i.code, i.column) for i in pv.blocking] == [("refused_column", "C")]
    with pytest.raises(ImportRefused):
        commit(world.storage, pv, skip_refused=True)
    pv = preview(
        world.storage, raw, {"head_name": "B", "phone": "B"}, kind="households", ward_code=WARD
    )
    assert {i.code for i in pv.blocking} == {"column_twice", "field_missing"}
    # The officer's override is used: the address read from column B (the head's name).
    pv = preview(
        world.storage,
        raw,
        {"address_detail": "H", "village": "E"},
        kind="households",
        ward_code=WARD,
    )
    assert pv.can_commit and pv.rows[0].values == {"village": "v1", "address_detail": "Số 5, ngõ 2"}


def test_households_already_on_the_server_are_recognised_on_first_import(world):
    phone = world.device("a1")
    hid = str(uuid.uuid4())
    phone.save_household(
        {"id": hid, "village_id": "v2", "head_name": "Phạm Thị Dung", "address_detail": "Xóm Trên"}
    )
    world.sync(phone)
    data, _ = messy_households(fixed=True)
    pv = _preview(world, data)
    dung = next(
        r
        for r in pv.rows
        if r.values.get("head_name") == "Phạm Thị Dung" and r.action != "duplicate"
    )
    assert (dung.action, dung.record_id, dung.changed_fields) == (
        "changed",
        hid,
        ("phone", "members_count"),
    )
    commit(world.storage, pv)
    assert world.count("households") == 8


def test_scope_only_an_officer_of_the_ward(world):
    data, _ = messy_households(fixed=True)
    leader = Principal("d", "m", Role.LEADER, "team-a", frozenset({WARD}), frozenset({"v1"}))
    other = Principal("d", "m", Role.OFFICER, None, frozenset({"18781"}), frozenset())
    officer = Principal("d", "m", Role.OFFICER, None, frozenset({WARD}), frozenset())
    for who in (leader, other):
        with pytest.raises(ApiError) as exc:
            _preview(world, data, by=who)
        assert exc.value.code == "forbidden"
    pv = _preview(world, data, by=officer)
    with pytest.raises(ApiError):
        commit(world.storage, replace(pv, plan=replace(pv.plan, ward_code="18781")), by=officer)
    report = commit(world.storage, pv, by=officer)
    assert report.batch.imported_by == "m"
    assert world.storage.import_batches(by=other) == []


def test_undo_removes_what_a_batch_created_from_the_phones(world):
    phone = world.device("a1")
    data, _ = messy_households(fixed=True)
    report = commit(world.storage, _preview(world, data))
    world.sync(phone)
    assert phone.db.execute("SELECT count(*) FROM households WHERE deleted = 0").fetchone()[0] == 6
    undone = world.storage.undo_import(report.batch.id)
    assert undone.undone_at is not None
    world.sync(phone)
    assert phone.db.execute("SELECT count(*) FROM households WHERE deleted = 0").fetchone()[0] == 0
    with pytest.raises(ApiError):
        world.storage.undo_import(report.batch.id)
    # After an undo the same list imports afresh (its links were forgotten) … as new rows
    # only where the households are gone for good: deleted ones are not matched.
    pv = _preview(world, data)
    assert pv.counts["new"] == 8


def test_a_ward_without_villages_or_unknown_is_refused(world):
    data, _ = messy_households(fixed=True)
    raw = read_table(data, "ds.xlsx")
    pv = preview(
        world.storage, raw, guess_mapping(raw, "households"), kind="households", ward_code="18781"
    )
    assert [i.code for i in pv.blocking] == ["no_villages"]
    with pytest.raises(ApiError) as exc:
        preview(world.storage, raw, {}, kind="households", ward_code="99999")
    assert exc.value.code == "not_found"
    world.storage.create_village(Village("h1", "18781", "Thôn Trung Sơn", "thôn"))
    pv = preview(
        world.storage, raw, guess_mapping(raw, "households"), kind="households", ward_code="18781"
    )
    assert pv.counts["refused"] == 9  # none of the list's villages are in that ward


def test_undo_puts_back_what_a_batch_changed_unless_changed_since(world):
    data, _ = messy_households(fixed=True)
    commit(world.storage, _preview(world, data))
    updated = xlsx(
        [
            ["Chủ hộ", "Thôn", "SĐT", "Số nhân khẩu", "Địa chỉ"],
            ["Nguyễn Văn An", "TDP 1", "0977000111", 4, "Số 5, ngõ 2"],
            ["Trần Thị Bình", "TDP 1", "0977000222", 5, "Số 7 ngõ 2"],
        ]
    )
    report = commit(world.storage, _preview(world, updated))
    assert report.counts["changed"] == 2
    phone = world.device("a1")
    world.sync(phone)
    binh = world.server_rows("SELECT id FROM households WHERE head_name = 'Trần Thị Bình'")[0][0]
    phone.save_household({**phone.household(binh).to_dict(), "phone": "0911000999"})
    world.sync(phone)
    world.storage.undo_import(report.batch.id)
    rows = dict(
        world.server_rows(
            "SELECT head_name, phone || ' ' || members_count FROM households"
            " WHERE head_name IN ('Nguyễn Văn An', 'Trần Thị Bình')"
        )
    )
    # An's phone is back; Bình's phone was changed on a phone since and stays, her count
    # (changed by the batch only) is back.
    assert rows == {"Nguyễn Văn An": "+84912345678 4", "Trần Thị Bình": "+84911000999 3"}
    world.sync(phone)
    assert phone.household(binh).members_count == 3


def test_the_confirmed_column_choice_is_proposed_for_the_next_list(world):
    rows = [["Người đứng tên", "Nơi cư trú", "Thôn"], ["Nguyễn Văn An", "Số 5", "TDP 1"]]
    data = xlsx(rows)
    raw = read_table(data, "ds.xlsx")
    guessed = guess_mapping(raw, "households")
    assert "head_name" not in guessed.columns  # a header nobody could guess
    mapping = {**guessed.to_dict(), "head_name": "A", "address_detail": "B"}
    commit(world.storage, preview(world.storage, raw, mapping, kind="households", ward_code=WARD))
    saved = world.storage.saved_mapping(WARD, "households")
    assert saved == {
        "head_name": "Người đứng tên",
        "address_detail": "Nơi cư trú",
        "village": "Thôn",
    }
    moved = read_table(xlsx([[r[2], r[0], r[1]] for r in rows]), "ds2.xlsx")
    assert guess_mapping(moved, "households", saved).to_dict() == {
        "head_name": "B",
        "address_detail": "C",
        "village": "A",
    }


def test_the_file_comes_back_with_each_rows_verdict(world):
    data, at = messy_households()
    raw = read_table(data, "ds.xlsx")
    pv = preview(
        world.storage, raw, guess_mapping(raw, "households"), kind="households", ward_code=WARD
    )
    book = load_workbook(io.BytesIO(annotated_xlsx(raw, pv)))
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header[0] == "Dòng" and header[-2:] == ["Kết quả", "Lỗi / ghi chú"]
    assert header[3] == "So CCCD (bị từ chối, không lưu)"
    lines = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    giang = lines[at["giang"]]
    assert giang[-2] == "Bị từ chối" and "E: Không có thôn/tổ dân phố «TDP 9»" in giang[-1]
    assert lines[at["an"]][-2] == "Mới" and lines[at["an"]][3] is None
    assert lines[at["dung_again"]][-2] == "Trùng lặp — bỏ qua"
    held = " ".join(str(v) for r in lines.values() for v in r)
    for secret in [*CCCD, *BIRTH_DATES, CMND]:
        assert secret not in held


def test_corrected_address_or_renamed_head_is_the_same_household(world):
    first = xlsx(
        [
            ["Chủ hộ", "Thôn", "SĐT", "Địa chỉ"],
            ["Nguyễn Văn An", "TDP 1", "0912000001", "Số 5"],
            ["Trần Thị Bình", "TDP 1", "0912000002", "Số 7"],
            ["Lê Văn Cường", "TDP 2", "", "Số 9"],
            ["Lê Văn Cường", "TDP 2", "", "Số 11"],
        ]
    )
    commit(world.storage, _preview(world, first))
    ids = dict(world.server_rows("SELECT head_name || ' ' || address_detail, id FROM households"))
    second = xlsx(
        [
            ["Chủ hộ", "Thôn", "SĐT", "Địa chỉ"],
            ["Nguyễn Văn An", "TDP 1", "0912000001", "Số 5A"],  # address corrected
            ["Trần Thị Bích", "TDP 1", "0912000002", "Số 7"],  # head renamed, same phone
            ["Lê Văn Cường", "TDP 2", "", "Số 9B"],  # two Cường in TDP 2: cannot tell
        ]
    )
    pv = _preview(world, second)
    got = {
        (r.values["head_name"], r.values["address_detail"]): (r.action, r.record_id)
        for r in pv.rows
    }
    assert got[("Nguyễn Văn An", "Số 5A")] == ("changed", ids["Nguyễn Văn An Số 5"])
    assert got[("Trần Thị Bích", "Số 7")] == ("changed", ids["Trần Thị Bình Số 7"])
    assert got[("Lê Văn Cường", "Số 9B")][0] == "new"


def test_two_rows_for_one_household_are_refused_and_several_phones_warned(world):
    data = xlsx(
        [
            ["Chủ hộ", "Thôn", "SĐT", "Địa chỉ"],
            ["Nguyễn Văn An", "TDP 1", "0912000001 / 0987000002", "Số 5"],
            ["NGUYEN VAN AN", "TDP 1", "0912000003", "so 5"],
            ["Hoàng Thị Em", "TDP 1", "12345", ""],
        ]
    )
    pv = _preview(world, data)
    found = {(i.cell, i.code, i.severity) for i in pv.issues}
    assert ("C2", "several_phones", "warning") in found
    assert ("3", "same_household_twice", "error") in found
    assert ("C4", "phone_warning", "warning") in found
    assert [r.action for r in pv.rows] == ["new", "refused", "new"]
    assert pv.rows[0].values["phone"] == "+84912000001"
    assert pv.rows[2].values["phone"] == "12345"  # kept as typed, with the warning


def test_the_sheet_holding_the_list_is_chosen(world):
    wb_data = xlsx([["Ghi chú"], ["Danh sách kèm theo"]], title="Bìa")
    book = load_workbook(io.BytesIO(wb_data))
    ws = book.create_sheet("Danh sách")
    for row in (["STT", "Chủ hộ", "Thôn"], [1, "Nguyễn Văn An", "TDP 1"]):
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    pv = _preview(world, buf.getvalue())
    assert pv.sheet == "Danh sách" and pv.counts["new"] == 1
    assert [i.code for i in pv.issues] == ["other_sheets"]


def test_a_row_meeting_two_indistinguishable_households_makes_no_third(world):
    phone = world.device("a1")
    for _ in range(2):
        phone.save_household(
            {
                "id": str(uuid.uuid4()),
                "village_id": "v1",
                "head_name": "Nguyễn Văn An",
                "address_detail": "Số 5",
            }
        )
    world.sync(phone)
    data = xlsx([["Chủ hộ", "Thôn", "Địa chỉ"], ["Nguyễn Văn An", "TDP 1", "Số 5"]])
    pv = _preview(world, data)
    assert [r.action for r in pv.rows] == ["unchanged"]
    commit(world.storage, pv)
    assert world.count("households") == 2
