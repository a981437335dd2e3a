"""Exports reopened and checked cell by cell (openpyxl; CSV read back as UTF-8 with BOM)."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from coverage_case import PERIOD, TODAY
from openpyxl import load_workbook

from fieldapp.coverage import DATA_LABEL_VI
from fieldapp.coverage.export import NO_DATA, export_report

LABEL_LINE = f"{DATA_LABEL_VI} (The team's own activity figures, not official portal statistics)"


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def read_xlsx(path):
    ws = load_workbook(path).active
    return ws, [list(r) for r in ws.iter_rows(values_only=True)]


def test_village_table_csv_cell_by_cell(case, tmp_path):
    out = tmp_path / "thon.csv"
    n = export_report(case.service(), "villages", "csv", out, PERIOD, TODAY)
    assert n == 3
    rows = read_csv(out)
    assert rows[0] == ["Độ phủ theo thôn/tổ dân phố"]
    assert rows[1] == [LABEL_LINE]
    assert rows[2][0].startswith("Từ 01/06/2024 đến 30/06/2024 · Ngày lập: 20/06/2024")
    assert rows[3] == []
    header = rows[4]
    assert header[:6] == [
        "Thôn/Tổ dân phố",
        "Mã xã/phường",
        "Tổ CNSCĐ",
        "Tổng số hộ",
        "Hộ đã thăm",
        "Tỷ lệ hộ đã thăm",
    ]
    assert len(header) == 29 + 5 * 3  # 8 dossier columns, 5 indicators
    bac, dong, nam = rows[5], rows[6], rows[7]
    assert bac[:21] == [
        "Thôn Bắc", "18754", "Tổ CNSCĐ Bắc Đông", "5", "3", "60,0%", "1", "5", "1", "5",
        "2", "2", "2", "1", "1", "0", "1", "1", "0", "0", "0",
    ]  # fmt: skip
    i = header.index("Hồ sơ trực tuyến toàn trình – đạt")
    assert bac[i : i + 3] == ["100,0%", "90,0%", "111,1%"]
    i = header.index("Thanh toán phí trực tuyến – đạt")
    assert bac[i : i + 3] == ["100,0%", "40,0%", "250,0%"]
    assert dong[header.index("Hẹn quay lại đến hạn")] == "2"
    assert dong[header.index("Hồ sơ trực tuyến toàn trình – đạt")] == NO_DATA
    assert dong[header.index("Hồ sơ trực tuyến toàn trình – % chỉ tiêu")] == NO_DATA
    assert nam[:6] == ["Thôn Nam", "18754", "Tổ CNSCĐ Nam", "0", "0", NO_DATA]


def test_village_table_xlsx_cell_by_cell(case, tmp_path):
    out = tmp_path / "thon.xlsx"
    export_report(case.service(), "villages", "xlsx", out, PERIOD, TODAY)
    ws, rows = read_xlsx(out)
    assert rows[0][0] == "Độ phủ theo thôn/tổ dân phố"
    assert rows[1][0] == LABEL_LINE
    header = rows[4]
    bac = rows[5]
    assert bac[:6] == ["Thôn Bắc", "18754", "Tổ CNSCĐ Bắc Đông", 5, 3, 0.6]
    assert ws.cell(row=6, column=6).number_format == "0.0%"
    assert bac[header.index("Người được hướng dẫn")] == 5
    assert bac[header.index("Thanh toán phí trực tuyến – đã xác minh")] == 1
    assert bac[header.index("Thanh toán phí trực tuyến – tự khai")] == 1
    i = header.index("Hồ sơ trực tuyến toàn trình – đạt")
    assert bac[i : i + 3] == [1.0, 0.9, pytest.approx(1 / 0.9)]
    assert rows[7][5] == NO_DATA  # Thôn Nam: no households, no data (not 0 %)


def test_member_table_both_formats(case, tmp_path):
    svc = case.service()
    export_report(svc, "members", "csv", tmp_path / "m.csv", PERIOD, TODAY)
    export_report(svc, "members", "xlsx", tmp_path / "m.xlsx", PERIOD, TODAY)
    csv_rows = read_csv(tmp_path / "m.csv")
    _, x_rows = read_xlsx(tmp_path / "m.xlsx")
    assert csv_rows[4][:5] == [
        "Tổ viên",
        "Tổ CNSCĐ",
        "Hộ đã thăm",
        "Hộ chỉ gặp vắng nhà",
        "Lượt thăm",
    ]
    # Vietnamese order: Bùi < Nguyễn < Ông.
    assert [r[0] for r in csv_rows[5:]] == ["Bùi Văn Minh", "Nguyễn Thị Lan", "Ông Văn Nam"]
    assert csv_rows[5][:5] == ["Bùi Văn Minh", "Tổ CNSCĐ Bắc Đông", "4", "0", "4"]
    assert x_rows[6][:5] == ["Nguyễn Thị Lan", "Tổ CNSCĐ Bắc Đông", 2, 1, 3]
    assert x_rows[7][2:] == [0] * 24


def test_visit_log_dates_and_no_personal_data_for_declined(case, tmp_path):
    svc = case.service()
    export_report(svc, "visits", "csv", tmp_path / "v.csv", PERIOD, TODAY)
    export_report(svc, "visits", "xlsx", tmp_path / "v.xlsx", PERIOD, TODAY)
    rows = read_csv(tmp_path / "v.csv")
    header, data = rows[4], rows[5:]
    assert header[0] == "Ngày thăm" and header[-1] == "Hẹn quay lại"
    assert len(data) == 7
    assert data[0] == [
        "03/06/2024", "09:00", "Thôn Bắc", case.ids["h1"], "Nguyễn Văn An", "Nguyễn Thị Lan",
        "Đồng ý", "Cần quay lại", "2",
        "Nộp hồ sơ trực tuyến 1.001193 (toàn trình); Kích hoạt VNeID mức 2", "10/06/2024",
    ]  # fmt: skip
    declined = data[2]
    assert declined[4] == "" and declined[6] == "Không đồng ý" and declined[7] == "Từ chối"
    nobody = data[4]
    assert nobody[1] == "18:30" and nobody[6] == "" and nobody[7] == "Không có ai ở nhà"

    ws, x = read_xlsx(tmp_path / "v.xlsx")
    assert x[5][0] == datetime(2024, 6, 3)
    assert ws.cell(row=6, column=1).number_format == "DD/MM/YYYY"
    assert x[5][10] == datetime(2024, 6, 10)
    assert x[5][8] == 2
    assert (
        x[6][9] == "Nộp hồ sơ trực tuyến 1.004222 (toàn trình); Thanh toán phí trực tuyến (tự khai)"
    )


def test_bad_kind_leaves_no_file(case, tmp_path):
    out = tmp_path / "x.csv"
    with pytest.raises(ValueError, match="unknown report kind"):
        export_report(case.service(), "households", "csv", out, PERIOD, TODAY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown format"):
        export_report(case.service(), "villages", "pdf", out, PERIOD, TODAY)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == [tmp_path / "d.db", *sorted(tmp_path.glob("d.db-*"))]
