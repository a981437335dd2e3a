"""Processes and browser for the end-to-end tests: a real sync server, the app served
on localhost (no CDN) and headless Chromium driven by Playwright.

Served processes may hang on SIGTERM (Flet), so every stop escalates to SIGKILL after
a short timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import suppress
from pathlib import Path

import httpx

from fieldapp.domain.model import Household, Member, Role, Team, Village

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSING_CHROMIUM = (
    "Debian's chromium is not installed: run `apt-get install -y chromium` "
    "(scripts/check installs it). Browser tests fail rather than skip."
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WARD = "18754"
ROOT = Path(__file__).resolve().parents[1]
SCREENS = ROOT / "artifacts" / "screens"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_server(db_path: Path, households: list[str]) -> dict[str, str]:
    """A ward with two villages, one team (leader + member) and households in village 1.

    Returns the enrolment codes keyed ``member`` / ``leader``.
    """
    from fieldapp.server.sqlite_storage import SqliteStorage

    storage = SqliteStorage(db_path)
    try:
        storage.create_village(Village("v-dong", WARD, "Thôn Đông", "thôn"))
        storage.create_village(Village("v-tay", WARD, "Thôn Tây", "thôn"))
        storage.create_team(Team("team-1", "Tổ CNSCĐ thôn Đông", WARD, ("v-dong", "v-tay")))
        member = storage.create_member(
            Member(str(uuid.uuid4()), "Trần Thị Bình", Role.MEMBER, "team-1")
        )
        leader = storage.create_member(
            Member(str(uuid.uuid4()), "Nguyễn Văn An", Role.LEADER, "team-1")
        )
        storage.import_records(
            [
                Household(str(uuid.uuid4()), "v-dong" if i % 3 else "v-tay", name, f"Xóm {i % 5}")
                for i, name in enumerate(households)
            ],
            [],
        )
        return {
            "member": storage.issue_code(member.id).code,
            "leader": storage.issue_code(leader.id).code,
        }
    finally:
        storage.close()


def _wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        time.sleep(0.3)
    raise TimeoutError(f"nothing answered at {url}")


def _spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    # The child gets its own copy of the log's descriptor; ours is closed at once.
    with log.open("ab") as out:
        return subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group, so children die with it
        )


def stop(proc: subprocess.Popen | None, timeout: float = 5.0) -> None:
    """SIGTERM the process group, SIGKILL it if it has not gone after ``timeout``."""
    if proc is None or proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)


def start_server(db_path: Path, port: int, log: Path) -> subprocess.Popen:
    """``fieldapp serve`` on 127.0.0.1:port over ``db_path``; waits for /health."""
    cmd = _serve_cmd(db_path, port)
    proc = _spawn(cmd, log)
    try:
        _wait_http(f"http://127.0.0.1:{port}/health", 30)
    except TimeoutError:
        stop(proc)
        raise
    return proc


def _serve_cmd(db_path: Path, port: int) -> list[str]:
    from fieldapp.cli import COMMAND_MODULES

    if "fieldapp.commands.serve" not in COMMAND_MODULES:
        # Until `fieldapp serve` is registered: the same app under uvicorn.
        code = (
            "import uvicorn;from fieldapp.server.app import create_app;"
            "from fieldapp.server.sqlite_storage import SqliteStorage;"
            f"uvicorn.run(create_app(SqliteStorage({str(db_path)!r})),"
            f"host='127.0.0.1',port={port},log_level='warning')"
        )
        return [sys.executable, "-c", code]
    return [
        sys.executable,
        "-m",
        "fieldapp",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database",
        str(db_path),
    ]


def start_app(
    data_dir: Path, port: int, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """``fieldapp app --web`` on 127.0.0.1:port with its own device data folder."""
    cmd = [sys.executable, "-m", "fieldapp", "app", "--web", "--port", str(port)]
    proc = _spawn(cmd, log, {"FIELDAPP_HOME": str(data_dir), **(env or {})})
    try:
        _wait_http(f"http://127.0.0.1:{port}/", 60)
    except TimeoutError:
        stop(proc)
        raise
    return proc


# -- driving the Flutter page (accessibility tree on) ------------------------------


def sid(page, identifier: str):
    return page.locator(f'[flt-semantics-identifier="{identifier}"]')


def type_into(page, identifier: str, text: str) -> None:
    """Click a text field and type; retype if Flutter's editing element missed the keys."""
    typed = "t => [...document.querySelectorAll('input, textarea')].some(e => e.value.includes(t))"
    for _attempt in range(3):
        sid(page, identifier).locator("input, textarea").first.click()
        # Flutter swaps in its own editing element after focus; wait for it to be active.
        page.wait_for_function(
            "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)",
            timeout=15_000,  # a loaded 2-core machine can take seconds to focus
        )
        time.sleep(0.2)
        page.keyboard.type(text, delay=30)  # a quick thumb: one on_change per letter
        time.sleep(0.3)
        if page.evaluate(typed, text):
            return
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
    raise AssertionError(f"could not type into {identifier!r}")


