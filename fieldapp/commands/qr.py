"""``fieldapp qr CODE [--out FILE.png]``: print a portal link and write its QR code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import portal_link
from fieldapp.portal.qr import qr_png

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "qr",
        help="In đường dẫn Cổng DVC quốc gia và tạo mã QR. (Print a portal link and its QR.)",
        description=(
            "In đường dẫn tới thủ tục trên Cổng Dịch vụ công quốc gia và ghi mã QR (PNG). "
            "(Print the national-portal link for a procedure and write its QR code.)"
        ),
    )
    parser.add_argument(
        "code",
        metavar="CODE",
        help="Mã thủ tục (vd. 1.001193) hoặc home, payment, lookup, vneid. "
        "(Procedure code, or home / payment / lookup / vneid.)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE.png",
        help="Ghi mã QR ra tệp PNG này. (Write the QR code to this PNG file.)",
    )
    parser.add_argument(
        "--module-px",
        type=int,
        default=10,
        help="Số điểm ảnh mỗi ô của mã QR (mặc định 10). (Pixels per QR module, default 10.)",
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        link = portal_link(args.code)
        png = qr_png(link.url, max(2, args.module_px)) if args.out else b""
    except PortalError as exc:
        print(f"Lỗi: {exc.message_vi}\nError: {exc.message_en}", file=sys.stderr)
        return 2
    print(link.url)
    if args.out:
        try:
            Path(args.out).write_bytes(png)
        except OSError as exc:
            print(
                f"Lỗi: không ghi được tệp «{args.out}»: {exc.strerror}\n"
                f"Error: cannot write '{args.out}': {exc.strerror}",
                file=sys.stderr,
            )
            return 2
        print(f"Đã ghi mã QR: {args.out} — {link.title_vi}", file=sys.stderr)
    return 0
