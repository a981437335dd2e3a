"""End to end in a real headless Chromium: enrol with a code, find a household typed
without accents, stop the server, log a visit with a procedure and a payment status,
start the server, sync, and find the visit on the server exactly once.

Screenshots of each main screen go to artifacts/screens/ (git-ignored).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from e2e_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    click,
    free_port,
    scroll_into_view,
    seed_server,
    shot,
    sid,
    start_app,
    start_server,
    stop,
    type_into,
    wait_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

HOUSEHOLDS = [
    "Nguyễn Thị Ánh",
    "Nguyễn Văn Nam",
    "Lê Văn Hùng",
    "Phan Đức Minh",
    "Võ Thị Mai",
    "Đặng Văn Tư",
    "Trần Thị Lan",
    "Hoàng Văn Sơn",
]


@pytest.fixture
def world(tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING_CHROMIUM)
    db = tmp_path / "server.db"
    codes = seed_server(db, HOUSEHOLDS)
    server_port, app_port = free_port(), free_port()
    procs = {"server": start_server(db, server_port, tmp_path / "server.log")}
    procs["app"] = start_app(tmp_path / "phone", app_port, tmp_path / "app.log")
    yield {
        "db": db,
        "codes": codes,
        "server_port": server_port,
        "app_url": f"http://127.0.0.1:{app_port}/",
        "procs": procs,
        "tmp": tmp_path,
    }
    for proc in procs.values():
        stop(proc)


# Where the browser says the phone is (Playwright's geolocation override).
HERE = {"latitude": 18.0656, "longitude": 106.3005, "accuracy": 12}


def test_enrol_find_log_offline_sync_once(world):
    from playwright.sync_api import sync_playwright

    server_url = f"http://127.0.0.1:{world['server_port']}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 400, "height": 860})  # a 6-inch phone
            page.goto(world["app_url"])
            page.wait_for_function("() => !document.getElementById('loading')", timeout=60_000)
            page.locator("flt-semantics-placeholder").dispatch_event("click")

            # 1. Enrol with a code.
            sid(page, "enrol-server").wait_for(timeout=20_000)
            shot(page, "01-enrol")
            type_into(page, "enrol-server", server_url)
            type_into(page, "enrol-code", world["codes"]["member"])
            click(page, "enrol-submit")
            wait_text(page, "Đã đăng ký: Trần Thị Bình (tổ viên)")
            wait_text(page, "Thôn Đông")
            shot(page, "02-enrolled")
            click(page, "enrol-continue")
            wait_text(page, "Xin chào, Trần Thị Bình")
            wait_text(page, "Hộ chưa thăm")
            shot(page, "03-home")

            # 2. Find a household by typing its name without accents.
            page.get_by_role("tab", name="Hộ gia đình").click()
            wait_text(page, f"{len(HOUSEHOLDS)} hộ")
            type_into(page, "hh-search", "nguyen thi anh")
            wait_text(page, "1 hộ")
            shot(page, "04-households-search")

            # 3. Stop the server; log the visit offline.
            stop(world["procs"].pop("server"))
            rows = sid(page, "hh-list").get_by_role("button")
            assert rows.count() == 1
            rows.first.click()
            wait_text(page, "Lịch sử thăm")
            click(page, "hd-log-visit")
            wait_text(page, "Lượt thăm: Nguyễn Thị Ánh")
            sid(page, "visit-consent").get_by_role("button", name="Đồng ý").first.click()
            type_into(page, "visit-proc-search", "khai sinh")
            wait_text(page, "toàn trình")
            click(page, "proc-option-1.001193")
            wait_text(page, "1.001193 Đăng ký khai sinh")
            click(page, "act-fee_paid")
            sid(page, "visit-payment").get_by_role("button", name="Tự khai báo").first.click()
            click(page, "outcome-done")

            # Optional GPS: refused first (the typed position stays), then allowed.
            scroll_into_view(page, "visit-gps")
            type_into(page, "visit-gps", "18.07, 106.29")
            click(page, "visit-locate")
            wait_text(page, "vị trí bằng tay")
            assert sid(page, "visit-gps").locator("input").first.input_value() == "18.07, 106.29"
            page.context.grant_permissions(["geolocation"])
            page.context.set_geolocation(HERE)
            click(page, "visit-locate")
            wait_text(page, "Đã lấy vị trí (sai số khoảng 12 m)")
            assert sid(page, "visit-gps").locator("input").first.input_value() == (
                "18.065600, 106.300500"
            )
            shot(page, "05-visit-form")
            click(page, "visit-save")
            # A dossier was submitted: the household's slip opens; back to the household.
            wait_text(page, "Phiếu cho hộ gia đình")
            click(page, "nav-back")
            wait_text(page, "Đăng ký khai sinh (toàn trình)")
            wait_text(page, "chưa đồng bộ")
            shot(page, "06-household-detail")

            page.get_by_role("tab", name="Đồng bộ").click()
            wait_text(page, "1 chưa đồng bộ")  # the visit; the household came from the server
            click(page, "sync-now")
            wait_text(page, "Đồng bộ không thành công", timeout=40)
            shot(page, "07-sync-offline")

            # 4. Start the server again and sync.
            world["procs"]["server"] = start_server(
                world["db"], world["server_port"], world["tmp"] / "server2.log"
            )
            click(page, "sync-now")
            wait_text(page, "Đồng bộ xong", timeout=40)
            wait_text(page, "Đã đồng bộ hết")
            shot(page, "08-sync-done")

            page.get_by_role("tab", name="Thêm").click()
            wait_text(page, "Đăng xuất")
            shot(page, "09-more")
        finally:
            browser.close()

    # 5. The visit is on the server exactly once, with its procedure and payment status.
    with sqlite3.connect(world["db"]) as conn:
        rows = conn.execute(
            "SELECT v.id FROM visits v JOIN households h ON h.id = v.household_id"
            " WHERE h.head_name = ?",
            ["Nguyễn Thị Ánh"],
        ).fetchall()
        assert len(rows) == 1
        (gps,) = conn.execute("SELECT gps FROM visits WHERE id = ?", [rows[0][0]]).fetchone()
        kinds = conn.execute(
            "SELECT kind, procedure_code, payment_status FROM visit_activities WHERE visit_id = ?",
            [rows[0][0]],
        ).fetchall()
    assert ("dossier_submitted", "1.001193", None) in kinds
    assert any(k[0] == "fee_paid" and k[2] == "self_reported" for k in kinds)
    assert json.loads(gps) == {"lat": 18.0656, "lon": 106.3005, "accuracy_m": 12.0}
