"""Posters: PDF text read back with pypdf, QR codes decoded from the PNG with zxing-cpp."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

from fieldapp.domain.model import Procedure, ProcedureLevel
from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import PortalLink, procedure_link
from fieldapp.portal.poster import (
    INSTRUCTION_STEPS_VI,
    MAX_PROCEDURES,
    PosterSpec,
    layout_links,
    layout_poster,
    poster_png,
    write_poster,
)
from fieldapp.reference import load_procedures

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
VILLAGE = "Thôn Đông Yên"
TEAM = "Tổ công nghệ số cộng đồng thôn Đông Yên"
CONTACT = "Chị Nguyễn Thị Ánh — 0912 345 678"
NINE = tuple(list(load_procedures())[:MAX_PROCEDURES])


def _pdf_text(path: Path) -> str:
    text = pypdf.PdfReader(path).pages[0].extract_text()
    # Names may wrap inside a cell; compare with line breaks folded to spaces.
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.fixture(scope="module")
def poster_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("poster")
    pdf, png = out / "poster.pdf", out / "poster.png"
    # NFD input, as a phone keyboard may produce: it must come out NFC.
    spec = PosterSpec(NINE, unicodedata.normalize("NFD", VILLAGE), TEAM, CONTACT)
    write_poster(spec, pdf, png)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "poster-9.png").write_bytes(png.read_bytes())  # for a person to look at
    (ARTIFACTS / "poster-9.pdf").write_bytes(pdf.read_bytes())
    return pdf, png


def test_pdf_has_names_codes_levels_and_instructions(poster_files: tuple[Path, Path]) -> None:
    text = _pdf_text(poster_files[0])
    assert unicodedata.is_normalized("NFC", text)
    for code in NINE:
        proc = load_procedures()[code]
        assert proc.name_vi in text
        assert f"Mã thủ tục: {code}" in text
    assert "Toàn trình" in text and "Một phần" in text
    for step in INSTRUCTION_STEPS_VI:
        assert step in text
    assert "VNeID" in text
    for value in (VILLAGE, TEAM, CONTACT):
        assert value in text


def test_pdf_embeds_the_font(poster_files: tuple[Path, Path]) -> None:
    fonts = set()
    page = pypdf.PdfReader(poster_files[0]).pages[0]
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        fonts.add(str(font["/BaseFont"]))
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()  # embedded, not referenced
    assert any("DejaVuSans" in f for f in fonts)


def test_png_poster_qr_codes_decode(poster_files: tuple[Path, Path]) -> None:
    image = Image.open(poster_files[1])
    assert image.size == (1654, 2339)  # A4 at 200 dpi
    found = {b.text for b in zxingcpp.read_barcodes(image)}
    assert found == {procedure_link(code).url for code in NINE}


def test_layout_gives_scannable_codes_for_every_count() -> None:
    codes = list(load_procedures())
    for n in range(1, MAX_PROCEDURES + 1):
        layout = layout_poster(PosterSpec(tuple(codes[:n]), VILLAGE, TEAM, CONTACT))
        assert layout.columns * layout.rows >= n
        assert layout.qr_mm >= 26


def test_small_poster_qr_decodes_from_png() -> None:
    layout = layout_poster(PosterSpec(("1.001193", "1.004222"), VILLAGE, TEAM, CONTACT))
    found = {b.text for b in zxingcpp.read_barcodes(poster_png(layout, dpi=150))}
    assert procedure_link("1.004222").url in found


def test_too_long_village_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    spec = PosterSpec(("1.001193",), "Thôn " + "Đông Yên Thượng " * 20, TEAM, CONTACT)
    with pytest.raises(PortalError) as info:
        write_poster(spec, tmp_path / "p.pdf", tmp_path / "p.png")
    assert info.value.code == "text_too_long"
    assert info.value.field == "village"
    assert "quá dài" in info.value.message_vi and "too long" in info.value.message_en
    assert list(tmp_path.iterdir()) == []


def test_procedure_name_too_long_for_its_cell() -> None:
    name = "Thủ tục " + "rất dài " * 80
    long = Procedure("1.001193", name, "Long", ProcedureLevel.FULL)
    link = PortalLink(long.code, procedure_link("1.001193").url, name, "Long", long)
    spec = PosterSpec((), VILLAGE, TEAM, CONTACT)
    with pytest.raises(PortalError) as info:
        layout_links([link], spec)
    assert (info.value.code, info.value.field) == ("text_too_long", "procedure")
    assert "tên thủ tục" in info.value.message_vi
    # A name that fits lays out fine through the same path.
    assert layout_links([procedure_link("1.001193")], spec).qr_mm >= 26


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        (("9.999999",), "unknown_procedure"),
        ((), "no_procedures"),
        (tuple(list(load_procedures())[: MAX_PROCEDURES + 1]), "too_many_procedures"),
    ],
)
def test_bad_code_lists(codes: tuple[str, ...], problem: str) -> None:
    with pytest.raises(PortalError) as info:
        layout_poster(PosterSpec(codes, VILLAGE, TEAM, CONTACT))
    assert info.value.code == problem


def test_missing_contact_is_named() -> None:
    with pytest.raises(PortalError) as info:
        layout_poster(PosterSpec(("1.001193",), VILLAGE, TEAM, "   "))
    assert (info.value.code, info.value.field) == ("missing_field", "contact")
