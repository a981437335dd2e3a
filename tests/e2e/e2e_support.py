"""Processes and browser for the end-to-end tests: a real sync server, the app served
on localhost (no CDN) and headless Chromium driven by Playwright.

Served processes may hang on SIGTERM (Flet), so every stop escalates to SIGKILL after
a short timeout.
"""

from __future__ import annotations

import os
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

CHROMIUM = "/usr/bin/chromium"
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
ROOT = Path(__file__).resolve().parents[2]
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
    return subprocess.Popen(
        cmd,
        stdout=log.open("ab"),
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


def start_app(data_dir: Path, port: int, log: Path) -> subprocess.Popen:
    """``fieldapp app --web`` on 127.0.0.1:port with its own device data folder."""
    cmd = [sys.executable, "-m", "fieldapp", "app", "--web", "--port", str(port)]
    proc = _spawn(cmd, log, {"FIELDAPP_HOME": str(data_dir)})
    try:
        _wait_http(f"http://127.0.0.1:{port}/", 60)
    except TimeoutError:
        stop(proc)
        raise
    return proc
