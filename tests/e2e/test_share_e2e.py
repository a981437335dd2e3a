"""A report made in the app leaves it: in headless Chromium (no Web Share API) the
"Chia sẻ…" button falls back to saving a copy — a browser download with the same bytes
as the file the screen says it saved. On a phone the same button opens the system share
sheet (Flet's Share service), which cannot run here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    click,
    enrol,
    free_port,
    scroll_into_view,
    seed_server,
    shot,
    start_app,
    start_server,
    stop,
    wait_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]


def test_export_is_handed_on_as_a_download(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING_CHROMIUM)
    db = tmp_path / "server.db"
    codes = seed_server(db, ["Nguyễn Thị Ánh", "Lê Văn Hùng"])
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    sport, aport = free_port(), free_port()
    procs = [start_server(db, sport, tmp_path / "server.log")]
    try:
        procs.append(
            start_app(tmp_path / "phone", aport, tmp_path / "app.log", {"HOME": str(home)})
        )
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(
                    viewport={"width": 360, "height": 640}, accept_downloads=True
                ).new_page()
                page.goto(f"http://127.0.0.1:{aport}/")
                page.wait_for_function("() => !document.getElementById('loading')", timeout=60_000)
                page.locator("flt-semantics-placeholder").dispatch_event("click")
                enrol(page, f"http://127.0.0.1:{sport}", codes["leader"], "Đã đăng ký")
                page.get_by_role("tab", name="Thêm").click()
                click(page, "more-coverage")
                wait_text(page, "Xuất báo cáo", timeout=30)
                scroll_into_view(page, "coverage-export-villages-xlsx")
                click(page, "coverage-export-villages-xlsx")
                saved = home / "Downloads" / "fieldapp"
                wait_text(page, f"lưu tại: {saved}")  # the place, said on screen
                scroll_into_view(page, "coverage-share")
                with page.expect_download(timeout=30_000) as download:
                    click(page, "coverage-share")
                wait_text(page, "đã lưu một bản")
                shot(page, "share-download")
                got = tmp_path / download.value.suggested_filename
                download.value.save_as(str(got))
            finally:
                browser.close()
    finally:
        for proc in procs:
            stop(proc)
    (original,) = saved.glob("do-phu-villages-*.xlsx")
    assert got.name == original.name and got.read_bytes() == original.read_bytes()
