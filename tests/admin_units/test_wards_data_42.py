"""The shipped ``data/wards/42.json`` (Hà Tĩnh) holds the facts checked in domain.md."""

from __future__ import annotations

import unicodedata
from collections import Counter

from fieldapp.reference import load_json, load_wards

PHUONG_42 = {
    "Thành Sen", "Trần Phú", "Hà Huy Tập", "Bắc Hồng Lĩnh", "Nam Hồng Lĩnh",
    "Sông Trí", "Hải Ninh", "Vũng Áng", "Hoành Sơn",
}  # fmt: skip


def test_69_units_60_xa_9_phuong():
    wards = load_wards("42")
    assert len(wards) == 69
    assert Counter(w.kind for w in wards) == {"xã": 60, "phường": 9}
    assert {w.name for w in wards if w.kind == "phường"} == PHUONG_42
    assert len({w.code for w in wards}) == 69
    assert all(w.province_code == "42" for w in wards)


def test_former_ky_anh_town_codes():
    by_name = {w.name: (w.code, w.kind) for w in load_wards("42")}
    assert by_name["Sông Trí"] == ("18754", "phường")
    assert by_name["Hải Ninh"] == ("18781", "phường")
    assert by_name["Vũng Áng"] == ("18823", "phường")
    assert by_name["Hoành Sơn"] == ("18832", "phường")
    assert by_name["Kỳ Hoa"] == ("18814", "xã")


def test_names_are_nfc_without_prefix_and_provenance_is_complete():
    doc = load_json("wards/42.json")
    for w in doc["wards"]:
        assert unicodedata.is_normalized("NFC", w["name"])
        assert not w["name"].lower().startswith(("xã ", "phường ", "đặc khu "))
        assert len(w["code"]) == 5 and w["code"].isdigit()
    assert doc["province"] == {"code": "42", "name": "Hà Tĩnh"}
    prov = doc["provenance"]
    assert prov["package"] == "vietnam-provinces" and prov["version"] == "2026.9.0"
    assert "GPL" in prov["licence"] and prov["extracted"]
