"""Portal links and QR codes: every generated code is decoded with a real decoder (zxing-cpp)."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image

from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import (
    SPECIAL_KEYS,
    PortalConfig,
    load_portal_config,
    portal_link,
    procedure_link,
    search_links,
)
from fieldapp.portal.qr import QUIET_ZONE, qr_image, qr_png
from fieldapp.reference import load_json, load_procedures


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def test_portal_json_has_provenance_and_the_expected_templates() -> None:
    doc = load_json("portal.json")
    assert doc["provenance"]["source"]
    assert doc["procedure_template"].count("{code}") == 1
    assert set(doc["allowed_hosts"]) == {"dichvucong.gov.vn", "vneid.gov.vn"}
    cfg = load_portal_config()
    assert cfg.payment == "https://dichvucong.gov.vn/thanh-toan-truc-tuyen"
    assert cfg.dossier_lookup == "https://dichvucong.gov.vn/tra-cuu-ho-so"
    assert doc["provenance"]["dossier_lookup"].startswith("likely")


@pytest.mark.parametrize("code", list(load_procedures()))
def test_every_procedure_qr_decodes_to_its_link(code: str) -> None:
    link = procedure_link(code)
    assert parse_qs(urlsplit(link.url).query)["keyword"] == [code]
    assert link.title_vi == load_procedures()[code].name_vi
    assert link.level_vi in {"Toàn trình", "Một phần"}
    png = qr_png(link.url, module_px=4)  # small modules: a phone screen at low zoom
    found = decode(Image.open(io.BytesIO(png)))
    assert [b.text for b in found] == [link.url]
    assert found[0].ec_level == "H"


@pytest.mark.parametrize("key", sorted(SPECIAL_KEYS))
def test_fixed_pages_qr_decode(key: str) -> None:
    link = portal_link(key.upper())  # keys are case-insensitive
    assert link.url.startswith("https://")
    assert [b.text for b in decode(qr_image(link.url))] == [link.url]


def test_qr_image_is_high_contrast_with_wide_quiet_zone() -> None:
    image = qr_image("https://vneid.gov.vn", module_px=5)
    assert sorted(color for _, color in image.getcolors()) == [0, 255]
    border = QUIET_ZONE * 5
    corner = image.crop((0, 0, border, border))
    assert corner.getextrema() == (255, 255)
    assert QUIET_ZONE >= 4


@pytest.mark.parametrize("bad", ["9.999999", "1.00119", "khai sinh", "", "1.001193; rm"])
def test_unknown_procedure_code_is_a_clear_error(bad: str) -> None:
    with pytest.raises(PortalError) as info:
        procedure_link(bad)
    assert info.value.code == "unknown_procedure"
    assert "Không có thủ tục mã" in info.value.message_vi
    assert "No procedure with code" in info.value.message_en


def _config(**changes: object) -> dict[str, object]:
    doc = dict(load_json("portal.json"))
    doc.update(changes)
    return doc


def test_template_without_placeholder_is_rejected() -> None:
    with pytest.raises(PortalError) as info:
        PortalConfig.from_dict(_config(procedure_template="https://dichvucong.gov.vn/tra-cuu"))
    assert info.value.code == "missing_placeholder"
    assert info.value.field == "procedure_template"
    assert "{code}" in info.value.message_vi


@pytest.mark.parametrize(
    ("name", "url", "problem"),
    [
        ("home", "http://dichvucong.gov.vn", "not_https"),
        ("payment", "ftp://dichvucong.gov.vn/pay", "not_https"),
        ("vneid", "https://vneid.gov.vn.evil.example/", "host_not_allowed"),
        ("procedure_template", "https://evil.example/?q={code}", "host_not_allowed"),
    ],
)
def test_non_https_or_unknown_host_is_rejected(name: str, url: str, problem: str) -> None:
    with pytest.raises(PortalError) as info:
        PortalConfig.from_dict(_config(**{name: url}))
    assert info.value.code == problem
    assert info.value.field == name
    assert name in info.value.message_vi and name in info.value.message_en


def test_allowed_hosts_are_configurable() -> None:
    doc = _config(allowed_hosts=["dvc.example.vn"], home="https://dvc.example.vn",
                  payment="https://dvc.example.vn/pay", vneid="https://dvc.example.vn/id",
                  dossier_lookup="https://dvc.example.vn/ho-so",
                  procedure_template="https://dvc.example.vn/tt?m={code}")  # fmt: skip
    cfg = PortalConfig.from_dict(doc)
    assert procedure_link("1.004222", cfg).url == "https://dvc.example.vn/tt?m=1.004222"


def test_search_links_is_accent_insensitive() -> None:
    assert [link.key for link in search_links("dang ky ket hon")] == ["1.000894"]
    assert "1.001193" in [link.key for link in search_links("KHAI SINH")]
