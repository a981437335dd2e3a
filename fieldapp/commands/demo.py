"""``fieldapp demo``: a realistic demo commune in one command.

Creates the demo dataset, starts the sync server loaded with it, starts the app on the
web twice (one "phone" for a team member, one for a team leader) and prints, in
Vietnamese, where to open them and the one-time enrolment codes to sign in with, and
the officers' console (``/console/`` on the server) with an officer's one-time code.
Everything lives under one folder (default ``var/demo``, git-ignored); Ctrl+C stops all.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from fieldapp.commands.app import port_free
from fieldapp.demo.generator import dataset_to_json, generate
from fieldapp.portal.enrol_link import build_enrol_link

__all__ = ["PortError", "choose_ports", "register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "demo",
        help="Chạy thử với dữ liệu mẫu: máy chủ + ứng dụng. (Run the demo commune.)",
        description=(
            "Tạo xã mẫu, chạy máy chủ đồng bộ đã nạp dữ liệu và ứng dụng trên trình duyệt, "
            "rồi in hướng dẫn đăng nhập. (Create the demo commune, start the server loaded "
            "with it and the app on the web, and print how to sign in.)"
        ),
    )
    parser.add_argument(
        "--dir",
        default="var/demo",
        help="Thư mục dữ liệu demo (mặc định var/demo). (Demo data folder.)",
    )
    parser.add_argument(
        "--households",
        type=int,
        default=3000,
        help="Số hộ gia đình mẫu (mặc định 3.000). (Number of demo households.)",
    )
    parser.add_argument(
        "--server-port",
        type=int,
        default=None,
        help="Cổng máy chủ đồng bộ (mặc định 8765, hoặc cổng trống kế tiếp). "
        "(Sync server port; default 8765 or the next free one.)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="Cổng ứng dụng cho tổ viên; tổ trưởng dùng cổng kế tiếp (mặc định 8550, hoặc "
        "cổng trống kế tiếp). (App port for the member; the leader's app uses the next "
        "port; default 8550 or the next free one.)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="Xóa dữ liệu demo cũ và tạo lại. (Delete the old demo data first.)",
    )
    parser.set_defaults(func=handle)


HOST = "127.0.0.1"
DEFAULT_SERVER_PORT = 8765
DEFAULT_APP_PORT = 8550


class PortError(Exception):
    """A port the user asked for is taken; the message is Vietnamese (English after)."""


def choose_ports(
    requested: int | None, default: int, count: int, taken: set[int], host: str = HOST
) -> list[int]:
    """``count`` consecutive free ports: exactly ``requested`` if given (else PortError),
    otherwise the first free run at or after ``default``. ``taken`` are already chosen."""

    def run_free(first: int) -> bool:
        ports = range(first, first + count)
        return all(p not in taken and 0 < p < 65536 and port_free(p, host) for p in ports)

    if requested is not None:
        if not run_free(requested):
            wanted = ", ".join(str(p) for p in range(requested, requested + count))
            raise PortError(
                f"Cổng {wanted} đang được dùng (có thể một bản demo khác đang chạy). "
                "Dừng chương trình đó hoặc chọn cổng khác, ví dụ --port / --server-port. "
                f"(Port {wanted} is already in use; stop that program or pick another port.)"
            )
        return list(range(requested, requested + count))
    for first in range(default, default + 200):
        if run_free(first):
            return list(range(first, first + count))
    raise PortError(f"Không tìm được cổng trống từ {default}. (No free port found from {default}.)")


def _fieldapp(*args: str) -> list[str]:
    return [sys.executable, "-m", "fieldapp", *args]


def _spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group: stopped by _stop_all, not by the tty
    )


def _stop_all(procs: list[subprocess.Popen], timeout: float = 5.0) -> None:
    """SIGTERM every process group at once; SIGKILL those still running after ``timeout``
    (served Flet apps may hang on SIGTERM)."""
    running = [p for p in procs if p.poll() is None]
    for proc in running:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in running:
        with suppress(subprocess.TimeoutExpired):
            proc.wait(max(0.0, deadline - time.monotonic()))
    for proc in running:
        if proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout)


def _wait_http(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    """Wait until ``url`` answers *and* ``proc`` is still alive (the answer is ours)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0).status_code < 500:
                return proc.poll() is None
        time.sleep(0.3)
    return False


def _prepare(folder: Path, households: int) -> tuple[Path, dict]:
    """Write the dataset and load it into a new server database (once)."""
    dataset_file = folder / "demo-data.json"
    database = folder / "server.db"
    if not dataset_file.exists():
        print("Đang tạo xã mẫu… (creating the demo commune)", flush=True)
        doc = dataset_to_json(generate(households=households))
        dataset_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    doc = json.loads(dataset_file.read_text(encoding="utf-8"))
    if not database.exists():
        print("Đang nạp dữ liệu vào máy chủ… (loading the server)", flush=True)
        subprocess.run(
            _fieldapp(
                "admin", "load-demo", "--database", str(database), "--dataset", str(dataset_file)
            ),
            check=True,
        )
    return database, doc


