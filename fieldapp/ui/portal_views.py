"""Flet views for portal QR codes, posters and the enrolment QR (builders only, no navigation).

Thin by design: links, QR images, search and posters all live in :mod:`fieldapp.portal`.
The navigation owner places :attr:`PortalScreen.control` in a view; the screen swaps its
own content between the procedure picker and a full-screen QR, so it works in any router.

Flet 1.0.5: ``ft.Image(src=...)`` takes raw PNG ``bytes`` directly (see
``flet/controls/core/image.py``), so no base64 step is needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import flet as ft

from fieldapp.app_services.handover import output_dir
from fieldapp.portal.enrol_link import parse_enrol_link
from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import SPECIAL_KEYS, PortalLink, portal_link, search_links
from fieldapp.portal.poster import MAX_PROCEDURES, PosterSpec, poster_file_name, write_poster
from fieldapp.portal.qr import qr_png
from fieldapp.ui.handover import ShareButton
from fieldapp.ui.i18n import t

__all__ = ["PortalScreen", "build_portal_screen", "enrol_qr_view", "qr_view"]

QR_SIZE = 340  # logical pixels: fills a small phone's width with room for the quiet zone
_SPECIAL_ICONS = {
    "home": ft.Icons.HOME,
    "payment": ft.Icons.PAYMENT,
    "lookup": ft.Icons.MANAGE_SEARCH,
    "vneid": ft.Icons.BADGE,
}


def _qr_image(url: str, size: int = QR_SIZE) -> ft.Control:
    """The QR as a crisp black-on-white image (no smoothing when Flutter scales it)."""
    return ft.Container(
        content=ft.Image(
            src=qr_png(url, module_px=8),
            width=size,
            height=size,
            fit=ft.BoxFit.CONTAIN,
            filter_quality=ft.FilterQuality.NONE,
            semantics_label=url,
        ),
        bgcolor=ft.Colors.WHITE,
    )


def _title(link: PortalLink, lang: str) -> str:
    return link.title_en if lang == "en" and link.title_en else link.title_vi


def _level(link: PortalLink, lang: str) -> str:
    return link.level_en if lang == "en" else link.level_vi


def qr_view(
    link: PortalLink, on_back: Callable[[Any], Any] | None = None, lang: str = "vi"
) -> ft.Control:
    """Full-screen, high-contrast QR for one procedure or portal page."""
    lines: list[ft.Control] = [
        ft.Text(
            _title(link, lang),
            size=24,
            weight=ft.FontWeight.BOLD,
            color=ft.Colors.BLACK,
            text_align=ft.TextAlign.CENTER,
        ),
    ]
    if link.procedure is not None:
        lines.append(
            ft.Text(
                t("portal_code_level", lang, code=link.key, level=_level(link, lang)),
                size=18,
                color=ft.Colors.BLACK,
                text_align=ft.TextAlign.CENTER,
            )
        )
    lines += [
        _qr_image(link.url),
        ft.Text(
            t("portal_scan", lang),
            size=16,
            color=ft.Colors.BLACK,
            text_align=ft.TextAlign.CENTER,
        ),
        ft.Text(
            link.url,
            size=11,
            color=ft.Colors.BLACK,
            selectable=True,
            text_align=ft.TextAlign.CENTER,
        ),
    ]
    if on_back is not None:
        lines.append(
            ft.Button(content=t("portal_back", lang), icon=ft.Icons.ARROW_BACK, on_click=on_back)
        )
    return ft.Container(
        content=ft.Column(
            lines,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            scroll=ft.ScrollMode.AUTO,
            spacing=12,
        ),
        bgcolor=ft.Colors.WHITE,
        padding=ft.Padding.all(16),
        expand=True,
    )


def enrol_qr_view(link: str, lang: str = "vi") -> ft.Control:
    """The leader's screen: the enrolment QR a member scans to join the team's devices."""
    try:
        parse_enrol_link(link)  # never show a QR the member's phone would refuse
    except PortalError as exc:
        message = exc.message_en if lang == "en" else f"{exc.message_vi}\n{exc.message_en}"
        return ft.Text(message, color=ft.Colors.RED_900)
    return ft.Container(
        content=ft.Column(
            [
                ft.Text(
                    t("portal_enrol_title", lang),
                    size=22,
                    weight=ft.FontWeight.BOLD,
                    color=ft.Colors.BLACK,
                ),
                ft.Text(
                    t("portal_enrol_hint", lang),
                    size=16,
                    color=ft.Colors.BLACK,
                    text_align=ft.TextAlign.CENTER,
                ),
                _qr_image(link),
                ft.Text(link, size=12, color=ft.Colors.BLACK, selectable=True),
            ],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            spacing=12,
        ),
        bgcolor=ft.Colors.WHITE,
        padding=ft.Padding.all(16),
    )


def _default_out_dir() -> Path:
    # The app's storage on a phone (handed on through the share sheet), else Downloads.
    return output_dir("posters")


class PortalScreen:
    """Searchable procedure picker → full-screen QR, fixed-page QR buttons, poster maker."""

    def __init__(
        self,
        village: str = "",
        team: str = "",
        contact: str = "",
        out_dir: Path | None = None,
        lang: str = "vi",
    ) -> None:
        self.lang = lang
        self.out_dir = out_dir or _default_out_dir()
        self.chosen: list[str] = []  # poster procedures, in the order ticked
        self.search = ft.TextField(
            label=self.tr("portal_search"),
            hint_text=self.tr("portal_search_hint"),
            prefix_icon=ft.Icons.SEARCH,
            on_change=self.on_search,
        )
        self.results = ft.ListView(spacing=0, expand=True)
        self.specials = ft.Row(
            [
                ft.Button(
                    content=SPECIAL_KEYS[key][2 if lang == "en" else 1],
                    icon=_SPECIAL_ICONS[key],
                    on_click=lambda e, k=key: self.open_qr(k),
                )
                for key in SPECIAL_KEYS
            ],
            wrap=True,
        )
        self.village = ft.TextField(label=self.tr("portal_village"), value=village)
        self.team = ft.TextField(label=self.tr("portal_team"), value=team)
        self.contact = ft.TextField(label=self.tr("portal_contact"), value=contact)
        self.poster_status = ft.Text("")
        self.share = ShareButton(lang, "portal-share")
        self.poster_button = ft.Button(
            content=self.tr("portal_make_poster"),
            icon=ft.Icons.PICTURE_AS_PDF,
            on_click=self.on_make_poster,
        )
        self.picker = ft.Column(
            [
                self.specials,
                self.search,
                ft.Text(self.tr("portal_pick_hint", n=MAX_PROCEDURES), size=13),
                ft.Container(content=self.results, height=360),
                ft.Text(self.tr("portal_poster_heading"), size=18, weight=ft.FontWeight.BOLD),
                self.village,
                self.team,
                self.contact,
                self.poster_button,
                self.poster_status,
                self.share.control,
            ],
            scroll=ft.ScrollMode.AUTO,
            expand=True,
            # Full-width fields on a narrow phone (else they keep a fixed width).
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        self.control = ft.Container(content=self.picker, expand=True)
        self.on_search()

    def tr(self, key: str, **fmt: object) -> str:
        """A UI string in the screen's language (the poster itself stays Vietnamese)."""
        return t(key, self.lang, **fmt)

    # -- picker ---------------------------------------------------------------------------

    def on_search(self, e: Any = None) -> None:
        """Filter the list (accent- and case-insensitive, by name or code)."""
        self.shown = search_links(self.search.value or "")
        self.results.controls = [self._row(link) for link in self.shown]

    def _row(self, link: PortalLink) -> ft.Control:
        return ft.ListTile(
            leading=ft.Checkbox(
                value=link.key in self.chosen,
                on_change=lambda e, k=link.key: self.toggle(k, e.control.value),
            ),
            title=ft.Text(_title(link, self.lang)),
            subtitle=ft.Text(f"{link.key} · {_level(link, self.lang)}"),
            trailing=ft.Icon(ft.Icons.QR_CODE_2),
            on_click=lambda e, k=link.key: self.open_qr(k),
        )

    def toggle(self, code: str, checked: bool | None) -> None:
        if checked and code not in self.chosen:
            self.chosen.append(code)
        elif not checked and code in self.chosen:
            self.chosen.remove(code)
        self.poster_status.value = self.tr("portal_chosen", n=len(self.chosen))

    # -- QR -------------------------------------------------------------------------------

    def open_qr(self, key: str) -> None:
        """Replace the picker with the full-screen QR (QR of a link takes milliseconds)."""
        self.control.content = qr_view(portal_link(key), on_back=self.back, lang=self.lang)

    def back(self, e: Any = None) -> None:
        self.control.content = self.picker

    # -- poster ---------------------------------------------------------------------------

    def poster_path(self) -> Path:
        return self.out_dir / poster_file_name(self.village.value or "", date.today())

    async def on_make_poster(self, e: Any = None) -> Path | None:
        """Write the PDF off the event loop; show where it went or what is wrong."""
        spec = PosterSpec(
            tuple(self.chosen),
            self.village.value or "",
            self.team.value or "",
            self.contact.value or "",
        )
        path = self.poster_path()
        self.poster_button.disabled = True
        try:
            await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
            await asyncio.to_thread(write_poster, spec, path)
        except PortalError as exc:
            for name, box in (
                ("village", self.village),
                ("team", self.team),
                ("contact", self.contact),
            ):
                box.error = self._message(exc) if exc.field == name else None
            self.poster_status.value = self.tr("portal_error", msg=self._message(exc))
            return None
        except OSError as exc:
            self.poster_status.value = self.tr("portal_write_failed", error=type(exc).__name__)
            return None
        finally:
            self.poster_button.disabled = False
        for box in (self.village, self.team, self.contact):
            box.error = None
        self.poster_status.value = self.tr("portal_poster_made", path=path)
        self.share.offer(path)
        return path

    def _message(self, exc: PortalError) -> str:
        return exc.message_en if self.lang == "en" else exc.message_vi


def build_portal_screen(
    village: str = "",
    team: str = "",
    contact: str = "",
    out_dir: Path | None = None,
    lang: str = "vi",
) -> PortalScreen:
    """Build the portal screen in ``lang``; place ``.control`` in a view.

    The posters it writes stay Vietnamese whatever ``lang`` is: they are for villagers.
    """
    return PortalScreen(village=village, team=team, contact=contact, out_dir=out_dir, lang=lang)
