"""The officers' console in a real headless Chromium against a real ``fieldapp serve``.

Every page is opened with demo data at 1366×768 and 390×844 (screenshots go to
``/tmp/console-shots/``, or ``$CONSOLE_SHOTS``), with no CSP violation and nothing wider
than a phone's screen. Sign-in/out, scope, a downloaded XLSX read back cell by cell, a
conflict resolved and pulled by a phone, a cross-site POST and a revoked session.
"""

from __future__ import annotations

import io
import os
import random
import re
import uuid
from pathlib import Path

import httpx
import pytest
import zxingcpp
from console_browser import SIZES, Officer
from console_world import WARD_A, ConsoleWorld
from openpyxl import load_workbook
from PIL import Image

from fieldapp.coverage.export import fmt_int, fmt_pct
from fieldapp.portal.enrol_link import parse_enrol_link
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient
from fieldapp.sync.enrol import enrol

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(os.environ.get("CONSOLE_SHOTS", "/tmp/console-shots"))


def test_sign_in_and_sign_out(served, browser):
    world, url = served
    o = Officer(browser, world, url, "officer_a")
    page = o.page
    assert page.url == f"{url}/console/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tổng quan chiến dịch")
    assert "Phường Sông Trí" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r".*/console/sign-in\?signed_out=1$"))
    assert page.get_by_text("Đã đăng xuất.").is_visible()
    o.go("/console/members")
    assert page.url.endswith("/console/sign-in")
    assert not o.errors
    o.close()


def test_scope_matrix(served, browser):
    world, url = served
    b = Officer(browser, world, url, "officer_b")
    a_village = world.rows("SELECT id FROM villages WHERE ward_code = ? LIMIT 1", [WARD_A])[0][0]
    assert "Không tìm thấy" in b.go(f"/console/villages/{a_village}").inner_text("main")
    assert "Không tìm thấy" in b.go(f"/console/?ward={WARD_A}").inner_text("main")
    text = b.go("/console/villages").inner_text("main")
    assert "Thôn Bắc Hải" in text and "Sông Trí" not in text
    b.close()
    leader = Officer(browser, world, url, "leader_a")
    others = [m.name for m in world.dataset.members if m.team_id == world.team_a2]
    text = leader.go("/console/members").inner_text("main")
    assert not any(name in text for name in others)
    assert leader.page.get_by_role("link", name="Nhật ký").count() == 0
    leader.close()
    page = browser.new_page()
    page.goto(f"{url}/console/sign-in")
    page.get_by_label("Mã dùng một lần").fill(world.code("member_a"))
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Mã này là của tổ viên" in page.get_by_role("alert").inner_text()
    page.close()


PAGES = [
    ("overview", "/console/"),
    ("villages", "/console/villages"),
    ("teams", "/console/teams"),
    ("members", "/console/members"),
    ("followups", "/console/follow-ups"),
    ("report", "/console/report"),
    ("review", "/console/review"),
    ("devices", "/console/devices"),
    ("audit", "/console/audit"),
    ("import", "/console/import"),
]


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_with_demo_data(served, browser, size):
    world, url = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    o = Officer(browser, world, url, "officer_a", size)
    village = world.dataset.villages[0].id
    extra = [
        ("village", f"/console/villages/{village}"),
        ("team", f"/console/teams/{world.team_a}"),
        ("member", f"/console/members/{world.ids['leader_a']}"),
        ("overview-en", "/console/lang?to=en&next=/console/"),
    ]
    for name, path in PAGES + extra:
        page = o.go(path)
        heading = page.get_by_role("heading", level=1)
        assert heading.count() == 1 and heading.inner_text(), name
        assert "Số liệu hoạt động của tổ, không phải số liệu chính thức" in page.inner_text(
            "footer"
        ) or "not official" in page.inner_text("footer")
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
        if size == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= SIZES["phone"][0] + 1, (name, wide)
    o.go("/console/lang?to=vi&next=/console/")
    # The team's printable QR sheet (codes shown once, in the response only).
    o.go(f"/console/teams/{world.team_a}")
    o.page.get_by_role("button", name="In mã QR đăng ký cả tổ (A4)").click()
    o.page.wait_for_load_state()
    assert o.page.locator(".qr-card").count() >= 2
    assert o.page.locator(".qr-card svg").count() == o.page.locator(".qr-card").count()
    o.page.screenshot(path=str(SHOTS / f"qr-sheet-{size}.png"), full_page=True)
    # The first card's QR code, as drawn, decodes to the enrolment link with its code.
    card = o.page.locator(".qr-card").first
    image = Image.open(io.BytesIO(card.locator("svg").screenshot()))
    (found,) = zxingcpp.read_barcodes(image)
    server, code = parse_enrol_link(found.text)
    assert server == url and code == card.locator(".qr-code").inner_text()
    assert world.storage.code_is_live(code)
    sign_in = browser.new_page(viewport=dict(zip(("width", "height"), SIZES[size], strict=True)))
    sign_in.goto(f"{url}/console/sign-in")
    sign_in.screenshot(path=str(SHOTS / f"sign-in-{size}.png"), full_page=True)
    sign_in.close()
    assert not o.errors, o.errors  # a CSP violation would show here
    o.close()
    province = Officer(browser, world, url, "province", size)
    page = province.go("/console/")
    assert "Toàn tỉnh" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Phường Hải Ninh").count() == 1
    page.screenshot(path=str(SHOTS / f"province-overview-{size}.png"), full_page=True)
    assert not province.errors, province.errors
    province.close()


