"""``fieldapp serve``: run the sync server (FastAPI on uvicorn, embedded SQLite).

Configuration: defaults, then ``FIELDAPP_DATABASE`` / ``FIELDAPP_HOST`` /
``FIELDAPP_PORT`` / ``FIELDAPP_LOG_LEVEL``, then these options.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="Chạy máy chủ đồng bộ. (Run the sync server.)",
        description=(
            "Chạy máy chủ đồng bộ (FastAPI trên uvicorn, SQLite nhúng). Cấu hình lấy từ biến môi "
            "trường FIELDAPP_DATABASE, FIELDAPP_HOST, FIELDAPP_PORT, FIELDAPP_LOG_LEVEL; tuỳ chọn "
            "dòng lệnh được ưu tiên. (Run the sync server; options override the environment.)"
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from fieldapp.server.app import create_app
    from fieldapp.server.logs import log_event, setup_logging
    from fieldapp.server.settings import Settings
    from fieldapp.server.sqlite_storage import SqliteStorage

    settings = Settings.from_env().override(
        database=args.database, host=args.host, port=args.port, log_level=args.log_level
    )
    setup_logging(settings.log_level)
    storage = SqliteStorage(settings.database)
    log_event("server_start", host=settings.host, port=settings.port, epoch=storage.epoch)
    try:
        uvicorn.run(
            create_app(storage),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
        )
    finally:
        storage.close()
    return 0
