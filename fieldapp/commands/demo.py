"""``fieldapp demo``: a realistic demo commune in one command.

Creates the demo dataset, starts the sync server loaded with it, starts the app on the
web twice (one "phone" for a team member, one for a team leader) and prints, in
Vietnamese, where to open them and the one-time enrolment codes to sign in with.
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

__all__ = ["register"]


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
        default=8765,
        help="Cổng máy chủ đồng bộ (mặc định 8765). (Sync server port.)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8550,
        help="Cổng ứng dụng cho tổ viên; tổ trưởng dùng cổng kế tiếp (mặc định 8550). "
        "(App port for the member; the leader's app uses the next port.)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="Xóa dữ liệu demo cũ và tạo lại. (Delete the old demo data first.)",
    )
    parser.set_defaults(func=handle)


def _fieldapp(*args: str) -> list[str]:
    return [sys.executable, "-m", "fieldapp", *args]


def _spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the process group; SIGKILL if it hangs (served Flet apps may)."""
    if proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _wait_http(url: str, timeout: float) -> bool:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0).status_code < 500:
                return True
        time.sleep(0.3)
    return False


def _prepare(folder: Path, households: int) -> tuple[Path, dict]:
    """Write the dataset and load it into a new server database (once)."""
    from fieldapp.demo.generator import dataset_to_json, generate

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


def handle(args: argparse.Namespace) -> int:
    from fieldapp.portal.enrol_link import build_enrol_link

    folder = Path(args.dir).resolve()
    if args.fresh and folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    database, doc = _prepare(folder, args.households)
    member, leader = _pick(doc, "member"), _pick(doc, "leader")
    server_url = f"http://127.0.0.1:{args.server_port}"
    procs: list[subprocess.Popen] = []
    # A plain SIGTERM must also stop the children (they run in their own sessions).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        procs.append(
            _spawn(
                _fieldapp("serve", "--database", str(database), "--port", str(args.server_port)),
                folder / "server.log",
            )
        )
        if not _wait_http(f"{server_url}/health", 30):
            print(f"Lỗi: máy chủ không chạy, xem {folder / 'server.log'}", file=sys.stderr)
            return 1
        apps = [("member", member, args.port), ("leader", leader, args.port + 1)]
        for who, _person, port in apps:
            procs.append(
                _spawn(
                    _fieldapp("app", "--web", "--port", str(port)),
                    folder / f"app-{who}.log",
                    {"FIELDAPP_HOME": str(folder / f"phone-{who}")},
                )
            )
        for _who, _person, port in apps:
            _wait_http(f"http://127.0.0.1:{port}/", 60)
        codes = {who: _issue_code(database, person["id"]) for who, person, _ in apps}
        titles = {"member": "Tổ viên", "leader": "Tổ trưởng"}
        print("\n=== fieldapp demo: xã mẫu đã sẵn sàng ===")
        print(f"Máy chủ đồng bộ: {server_url}")
        for who, person, port in apps:
            print(f"\n{titles[who]} «{person['name']}»:")
            print(f"  1. Mở trình duyệt: http://127.0.0.1:{port}/")
            print(f"  2. Địa chỉ máy chủ: {server_url}")
            print(f"  3. Mã đăng ký (dùng một lần): {codes[who]}")
            print(f"     hoặc dán liên kết: {build_enrol_link(server_url, codes[who])}")
        print(
            "\nMã đăng ký chỉ dùng được một lần; cần mã mới: "
            f"fieldapp admin issue-code --database {database} --member <mã thành viên>"
        )
        print("Nhấn Ctrl+C để dừng. (Press Ctrl+C to stop.)", flush=True)
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("Một tiến trình đã dừng; xem nhật ký trong " + str(folder), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs:
            _stop(proc)
