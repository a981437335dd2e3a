"""Enrolment by scanning, in a real headless Chromium against `fieldapp serve` and
`fieldapp app --web`: the leader's QR link reaches the app as its route — once when the
app starts on it, once while it is running (the browser's history changes under it, as
Flutter's router sees a deep link on a phone) — and one tap on "Đăng ký" enrols.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    click,
    free_port,
    seed_server,
    shot,
    sid,
    start_app,
    start_server,
    stop,
    wait_text,
)

from fieldapp.portal.enrol_link import build_enrol_link

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture
def world(tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING_CHROMIUM)
    db = tmp_path / "server.db"
    codes = seed_server(db, ["Nguyễn Thị Ánh"])
    server_port, first, second = free_port(), free_port(), free_port()
    procs = {"server": start_server(db, server_port, tmp_path / "server.log")}
    procs["start"] = start_app(tmp_path / "phone-1", first, tmp_path / "app1.log")
    procs["running"] = start_app(tmp_path / "phone-2", second, tmp_path / "app2.log")
    yield {
        "codes": codes,
        "server": f"http://127.0.0.1:{server_port}",
        "apps": (f"http://127.0.0.1:{first}", f"http://127.0.0.1:{second}"),
    }
    for proc in procs.values():
        stop(proc)


def _route(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _ready(page) -> None:
    page.wait_for_function("() => !document.getElementById('loading')", timeout=60_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")


def test_link_at_start_and_while_running_enrol_after_one_tap(world):
    from playwright.sync_api import sync_playwright

    member_link = build_enrol_link(world["server"], world["codes"]["member"])
    leader_link = build_enrol_link(world["server"], world["codes"]["leader"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # 1. The app starts on the link (a phone opened by the camera app).
            page = browser.new_page(viewport={"width": 360, "height": 640})
            page.goto(world["apps"][0] + _route(member_link))
            _ready(page)
            wait_text(page, "Mở từ mã QR của tổ trưởng")
            shot(page, "deep-link-start")
            click(page, "enrol-submit")
            wait_text(page, "Đã đăng ký: Trần Thị Bình (tổ viên)", timeout=60)
            page.close()

            # 2. The app is running on its Enrol screen; then the link arrives.
            page = browser.new_page(viewport={"width": 360, "height": 640})
            page.goto(world["apps"][1] + "/")
            _ready(page)
            sid(page, "enrol-server").wait_for(timeout=30_000)
            page.evaluate(
                """route => { history.pushState(null, '', route);
                              dispatchEvent(new PopStateEvent('popstate', {state: null})); }""",
                _route(leader_link),
            )
            wait_text(page, "Mở từ mã QR của tổ trưởng")
            shot(page, "deep-link-running")
            click(page, "enrol-submit")
            wait_text(page, "Đã đăng ký: Nguyễn Văn An (tổ trưởng)", timeout=60)
            click(page, "enrol-continue")
            wait_text(page, "Xin chào, Nguyễn Văn An")

            # 3. Enrolled: another scanned link changes nothing and says why.
            page.evaluate(
                """route => { history.pushState(null, '', route);
                              dispatchEvent(new PopStateEvent('popstate', {state: null})); }""",
                _route(member_link),
            )
            wait_text(page, "Máy này đã đăng ký cho Nguyễn Văn An")
        finally:
            browser.close()
