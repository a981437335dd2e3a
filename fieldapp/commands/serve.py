"""``fieldapp serve``: run the sync server (FastAPI on uvicorn, embedded SQLite).

Configuration: defaults, then ``FIELDAPP_DATABASE`` / ``FIELDAPP_HOST`` /
``FIELDAPP_PORT`` / ``FIELDAPP_LOG_LEVEL`` / ``FIELDAPP_TOKEN_IDLE_DAYS`` /
``FIELDAPP_WORKER_THREADS`` (environment only), then these options.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="Chạy máy chủ đồng bộ. (Run the sync server.)",
        description=(
            "Chạy máy chủ đồng bộ (FastAPI trên uvicorn, SQLite nhúng). Cấu hình lấy từ biến môi "
            "trường FIELDAPP_DATABASE, FIELDAPP_HOST, FIELDAPP_PORT, FIELDAPP_LOG_LEVEL, "
            "FIELDAPP_TOKEN_IDLE_DAYS, FIELDAPP_WORKER_THREADS; tuỳ chọn dòng lệnh được ưu "
            "tiên. (Run the sync server; options override the environment.)"
        ),
    )
    parser.add_argument(
        "--database",
        metavar="PATH",
        help="Tệp SQLite của máy chủ (tạo nếu chưa có). (Server SQLite file; created if missing.)",
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
    parser.set_defaults(func=run)


def _days(text: str) -> int:
    from fieldapp.server.settings import idle_days

    try:
        return idle_days(text or "0")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"cần số ngày nguyên ≥ 1 (a whole number of days >= 1): {text!r}"
        ) from None


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from fieldapp.server.app import create_app
    from fieldapp.server.logs import log_event, setup_logging
    from fieldapp.server.settings import Settings
    from fieldapp.server.sqlite_storage import SqliteStorage

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
    )
    setup_logging(settings.log_level)
    storage = SqliteStorage(settings.database, token_idle_days=settings.token_idle_days)
    log_event(
        "server_start",
        host=settings.host,
        port=settings.port,
        epoch=storage.epoch,
        token_idle_days=settings.token_idle_days,
    )
    try:
        uvicorn.run(
            create_app(storage, worker_threads=settings.worker_threads),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
        )
    finally:
        storage.close()
    return 0