def _cell_text(cell) -> str:
    """What the page shows for an XLSX cell: shares as 75,5%, counts as 1.234."""
    value = cell.value
    if value is None:
        return ""
    if cell.number_format == "0.0%":
        return fmt_pct(value)
    if isinstance(value, int):
        return fmt_int(value)
    return str(value)


def test_xlsx_download_matches_the_page_cell_by_cell(served, browser, tmp_path):
    world, url = served
    o = Officer(browser, world, url, "officer_a")
    page = o.go("/console/villages?period=last_4_weeks&sort=gap&dir=desc")
    table = page.locator("section.table-block table")
    shown = [
        [c.inner_text().strip() for c in row.locator("th, td").all()]
        for row in table.locator("tbody tr").all()
    ]
    headings = [h.inner_text().strip().rstrip(" ▲▼") for h in table.locator("thead th").all()]
    with page.expect_download() as info:
        page.locator(".downloads").get_by_role("link", name="XLSX").click()
    path = tmp_path / "villages.xlsx"
    info.value.save_as(path)
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Độ phủ theo thôn/tổ dân phố"
    assert rows[1][0].startswith("Số liệu hoạt động của tổ, không phải số liệu chính thức")
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Thôn/Tổ dân phố")
    assert list(rows[header_at]) == headings
    cells = list(ws.iter_rows(min_row=header_at + 2))
    data = [[_cell_text(c) for c in r] for r in cells]
    assert data == shown and len(data) == len(world.dataset.villages)
    o.close()


def _phone(world: ConsoleWorld, http: httpx.Client, url: str, who: str) -> DeviceStore:
    store = DeviceStore.open(world.tmp / f"{who}-{uuid.uuid4().hex[:6]}.db")
    enrol(http, url, world.code(who), store)
    return store


def _sync(http: httpx.Client, store: DeviceStore):
    return SyncClient(store, http, sleep=lambda s: None, rng=random.Random(0)).sync()


def test_a_conflict_resolved_in_the_browser_reaches_the_phone(served, browser):
    world, url = served
    with httpx.Client(timeout=30) as http:
        a = _phone(world, http, url, "member_a")
        b = _phone(world, http, url, "leader_a")
        try:
            (hid,) = a.db.execute("SELECT id FROM households ORDER BY id DESC LIMIT 1").fetchone()
            a.save_household({**a.household(hid).to_dict(), "head_name": "Trần Văn Trước"})
            b.save_household({**b.household(hid).to_dict(), "head_name": "Trần Văn Sau"})
            assert _sync(http, a).ok and _sync(http, b).ok
            o = Officer(browser, world, url, "officer_a")
            page = o.go("/console/review")
            item = page.locator("article.item", has_text="Trần Văn Trước")
            assert "Tên chủ hộ" in item.inner_text()
            page.screenshot(path=str(SHOTS / "review-conflict-desktop.png"), full_page=True)
            item.get_by_role("button", name="Giữ giá trị trước").click()
            page.wait_for_url(f"{url}/console/review")
            assert page.locator("article.item", has_text="Trần Văn Trước").count() == 0
            page.screenshot(path=str(SHOTS / "review-resolved-desktop.png"), full_page=True)
            assert _sync(http, b).ok
            assert b.household(hid).head_name == "Trần Văn Trước"
            assert "xử lý xung đột" in o.go("/console/audit").inner_text("main")
            o.close()
        finally:
            a.close()
            b.close()


def test_a_cross_site_post_is_refused(served, browser):
    world, url = served
    o = Officer(browser, world, url, "officer_a")
    target = world.ids["leader_a"]
    token = o.go(f"/console/members/{target}").locator('input[name="csrf"]').first.input_value()
    evil = o.context.new_page()
    evil.set_content(
        f'<form method="post" action="{url}/console/members/{target}/deactivate">'
        f'<input type="hidden" name="csrf" value="{token}"><button>Nhận quà</button></form>'
    )
    evil.get_by_role("button", name="Nhận quà").click()
    evil.wait_for_load_state()
    assert "bị từ chối" in evil.inner_text("body")
    assert world.rows("SELECT deactivated_at FROM members WHERE id = ?", [target]) == [(None,)]
    o.close()


def test_a_revoked_session_is_refused_at_once(served, browser):
    world, url = served
    first = Officer(browser, world, url, "officer_b")
    second = Officer(browser, world, url, "officer_b")
    page = first.go("/console/devices")
    rows = page.locator("tr", has_text="Phan Văn Ninh").filter(has_not_text="phiên này")
    rows.filter(has_text="đang dùng").first.get_by_role("button", name="Thu hồi").click()
    page.wait_for_url(f"{url}/console/devices")
    second.go("/console/members")
    assert second.page.url.endswith("/console/sign-in?expired=1")
    assert "đã bị thu hồi" in second.page.inner_text("main")
    assert first.go("/console/members").url.endswith("/console/members")
    first.close()
    second.close()
