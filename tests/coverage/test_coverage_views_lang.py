"""The coverage and portal QR screens follow the app's language (built without a page)."""

from __future__ import annotations

import flet as ft
from coverage_case import PERIOD, TODAY

from fieldapp.coverage import DATA_LABEL_EN, DATA_LABEL_VI
from fieldapp.portal.links import procedure_link
from fieldapp.ui.coverage_views import build_coverage_screen
from fieldapp.ui.portal_views import build_portal_screen, qr_view

_CHILDREN = ("content", "controls", "cells", "rows", "columns", "title", "subtitle", "label")
_STRINGS = ("label", "hint_text", "content", "value", "text")


def strings(control: ft.BaseControl) -> list[str]:
    """Every visible string below ``control``: Text values, labels, hints, button texts."""
    out: list[str] = []

    def walk(c: ft.BaseControl) -> None:
        for name in _STRINGS:
            value = getattr(c, name, None)
            if isinstance(value, str) and value:
                out.append(value)
        for name in (*_CHILDREN, "options"):
            child = getattr(c, name, None)
            for item in child if isinstance(child, list) else [child]:
                if isinstance(item, ft.BaseControl):
                    walk(item)

    walk(control)
    return out


def rendered_coverage(case, tmp_path, lang: str) -> str:
    screen = build_coverage_screen(
        case.store, today=TODAY, period=PERIOD, export_dir=tmp_path, lang=lang
    )
    screen.render(screen.load())  # what refresh() does, minus the thread and the page
    return "\n".join(strings(screen.control))


def test_coverage_screen_in_english(case, tmp_path):
    text = rendered_coverage(case, tmp_path, "en")
    for english in (
        "Team coverage",
        "Progress against targets",
        "Activity by member",
        "Households to visit (gap list)",
        "Export reports",
        "Village table (XLSX)",
        "households visited",
        "People guided",
        "no data",
        "target",
        DATA_LABEL_EN,
    ):
        assert english in text, english
    for vietnamese in ("Độ phủ của tổ", "hộ đã thăm", "Người được HD", "không có số liệu",
                       "chỉ tiêu", "Xuất báo cáo", DATA_LABEL_VI):  # fmt: skip
        assert vietnamese not in text, vietnamese


def test_coverage_screen_in_vietnamese(case, tmp_path):
    text = rendered_coverage(case, tmp_path, "vi")
    for vietnamese in ("Độ phủ của tổ", "Tiến độ theo chỉ tiêu", "hộ đã thăm", "Người được HD",
                       "không có số liệu", "Bảng thôn (XLSX)", DATA_LABEL_VI):  # fmt: skip
        assert vietnamese in text, vietnamese
    assert "Team coverage" not in text


def test_portal_screen_follows_language(tmp_path):
    en = "\n".join(strings(build_portal_screen("Thôn A", "Tổ A", "", tmp_path, lang="en").control))
    for english in (
        "Search procedures (name or code)",
        "Make a poster (PDF)",
        "Team name",
        "Poster for the village notice board",
        "National public-service portal",
    ):
        assert english in en, english
    for vietnamese in ("Tìm thủ tục", "Tạo áp phích", "Tên tổ", "Cổng Dịch vụ công quốc gia"):
        assert vietnamese not in en, vietnamese

    vi = "\n".join(strings(build_portal_screen("Thôn A", "Tổ A", "", tmp_path).control))
    for vietnamese in ("Tìm thủ tục (tên hoặc mã)", "Tạo áp phích (PDF)", "Tên tổ",
                       "Áp phích cho bảng tin thôn", "Cổng Dịch vụ công quốc gia"):  # fmt: skip
        assert vietnamese in vi, vietnamese
    assert "Make a poster" not in vi


def test_qr_view_uses_english_names_and_levels():
    link = procedure_link("1.001193")
    en = "\n".join(strings(qr_view(link, on_back=lambda e: None, lang="en")))
    assert link.title_en in en
    assert f"Procedure code: 1.001193 · {link.level_en}" in en
    assert "Back to the list" in en
    assert "Mã thủ tục" not in en and link.title_vi not in en

    vi = "\n".join(strings(qr_view(link, on_back=lambda e: None)))
    assert f"Mã thủ tục: 1.001193 · {link.level_vi}" in vi
    assert link.title_vi in vi
