"""``fieldapp admin import-households`` / ``import-members`` against a real database file."""

from __future__ import annotations

from fieldapp_harness import WARD
from import_files import CCCD, csv_bytes, messy_households, xlsx
from openpyxl import load_workbook

from fieldapp.cli import main


def _run(world, capsys, *args):
    world.storage.close()  # the command opens the file itself, as on a server
    code = main(["admin", *args, "--database", world.database, "--ward", WARD])
    world.restart()
    out = capsys.readouterr()
    return code, out.out, out.err


def test_dry_run_then_import_then_reimport(world, capsys, tmp_path):
    bad, at = messy_households()
    path = tmp_path / "Danh sách hộ.xlsx"
    path.write_bytes(bad)
    annotated = tmp_path / "kết quả.xlsx"
    code, out, _ = _run(
        world, capsys, "import-households", str(path), "--dry-run", "--annotated", str(annotated)
    )
    assert code == 1
    results = [r[-2] for r in load_workbook(annotated).active.iter_rows(values_only=True)]
    assert results.count("Bị từ chối") == 3
    assert f"Ô E{at['giang']}: LỖI Không có thôn/tổ dân phố «TDP 9»" in out
    assert "Cột C: Chú ý" in out and CCCD[0] not in out
    assert world.count("households") == 0

    code, out, err = _run(world, capsys, "import-households", str(path))
    assert code == 1 and "Chưa nhập gì" in err
    assert world.count("households") == 0

    fixed, _ = messy_households(fixed=True)
    path.write_bytes(fixed)
    code, out, _ = _run(world, capsys, "import-households", str(path))
    assert code == 0
    assert "9 dòng: 8 mới, 0 thay đổi, 0 không đổi, 1 trùng lặp, 0 bị từ chối, 3 bỏ qua." in out
    assert "Đã nhập xong" in out
    code, out, _ = _run(world, capsys, "import-households", str(path), "--english")
    assert code == 0
    assert "9 rows: 0 new, 0 changed, 8 unchanged, 1 duplicate, 0 refused, 3 skipped." in out
    assert world.count("households") == 8


def test_skip_refused_and_column_override(world, capsys, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(
        csv_bytes(
            [["Tên", "Ghi chú", "Thôn"], ["Nguyễn Văn An", "Số 5", "TDP 1"], ["B", "", "TDP 9"]],
            sep=";",
        )
    )
    args = ("import-households", str(path), "--map", "address_detail=B", "--skip-refused")
    code, out, _ = _run(world, capsys, *args)
    assert code == 0 and "1 mới" in out and "1 bị từ chối" in out
    assert world.server_rows("SELECT head_name, address_detail FROM households") == [
        ("Nguyễn Văn An", "Số 5")
    ]


def test_members_import(world, capsys, tmp_path):
    path = tmp_path / "tv.csv"
    path.write_bytes(csv_bytes([["Họ tên", "Vai trò", "Tổ"], ["Ngô Thị Hoa", "Tổ viên", "1"]]))
    code, out, _ = _run(world, capsys, "import-members", str(path))
    assert code == 0 and "1 mới" in out
    assert world.server_rows("SELECT team_id FROM members WHERE name = 'Ngô Thị Hoa'") == [
        ("team-a",)
    ]


def test_bad_file_or_arguments_exit_2_with_one_line(world, capsys, tmp_path):
    path = tmp_path / "ds.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    code, out, err = _run(world, capsys, "import-households", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Excel (.xlsx) hoặc CSV" in err
    code, _, err = _run(world, capsys, "import-households", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err
    code, _, err = _run(world, capsys, "import-households", str(path), "--map", "village")
    assert code == 2 and "--map" in err


def test_id_numbers_a_spreadsheet_stored_as_numbers_are_refused_and_never_copied(
    world, capsys, tmp_path
):
    # Typed into Excel as numbers, CCCDs lose their leading zero (042… → 42…, 11 digits),
    # and a neutral heading gives no hint: the content alone must give them away.
    rows = [["Họ tên chủ hộ", "Thôn", "Địa chỉ", "Số giấy tờ"]]
    rows += [[f"Hộ {i}", "TDP 1", f"Số {i}", int(c)] for i, c in enumerate(CCCD)]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(rows))
    annotated = tmp_path / "kết quả.xlsx"
    code, out, _ = _run(
        world, capsys, "import-households", str(path), "--annotated", str(annotated)
    )
    assert code == 0
    assert "Cột D: Chú ý" in out and "CMND/CCCD" in out
    copied = [v for r in load_workbook(annotated).active.iter_rows(values_only=True) for v in r]
    for number in CCCD:
        bare = number.lstrip("0")
        assert not any(bare in str(v) for v in copied)
        assert bare not in out
        with world.storage.db.read() as conn:
            stored = conn.execute("SELECT * FROM households").fetchall()
        assert stored and not any(bare in str(row) for row in stored)
    assert world.count("households") == len(CCCD)
