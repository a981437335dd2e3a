"""Flet portal views built without a page; handlers called directly."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import flet as ft
import pypdf
import zxingcpp
from PIL import Image

from fieldapp.portal.enrol_link import build_enrol_link
from fieldapp.portal.links import portal_link, procedure_link
from fieldapp.ui.portal_views import build_portal_screen, enrol_qr_view, qr_view


def _images(control: ft.Control) -> list[ft.Image]:
    """All ft.Image controls below ``control`` (walks content/controls)."""
    found: list[ft.Image] = []
    stack = [control]
    while stack:
        node = stack.pop()
        if isinstance(node, ft.Image):
            found.append(node)
        content = getattr(node, "content", None)
        if isinstance(content, ft.Control):
            stack.append(content)
        stack.extend(getattr(node, "controls", None) or [])
    return found


def _decode_src(image: ft.Image) -> str:
    assert isinstance(image.src, bytes)
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(image.src)))[0].text


def _titles(screen) -> list[str]:
    return [row.title.value for row in screen.results.controls]


def test_search_is_accent_insensitive(tmp_path: Path) -> None:
    screen = build_portal_screen(out_dir=tmp_path)
    assert len(_titles(screen)) == 19  # whole catalogue before typing
    screen.search.value = "khai sinh"
    screen.on_search()
    titles = _titles(screen)
    assert "Đăng ký khai sinh" in titles and "Đăng ký lại khai sinh" in titles
    assert "Đăng ký kết hôn" not in titles
    screen.search.value = "dang ky ket hon"
    screen.on_search()
    assert _titles(screen) == ["Đăng ký kết hôn"]
    screen.search.value = "1.004222"
    screen.on_search()
    assert _titles(screen) == ["Đăng ký thường trú"]
    screen.search.value = "không có thủ tục này"
    screen.on_search()
    assert _titles(screen) == []


def test_tap_opens_full_screen_qr_and_back(tmp_path: Path) -> None:
    screen = build_portal_screen(out_dir=tmp_path)
    screen.search.value = "ket hon"
    screen.on_search()
    screen.results.controls[0].on_click(None)
    images = _images(screen.control)
    assert _decode_src(images[0]) == procedure_link("1.000894").url
    screen.back()
    assert screen.control.content is screen.picker


def test_fixed_page_buttons_show_their_qr(tmp_path: Path) -> None:
    screen = build_portal_screen(out_dir=tmp_path)
    for button, key in zip(
        screen.specials.controls, ["home", "payment", "lookup", "vneid"], strict=True
    ):
        button.on_click(None)
        assert _decode_src(_images(screen.control)[0]) == portal_link(key).url
        screen.back()


def test_qr_view_shows_name_code_and_level() -> None:
    view = qr_view(procedure_link("1.001193"))
    texts = [c.value for c in view.content.controls if isinstance(c, ft.Text)]
    assert texts[0] == "Đăng ký khai sinh"
    assert texts[1] == "Mã thủ tục: 1.001193 · Toàn trình"


def test_make_poster_writes_pdf_off_the_loop(tmp_path: Path) -> None:
    screen = build_portal_screen("Thôn Đông Yên", "Tổ CNSCĐ Đông Yên", "0912 345 678", tmp_path)
    screen.toggle("1.001193", True)
    screen.toggle("1.004222", True)
    screen.toggle("1.004222", False)
    path = asyncio.run(screen.on_make_poster())
    assert path is not None and path.parent == tmp_path
    assert "thon-dong-yen" in path.name
    text = pypdf.PdfReader(path).pages[0].extract_text()
    assert "Đăng ký khai sinh" in text and "Đăng ký thường trú" not in text
    assert str(path) in screen.poster_status.value


def test_make_poster_error_marks_the_field(tmp_path: Path) -> None:
    screen = build_portal_screen("Thôn A", "Tổ A", "", tmp_path)
    screen.toggle("1.001193", True)
    assert asyncio.run(screen.on_make_poster()) is None
    assert screen.contact.error and "liên hệ" in screen.contact.error
    assert screen.poster_status.value.startswith("Lỗi:")
    assert list(tmp_path.iterdir()) == []


def test_enrol_qr_view() -> None:
    link = build_enrol_link("https://sync.example.vn", "AB12-CD34")
    assert _decode_src(_images(enrol_qr_view(link))[0]) == link
    bad = enrol_qr_view("http://sync.example.vn/enrol?code=AB12-CD34")
    assert isinstance(bad, ft.Text) and "https" in bad.value