def click(page, identifier: str) -> None:
    box = sid(page, identifier)
    button = box.get_by_role("button")
    (button.first if button.count() else box).click()


def wait_text(page, text: str, timeout: float = 20.0) -> None:
    """Wait until some semantics node's label or text contains ``text``."""
    deadline = time.monotonic() + timeout
    js = (
        # Selectable text is exposed as a read-only textarea's aria-label.
        "t => [...document.querySelectorAll('flt-semantics, [role], textarea')]"
        ".some(e => ((e.getAttribute('aria-label') || '') + e.textContent).includes(t))"
    )
    while time.monotonic() < deadline:
        if page.evaluate(js, text):
            return
        time.sleep(0.2)
    shot(page, "failed")
    raise AssertionError(f"text not shown: {text!r}")


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(200, 5)  # off any button: no hover tooltip in the picture
    time.sleep(0.6)  # let the last frame paint
    page.screenshot(path=str(SCREENS / f"{name}.png"))


def open_app(browser, url: str, *, height: int = 860):
    """A new phone-sized tab on ``url``, first frame drawn, accessibility tree on."""
    page = browser.new_page(viewport={"width": 400, "height": height})  # a 6-inch phone
    page.goto(url)
    page.wait_for_function("() => !document.getElementById('loading')", timeout=60_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")
    sid(page, "enrol-server").or_(page.get_by_role("tab").first).first.wait_for(timeout=30_000)
    return page


def enrol(page, server_url: str, code: str, expect: str) -> None:
    """Enrol through the app's first screen; ``expect`` is the "Đã đăng ký: …" line."""
    if server_url:
        type_into(page, "enrol-server", server_url)
    type_into(page, "enrol-code", code)
    click(page, "enrol-submit")
    wait_text(page, expect, timeout=60)
    click(page, "enrol-continue")
    wait_text(page, "Xin chào", timeout=30)


def texts_in(page, identifier: str) -> list[str]:
    """Every label and text under one ``flt-semantics-identifier`` node."""
    return page.evaluate(
        """id => [...document.querySelectorAll(`[flt-semantics-identifier="${id}"] *`)]
            .flatMap(e => [e.getAttribute('aria-label') || '', e.childElementCount ? ''
                           : (e.textContent || '')])
            .map(s => s.trim()).filter(s => s)""",
        identifier,
    )


def scroll_until(page, identifier: str, predicate, *, steps: int = 30) -> list[str]:
    """Wheel down the screen until the texts under ``identifier`` satisfy ``predicate``."""
    page.mouse.move(200, 400)
    texts: list[str] = []
    for _ in range(steps):
        texts = texts_in(page, identifier)
        if predicate(texts):
            return texts
        page.mouse.wheel(0, 400)
        time.sleep(0.4)
    shot(page, "failed")
    raise AssertionError(f"{identifier!r} never showed what was expected; last saw {texts!r}")


def scroll_into_view(page, identifier: str, *, steps: int = 40) -> None:
    """Wheel the screen until the node's top is on screen (for a screenshot of it)."""
    node = sid(page, identifier).first
    page.mouse.move(200, 400)
    height = page.viewport_size["height"] if page.viewport_size else 860
    last = None
    for _ in range(steps):
        box = node.bounding_box()
        if box and 60 <= box["y"] <= height * 0.6:
            break
        if box and last and box["y"] == last["y"]:  # at the end of the scroll range
            break
        last = box
        page.mouse.wheel(0, 300 if not box or box["y"] > 60 else -300)
        time.sleep(0.3)
    box = node.bounding_box()
    if not box or not 60 <= box["y"] <= height - 100:
        raise AssertionError(f"could not scroll {identifier!r} into view: {box}")
    time.sleep(0.4)
