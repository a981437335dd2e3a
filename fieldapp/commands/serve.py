"""``fieldapp serve``: run the sync server (FastAPI on uvicorn, embedded SQLite).

Configuration: defaults, then ``FIELDAPP_DATABASE`` / ``FIELDAPP_HOST`` /
``FIELDAPP_PORT`` / ``FIELDAPP_LOG_LEVEL`` / ``FIELDAPP_TOKEN_IDLE_DAYS`` /
``FIELDAPP_WORKER_THREADS`` and ``FIELDAPP_CONSOLE_IDLE_HOURS`` (environment only) /
``FIELDAPP_WORKERS``, then these options. The officers' console is served at ``/console/``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from fieldapp.server.errors import SecretError
from fieldapp.server.logs import log_event, setup_logging
from fieldapp.server.open_storage import open_storage
from fieldapp.server.settings import Settings, idle_days, workers

# uvicorn's httptools protocol with bounded request heads (fieldapp/server/http_limits.py),
# named for uvicorn to import: the CLI starts without loading uvicorn.
LIMITED_HTTP = "fieldapp.server.http_limits:LimitedHttpProtocol"


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="Chạy máy chủ đồng bộ. (Run the sync server.)",
        description=(
            "Chạy máy chủ đồng bộ (FastAPI trên uvicorn, SQLite nhúng). Cấu hình lấy từ biến môi "
            "trường FIELDAPP_DATABASE, FIELDAPP_HOST, FIELDAPP_PORT, FIELDAPP_LOG_LEVEL, "
            "FIELDAPP_TOKEN_IDLE_DAYS, FIELDAPP_WORKER_THREADS, FIELDAPP_WORKERS; tuỳ chọn "
            "dòng lệnh được ưu tiên. (Run the sync server; options override the environment.)"
        ),
    )
    parser.add_argument(
        "--database",
        metavar="PATH|URL",
        help="Tệp SQLite của máy chủ (tạo nếu chưa có) hoặc địa chỉ postgresql://…"
        " (Server SQLite file, created if missing, or PostgreSQL URL.)",
    )
    parser.add_argument("--host", help="Địa chỉ lắng nghe, mặc định 127.0.0.1. (Listen address.)")
    parser.add_argument("--port", type=int, help="Cổng lắng nghe, mặc định 8765. (Listen port.)")
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="Mức ghi nhật ký (JSON, không có dữ liệu cá nhân). (Log level; JSON logs.)",
    )
    parser.add_argument(
        "--token-idle-days",
        type=_days,
        metavar="DAYS",
        help=(
            "Số ngày máy không dùng thì phiên đăng nhập hết hạn, mặc định 90. "
            "(Days unused before a device token expires; default 90.)"
        ),
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help=(
            "Số tiến trình máy chủ dùng chung cổng và tệp dữ liệu, mặc định 1; 2 khi nhiều "
            "máy đồng bộ cùng lúc trên máy chủ 2 lõi. (Server processes sharing the port and "
            "database; default 1.)"
        ),
    )
    parser.set_defaults(func=run)


def _whole_number(parse: Callable[[str], int], wanted: str) -> Callable[[str], int]:
    """An argparse type from a settings parser; ``wanted`` says what to type (vi/en)."""

    def convert(text: str) -> int:
        try:
            return parse(text or "0")
        except ValueError:
            raise argparse.ArgumentTypeError(f"{wanted}: {text!r}") from None

    return convert


_workers = _whole_number(workers, "cần số nguyên từ 1 đến 16 (a whole number from 1 to 16)")
_days = _whole_number(idle_days, "cần số ngày nguyên ≥ 1 (a whole number of days >= 1)")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    # Lazy: FastAPI loads only when the server runs, not for every ``fieldapp`` command.
    from fieldapp.server.app import create_app

    try:
        env_settings = Settings.from_env()
    except ValueError as exc:
        print(
            f"Biến môi trường không hợp lệ, máy chủ chưa chạy. (Invalid environment setting; "
            f"the server did not start.) {exc}",
            file=sys.stderr,
        )
        return 2
    settings = env_settings.override(
        database=args.database,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        token_idle_days=args.token_idle_days,
        workers=args.workers,
    )
    setup_logging(settings.log_level)
    # Opened here even with several workers: migrations and the code secret are set up
    # once, before any worker process opens the file.
    try:
        storage = open_storage(settings.database, token_idle_days=settings.token_idle_days)
    except (OSError, ValueError) as exc:
        print(f"Máy chủ chưa chạy. (The server did not start.) {exc}", file=sys.stderr)
        return 2
    try:
        storage.load_secret()  # now: a bad secret stops here with one line, not a traceback
    except SecretError as exc:
        storage.close()
        print(
            f"Lỗi: {exc.message_vi} Máy chủ chưa chạy.\n"
            f"(Error: {exc.message_en} The server did not start.)",
            file=sys.stderr,
        )
        return 2
    log_event(
        "server_start",
        host=settings.host,
        port=settings.port,
        epoch=storage.epoch,
        token_idle_days=settings.token_idle_days,
        workers=settings.workers,
    )
    if settings.workers > 1:
        storage.close()
        # Each worker process builds its own app from these settings (fieldapp.server.worker).
        os.environ.update(settings.to_env())
        uvicorn.run(
            "fieldapp.server.worker:app_from_env",
            factory=True,
            workers=settings.workers,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
            http=LIMITED_HTTP,  # bounded request heads and idle times
        )
        return 0
    try:
        uvicorn.run(
            create_app(
                storage,
                worker_threads=settings.worker_threads,
                console_idle_hours=settings.console_idle_hours,
            ),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
            http=LIMITED_HTTP,  # bounded request heads and idle times
        )
    finally:
        storage.close()
    return 0
