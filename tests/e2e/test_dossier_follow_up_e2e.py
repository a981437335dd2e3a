"""End to end in a real headless Chromium, real ``fieldapp serve`` and two real apps
(``fieldapp app --web``): a member submits a dossier at one visit and gets the household's
slip on screen (its QR codes decoded from the screenshot with zxing-cpp); at a later
follow-up — a phone call, from the follow-up list — updates it to "result received"; the
leader's coverage screen shows the village's result rate go from 0 % to 100 %. On the server
the two visits are stored once each, with where they happened (home, phone).

Screenshots go to artifacts/screens/ (git-ignored).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import zxingcpp
from e2e_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    SCREENS,
    click,
    enrol,
    free_port,
    open_app,
    scroll_into_view,
    scroll_until,
    seed_server,
    shot,
    sid,
    start_app,
    start_server,
    stop,
    type_into,
    wait_text,
)
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]

# seed_server puts households 1, 2, 4, 5 in Thôn Đông (i % 3 != 0) and 0, 3 in Thôn Tây.
HOUSEHOLDS = ["Lê Văn Hùng", "Nguyễn Thị Ánh", "Phan Đức Minh", "Võ Thị Mai", "Đặng Văn Tư"]
LOOKUP = "https://dichvucong.gov.vn/tra-cuu-ho-so"
PAYMENT = "https://dichvucong.gov.vn/thanh-toan-truc-tuyen"


@pytest.fixture
def world(tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING_CHROMIUM)
    db = tmp_path / "server.db"
    codes = seed_server(db, HOUSEHOLDS)
    server_port, member_port, leader_port = free_port(), free_port(), free_port()
    procs = {"server": start_server(db, server_port, tmp_path / "server.log")}
    try:
        procs["member"] = start_app(tmp_path / "member", member_port, tmp_path / "member.log")
        procs["leader"] = start_app(tmp_path / "leader", leader_port, tmp_path / "leader.log")
        yield {
            "db": db,
            "codes": codes,
            "server_url": f"http://127.0.0.1:{server_port}",
            "member_url": f"http://127.0.0.1:{member_port}/",
            "leader_url": f"http://127.0.0.1:{leader_port}/",
        }
    finally:
        for proc in procs.values():
            stop(proc)


def sync(page) -> None:
    page.get_by_role("tab", name="Đồng bộ").click()
    wait_text(page, "Đồng bộ ngay")
    click(page, "sync-now")
    wait_text(page, "Đồng bộ xong", timeout=60)


def submit_birth_registration(page) -> None:
    """Households → Nguyễn Thị Ánh → log a visit: consent, khai sinh, done, save."""
    page.get_by_role("tab", name="Hộ gia đình").click()
    sid(page, "hh-list").get_by_role("button", name="Nguyễn Thị Ánh").first.click()
    wait_text(page, "Lịch sử thăm")
    click(page, "hd-log-visit")
    wait_text(page, "Lượt thăm: Nguyễn Thị Ánh")
    sid(page, "visit-consent").get_by_role("button", name="Đồng ý").first.click()
    type_into(page, "visit-proc-search", "khai sinh")
    wait_text(page, "toàn trình")
    click(page, "proc-option-1.001193")
    wait_text(page, "1.001193 Đăng ký khai sinh")
    click(page, "fee-start-not_due")
    click(page, "outcome-done")
    shot(page, "40-visit-with-dossier")
    click(page, "visit-save")


def slip_codes(page, name: str) -> list[str]:
    """Screenshot the slip on screen and decode its QR codes (zxing-cpp)."""
    sid(page, "slip-image").first.wait_for(timeout=20_000)
    wait_text(page, LOOKUP)  # the image's semantics label names both addresses
    shot(page, name)
    image = Image.open(SCREENS / f"{name}.png")
    return sorted(b.text for b in zxingcpp.read_barcodes(image))


def result_rate(page, village: str) -> str:
    """The leader's coverage: the village's "results received" cell, as shown."""
    page.get_by_role("tab", name="Thêm").click()
    click(page, "more-coverage")
    wait_text(page, "Số liệu hoạt động của tổ")  # labelled as the team's own records

    line = re.compile(rf"{village}: [^\n]*hồ sơ[^\n]*")

    def has_village(texts: list[str]) -> bool:
        return any(line.search(t) for t in texts)

    texts = scroll_until(page, "coverage-followthrough", has_village)
    scroll_into_view(page, "coverage-followthrough")
    shot(page, f"45-leader-followthrough-{len(list(SCREENS.glob('45-*')))}")
    return next(m.group(0) for t in texts if (m := line.search(t)))


def test_submit_then_result_received_moves_the_villages_result_rate(world):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            member = open_app(browser, world["member_url"])
            enrol(
                member, world["server_url"], world["codes"]["member"], "Đã đăng ký: Trần Thị Bình"
            )
            leader = open_app(browser, world["leader_url"])
            enrol(
                leader, world["server_url"], world["codes"]["leader"], "Đã đăng ký: Nguyễn Văn An"
            )

            # 1. The member submits a dossier at a visit: the slip shows at once.
            submit_birth_registration(member)
            wait_text(member, "Phiếu cho hộ gia đình")
            assert slip_codes(member, "41-slip-on-screen") == sorted([LOOKUP, PAYMENT])
            click(member, "nav-back")
            wait_text(member, "Hồ sơ của hộ")
            wait_text(member, "Đã nộp · Không phải nộp phí")
            sync(member)

            # 2. The leader sees it submitted, no result yet.
            sync(leader)
            before = result_rate(leader, "Thôn Đông")

            # 3. Later, by phone: the member updates it from the follow-up list.
            member.get_by_role("tab", name="Trang chính").click()
            wait_text(member, "Hồ sơ đang chờ kết quả hoặc thanh toán: 1")
            click(member, "home-followups")
            wait_text(member, "Nguyễn Thị Ánh")
            wait_text(member, "Đã chờ 0 ngày")
            shot(member, "42-follow-up-list")
            member.locator('[flt-semantics-identifier^="fu-update-"]').get_by_role(
                "button"
            ).first.click()
            wait_text(member, "Hiện tại: Đã nộp · Không phải nộp phí")
            click(member, "upd-status-result_received")
            sid(member, "upd-channel").get_by_role("button", name="Điện thoại").first.click()
            shot(member, "43-update")
            click(member, "upd-save")
            wait_text(member, "Không có hồ sơ nào đang chờ")
            shot(member, "44-follow-up-empty")
            sync(member)

            # 4. The leader syncs: the village's result rate has changed.
            sync(leader)
            after = result_rate(leader, "Thôn Đông")
        finally:
            browser.close()

    assert "có kết quả 0/1 (0,0%)" in before, before
    assert "có kết quả 1/1 (100,0%)" in after, after
    # On the server: the submission and the update are two visits, each stored once.
    with sqlite3.connect(world["db"]) as conn:
        kinds = conn.execute(
            "SELECT a.kind FROM visit_activities a JOIN households h ON h.id = a.household_id"
            " WHERE h.head_name = ? ORDER BY a.kind",
            ["Nguyễn Thị Ánh"],
        ).fetchall()
        channels = conn.execute(
            "SELECT a.kind, v.channel FROM visits v JOIN visit_activities a ON a.visit_id = v.id"
            " JOIN households h ON h.id = v.household_id WHERE h.head_name = ? ORDER BY a.kind",
            ["Nguyễn Thị Ánh"],
        ).fetchall()
    assert kinds == [("dossier_submitted",), ("dossier_update",)]
    # Where each happened reached the server too: the visit at home, the update by phone.
    assert channels == [("dossier_submitted", "home"), ("dossier_update", "phone")]
