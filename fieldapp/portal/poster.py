"""Printable A4 posters for a village notice board: a grid of procedures with QR codes.

The layout is computed once, in millimetres, as a list of drawing operations; two small
renderers turn it into a PDF (fpdf2, QR modules drawn as vector squares so print is sharp
at any size) and a PNG (Pillow, whole-pixel modules). Both use the DejaVu Sans font shipped
in ``assets/fonts/`` so Vietnamese diacritics print correctly, and both measure text with
the same font metrics, so the PNG looks like the PDF.

The grid shape (columns, QR beside or above the text) is chosen to make the QR codes as
large as possible for the number of procedures; text that does not fit raises
:class:`PortalError` (``text_too_long``) naming the field, before anything is written.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import PortalConfig, PortalLink, procedure_link
from fieldapp.portal.qr import qr_matrix
from fieldapp.text import fold, nfc

__all__ = [
    "INSTRUCTION_STEPS_VI",
    "MAX_PROCEDURES",
    "PT_MM",
    "BoxOp",
    "Drawing",
    "Op",
    "PosterLayout",
    "PosterSpec",
    "QrOp",
    "TextOp",
    "fonts_dir",
    "layout_links",
    "layout_poster",
    "poster_file_name",
    "poster_links",
    "poster_pdf",
    "poster_png",
    "text_width_mm",
    "wrap",
    "write_all",
    "write_poster",
]

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 10.0  # A4 portrait, mm
PT_MM = 25.4 / 72  # one typographic point in mm
LINE = 1.3  # line height as a multiple of the font size
MAX_PROCEDURES = 9  # more would shrink the codes below MIN_QR_MM on A4
MIN_QR_MM = 26.0  # below this a 65-module code gets hard to scan from a printed sheet
MAX_QR_MM = 90.0

TITLE_VI = "Làm thủ tục hành chính trực tuyến"
SUBTITLE_VI = "Quét mã QR để mở thủ tục trên Cổng Dịch vụ công quốc gia"
INSTRUCTION_TITLE_VI = "Cách nộp hồ sơ trực tuyến:"
INSTRUCTION_STEPS_VI = (
    "1. Mở Camera (hoặc Zalo) trên điện thoại, hướng vào mã QR của thủ tục cần làm.",
    "2. Mở đường dẫn hiện ra, bấm Đăng nhập và chọn tài khoản định danh điện tử VNeID (mức 2).",
    "3. Chọn thủ tục, điền tờ khai, đính kèm giấy tờ, nộp hồ sơ; thanh toán phí trực tuyến nếu có.",
)
LEVEL_LINES_VI = {"full": "Toàn trình: làm hết trên mạng", "partial": "Một phần: có bước trực tiếp"}

# Field name → (label for errors, font size pt, bold, max lines).
_HEADER_FIELDS = {
    "village": ("thôn / tổ dân phố", 17.0, True, 2),
    "team": ("tên tổ", 12.0, False, 2),
    "contact": ("liên hệ", 12.0, True, 2),
}


# ---------------------------------------------------------------------------- fonts


def fonts_dir() -> Path:
    """Where DejaVu Sans lives: ``$FIELDAPP_ASSETS_DIR/fonts``, the repo, or the package."""
    override = os.environ.get("FIELDAPP_ASSETS_DIR")
    if override:
        return Path(override) / "fonts"
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "assets" / "fonts", package / "_assets" / "fonts"):
        if (candidate / "DejaVuSans.ttf").is_file():
            return candidate
    raise FileNotFoundError("DejaVu Sans not found in assets/fonts; set FIELDAPP_ASSETS_DIR")


def _font_path(bold: bool) -> Path:
    return fonts_dir() / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@cache
def _pil_font(bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: no kerning, the same advance widths fpdf2 uses, so both renderers agree.
    return ImageFont.truetype(str(_font_path(bold)), size_px, layout_engine=ImageFont.Layout.BASIC)


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """Advance width of ``text`` in mm at ``size_pt``."""
    return _pil_font(bold, 1000).getlength(text) / 1000 * size_pt * PT_MM


def wrap(text: str, width_mm: float, size_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap; a word wider than the line is split between letters."""
    lines: list[str] = []
    current = ""
    for word in nfc(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width_mm(candidate, size_pt, bold) <= width_mm:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:  # long phone numbers, e-mails, links
            if current and text_width_mm(current + ch, size_pt, bold) > width_mm:
                lines.append(current)
                current = ""
            current += ch
    if current:
        lines.append(current)
    return lines


def _too_long(field_name: str, label_vi: str, text: str, max_lines: int) -> PortalError:
    short = text if len(text) <= 40 else text[:40] + "…"
    return PortalError(
        "text_too_long",
        field_name,
        f"Nội dung «{label_vi}» quá dài, không vừa ô trên áp phích (tối đa {max_lines} dòng): "
        f"«{short}». Hãy rút gọn.",
        f"Text for '{field_name}' is too long for its poster cell (at most {max_lines} "
        f"lines): '{short}'. Please shorten it.",
    )


# ---------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class TextOp:
    """One line of text; ``y`` is the baseline, ``x`` the left edge or the centre."""

    x: float
    y: float
    text: str
    size_pt: float
    bold: bool = False
    center: bool = False


@dataclass(frozen=True)
class BoxOp:
    """An outlined (rounded) rectangle, or a filled one."""

    x: float
    y: float
    w: float
    h: float
    stroke_mm: float = 0.4
    gray: int = 0
    fill: bool = False
    radius: float = 0.0


@dataclass(frozen=True)
class QrOp:
    """A square QR code (quiet zone included) at ``x, y`` with side ``size`` mm."""

    x: float
    y: float
    size: float
    text: str


Op = TextOp | BoxOp | QrOp


class Drawing(Protocol):
    """What the renderers draw: operations in mm on a page of ``page_w`` × ``page_h`` mm
    (the A4 poster, the household's small slip)."""

    @property
    def ops(self) -> list[Op]: ...

    @property
    def page_w(self) -> float: ...

    @property
    def page_h(self) -> float: ...

    @property
    def title(self) -> str: ...


@dataclass(frozen=True)
class PosterSpec:
    """What a team asks for: procedure codes, village, team name and contact."""

    codes: tuple[str, ...]
    village: str
    team: str
    contact: str


@dataclass
class PosterLayout:
    """The poster as drawing operations in mm, plus figures tests and callers may check."""

    links: list[PortalLink]
    ops: list[Op] = field(default_factory=list)
    columns: int = 0
    rows: int = 0
    qr_mm: float = 0.0
    beside: bool = False  # QR beside the text (True) or above it
    page_w: float = PAGE_W
    page_h: float = PAGE_H
    title: str = TITLE_VI


def poster_links(codes: Sequence[str], config: PortalConfig | None = None) -> list[PortalLink]:
    """Validated, de-duplicated links for the chosen codes (1 to MAX_PROCEDURES)."""
    cleaned = list(dict.fromkeys(nfc(c) for c in codes if nfc(c)))
    if not cleaned:
        raise PortalError(
            "no_procedures",
            "codes",
            "Chưa chọn thủ tục nào cho áp phích.",
            "No procedures chosen for the poster.",
        )
    if len(cleaned) > MAX_PROCEDURES:
        raise PortalError(
            "too_many_procedures",
            "codes",
            f"Áp phích chỉ chứa được tối đa {MAX_PROCEDURES} thủ tục (đã chọn {len(cleaned)}).",
            f"A poster holds at most {MAX_PROCEDURES} procedures ({len(cleaned)} chosen).",
        )
    return [procedure_link(code, config) for code in cleaned]


def _header_lines(name: str, value: str) -> list[str]:
    label, size, bold, max_lines = _HEADER_FIELDS[name]
    clean = nfc(value)
    if not clean:
        raise PortalError(
            "missing_field",
            name,
            f"Thiếu nội dung «{label}» cho áp phích.",
            f"The poster needs a value for '{name}'.",
        )
    lines = wrap(clean, PAGE_W - 2 * MARGIN - 8, size, bold)
    if len(lines) > max_lines:
        raise _too_long(name, label, clean, max_lines)
    return lines


def _centered(lines: Sequence[str], y: float, size: float, bold: bool) -> tuple[list[Op], float]:
    """Centred lines starting with the top of the first line at ``y``; returns the new y."""
    ops: list[Op] = []
    step = size * PT_MM * LINE
    for line in lines:
        y += step
        ops.append(TextOp(PAGE_W / 2, y - step * 0.25, line, size, bold, center=True))
    return ops, y


NAME_PT, SMALL_PT, PAD = 11.0, 9.5, 2.5
_NAME_MAX_LINES = 4


def _cell_text(link: PortalLink, width: float) -> list[tuple[str, float, bool]] | None:
    """Lines (text, size, bold) for one cell at ``width`` mm, or None if the name won't fit."""
    name = wrap(link.title_vi, width, NAME_PT, True)
    if len(name) > _NAME_MAX_LINES or any(text_width_mm(s, NAME_PT, True) > width for s in name):
        return None
    level = link.procedure.level.value if link.procedure else ""
    rest = [f"Mã thủ tục: {link.key}", LEVEL_LINES_VI.get(level, "")]
    if any(text_width_mm(s, SMALL_PT) > width for s in rest):
        return None
    return [(s, NAME_PT, True) for s in name] + [(s, SMALL_PT, False) for s in rest]


def _text_height(lines: Sequence[tuple[str, float, bool]]) -> float:
    return sum(size * PT_MM * LINE for _, size, _ in lines)


def _best_grid(
    links: Sequence[PortalLink], grid_w: float, grid_h: float
) -> tuple[int, int, bool, float]:
    """Pick (columns, rows, beside, qr size) that gives the biggest QR codes."""
    best: tuple[int, int, bool, float] | None = None
    gap = 3.0
    for cols in range(1, 5):
        rows = math.ceil(len(links) / cols)
        cell_w = (grid_w - gap * (cols - 1)) / cols
        cell_h = (grid_h - gap * (rows - 1)) / rows
        for beside in (False, True):
            qr = min(cell_h - 2 * PAD, cell_w - 2 * PAD, MAX_QR_MM)
            if beside:
                qr = min(qr, cell_w * 0.5)
                text_w = cell_w - qr - 3 * PAD
            else:
                text_w = cell_w - 2 * PAD
            texts = [_cell_text(link, text_w) for link in links]
            if text_w <= 0 or any(t is None for t in texts):
                continue
            tallest = max(_text_height(t) for t in texts if t is not None)
            if beside and tallest > cell_h - 2 * PAD:
                continue
            if not beside:
                qr = min(qr, cell_h - 3 * PAD - tallest)
            if best is None or qr > best[3] + 0.01:
                best = (cols, rows, beside, qr)
    if best is None:
        long_name = max(links, key=lambda link: len(link.title_vi)).title_vi
        raise _too_long("procedure", "tên thủ tục", long_name, _NAME_MAX_LINES)
    if best[3] < MIN_QR_MM:
        raise PortalError(
            "too_many_procedures",
            "codes",
            f"Quá nhiều thủ tục cho một trang A4: mã QR sẽ nhỏ hơn {MIN_QR_MM:.0f} mm, khó quét. "
            "Hãy bớt thủ tục hoặc in hai áp phích.",
            f"Too many procedures for one A4 page: QR codes would be under {MIN_QR_MM:.0f} mm "
            "and hard to scan. Choose fewer or print two posters.",
        )
    return best


def layout_poster(spec: PosterSpec, config: PortalConfig | None = None) -> PosterLayout:
    """Validate everything and compute the poster; raises :class:`PortalError`."""
    return layout_links(poster_links(spec.codes, config), spec)


def layout_links(links: Sequence[PortalLink], spec: PosterSpec) -> PosterLayout:
    """Compute the poster for already-built links (``spec.codes`` is ignored)."""
    village = _header_lines("village", spec.village)
    team = _header_lines("team", spec.team)
    contact = _header_lines("contact", spec.contact)
    layout = PosterLayout(links=list(links))
    ops = layout.ops
    width = PAGE_W - 2 * MARGIN

    # Header: a black band with the title, then village and team.
    band_h = 20.0
    ops.append(BoxOp(MARGIN, MARGIN, width, band_h, gray=0, fill=True, radius=3))
    ops.append(TextOp(PAGE_W / 2, MARGIN + 9.5, TITLE_VI, 21, True, center=True))
    ops.append(TextOp(PAGE_W / 2, MARGIN + 16.5, SUBTITLE_VI, 11, False, center=True))
    y = MARGIN + band_h + 1.5
    more, y = _centered(village, y, 17, True)
    ops += more
    more, y = _centered(team, y, 12, False)
    ops += more

    # Instructions in an outlined box.
    y += 2.0
    box_top = y
    step_w = width - 8
    step_lines = [line for step in INSTRUCTION_STEPS_VI for line in wrap(step, step_w, 10.5)]
    y += 1.5
    y += 11 * PT_MM * LINE
    ops.append(TextOp(MARGIN + 4, y - 1.2, INSTRUCTION_TITLE_VI, 11, True))
    for line in step_lines:
        y += 10.5 * PT_MM * LINE
        ops.append(TextOp(MARGIN + 4, y - 1.0, line, 10.5))
    y += 2.0
    ops.append(BoxOp(MARGIN, box_top, width, y - box_top, stroke_mm=0.5, radius=2))

    # Footer: the team's contact, bottom up.
    footer_lines = ["Cần hỗ trợ? Liên hệ Tổ công nghệ số cộng đồng:", *contact]
    footer_h = 12 * PT_MM * LINE * len(footer_lines) + 4
    footer_top = PAGE_H - MARGIN - footer_h
    ops.append(BoxOp(MARGIN, footer_top, width, footer_h, stroke_mm=0.6, radius=2))
    fy = footer_top + 1.5
    more, _ = _centered(footer_lines[:1], fy, 12, False)
    ops += more
    more, _ = _centered(contact, fy + 12 * PT_MM * LINE, 12, True)
    ops += more

    # The grid between the instructions and the footer.
    grid_top, grid_bottom = y + 4.0, footer_top - 4.0
    cols, rows, beside, qr = _best_grid(links, width, grid_bottom - grid_top)
    layout.columns, layout.rows, layout.qr_mm, layout.beside = cols, rows, qr, beside
    gap = 3.0
    cell_w = (width - gap * (cols - 1)) / cols
    cell_h = (grid_bottom - grid_top - gap * (rows - 1)) / rows
    for i, link in enumerate(links):
        row, col = divmod(i, cols)
        cx = MARGIN + col * (cell_w + gap)
        cy = grid_top + row * (cell_h + gap)
        ops.append(BoxOp(cx, cy, cell_w, cell_h, stroke_mm=0.3, gray=120, radius=2))
        text_w = cell_w - qr - 3 * PAD if beside else cell_w - 2 * PAD
        lines = _cell_text(link, text_w) or []
        block_h = _text_height(lines)
        if beside:
            ops.append(QrOp(cx + PAD, cy + (cell_h - qr) / 2, qr, link.url))
            tx, ty, center = cx + 2 * PAD + qr, cy + (cell_h - block_h) / 2, False
        else:
            used = qr + PAD + block_h
            top = cy + (cell_h - used) / 2
            ops.append(QrOp(cx + (cell_w - qr) / 2, top, qr, link.url))
            tx, ty, center = cx + cell_w / 2, top + qr + PAD, True
        for text, size, bold in lines:
            step = size * PT_MM * LINE
            ty += step
            ops.append(TextOp(tx, ty - step * 0.25, text, size, bold, center=center))
    return layout


# ---------------------------------------------------------------------------- renderers


def _dark_runs(matrix: Sequence[Sequence[bool]]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


def poster_pdf(layout: Drawing) -> bytes:
    """Render the layout as a one-page PDF (A4 for a poster) with DejaVu Sans embedded
    (subset)."""
    pdf = FPDF(orientation="P", unit="mm", format=(layout.page_w, layout.page_h))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(layout.title)
    pdf.set_creator("fieldapp")
    pdf.add_font("DejaVu", "", str(_font_path(False)))
    pdf.add_font("DejaVu", "B", str(_font_path(True)))
    pdf.add_page()
    filled_boxes = [op for op in layout.ops if isinstance(op, BoxOp) and op.fill]
    for op in layout.ops:
        if isinstance(op, BoxOp):
            pdf.set_line_width(op.stroke_mm)
            pdf.set_draw_color(op.gray)
            pdf.set_fill_color(op.gray)
            pdf.rect(op.x, op.y, op.w, op.h, style="F" if op.fill else "D",
                     round_corners=op.radius > 0, corner_radius=op.radius)  # fmt: skip
        elif isinstance(op, TextOp):
            inverted = any(_inside(op, box) for box in filled_boxes)
            pdf.set_text_color(255 if inverted else 0)
            pdf.set_font("DejaVu", "B" if op.bold else "", op.size_pt)
            x = op.x - pdf.get_string_width(op.text) / 2 if op.center else op.x
            pdf.text(x, op.y, op.text)
        else:
            matrix = qr_matrix(op.text, border=True)
            module = op.size / len(matrix)
            pdf.set_fill_color(0)
            for r, c, n in _dark_runs(matrix):
                # A hair of overlap hides anti-aliasing seams between adjacent squares.
                pdf.rect(op.x + c * module, op.y + r * module, n * module + 0.01,
                         module + 0.01, style="F")  # fmt: skip
    return bytes(pdf.output())


def _inside(text: TextOp, box: BoxOp) -> bool:
    return box.y <= text.y <= box.y + box.h


def poster_png(layout: Drawing, dpi: int = 200) -> Image.Image:
    """Render the same layout with Pillow (no PDF rasteriser needed) at ``dpi``."""
    scale = dpi / 25.4  # px per mm
    image = Image.new("L", (round(layout.page_w * scale), round(layout.page_h * scale)), 255)
    draw = ImageDraw.Draw(image)
    filled_boxes = [op for op in layout.ops if isinstance(op, BoxOp) and op.fill]
    for op in layout.ops:
        if isinstance(op, BoxOp):
            box = (op.x * scale, op.y * scale, (op.x + op.w) * scale, (op.y + op.h) * scale)
            stroke = max(1, round(op.stroke_mm * scale))
            if op.fill:
                draw.rounded_rectangle(box, radius=op.radius * scale, fill=op.gray)
            else:
                draw.rounded_rectangle(box, radius=op.radius * scale, outline=op.gray,
                                       width=stroke)  # fmt: skip
        elif isinstance(op, TextOp):
            inverted = any(_inside(op, box) for box in filled_boxes)
            font = _pil_font(op.bold, round(op.size_pt * PT_MM * scale))
            draw.text((op.x * scale, op.y * scale), op.text, font=font,
                      fill=255 if inverted else 0,
                      anchor="ms" if op.center else "ls")  # fmt: skip
        else:
            matrix = qr_matrix(op.text, border=True)
            box_px = op.size * scale
            module = max(1, math.floor(box_px / len(matrix)))  # whole pixels: sharp edges
            side = module * len(matrix)
            ox = round(op.x * scale + (box_px - side) / 2)
            oy = round(op.y * scale + (box_px - side) / 2)
            draw.rectangle((ox, oy, ox + side - 1, oy + side - 1), fill=255)
            for r, c, n in _dark_runs(matrix):
                x0, y0 = ox + c * module, oy + r * module
                draw.rectangle((x0, y0, x0 + n * module - 1, y0 + module - 1), fill=0)
    return image


def write_all(outputs: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file to a temporary name first, then rename: all or nothing."""
    temps = [(path.with_name(path.name + ".tmp"), path, data) for path, data in outputs]
    try:
        for tmp, _, data in temps:
            tmp.write_bytes(data)
    except OSError:
        for tmp, _, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path, _ in temps:
        os.replace(tmp, path)  # a reader never sees half a poster


def write_poster(
    spec: PosterSpec,
    pdf_path: str | os.PathLike[str] | None,
    png_path: str | os.PathLike[str] | None = None,
    dpi: int = 200,
    config: PortalConfig | None = None,
) -> PosterLayout:
    """Validate, render, then write the PDF and/or PNG (nothing is written on error)."""
    layout = layout_poster(spec, config)
    outputs: list[tuple[Path, bytes]] = []
    if pdf_path is not None:
        outputs.append((Path(pdf_path), poster_pdf(layout)))
    if png_path is not None:
        buffer = io.BytesIO()
        poster_png(layout, dpi).save(buffer, format="PNG", optimize=True)
        outputs.append((Path(png_path), buffer.getvalue()))
    write_all(outputs)
    return layout


def poster_file_name(village: str, day: date) -> str:
    """The poster's file name from a village name: letters, digits and dashes only, so
    no name (``../../x``, ``a/b``, control characters) can take it out of its folder.

    >>> poster_file_name("Thôn Đông", date(2026, 11, 20))
    'ap-phich-thon-dong-20261120.pdf'
    >>> poster_file_name("../../etc/passwd", date(2026, 11, 20))
    'ap-phich-etc-passwd-20261120.pdf'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(village)).strip("-")[:60].strip("-") or "thon"
    return f"ap-phich-{slug}-{day:%Y%m%d}.pdf"
