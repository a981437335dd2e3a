"""``fieldapp app [--web] [--port N]``: run the field app (desktop window or web, no CDN)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import sys

from fieldapp.app_services.web_origin import SameOriginGuard

__all__ = ["port_free", "register", "run_app"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "app",
        help="Chạy ứng dụng cho tổ viên. (Run the field app.)",
        description=(
            "Chạy ứng dụng ghi lượt thăm: cửa sổ máy tính nếu có Flet desktop, hoặc trên "
            "trình duyệt với --web. (Run the field app: a desktop window where the Flet "
            "desktop client is available, or in the browser with --web.)"
        ),
    )
    parser.add_argument(
        "--web",
        action="store_true",
        help="Phục vụ trên trình duyệt, không dùng CDN. (Serve as a web app, no CDN.)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="Địa chỉ lắng nghe (mặc định 127.0.0.1). (Address to bind, default 127.0.0.1.)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8550,
        help="Cổng web (mặc định 8550). (Web port, default 8550.)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="Thư mục dữ liệu của thiết bị (mặc định $FIELDAPP_HOME). "
        "(Device data folder, default $FIELDAPP_HOME or ~/.local/share/fieldapp.)",
    )
    parser.set_defaults(func=handle)


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether ``host:port`` can be bound right now (nothing else listens there)."""
    with socket.socket() as s:
        # As the servers do: connections of a just-stopped server (TIME_WAIT) must not
        # make its port look taken; a live listener still does.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def desktop_available() -> bool:
    """The Flet desktop client ships as the ``flet_desktop`` package."""
    return importlib.util.find_spec("flet_desktop") is not None


def run_app(*, web: bool, host: str, port: int) -> None:
    """Start the Flet app; blocks until it stops."""
    import logging

    import flet as ft
    import uvicorn

    # Lazy: Flet and every screen load only when the app starts, not for other commands.
    from fieldapp.ui.main import main

    # Handler errors are logged by Flet; without a handler they would vanish.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if web:
        # Flet's own web server takes its WebSocket from any Origin and answers with
        # "Access-Control-Allow-Origin: *": any page in the browser could drive the app.
        # So Flet only builds the ASGI app, and it is served behind the same-origin guard.
        # no_cdn: the renderer is served locally; with a CDN the page hangs offline.
        flet_app = ft.run(main, export_asgi_app=True, assets_dir=None, no_cdn=True)
        uvicorn.run(
            SameOriginGuard(flet_app, host),
            host=host,
            port=port,
            ws="websockets-sansio",  # what Flet's own server uses
            log_level="warning",
        )
    else:
        ft.run(main)


def handle(args: argparse.Namespace) -> int:
    if args.data_dir:
        os.environ["FIELDAPP_HOME"] = args.data_dir
    if not args.web and not desktop_available():
        print(
            "Không có Flet desktop trên máy này. Chạy trên trình duyệt: "
            f"fieldapp app --web --port {args.port}\n"
            "The Flet desktop client is not installed here. Run in the browser: "
            f"fieldapp app --web --port {args.port}",
            file=sys.stderr,
        )
        return 2
    if args.web and not port_free(args.port, args.host):
        print(
            f"Lỗi: cổng {args.port} đang được dùng; chọn cổng khác với --port. "
            f"(Port {args.port} is already in use; pick another with --port.)",
            file=sys.stderr,
        )
        return 2
    if args.web:
        print(f"Mở trình duyệt: http://{args.host}:{args.port}/ (Open this address.)", flush=True)
    run_app(web=args.web, host=args.host, port=args.port)
    return 0
