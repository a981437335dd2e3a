"""``fieldapp poster``: an A4 PDF (and optional PNG) poster of procedure QR codes."""

from __future__ import annotations

import argparse
import sys

from fieldapp.portal.errors import PortalError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "poster",
        help="Tạo áp phích A4 mã QR thủ tục cho bảng tin thôn. (Make an A4 QR poster.)",
        description=(
            "Tạo áp phích A4 (PDF, và PNG nếu muốn) gồm mã QR các thủ tục, hướng dẫn nộp "
            "hồ sơ trực tuyến và liên hệ của tổ. (Make an A4 poster of procedure QR codes.)"
        ),
    )
    parser.add_argument(
        "--codes",
        required=True,
        help="Các mã thủ tục, cách nhau bằng dấu phẩy, vd. 1.001193,1.004222 (tối đa 9). "
        "(Comma-separated procedure codes, at most 9.)",
    )
    parser.add_argument("--village", required=True, help="Tên thôn / tổ dân phố. (Village.)")
    parser.add_argument("--team", required=True, help="Tên tổ công nghệ số. (Team name.)")
    parser.add_argument(
        "--contact", required=True, help="Người và số điện thoại liên hệ. (Team contact.)"
    )
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="Tệp PDF. (PDF file.)")
    parser.add_argument("--png", metavar="FILE.png", help="Thêm tệp PNG. (Also write a PNG.)")
    parser.add_argument(
        "--dpi", type=int, default=200, help="Độ phân giải PNG (mặc định 200). (PNG dpi.)"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    # Lazy: the PDF stack (fpdf2, fonts) loads only when a poster is made.
    from fieldapp.portal.poster import PosterSpec, write_poster

    spec = PosterSpec(
        codes=tuple(args.codes.split(",")),
        village=args.village,
        team=args.team,
        contact=args.contact,
    )
    try:
        layout = write_poster(spec, args.out, args.png, dpi=min(max(args.dpi, 72), 600))
    except PortalError as exc:
        print(f"Lỗi: {exc.message_vi}\nError: {exc.message_en}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"Lỗi: không ghi được tệp áp phích: {exc.strerror} ({exc.filename})\n"
            f"Error: cannot write the poster: {exc.strerror} ({exc.filename})",
            file=sys.stderr,
        )
        return 2
    written = ", ".join(p for p in (args.out, args.png) if p)
    print(f"Đã tạo áp phích {len(layout.links)} thủ tục: {written}")
    return 0
