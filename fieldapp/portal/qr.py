"""QR codes for links, made to be scanned off a cheap phone screen or a printed poster.

High error correction (H, ~30% of the code can be damaged: folds, glare, a thumb on the
screen), a quiet zone wider than the 4-module minimum (phones crop tightly), pure black on
white, and whole-pixel modules so resizing never blurs the edges.

>>> len(qr_matrix("https://vneid.gov.vn")) > 20
True
"""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
from PIL import Image

from fieldapp.portal.errors import PortalError

__all__ = ["QUIET_ZONE", "qr_image", "qr_matrix", "qr_png"]

QUIET_ZONE = 6  # modules of white border; the standard minimum is 4
_MAX_CHARS = 1000  # far beyond any portal link; keeps codes scannable on a phone


def _make(text: str) -> qrcode.QRCode:
    if not text or len(text) > _MAX_CHARS:
        raise PortalError(
            "bad_qr_text",
            "text",
            f"Nội dung mã QR phải có từ 1 đến {_MAX_CHARS} ký tự.",
            f"QR content must be 1 to {_MAX_CHARS} characters.",
        )
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_matrix(text: str, border: bool = False) -> list[list[bool]]:
    """The module grid (True = dark); with ``border`` it includes the quiet zone."""
    matrix = _make(text).get_matrix()
    if border:
        return [list(row) for row in matrix]
    return [list(row[QUIET_ZONE:-QUIET_ZONE]) for row in matrix[QUIET_ZONE:-QUIET_ZONE]]


def qr_image(text: str, module_px: int = 10) -> Image.Image:
    """A black-on-white grayscale image of the code, quiet zone included."""
    matrix = qr_matrix(text, border=True)
    size = len(matrix)
    small = Image.new("L", (size, size), 255)
    small.putdata([0 if dark else 255 for row in matrix for dark in row])
    # NEAREST keeps module edges perfectly sharp at any whole-pixel scale.
    return small.resize((size * module_px, size * module_px), Image.Resampling.NEAREST)


def qr_png(text: str, module_px: int = 10) -> bytes:
    """PNG bytes of :func:`qr_image` (what the CLI writes and Flet shows)."""
    buffer = io.BytesIO()
    qr_image(text, module_px).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
