"""The console's list import in a real headless Chromium against a real ``fieldapp serve``:
a messy list whose problems are shown by cell, the file given back and fixed, committed,
imported again with no duplicates, and the households seen on the village's page.
Screenshots of each step at 1366×768 and 390×844 go to ``/tmp/import-shots/`` (or
``$IMPORT_SHOTS``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from console_browser import SIZES, Officer
from import_lists import CCCD, HEADS, household_list
from openpyxl import load_workbook

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(os.environ.get("IMPORT_SHOTS", "/tmp/import-shots"))


def _file(data: bytes, name: str = "Danh sách hộ.xlsx") -> dict:
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"name": name, "mimeType": mime, "buffer": data}


def _count(page, label: str) -> int:
    card = page.locator(".counts .card").filter(has_text=label).first
    return int(card.locator(".big").inner_text().replace(".", ""))


def _unexpected(errors: list[str]) -> list[str]:
    # The refused commit is answered 422 on purpose; anything else (a CSP violation) counts.
    return [e for e in errors if "status of 422" not in e]


def _shot(o: Officer, name: str, size: str) -> None:
    o.page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
    if size == "phone":
        wide = o.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= SIZES["phone"][0] + 1, (name, wide)


def _upload_and_preview(o: Officer, data: bytes, size: str, step: str) -> None:
    page = o.page
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(_file(data))
    page.get_by_role("button", name="Tải lên và đọc tệp").click()
    page.wait_for_url(re.compile(r".*/console/import/[\w-]+/columns$"))
    _shot(o, f"{step}-columns", size)
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_url(re.compile(r".*/console/import/[\w-]+$"))
    _shot(o, f"{step}-preview", size)


def test_problems_shown_fixed_committed_and_reimported(served, browser, tmp_path):
    world, url = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = "desktop"
    o = Officer(browser, world, url, "officer_a", size)
    page = o.go("/console/import")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Nhập danh sách")
    _shot(o, "start", size)
    messy, at = household_list()
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(_file(messy))
    page.get_by_role("button", name="Tải lên và đọc tệp").click()
    page.wait_for_url(re.compile(r".*/columns$"))
    main = page.inner_text("main")
    assert "Cột C («So CCCD») chứa số CMND/CCCD: bị từ chối" in main
    # The guessed mapping, as the officer sees it and may change it.
    village = page.get_by_label("Thôn/Tổ dân phố (bắt buộc)")
    assert village.input_value() == "E"
    assert page.get_by_label("Họ tên chủ hộ").input_value() == "B"
    _shot(o, "messy-columns", size)
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_url(re.compile(r".*/console/import/[\w-]+$"))
    _shot(o, "messy-preview", size)
    assert _count(page, "bị từ chối") == 2 and _count(page, "mới") == 3
    problems = page.locator("section.table-block table").inner_text()
    assert f"Ô E{at['bad_village']}" in problems and "TDP 99" in problems
    assert f"Ô G{at['bad_count']}" in problems
    # Import refused as a whole while rows are refused and not skipped.
    page.get_by_role("button", name="Nhập vào hệ thống").click()
    assert "Chưa nhập gì: 2 dòng bị từ chối" in page.get_by_role("alert").first.inner_text()
    # The file given back, to fix in Excel.
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Tải tệp kết quả")).click()
    path = tmp_path / "ket-qua.xlsx"
    info.value.save_as(path)
    cells = [str(v) for r in load_workbook(path).active.iter_rows(values_only=True) for v in r]
    assert any("TDP 99" in v for v in cells) and not any(c in v for c in CCCD for v in cells)
    # The fixed file, uploaded from the preview; the confirmed columns are kept.
    fixed, _ = household_list(fixed=True)
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(_file(fixed))
    page.get_by_role("button", name="Tải lên tệp đã sửa").click()
    page.wait_for_url(re.compile(r".*/columns$"))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_url(re.compile(r".*/console/import/[\w-]+$"))
    assert _count(page, "bị từ chối") == 0 and _count(page, "mới") == 5
    page.get_by_role("button", name="Nhập vào hệ thống").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Đã nhập xong")
    assert _count(page, "mới") == 5
    _shot(o, "done", size)
    # Imported again: recognised, nothing new, nothing doubled.
    o.go("/console/import")
    _upload_and_preview(o, fixed, size, "again")
    assert _count(page, "mới") == 0 and _count(page, "không đổi") == 5
    page.get_by_role("button", name="Nhập vào hệ thống").click()
    page.wait_for_load_state()
    assert _count(page, "mới") == 0
    rows = world.rows(
        "SELECT head_name, count(*) FROM households WHERE deleted = 0 AND head_name IN"
        f" ({','.join('?' * len(HEADS))}) GROUP BY head_name",
        HEADS,
    )
    assert sorted(rows) == sorted((h, 1) for h in HEADS)
    # The batches list, with undo.
    page = o.go("/console/import")
    assert page.get_by_role("link", name="Hoàn tác…").count() == 2
    _shot(o, "batches", size)
    # The households on the village's page (not yet visited: on its gap list).
    tdp11 = next(v.id for v in world.dataset.villages if v.name == "Tổ dân phố 11")
    page = o.go(f"/console/villages/{tdp11}?q=nhap")
    assert HEADS[0] in page.inner_text("main")
    _shot(o, "village", size)
    assert not _unexpected(o.errors), o.errors  # a CSP violation would show here
    o.close()


def test_import_pages_on_a_phone(served, browser):
    world, url = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = "phone"
    o = Officer(browser, world, url, "officer_a", size)
    o.go("/console/import")
    _shot(o, "start", size)
    messy, _ = household_list()
    _upload_and_preview(o, messy, size, "messy")
    o.page.get_by_role("button", name="Nhập vào hệ thống").click()
    o.page.wait_for_load_state()
    _shot(o, "messy-refused", size)
    o.page.get_by_role("button", name="Huỷ lần nhập này").click()
    o.page.wait_for_url(re.compile(r".*/console/import\?cancelled=1$"))
    assert "Đã huỷ" in o.page.inner_text("main")
    # English, with the console's switch.
    o.go("/console/lang?to=en&next=/console/import")
    assert o.page.get_by_role("heading", level=1).inner_text().startswith("Import")
    _shot(o, "start-en", size)
    o.go("/console/lang?to=vi&next=/console/import")
    assert not _unexpected(o.errors), o.errors
    o.close()
