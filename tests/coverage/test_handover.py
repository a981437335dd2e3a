"""Where exports and posters are saved, and what the share sheet is told about them."""

from __future__ import annotations

import asyncio

from coverage_case import PERIOD, TODAY, open_case

from fieldapp.app_services.handover import mime_type, output_dir
from fieldapp.ui.coverage_views import build_coverage_screen
from fieldapp.ui.portal_views import build_portal_screen


def test_phone_keeps_files_in_app_storage_computer_in_downloads(tmp_path, monkeypatch):
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "app"))
    assert output_dir("exports") == tmp_path / "app" / "exports"
    monkeypatch.delenv("FLET_APP_STORAGE_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    assert output_dir("posters") == tmp_path / "home" / "fieldapp-posters"
    (tmp_path / "home" / "Downloads").mkdir()
    assert output_dir("exports") == tmp_path / "home" / "Downloads" / "fieldapp"


def test_mime_types_for_the_share_sheet():
    assert mime_type("a.csv") == "text/csv"
    assert mime_type("ap-phich.PDF") == "application/pdf"
    assert mime_type("x.bin") == "application/octet-stream"


def test_export_and_poster_offer_share_and_say_where_saved(tmp_path):
    case = open_case(tmp_path / "d.db", rollup=False)
    screen = build_coverage_screen(case.store, today=TODAY, period=PERIOD, export_dir=tmp_path)
    assert screen.share.box.visible is False
    path = asyncio.run(screen.export("members", "xlsx"))
    assert path.is_file() and screen.share.path == path
    assert screen.share.box.visible is True
    assert str(path) in screen.export_status.value and "Chia sẻ" in screen.export_status.value
    case.store.close()

    portal = build_portal_screen(
        village="Thôn Đông", team="Tổ CNSCĐ", contact="Anh Hùng 0912 345 678", out_dir=tmp_path
    )
    portal.toggle("1.001193", True)
    poster = asyncio.run(portal.on_make_poster())
    assert poster is not None and poster.is_file() and portal.share.path == poster
    assert str(poster) in portal.poster_status.value
