"""The household's slip: a small printable card left after a dossier is submitted.

It says which procedure was submitted and when (dd/mm/yyyy), the dossier number if the
household let the team record it, the head of household's name only with consent, and two
QR codes — the portal's own dossier look-up page and its online payment page — so the
citizen can follow the dossier with VNeID without the team. Both URLs come from the
templates in ``data/portal.json`` (:mod:`fieldapp.portal.links`).

The card is A6 (105 × 148 mm: a quarter of an A4 sheet, or a label printer's page) and is
drawn with the poster's machinery (:mod:`fieldapp.portal.poster`): one layout in mm,
rendered to PDF (vector QR modules) and PNG (whole-pixel modules, also what the phone
shows), DejaVu Sans embedded for Vietnamese. The slip itself is Vietnamese only: it is for
the household. Text that does not fit raises :class:`PortalError` (``text_too_long``)
before anything is written.

>>> layout = layout_slip(SlipSpec("1.001193", date(2026, 12, 1), dossier_no="H42.18-0001"))
>>> [link.key for link in layout.links]
['lookup', 'payment']
>>> any(isinstance(op, TextOp) and op.text == "Ngày nộp: 01/12/2026" for op in layout.ops)
True
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fieldapp.domain.model import Procedure
from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import (
    LEVEL_LABELS,
    PortalConfig,
    PortalLink,
    dossier_lookup_link,
    portal_link,
    procedure_link,
)
from fieldapp.portal.poster import (
    PT_MM,
    BoxOp,
    Op,
    QrOp,
    TextOp,
    poster_pdf,
    poster_png,
    text_width_mm,
    wrap,
    write_all,
)
from fieldapp.text import fold, nfc

__all__ = [
    "SLIP_H",
    "SLIP_W",
    "SlipLayout",
    "SlipSpec",
    "layout_slip",
    "slip_file_name",
    "slip_pdf",
    "slip_png",
    "write_slip",
]

SLIP_W, SLIP_H, MARGIN = 105.0, 148.0, 6.0  # A6 portrait, mm
LINE = 1.3
TITLE_VI = "Phiếu theo dõi hồ sơ trực tuyến"
SUBTITLE_VI = "Cổng Dịch vụ công quốc gia"
LOOKUP_CAPTION = "Tra cứu hồ sơ"
PAYMENT_CAPTION = "Thanh toán phí, lệ phí"
STEPS_VI = (
    "Quét mã bằng Camera điện thoại, đăng nhập bằng VNeID.",
    "Tra cứu: nhập số hồ sơ để xem hồ sơ đã có kết quả chưa.",
    "Nếu có phí, thanh toán trên Cổng khi cơ quan gửi yêu cầu.",
)
NO_NUMBER_VI = "Số hồ sơ: chưa ghi (xem trong tài khoản của hộ trên Cổng)"

# Field → (label for errors, size pt, bold, max lines).
_FIELDS = {
    "procedure": ("tên thủ tục", 11.5, True, 3),
    "dossier_no": ("số hồ sơ", 10.5, True, 2),
    "head_name": ("chủ hộ", 10.0, False, 2),
    "team": ("tổ hỗ trợ", 8.5, False, 2),
}


@dataclass(frozen=True)
class SlipSpec:
    """What goes on one slip.

    ``head_name`` must be given only when the household consented to its personal
    details being kept (the caller decides: :mod:`fieldapp.app_services.dossiers`);
    ``dossier_no`` likewise is only ever stored with consent.
    """

    procedure_code: str
    submitted_on: date
    dossier_no: str | None = None
    head_name: str | None = None
    team: str = ""
    processing_days: int | None = None


@dataclass
class SlipLayout:
    """The slip as drawing operations in mm (see :class:`fieldapp.portal.poster.Drawing`)."""

    procedure: Procedure
    links: list[PortalLink]
    ops: list[Op] = field(default_factory=list)
    qr_mm: float = 0.0
    page_w: float = SLIP_W
    page_h: float = SLIP_H
    title: str = TITLE_VI


def _lines(name: str, value: str, width: float) -> list[str]:
    label, size, bold, max_lines = _FIELDS[name]
    lines = wrap(value, width, size, bold)
    if len(lines) > max_lines:
        short = value if len(value) <= 40 else value[:40] + "…"
        raise PortalError(
            "text_too_long",
            name,
            f"Nội dung «{label}» quá dài, không vừa phiếu (tối đa {max_lines} dòng): «{short}».",
            f"Text for '{name}' is too long for the slip (at most {max_lines} lines): '{short}'.",
        )
    return lines


def _fee_line(procedure: Procedure) -> str:
    if not procedure.fee_vnd:
        return ""
    return f"Lệ phí: {procedure.fee_vnd:,} đ".replace(",", ".")


def layout_slip(spec: SlipSpec, config: PortalConfig | None = None) -> SlipLayout:
    """Validate and compute the slip; raises :class:`PortalError`."""
    procedure_url = procedure_link(spec.procedure_code, config)  # unknown code → clear error
    assert procedure_url.procedure is not None
    procedure = procedure_url.procedure
    dossier_no = nfc(spec.dossier_no or "")
    head = nfc(spec.head_name or "")
    lookup = dossier_lookup_link(dossier_no or None, config)
    payment = portal_link("payment", config)
    layout = SlipLayout(procedure=procedure, links=[lookup, payment])
    ops = layout.ops
    width = SLIP_W - 2 * MARGIN
    left = MARGIN

    # A black band with the title (white text: the renderers invert text inside it).
    band_h = 13.0
    ops.append(BoxOp(MARGIN, MARGIN, width, band_h, gray=0, fill=True, radius=2))
    ops.append(TextOp(SLIP_W / 2, MARGIN + 6.2, TITLE_VI, 11.5, True, center=True))
    ops.append(TextOp(SLIP_W / 2, MARGIN + 10.8, SUBTITLE_VI, 8, False, center=True))
    y = MARGIN + band_h + 1.0

    def line(text: str, size: float, bold: bool = False) -> None:
        nonlocal y
        y += size * PT_MM * LINE
        ops.append(TextOp(left, y - size * PT_MM * 0.3, text, size, bold))

    for text in _lines("procedure", procedure.name_vi, width):
        line(text, 11.5, True)
    level_vi = LEVEL_LABELS[procedure.level][0]
    line(f"Mã thủ tục: {procedure.code} · {level_vi}", 8.5)
    line(f"Ngày nộp: {spec.submitted_on:%d/%m/%Y}", 10.5, True)
    if dossier_no:
        for text in _lines("dossier_no", f"Số hồ sơ: {dossier_no}", width):
            line(text, 10.5, True)
    else:
        for text in wrap(NO_NUMBER_VI, width, 8.5):
            line(text, 8.5)
    if head:
        for text in _lines("head_name", f"Chủ hộ: {head}", width):
            line(text, 10.0)
    extra = [_fee_line(procedure)]
    if spec.processing_days:
        extra.append(f"Thời hạn giải quyết: khoảng {spec.processing_days} ngày")
    for text in filter(None, extra):
        line(text, 8.5)

    # Footer (bottom up): the team, then the three steps above it.
    team = _lines("team", f"Tổ hỗ trợ: {nfc(spec.team)}", width) if nfc(spec.team) else []
    steps = [s for step in STEPS_VI for s in wrap(step, width, 8)]
    footer_h = (len(team) * 8.5 + len(steps) * 8) * PT_MM * LINE + 2.0
    footer_top = SLIP_H - MARGIN - footer_h

    # Two QR codes side by side in what is left, each with its caption under it.
    caption_h = 9 * PT_MM * LINE + 1.0
    gap = 4.0
    qr = min((width - gap) / 2, footer_top - y - 3.0 - caption_h)
    if qr < 30.0:  # below ~30 mm a phone camera struggles with a printed code
        raise PortalError(
            "text_too_long",
            "slip",
            "Phiếu có quá nhiều chữ, mã QR sẽ quá nhỏ để quét. Hãy rút gọn tên tổ hoặc chủ hộ.",
            "Too much text on the slip: the QR codes would be too small to scan. Shorten "
            "the team or head-of-household name.",
        )
    layout.qr_mm = qr
    top = y + max(2.0, (footer_top - y - qr - caption_h) / 2)  # the block centred in the gap
    for i, (link, caption) in enumerate(((lookup, LOOKUP_CAPTION), (payment, PAYMENT_CAPTION))):
        x = MARGIN + (width - 2 * qr - gap) / 2 + i * (qr + gap)
        ops.append(QrOp(x, top, qr, link.url))
        ops.append(TextOp(x + qr / 2, top + qr + caption_h - 2.5, caption, 9, True, center=True))

    y = footer_top
    for text in steps:
        line(text, 8)
    for text in team:
        line(text, 8.5)
    ops.append(
        BoxOp(
            MARGIN / 2,
            MARGIN / 2,
            SLIP_W - MARGIN,
            SLIP_H - MARGIN,
            stroke_mm=0.3,
            gray=140,
            radius=3,
        )
    )  # a cutting line around the card
    _check_widths(ops, width)
    return layout


def _check_widths(ops: Sequence[Op], width: float) -> None:
    """Every line must fit the card (wrapping guarantees it; this guards the layout)."""
    for op in ops:
        if isinstance(op, TextOp):
            assert text_width_mm(op.text, op.size_pt, op.bold) <= width + 0.01, op.text


def slip_pdf(layout: SlipLayout) -> bytes:
    """The slip as a one-page A6 PDF."""
    return poster_pdf(layout)


def slip_png(layout: SlipLayout, dpi: int = 200) -> bytes:
    """PNG bytes of the slip: what the phone shows and what a person may print."""
    buffer = io.BytesIO()
    poster_png(layout, dpi).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_slip(
    spec: SlipSpec,
    pdf_path: str | os.PathLike[str] | None,
    png_path: str | os.PathLike[str] | None = None,
    dpi: int = 200,
    config: PortalConfig | None = None,
) -> SlipLayout:
    """Validate, render, then write the PDF and/or PNG (nothing is written on error)."""
    layout = layout_slip(spec, config)
    outputs: list[tuple[Path, bytes]] = []
    if pdf_path is not None:
        outputs.append((Path(pdf_path), slip_pdf(layout)))
    if png_path is not None:
        outputs.append((Path(png_path), slip_png(layout, dpi)))
    write_all(outputs)
    return layout


def slip_file_name(procedure_code: str, day: date, ext: str = "pdf") -> str:
    """A file name made only of letters, digits and dashes (no household name in it).

    >>> slip_file_name("1.001193", date(2026, 12, 1))
    'phieu-ho-so-1-001193-20261201.pdf'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(procedure_code)).strip("-")[:20] or "thu-tuc"
    return f"phieu-ho-so-{slug}-{day:%Y%m%d}.{ext}"