def _pick(doc: dict, role: str) -> dict:
    """The first demo member with ``role`` who belongs to a team."""
    return next(m for m in doc["members"] if m["role"] == role and m.get("team_id"))


def _issue_code(database: Path, member_id: str) -> str:
    out = subprocess.run(
        _fieldapp("admin", "issue-code", "--database", str(database), "--member", member_id),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r":\s*([A-Za-z0-9_-]{4,64})\s*$", out.splitlines()[0])
    if not match:
        raise RuntimeError(f"unexpected issue-code output: {out!r}")
    return match.group(1)


def _on_stop_signal(_signum: int, _frame: Any) -> None:
    """Ctrl+C or SIGTERM: stop once. Further signals (an impatient second Ctrl+C, a
    wrapper forwarding it) are ignored so the clean-up cannot be cut short and leave
    servers running; a plain SIGTERM must stop the children too (own sessions)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def handle(args: argparse.Namespace) -> int:
    previous = {sig: signal.signal(sig, _on_stop_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs: list[subprocess.Popen] = []
    try:
        return _run(args, procs)
    except KeyboardInterrupt:
        print("\nĐã dừng demo. (Demo stopped.)", file=sys.stderr)
        return 0
    except PortError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        _stop_all(procs)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args: argparse.Namespace, procs: list[subprocess.Popen]) -> int:
    # Ports first: a taken port must fail before minutes of data generation.
    (server_port,) = choose_ports(args.server_port, DEFAULT_SERVER_PORT, 1, set())
    member_port, leader_port = choose_ports(args.port, DEFAULT_APP_PORT, 2, {server_port})
    folder = Path(args.dir).resolve()
    if args.fresh and folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    database, doc = _prepare(folder, args.households)
    member, leader = _pick(doc, "member"), _pick(doc, "leader")
    server_url = f"http://{HOST}:{server_port}"
    server = _spawn(
        _fieldapp("serve", "--database", str(database), "--host", HOST, "--port", str(server_port)),
        folder / "server.log",
    )
    procs.append(server)
    if not _wait_http(f"{server_url}/health", server, 30):
        print(f"Lỗi: máy chủ không chạy, xem {folder / 'server.log'}", file=sys.stderr)
        return 1
    apps = [("member", member, member_port), ("leader", leader, leader_port)]
    started = []
    for who, _person, port in apps:
        proc = _spawn(
            _fieldapp("app", "--web", "--host", HOST, "--port", str(port)),
            folder / f"app-{who}.log",
            {"FIELDAPP_HOME": str(folder / f"phone-{who}")},
        )
        procs.append(proc)
        started.append((who, port, proc))
    for who, port, proc in started:
        if not _wait_http(f"http://{HOST}:{port}/", proc, 90):
            log = folder / f"app-{who}.log"
            print(f"Lỗi: ứng dụng trên cổng {port} không chạy, xem {log}", file=sys.stderr)
            return 1
    codes = {who: _issue_code(database, person["id"]) for who, person, _ in apps}
    officer = next((m for m in doc["members"] if m["role"] == "officer"), None)
    officer_code = _issue_code(database, officer["id"]) if officer else None
    titles = {"member": "Tổ viên", "leader": "Tổ trưởng"}
    print("\n=== fieldapp demo: xã mẫu đã sẵn sàng ===")
    print(f"Máy chủ đồng bộ: {server_url}")
    for who, person, port in apps:
        print(f"\n{titles[who]} «{person['name']}»:")
        print(f"  1. Mở trình duyệt: http://{HOST}:{port}/")
        print(f"  2. Địa chỉ máy chủ: {server_url}")
        print(f"  3. Mã đăng ký (dùng một lần): {codes[who]}")
        print(f"     hoặc dán liên kết: {build_enrol_link(server_url, codes[who])}")
    if officer is not None:
        print(f"\nCán bộ xã «{officer['name']}» — trang quản trị (officers' console):")
        print(f"  1. Mở trình duyệt: {server_url}/console/")
        print(f"  2. Mã đăng nhập (dùng một lần): {officer_code}")
    print(
        "\nMã đăng ký chỉ dùng được một lần; cần mã mới: "
        f"fieldapp admin issue-code --database {database} --member <mã thành viên>"
    )
    print("Nhấn Ctrl+C để dừng. (Press Ctrl+C to stop.)", flush=True)
    while all(p.poll() is None for p in procs):
        time.sleep(1)
    print("Một tiến trình đã dừng; xem nhật ký trong " + str(folder), file=sys.stderr)
    return 1
