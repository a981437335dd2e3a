"""The portal screen in a real headless Chromium: the QR drawn by Flutter must still decode."""

from __future__ import annotations

import io
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from fieldapp.portal.links import portal_link, procedure_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")

APP = """
import sys
from pathlib import Path
import flet as ft
from fieldapp.ui.portal_views import build_portal_screen

def main(page: ft.Page):
    page.bgcolor = ft.Colors.WHITE
    screen = build_portal_screen("Thôn A", "Tổ A", "0912 345 678", out_dir=Path(sys.argv[2]))
    page.add(screen.control)

ft.run(main, view=ft.AppView.WEB_BROWSER, host="127.0.0.1", port=int(sys.argv[1]), no_cdn=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"app did not listen on {port}")


def test_on_screen_qr_codes_decode(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is not installed: run `apt-get install -y chromium` "
            "(scripts/check installs it). Browser tests fail rather than skip."
        )
    from playwright.sync_api import sync_playwright

    script = tmp_path / "app.py"
    script.write_text(APP, encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(script), str(port), str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 420, "height": 860})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("() => !document.getElementById('loading')", timeout=60_000)
            page.locator("flt-semantics-placeholder").dispatch_event("click")

            def shown() -> set[str]:
                page.wait_for_timeout(1500)
                shot = Image.open(io.BytesIO(page.screenshot()))
                return {b.text for b in zxingcpp.read_barcodes(shot)}

            page.get_by_role("button", name="Thanh toán trực tuyến").click()
            assert shown() == {portal_link("payment").url}
            page.get_by_role("button", name="Quay lại danh sách").click()
            page.get_by_role("button", name=re.compile("Đăng ký khai tử")).click()
            assert shown() == {procedure_link("1.000656").url}
            browser.close()
    finally:
        proc.kill()
        proc.wait(timeout=10)
