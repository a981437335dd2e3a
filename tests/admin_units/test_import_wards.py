"""``fieldapp import-wards`` and :mod:`fieldapp.admin_units`, offline.

``nested-divisions-sample.json`` is a few real units cut from the ``vietnam-provinces``
2026.9.0 wheel's ``nested-divisions.json`` (same shape); the wheel tests zip it up the way
the real wheel is laid out, so no network is needed.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest

from fieldapp.admin_units import (
    AdminUnitsError,
    import_wards,
    normalize_province_code,
    read_source,
    split_kind,
)
from fieldapp.cli import main

SAMPLE = Path(__file__).with_name("nested-divisions-sample.json")


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    """A wheel-shaped zip holding the sample JSON and a METADATA file."""
    path = tmp_path / "vietnam_provinces-2026.9.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SAMPLE, "vietnam_provinces/data/nested-divisions.json")
        archive.writestr(
            "vietnam_provinces-2026.9.0.dist-info/METADATA",
            "Metadata-Version: 2.5\nName: vietnam-provinces\nVersion: 2026.9.0\n"
            "License-Expression: GPL-3.0-or-later\n",
        )
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["import-wards", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_wheel_province_42(wheel: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "42.json"
    code, stdout, _ = _run(
        capsys, str(wheel), "--province", "42", "--out", str(out), "--extracted-on", "2026-11-27"
    )
    assert code == 0
    assert "5 đơn vị (1 xã, 4 phường)" in stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["province"] == {"code": "42", "name": "Hà Tĩnh"}
    assert doc["wards"][0] == {"code": "18754", "name": "Sông Trí", "kind": "phường"}
    assert {w["name"]: w["kind"] for w in doc["wards"]}["Kỳ Hoa"] == "xã"
    prov = doc["provenance"]
    assert (prov["package"], prov["version"], prov["extracted"]) == (
        "vietnam-provinces",
        "2026.9.0",
        "2026-11-27",
    )
    assert "GPL-3.0-or-later" in prov["licence"] and "facts" in prov["licence"]
    assert len(prov["sha256"]) == 64


def test_wheel_hanoi_pads_codes(wheel: Path, tmp_path: Path):
    doc = import_wards(wheel, "1", tmp_path / "01.json", extracted_on=date(2026, 1, 2))
    assert doc["province"] == {"code": "01", "name": "Hà Nội"}
    assert [(w["code"], w["name"]) for w in doc["wards"]] == [
        ("00004", "Ba Đình"),
        ("00008", "Ngọc Hà"),
    ]


def test_lowercase_prefix_and_special_zone(wheel: Path, tmp_path: Path):
    bac_son = import_wards(wheel, "20", tmp_path / "20.json")["wards"]
    assert bac_son == [{"code": "06325", "name": "Bắc Sơn", "kind": "xã"}]
    phu_quoc = import_wards(wheel, "91", tmp_path / "91.json")["wards"]
    assert phu_quoc == [{"code": "31078", "name": "Phú Quốc", "kind": "đặc khu"}]


def test_extracted_json_gives_same_wards(wheel: Path, tmp_path: Path):
    from_wheel = import_wards(wheel, "42", tmp_path / "a.json")
    from_json = import_wards(SAMPLE, "42", tmp_path / "b.json")
    assert from_json["wards"] == from_wheel["wards"]
    assert from_json["provenance"]["file"] == SAMPLE.name


def test_reimport_of_data_file_keeps_provenance(wheel: Path, tmp_path: Path):
    first = import_wards(wheel, "42", tmp_path / "a.json")
    again = import_wards(tmp_path / "a.json", "42", tmp_path / "b.json")
    assert again["wards"] == first["wards"]
    assert again["provenance"]["package"] == "vietnam-provinces"


def test_csv_with_nfd_names_and_inferred_kind(tmp_path: Path, capsys):
    src = tmp_path / "wards.csv"
    nfd = unicodedata.normalize("NFD", "Phường Sông Trí")
    src.write_text(f"code,name,kind\n18754,{nfd},\n18814,Kỳ Hoa,Xã\n", encoding="utf-8")
    out = tmp_path / "42.json"
    code, _, _ = _run(
        capsys, str(src), "--province", "42", "--province-name", "Hà Tĩnh", "--out", str(out)
    )
    assert code == 0
    wards = json.loads(out.read_text(encoding="utf-8"))["wards"]
    assert wards == [
        {"code": "18754", "name": "Sông Trí", "kind": "phường"},
        {"code": "18814", "name": "Kỳ Hoa", "kind": "xã"},
    ]
    assert all(unicodedata.is_normalized("NFC", w["name"]) for w in wards)


@pytest.mark.parametrize(
    ("content", "argv", "expected_vi"),
    [
        (None, ["--province", "99"], "Không có tỉnh/thành phố mã 99"),
        (None, ["--province", "4x2"], "Mã tỉnh không hợp lệ"),
        ("not json", ["--province", "42"], "JSON không hợp lệ"),
        ('{"a": 1}', ["--province", "42"], "thiếu 'province' hoặc 'wards'"),
        ("[1, 2]", ["--province", "42"], "không đúng cấu trúc"),
    ],
)
def test_errors_exit_2_in_vietnamese(
    wheel: Path, tmp_path: Path, capsys, content, argv, expected_vi
):
    src = wheel
    if content is not None:
        src = tmp_path / "bad.json"
        src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.json"
    code, stdout, err = _run(capsys, str(src), *argv, "--out", str(out))
    assert code == 2
    assert err.startswith("Lỗi: ") and expected_vi in err
    assert not out.exists() and stdout == ""


@pytest.mark.parametrize(
    ("csv_text", "argv", "expected_vi"),
    [
        (
            "code,name,kind\n18754,Sông Trí,thị trấn\n",
            ["--province-name", "Hà Tĩnh"],
            "loại đơn vị không hợp lệ",
        ),
        ("ma,ten\n18754,Sông Trí\n", ["--province-name", "Hà Tĩnh"], "code,name,kind"),
        ("code,name,kind\n18754,Phường Sông Trí,\n", [], "--province-name"),
        (
            "code,name,kind\n18754,Sông Trí,phường\n18754,Sông Trí,phường\n",
            ["--province-name", "Hà Tĩnh"],
            "bị trùng: 18754",
        ),
        (
            "code,name,kind\n123456,Sông Trí,phường\n",
            ["--province-name", "Hà Tĩnh"],
            "mã đơn vị không hợp lệ",
        ),
    ],
)
def test_bad_csv(tmp_path: Path, capsys, csv_text, argv, expected_vi):
    src = tmp_path / "w.csv"
    src.write_text(csv_text, encoding="utf-8")
    out = tmp_path / "out.json"
    code, _, err = _run(capsys, str(src), "--province", "42", *argv, "--out", str(out))
    assert code == 2 and expected_vi in err
    assert not out.exists()


def test_missing_source_and_corrupt_zip(tmp_path: Path):
    with pytest.raises(AdminUnitsError, match="not found"):
        read_source(tmp_path / "nope.whl")
    broken = tmp_path / "broken.whl"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("other.txt", "x")
    with pytest.raises(AdminUnitsError) as info:
        read_source(broken)
    assert "nested-divisions.json" in info.value.message_vi


def test_failed_import_keeps_existing_file(tmp_path: Path, capsys):
    out = tmp_path / "42.json"
    out.write_text("previous", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("[{}]", encoding="utf-8")
    code, _, _ = _run(capsys, str(bad), "--province", "42", "--out", str(out))
    assert code == 2
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["42.json", "bad.json"]


def test_helpers():
    assert split_kind("Đặc khu Phú Quốc") == ("đặc khu", "Phú Quốc")
    assert split_kind("Xã") == (None, "Xã")
    assert normalize_province_code(42) == "42"
    with pytest.raises(AdminUnitsError):
        normalize_province_code("0")


def test_help_documents_every_option(capsys):
    from fieldapp.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    parser = sub.choices["import-wards"]
    for action in parser._actions:
        assert action.help, f"{action.dest} has no help"
    with pytest.raises(SystemExit):
        main(["import-wards", "--help"])
    text = capsys.readouterr().out
    for option in ("--province", "--out", "--province-name", "--extracted-on", "source"):
        assert option in text
