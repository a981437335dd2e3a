"""End to end on the README's run command: ``fieldapp demo`` (demo commune from
:mod:`fieldapp.demo.generator` → a real ``fieldapp serve`` → two apps on the web) driven
in headless Chromium.

- A leader enrols with the printed code, opens "Độ phủ" and sees the village table and
  the gap list (names checked against the generated dataset).
- The leader invites a member ("Mời thành viên"): the QR in the screenshot is decoded
  and must be the enrolment link; the member's app enrols with it.
- SIGTERM to ``fieldapp demo`` stops the server and both apps.

Screenshots go to artifacts/screens/ (git-ignored).
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
from e2e_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    SCREENS,
    enrol,
    free_port,
    open_app,
    scroll_into_view,
    scroll_until,
    shot,
    sid,
    texts_in,
    wait_text,
)

from fieldapp.commands.app import port_free
from fieldapp.portal.enrol_link import build_enrol_link

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

HOUSEHOLDS = 300  # small: generating and loading takes seconds


def _app_ports() -> int:
    """A port p with p + 1 free too (the demo's leader app uses the next port)."""
    for _ in range(50):
        p = free_port()
        if p < 65535 and port_free(p + 1):
            return p
    raise RuntimeError("no pair of free ports")


def _read_until_ready(proc: subprocess.Popen, timeout: float) -> str:
    """The demo's stdout up to its "Nhấn Ctrl+C" line (read in a thread: no hang)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    out: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        out.append(line)
        if "Nhấn Ctrl+C" in line:
            return "".join(out)
    raise AssertionError("fieldapp demo did not get ready:\n" + "".join(out))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING_CHROMIUM)
    import json

    folder = tmp_path_factory.mktemp("demo")
    server_port, app_port = free_port(), _app_ports()
    cmd = [
        sys.executable,
        "-m",
        "fieldapp",
        "demo",
        "--dir",
        str(folder),
        "--households",
        str(HOUSEHOLDS),
        "--server-port",
        str(server_port),
        "--port",
        str(app_port),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    try:
        out = _read_until_ready(proc, 180)
        codes = dict(re.findall(r"(Tổ viên|Tổ trưởng) «[^»]+»:.*?dùng một lần\): (\S+)", out, re.S))
        dataset = json.loads((folder / "demo-data.json").read_text(encoding="utf-8"))
        yield {
            "proc": proc,
            "out": out,
            "folder": folder,
            "dataset": dataset,
            "server_url": f"http://127.0.0.1:{server_port}",
            "ports": (server_port, app_port, app_port + 1),
            "member_url": f"http://127.0.0.1:{app_port}/",
            "leader_url": f"http://127.0.0.1:{app_port + 1}/",
            "leader_code": codes["Tổ trưởng"],
        }
    finally:
        if proc.poll() is None:  # the SIGTERM test did not run or failed
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        for port in (server_port, app_port, app_port + 1):  # children, whatever happened
            _kill_listener(port)
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()  # the pipe, else closed by the GC with a ResourceWarning


def _kill_listener(port: int) -> None:
    """Last resort after a failed test: kill what still listens on ``port`` (ours)."""
    if port_free(port):
        return
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True)
    for pid in re.findall(r"pid=(\d+)", out.stdout):
        with suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def leader_page(demo, browser):
    """The demo leader's app, enrolled with the printed code."""
    ds = demo["dataset"]
    leader = next(m for m in ds["members"] if m["role"] == "leader" and m.get("team_id"))
    page = open_app(browser, demo["leader_url"])
    enrol(
        page,
        demo["server_url"],
        demo["leader_code"],
        f"Đã đăng ký: {leader['name']} (tổ trưởng)",
    )
    yield page, leader
    page.close()


def _team_expectations(ds: dict, team_id: str) -> tuple[set[str], set[tuple], set[tuple]]:
    """(village names, never-visited households, settled households) of the team, each
    household as (head's name, address): names alone repeat in a commune.

    Settled: the latest visit went fine with no follow-up — never on a gap list."""
    team = next(t for t in ds["teams"] if t["id"] == team_id)
    villages = set(team["village_ids"])
    names = {v["name"] for v in ds["villages"] if v["id"] in villages}
    superseded = {v["supersedes"] for v in ds["visits"] if v.get("supersedes")}
    latest: dict[str, dict] = {}
    for v in sorted(ds["visits"], key=lambda v: v["visited_at"]):
        if v["id"] not in superseded:
            latest[v["household_id"]] = v
    mine = [h for h in ds["households"] if h["village_id"] in villages and not h["deleted"]]

    def key(h: dict) -> tuple[str, str]:
        return (h["head_name"], h["address_detail"])

    never = {key(h) for h in mine if h["id"] not in latest}
    settled = {
        key(h)
        for h in mine
        if h["id"] in latest
        and latest[h["id"]]["outcome"] == "done"
        and not latest[h["id"]].get("follow_up_on")
    }
    return names, never, settled - never


def _gap_rows(texts: list[str]) -> list[tuple[str, str, str]]:
    """Gap tiles read back as (name, address, reason): "Name\nAddress · reason · …"."""
    rows = []
    for text in texts:
        name, _, rest = text.partition("\n")
        address, _, reason = rest.partition(" · ")
        rows.append((name, address, reason))
    return rows


def test_leader_sees_village_table_and_gap_list(demo, leader_page):
    page, leader = leader_page
    villages, never, settled = _team_expectations(demo["dataset"], leader["team_id"])
    assert never and settled, "the demo team should have both kinds of households"

    page.get_by_role("tab", name="Thêm").click()
    wait_text(page, "Độ phủ")
    sid(page, "more-coverage").click()
    wait_text(page, "Độ phủ của tổ")

    table = scroll_until(
        page, "coverage-village-table", lambda ts: any(v in t for t in ts for v in villages)
    )
    assert "Thôn/TDP" in table and "Số hộ" in table
    shown_villages = {v for v in villages if v in table}
    assert shown_villages
    # The village's household count from the dataset is in its row.
    n_households = sum(
        1
        for h in demo["dataset"]["households"]
        if not h["deleted"]
        and h["village_id"]
        in {v["id"] for v in demo["dataset"]["villages"] if v["name"] in shown_villages}
    )
    assert str(n_households) in table
    # The default period covers the demo's recent visits: "visited" is not 0 (0,0%).
    assert any(re.fullmatch(r"[1-9]\d* \(\d+,\d%\)", t) for t in table), table
    shot(page, "20-coverage-villages")

    def has_never(texts: list[str]) -> bool:
        return any((n, a) in never for n, a, _ in _gap_rows(texts))

    rows = _gap_rows(scroll_until(page, "coverage-gap-list", has_never))
    for name, address, reason in rows:
        assert (name, address) not in settled, f"{name} was settled, not a gap"
        if (name, address) in never:
            assert reason.startswith("Chưa thăm")
    scroll_into_view(page, "coverage-gap-list")
    shot(page, "21-coverage-gap-list")


def test_leader_invites_member_by_qr(demo, leader_page, browser):
    import zxingcpp
    from PIL import Image

    page, leader = leader_page
    ds = demo["dataset"]
    member = next(
        m for m in ds["members"] if m["role"] == "member" and m.get("team_id") == leader["team_id"]
    )
    page.get_by_role("tab", name="Thêm").click()
    wait_text(page, "Mời thành viên")
    sid(page, "more-invite").click()
    wait_text(page, member["name"])
    shot(page, "22-invite-members")
    sid(page, "invite-members").get_by_role("button", name=re.compile(member["name"])).click()
    wait_text(page, f"Mã đăng ký cho {member['name']}", timeout=30)
    code_text = " ".join(texts_in(page, "invite-code"))
    code = re.search(r"Mã: (\S+)", code_text).group(1)  # type: ignore[union-attr]
    shot(page, "23-invite-qr")

    # A phone camera sees the screen: decode the QR from the screenshot itself.
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(SCREENS / "23-invite-qr.png"))]
    link = build_enrol_link(demo["server_url"], code)  # the app link: the camera opens the app
    assert decoded == [link]

    # The member's own app (a second app instance) enrols with the pasted link (the
    # typing fallback; opening the app by the link is tests/e2e/test_deep_link_e2e.py).
    phone = open_app(browser, demo["member_url"])
    try:
        enrol(phone, "", link, f"Đã đăng ký: {member['name']} (tổ viên)")
        wait_text(phone, f"Xin chào, {member['name']}")
        phone.get_by_role("tab", name="Hộ gia đình").click()
        wait_text(phone, " hộ", timeout=60)  # first list load after enrolment can be slow
        shot(phone, "24-invited-member-households")
    finally:
        phone.close()


def test_demo_prints_the_console_and_an_officer_code_that_signs_in(demo):
    console = f"{demo['server_url']}/console/"
    assert f"Mở trình duyệt: {console}" in demo["out"]
    code = re.search(r"Mã đăng nhập \(dùng một lần\): (\S+)", demo["out"]).group(1)
    r = httpx.post(
        f"{demo['server_url']}/console/sign-in",
        data={"code": code},
        headers={"origin": demo["server_url"]},
    )
    assert r.status_code == 303 and "HttpOnly" in r.headers["set-cookie"]


def test_sigterm_stops_the_demo_and_everything_it_started(demo):
    proc = demo["proc"]
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)  # the demo only: it must stop its children itself
    assert proc.wait(30) == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(port_free(p) for p in demo["ports"]):
        time.sleep(0.3)
    assert all(port_free(p) for p in demo["ports"]), "a server or app still listens"
