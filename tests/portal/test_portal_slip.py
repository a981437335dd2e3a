"""The household's slip: QR codes decoded from the PNG with zxing-cpp, the PDF's text read
back with pypdf, the consent rule for the name, and errors before anything is written."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import load_portal_config
from fieldapp.portal.slip import SLIP_H, SLIP_W, SlipSpec, layout_slip, slip_png, write_slip

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
LOOKUP = "https://dichvucong.gov.vn/tra-cuu-ho-so"
PAYMENT = "https://dichvucong.gov.vn/thanh-toan-truc-tuyen"


def _decoded(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    return sorted(
        b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    )


def _pdf_text(path: Path) -> str:
    text = pypdf.PdfReader(path).pages[0].extract_text()
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_slip_png_qr_codes_decode_to_the_portal_lookup_and_payment_pages(tmp_path: Path) -> None:
    spec = SlipSpec(
        "1.001193",
        date(2026, 12, 1),
        dossier_no="H42.18-261201-0001",
        head_name="Nguyễn Thị Ánh",
        team="Tổ CNSCĐ thôn Đông",
    )
    layout = write_slip(spec, tmp_path / "s.pdf", tmp_path / "s.png")
    png = (tmp_path / "s.png").read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "slip.png").write_bytes(png)  # for a person to look at
    assert _decoded(png) == sorted([LOOKUP, PAYMENT])
    assert [link.url for link in layout.links] == [LOOKUP, PAYMENT]
    assert Image.open(io.BytesIO(png)).size == (
        round(SLIP_W / 25.4 * 200),
        round(SLIP_H / 25.4 * 200),
    )
    assert layout.qr_mm >= 30


def test_slip_pdf_says_procedure_date_number_and_name(tmp_path: Path) -> None:
    spec = SlipSpec(
        "2.000635",
        date(2026, 3, 9),
        dossier_no="000.00.42.H42-0007",
        head_name=unicodedata.normalize("NFD", "Lê Văn Đức"),
    )
    write_slip(spec, tmp_path / "s.pdf")
    text = _pdf_text(tmp_path / "s.pdf")
    assert "Cấp bản sao trích lục hộ tịch" in text
    assert "Ngày nộp: 09/03/2026" in text  # dd/mm/yyyy
    assert "Số hồ sơ: 000.00.42.H42-0007" in text
    assert "Chủ hộ: Lê Văn Đức" in text  # NFD input comes out NFC
    assert "Lệ phí: 8.000 đ" in text
    assert "VNeID" in text


def test_slip_without_consent_details_has_no_name_and_no_number(tmp_path: Path) -> None:
    write_slip(SlipSpec("1.001193", date(2026, 12, 1)), tmp_path / "s.pdf", tmp_path / "s.png")
    text = _pdf_text(tmp_path / "s.pdf")
    assert "Chủ hộ" not in text
    assert "Số hồ sơ: chưa ghi" in text
    assert _decoded((tmp_path / "s.png").read_bytes()) == sorted([LOOKUP, PAYMENT])


def test_a_lookup_template_with_the_number_fills_it_in() -> None:
    template = "https://dichvucong.gov.vn/tra-cuu-ho-so?maHoSo={dossier_no}"
    cfg = replace(load_portal_config(), dossier_lookup=template)
    layout = layout_slip(SlipSpec("1.001193", date(2026, 12, 1), dossier_no="H42/0001 A"), cfg)
    expected = "https://dichvucong.gov.vn/tra-cuu-ho-so?maHoSo=H42%2F0001%20A"
    assert _decoded(slip_png(layout, dpi=150)) == sorted([expected, PAYMENT])


def test_a_lookup_template_on_another_host_is_refused() -> None:
    cfg = replace(load_portal_config(), dossier_lookup="https://tra-cuu.example.com/")
    with pytest.raises(PortalError) as info:
        layout_slip(SlipSpec("1.001193", date(2026, 12, 1)), cfg)
    assert (info.value.code, info.value.field) == ("host_not_allowed", "dossier_lookup")


def test_too_long_text_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    spec = SlipSpec("1.001193", date(2026, 12, 1), head_name="Nguyễn " * 40)
    with pytest.raises(PortalError) as info:
        write_slip(spec, tmp_path / "s.pdf", tmp_path / "s.png")
    assert (info.value.code, info.value.field) == ("text_too_long", "head_name")
    assert "chủ hộ" in info.value.message_vi
    assert list(tmp_path.iterdir()) == []


def test_unknown_procedure_is_a_clear_error() -> None:
    with pytest.raises(PortalError) as info:
        layout_slip(SlipSpec("9.999999", date(2026, 12, 1)))
    assert info.value.code == "unknown_procedure"
