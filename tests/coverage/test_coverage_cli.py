"""``fieldapp report`` on a real device-store file."""

from __future__ import annotations

import csv

from openpyxl import load_workbook

from fieldapp.cli import main


def test_report_villages_csv_and_visits_xlsx(case, tmp_path, capsys):
    db = tmp_path / "d.db"
    case.store.close()  # the CLI opens the file itself, read-only
    out = tmp_path / "bc" / "thon.csv"
    args = ["report", "--database", str(db), "--kind", "villages", "--from", "01/06/2024"]
    args += ["--to", "30/06/2024", "--today", "20/06/2024", "--out", str(out)]
    assert main(args) == 0
    assert "Đã ghi 3 dòng" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[5][:6] == ["Thôn Bắc", "18754", "Tổ CNSCĐ Bắc Đông", "5", "3", "60,0%"]

    xlsx = tmp_path / "luot.xlsx"
    args = ["report", "--database", str(db), "--kind", "visits", "--format", "xlsx"]
    args += ["--from", "01/07/2024", "--to", "31/07/2024", "--ward", "18754", "--out", str(xlsx)]
    assert main(args) == 0
    data = list(load_workbook(xlsx).active.iter_rows(values_only=True))[5:]
    assert [r[1] for r in data] == ["06:00", "08:00"]  # v11, v8


def test_report_bad_input_exit_2(case, tmp_path, capsys):
    db = tmp_path / "d.db"
    base = ["report", "--database", str(db), "--kind", "members", "--out", str(tmp_path / "m")]
    assert main([*base, "--from", "01/06/2024", "--to", "30/06/2024"]) == 2  # no format
    assert main([*base, "--format", "csv", "--from", "30/06/2024", "--to", "01/06/2024"]) == 2
    missing = ["report", "--database", str(tmp_path / "nope.db"), "--kind", "members"]
    assert main([*missing, "--from", "01/06/2024", "--to", "30/06/2024", "--out", "x.csv"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi:" in err and "không tìm thấy tệp" in err
    assert not (tmp_path / "m").exists()
