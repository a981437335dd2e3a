"""Reading messy lists: header found below titles, merged cells, subtotals, encodings, and
the ID-number / date-of-birth columns blanked before anything else can see them."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from import_files import BIRTH_DATES, CCCD, CMND, csv_bytes, messy_households, nfd, xlsx
from test_storage_boundary import SQLITE_ONLY

import fieldapp.server.imports as imports_pkg
from fieldapp.domain.model import Team, Village
from fieldapp.server.import_storage import ImportStorage
from fieldapp.server.imports import RawTable, TableError, guess_mapping, read_table
from fieldapp.server.imports.places import PlaceIndex
from fieldapp.server.sqlite_storage import SqliteStorage


def test_messy_xlsx_is_read_as_the_spreadsheet_shows_it():
    data, at = messy_households()
    raw = read_table(data, "C:\\Users\\ubnd\\Danh sách hộ.xlsx")
    assert raw.filename == "Danh sách hộ.xlsx"
    assert raw.header_row == 4
    assert raw.headers["B"] == "HO TEN CHU HO"
    rows = {r.number: r.cells for r in raw.rows}
    # The village merged down E6:E8 applies to each household it spans.
    assert [rows[at[k]]["E"] for k in ("an", "binh", "cuong")] == ["TDP 1"] * 3
    # NFD → NFC, stray spaces folded; a whole number typed as a phone keeps its digits.
    assert rows[at["an"]]["B"] == "Nguyễn Văn An"
    assert rows[at["binh"]]["B"] == "Trần Thị Bình"
    assert rows[at["binh"]]["F"] == "912345679"
    # Left out: the column-number row, both subtotals and the empty row; "Tống" is a name.
    assert at["tong"] in rows
    for key in ("subtotal1", "total", "empty"):
        assert at[key] not in rows
    notes = {(n.code, n.row) for n in raw.notes}
    assert ("column_numbers", 5) in notes
    assert ("subtotal_row", at["subtotal1"]) in notes
    assert ("subtotal_row", at["total"]) in notes
    assert raw.empty_rows == 1


def test_id_and_birth_date_columns_are_refused_and_blanked():
    data, at = messy_households()
    raw = read_table(data, "ds.xlsx")
    assert {(r.column, r.reason) for r in raw.refused} == {
        ("C", "id_number"),
        ("D", "birth_date"),
    }
    held = repr(raw)
    for secret in [*CCCD, *BIRTH_DATES, CMND]:
        assert secret not in held
    # The CMND typed in the phone column is blanked by its cell, and said where.
    assert ("id_number_in_cell", at["khanh"], "F") in {(n.code, n.row, n.column) for n in raw.notes}
    messages = " ".join(i.message_vi for i in raw.column_issues())
    assert "CMND/CCCD" in messages and "ngày tháng năm sinh" in messages
    assert "không lưu" in messages


def test_sensitive_columns_are_found_by_content_too():
    data = xlsx(
        [
            ["Họ tên chủ hộ", "Thôn", "Ghi chú", "Ngày", "Điện thoại"],
            ["Nguyễn Văn An", "TDP 1", "001 203 004 567", "05/11/1987", 912345678],
            ["Trần Thị Bình", "TDP 1", "001203004568", "1990-02-17", "0912 345 679"],
            ["Lê Văn Cường", "TDP 2", None, None, None],
        ]
    )
    raw = read_table(data, "ds.xlsx")
    assert {(r.column, r.reason) for r in raw.refused} == {
        ("C", "id_number"),
        ("D", "birth_date"),
    }
    # Phones whose leading 0 the spreadsheet dropped (9 digits) are not ID numbers.
    assert [r.cells.get("E") for r in raw.rows] == ["912345678", "0912 345 679", None]


@pytest.mark.parametrize(
    ("sep", "bom"), [(";", True), (",", False), (";", False), (",", True), ("\t", True)]
)
def test_csv_with_or_without_bom_comma_or_semicolon(sep, bom):
    rows = [
        ["Danh sách hộ thôn 3", "", "", ""],
        ["Chủ hộ", "Địa chỉ", "Thôn/TDP", "Số điện thoại"],
        [nfd("Nguyễn Thị Ánh"), "Số 3; ngõ 5", "Thôn 3", "0912.345.678"],
        ["", "", "", ""],
        ["Tổng cộng: 1 hộ", "", "", ""],
    ]
    raw = read_table(csv_bytes(rows, sep=sep, bom=bom), "ds.csv")
    assert raw.header_row == 2
    assert raw.headers["A"] == "Chủ hộ"
    assert [r.number for r in raw.rows] == [3]
    assert raw.rows[0].cells == {
        "A": "Nguyễn Thị Ánh",
        "B": "Số 3; ngõ 5",
        "C": "Thôn 3",
        "D": "0912.345.678",
    }


def test_utf16_tab_separated_text_from_excel():
    rows = [["Chủ hộ", "Thôn"], ["Nguyễn Văn An", "Thôn 1"]]
    data = b"\xff\xfe" + "\r\n".join("\t".join(r) for r in rows).encode("utf-16-le")
    raw = read_table(data, "ds.txt")
    assert raw.rows[0].cells == {"A": "Nguyễn Văn An", "B": "Thôn 1"}


def test_windows_code_page_csv_is_read_with_a_warning():
    # Windows-1258 has ê and ă but writes tones as combining marks.
    rows = [["Ho ten chu ho", "Thon"], ["Nguyê\u0303n Văn An", "Thôn 1"]]
    raw = read_table(csv_bytes(rows, encoding="cp1258"), "ds.csv")
    assert raw.rows[0].cells["A"] == "Nguyễn Văn An"
    assert [n.code for n in raw.notes] == ["not_utf8"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "bad_file"),  # an old .xls
        (b"PK\x03\x04 not really a zip", "bad_file"),
        (b"a,b\n1,2\n", "no_header"),
    ],
)
def test_files_that_are_not_lists_raise_one_clear_problem(data, code):
    with pytest.raises(TableError) as exc:
        read_table(data, "x.xlsx")
    assert exc.value.issue.code == code
    assert exc.value.issue.message_vi


def test_headers_are_matched_without_accents_or_case():
    raw = read_table(
        csv_bytes(
            [
                ["stt", "HỌ VÀ TÊN CHỦ HỘ", "dia chi", "THON, TO DAN PHO", "sdt", "Số NK"],
                ["1", "An", "x", "TDP 1", "0912345678", "3"],
            ]
        ),
        "ds.csv",
    )
    assert guess_mapping(raw, "households").to_dict() == {
        "head_name": "B",
        "address_detail": "C",
        "village": "D",
        "phone": "E",
        "members_count": "F",
    }
    members = read_table(
        csv_bytes([["Họ tên", "Chức vụ", "Tổ CNSCĐ", "Điện thoại"], ["An", "Tổ trưởng", "1", ""]]),
        "m.csv",
    )
    assert guess_mapping(members, "members").to_dict() == {
        "name": "A",
        "role": "B",
        "team": "C",
        "phone": "D",
    }


def test_refused_columns_are_never_proposed_by_the_mapping():
    data, _ = messy_households()
    mapping = guess_mapping(read_table(data, "ds.xlsx"), "households")
    assert "C" not in mapping.columns.values() and "D" not in mapping.columns.values()


def test_villages_written_every_way_meet_the_wards_village():
    villages = [
        Village("v1", "18754", "Tổ dân phố 1", "tổ dân phố"),
        Village("v3", "18754", "Tổ dân phố 3", "tổ dân phố"),
        Village("t3", "18754", "Thôn 3", "thôn"),
        Village("ts", "18754", "Trung Sơn", "thôn"),
    ]
    index = PlaceIndex(villages, [Team("team-3", "Tổ CNSCĐ số 3", "18754", ("v3",))])
    for text in ("TDP 3", "Tổ dân phố số 3", "tdp3", "TỔ DÂN PHỐ 03", "Tổ 3", "KP 3"):
        assert index.village(text) == ("v3", []), text
    assert index.village("Thôn 3") == ("t3", [])
    assert index.village("Xóm 3") == ("t3", [])
    assert index.village("3") == (None, ["Thôn 3", "Tổ dân phố 3"])
    assert index.village("thon trung son") == ("ts", [])
    assert index.village("TDP 1") == ("v1", [])
    assert index.village("TDP 9") == (None, [])
    assert index.team("Tổ CNSCĐ 3")[0] == "team-3"
    assert index.team("to cnscd so 03")[0] == "team-3"
    assert index.team("TDP 3")[0] == "team-3"  # the only team covering TDP 3


def test_the_engine_knows_no_sqlite():
    """The console and the CLI share the engine; only ImportStorage touches a database."""
    folder = Path(imports_pkg.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not names & set(SQLITE_ONLY), (path.name, sorted(names & set(SQLITE_ONLY)))


def test_a_read_table_survives_json_without_what_was_refused():
    data, _ = messy_households()
    raw = read_table(data, "ds.xlsx")
    text = json.dumps(raw.to_dict(), ensure_ascii=False)
    for secret in [*CCCD, *BIRTH_DATES, CMND]:
        assert secret not in text
    assert RawTable.from_dict(json.loads(text)) == raw


def test_the_sqlite_storage_implements_every_import_storage_method():
    wanted = {n for n, v in vars(ImportStorage).items() if callable(v) and not n.startswith("_")}
    assert wanted == {
        "import_context",
        "commit_import",
        "import_batches",
        "saved_mapping",
        "undo_import",
        "save_import_draft",
        "import_draft",
        "set_import_draft_mapping",
        "delete_import_draft",
    }
    assert all(callable(getattr(SqliteStorage, n, None)) for n in wanted)
