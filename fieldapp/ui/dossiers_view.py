"""Dossiers on the phone: the follow-up list, the one-tap update and the household's slip.

Thin views over :mod:`fieldapp.app_services.dossiers` (every store call through the app's
store runner, rendering the slip in a worker thread). The list opens from Home and the
household's detail; the update and the slip open from the list, the detail, and — the
slip — right after a visit that submitted a dossier.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.app_services.dossiers import (
    STATUS_CHOICES,
    DossierItem,
    DossierUpdateModel,
    FollowUpList,
    follow_up_list,
    slip_spec,
)
from fieldapp.app_services.formatting import fmt_date, fmt_int
from fieldapp.app_services.handover import output_dir
from fieldapp.app_services.visit_form import CHANNEL_CHOICES, FEE_CHOICES, PAYMENT_CHOICES
from fieldapp.domain.model import PaymentStatus
from fieldapp.portal.errors import PortalError
from fieldapp.portal.slip import SlipLayout, SlipSpec, layout_slip, slip_file_name, slip_png
from fieldapp.portal.slip import write_slip as write_slip_files
from fieldapp.ui.handover import ShareButton
from fieldapp.ui.i18n import t
from fieldapp.ui.widgets import (
    ErrorLabel,
    big_button,
    choice_chips,
    mark_errors,
    refreshes,
    section,
    sid,
)

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp

__all__ = [
    "DossierUpdateScreen",
    "FollowUpScreen",
    "SlipScreen",
    "channel_picker",
    "dossier_card",
]

SLIP_WIDTH = 340  # logical px: a small phone's width; the codes stay ~150 px each


def channel_picker(lang: str, selected: str, on_change: Any) -> ft.SegmentedButton:
    """Where a visit or follow-up happened: at home, by phone, at the support desk."""
    return ft.SegmentedButton(
        segments=[
            ft.Segment(value=str(c), label=ft.Text(t(f"channel_{c}", lang)))
            for c in CHANNEL_CHOICES
        ],
        selected=[selected],
        on_change=on_change,
    )


def waited_text(item: DossierItem, lang: str) -> str:
    """ "Đã chờ 12 ngày — 9/5 ngày làm việc" (the limit only when the catalogue knows it)."""
    days = fmt_int(item.waited_days, lang)
    if item.processing_days is None:
        return t("fu_waited", lang, days=days)
    return t(
        "fu_waited_of",
        lang,
        days=days,
        work=fmt_int(item.waited_working_days, lang),
        limit=fmt_int(item.processing_days, lang),
    )


def state_text(item: DossierItem, lang: str) -> str:
    d = item.dossier
    return f"{t(f'dstatus_{d.status}', lang)} · {t(f'fee_{d.fee_status}', lang)}"


def dossier_card(
    item: DossierItem, lang: str, on_update: Any, on_slip: Any, *, show_household: bool = True
) -> ft.Control:
    """One dossier: who, what, where it stands, how long it has waited, two actions.

    ``on_update`` / ``on_slip`` are async handlers; the item travels in ``control.data``.
    """
    d = item.dossier
    lines: list[ft.Control] = []
    if show_household:
        lines.append(ft.Text(item.household_name, size=16, weight=ft.FontWeight.BOLD))
    lines += [
        ft.Text(item.procedure_name, size=14, weight=ft.FontWeight.W_500),
        ft.Text(
            f"{t('fu_submitted_on', lang, date=fmt_date(d.submitted_at))}"
            + (f" · {d.dossier_no}" if d.dossier_no else ""),
            size=13,
        ),
        ft.Text(state_text(item, lang), size=13),
    ]
    waited = ft.Text(waited_text(item, lang), size=13)
    if item.overdue:
        badge = ft.Container(
            content=ft.Text(
                t("fu_overdue", lang), size=12, weight=ft.FontWeight.BOLD, color=ft.Colors.ON_ERROR
            ),
            bgcolor=ft.Colors.ERROR,
            border_radius=6,
            padding=ft.Padding.symmetric(horizontal=6, vertical=2),
        )
        lines.append(ft.Row([badge, waited], spacing=6, wrap=True))
    elif item.waiting:
        lines.append(waited)
    lines.append(
        ft.Row(
            [
                sid(
                    f"fu-update-{d.dossier_id}",
                    ft.FilledTonalButton(
                        content=t("fu_update", lang),
                        icon=ft.Icons.EDIT_NOTE,
                        data=item,
                        on_click=on_update,
                    ),
                ),
                sid(
                    f"fu-slip-{d.dossier_id}",
                    ft.TextButton(
                        content=t("fu_slip", lang),
                        icon=ft.Icons.QR_CODE,
                        data=item,
                        on_click=on_slip,
                    ),
                ),
            ],
            wrap=True,
            spacing=6,
        )
    )
    return sid(
        f"fu-row-{d.dossier_id}",
        ft.Container(
            padding=10,
            border_radius=10,
            border=ft.Border.all(
                2 if item.overdue else 1,
                ft.Colors.ERROR if item.overdue else ft.Colors.OUTLINE_VARIANT,
            ),
            # The Row gives the card the full width (a Column alone hugs its widest line).
            content=ft.Row([ft.Column(lines, spacing=3, expand=True)]),
        ),
    )


class FollowUpScreen:
    """Dossiers waiting for a result or a payment, by village, oldest first."""

    refresh_on_sync = True  # updates from teammates arrive with a sync

    def __init__(self, app: FieldApp, *, today: date | None = None):
        self.app = app
        self.title = app.tr("fu_title")
        self.today = today
        self.show = "all"
        self.mine = ft.Switch(label=app.tr("fu_mine"), value=False, on_change=self.on_filter)
        self.chips = ft.Row(wrap=True, spacing=6)
        self.count = ft.Text("", size=13)
        self.items = ft.Column(spacing=8)
        self.result: FollowUpList | None = None

    def build(self) -> ft.Control:
        self._build_chips()
        return ft.Column(
            [
                self.chips,
                sid("fu-mine", self.mine),
                sid("fu-count", self.count),
                sid("fu-list", self.items),
                ft.Text(self.app.tr("own_figures_note"), size=12, italic=True),
            ],
            spacing=8,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    def _build_chips(self) -> None:
        keys = ("all", "overdue", "payment")
        options = [(k, self.app.tr(f"fu_filter_{k}")) for k in keys]
        self.chips.controls = choice_chips("fu-filter", options, self.show, self.on_show)

    async def load(self) -> None:
        ident = self.app.ctx.identity
        lang = self.app.ctx.lang
        self.result = await self.app.call(
            follow_up_list,
            self.app.ctx.store,
            today=self.today,
            lang=lang,
            member_id=ident.member_id if ident and self.mine.value else None,
            show=self.show,
        )
        self.count.value = self.app.tr(
            "fu_count", n=fmt_int(self.result.total, lang), late=fmt_int(self.result.overdue, lang)
        )
        controls: list[ft.Control] = []
        for group in self.result.groups:
            controls.append(section(group.village_name))
            controls += [
                dossier_card(item, lang, self.on_update, self.on_slip) for item in group.items
            ]
        self.items.controls = controls or [ft.Text(self.app.tr("fu_none"), italic=True)]

    @refreshes
    async def on_show(self, e: Any) -> None:
        self.show = e.control.data
        self._build_chips()
        await self.load()

    @refreshes
    async def on_filter(self, _e: Any) -> None:
        await self.load()

    async def on_update(self, e: Any) -> None:
        item: DossierItem = e.control.data
        await self.app.push(DossierUpdateScreen(self.app, item))

    async def on_slip(self, e: Any) -> None:
        item: DossierItem = e.control.data
        await self.app.push(
            SlipScreen(self.app, item.dossier.household_id, item.dossier.dossier_id)
        )


class DossierUpdateScreen:
    """The one-tap update: tap the new status (and/or fee), say where, save.

    Saved as a new visit with one ``dossier_update`` activity; the previous screen is
    shown again, reloaded.
    """

    def __init__(self, app: FieldApp, item: DossierItem, *, today: date | None = None):
        self.app = app
        self.item = item
        self.today = today
        self.title = app.tr("upd_title")
        self.model: DossierUpdateModel | None = None
        tr = app.tr
        self.heading = ft.Column(spacing=2)
        self.banner = ErrorLabel()
        self.errors = {k: ErrorLabel() for k in ("dossier_status", "fee_status", "payment_status")}
        self.status_chips = ft.Row(wrap=True, spacing=6)
        self.fee_chips = ft.Row(wrap=True, spacing=6)
        self.paid_how = ft.SegmentedButton(
            segments=[
                ft.Segment(value=str(p), label=ft.Text(tr(f"pay_{p}")))
                for p in PAYMENT_CHOICES
                if p != PaymentStatus.UNKNOWN
            ],
            selected=[],
            allow_empty_selection=True,
            on_change=self.on_paid_how,
        )
        self.paid_box = ft.Column(
            [
                section(tr("upd_paid_how")),
                sid("upd-paid-how", self.paid_how),
                self.errors["payment_status"],
            ],
            spacing=6,
        )
        self.receipt_no = ft.TextField(label=tr("receipt_no"))
        self.dossier_no = ft.TextField(label=tr("upd_dossier_no"))
        self.declined_note = ft.Text(tr("upd_declined_note"), size=13, italic=True)
        # The model's default (at home) until it is loaded: a picker may not start empty.
        self.channel = channel_picker(app.ctx.lang, str(CHANNEL_CHOICES[0]), self.on_channel)
        self.body = ft.Column(
            [
                self.banner,
                section(tr("upd_status")),
                sid("upd-status", self.status_chips),
                self.errors["dossier_status"],
                section(tr("upd_fee")),
                sid("upd-fee", self.fee_chips),
                self.errors["fee_status"],
                self.paid_box,
                sid("upd-receipt", self.receipt_no),
                sid("upd-dossier-no", self.dossier_no),
                self.declined_note,
                section(tr("channel_q")),
                sid("upd-channel", self.channel),
                big_button(tr("upd_save"), self.on_save, icon=ft.Icons.SAVE, identifier="upd-save"),
            ],
            spacing=10,
            visible=False,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        self.text_fields = {"receipt_no": self.receipt_no, "dossier_no": self.dossier_no}

    def build(self) -> ft.Control:
        return ft.Column(
            [self.heading, self.body],
            spacing=10,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        if self.model is None:  # a back arrow onto this screen keeps what was tapped
            ident = self.app.ctx.identity
            d = self.item.dossier
            self.model = await self.app.call(
                DossierUpdateModel.for_dossier,
                self.app.ctx.store,
                d.household_id,
                d.dossier_id,
                ident.member_id if ident else "",
                today=self.today,
            )
        lang = self.app.ctx.lang
        if self.model is None:
            self.heading.controls = [ft.Text(self.app.tr("upd_not_found"))]
            return
        self.heading.controls = [
            ft.Text(self.item.household_name, size=18, weight=ft.FontWeight.BOLD),
            ft.Text(self.item.procedure_name, size=15),
            ft.Text(
                self.app.tr(
                    "upd_now",
                    status=t(f"dstatus_{self.model.dossier.status}", lang),
                    fee=t(f"fee_{self.model.dossier.fee_status}", lang),
                ),
                size=13,
            ),
            ft.Text(waited_text(self.item, lang), size=13),
        ]
        self.channel.selected = [self.model.channel]
        self.body.visible = True
        self._render()

    def _render(self) -> None:
        m = self.model
        assert m is not None
        tr = self.app.tr
        self.status_chips.controls = choice_chips(
            "upd-status",
            [(str(c), tr(f"dstatus_{c}")) for c in STATUS_CHOICES],
            m.dossier_status,
            self.on_status,
            size=15,
        )
        self.fee_chips.controls = choice_chips(
            "upd-fee",
            [(str(f), tr(f"fee_{f}")) for f in FEE_CHOICES],
            m.fee_status,
            self.on_fee,
            size=15,
        )
        self.paid_how.selected = [m.payment_status] if m.payment_status else []
        self.paid_box.visible = m.fee_paid
        self.receipt_no.visible = m.personal_allowed
        self.dossier_no.visible = m.personal_allowed and not m.dossier.dossier_no
        self.declined_note.visible = not m.personal_allowed

    @refreshes
    def on_status(self, e: Any) -> None:
        assert self.model is not None
        self.model.pick_status(e.control.data)
        self._render()

    @refreshes
    def on_fee(self, e: Any) -> None:
        assert self.model is not None
        self.model.pick_fee(e.control.data)
        self._render()

    @refreshes
    def on_paid_how(self, e: Any) -> None:
        assert self.model is not None
        selected = list(e.control.selected or [])
        self.model.payment_status = selected[0] if selected else None

    @refreshes
    def on_channel(self, e: Any) -> None:
        assert self.model is not None
        selected = list(e.control.selected or [])
        if selected:
            self.model.channel = selected[0]

    @refreshes
    async def on_save(self, _e: Any) -> None:
        m = self.model
        if m is None:
            return
        m.receipt_no = self.receipt_no.value or ""
        m.dossier_no = self.dossier_no.value or ""
        result = await self.app.call(m.save, self.app.ctx.store, self.app.ctx.lang)
        mark_errors(result.errors, self.text_fields, self.errors)
        if not result.ok:
            self.banner.show(result.errors.get("form") or self.app.tr("fix_errors"))
            self.app.toast(self.app.tr("fix_errors"))
            return
        self.app.toast(self.app.tr("upd_saved"))
        self.app.sync_soon()
        await self.app.back()


def _render_slip(spec: SlipSpec) -> tuple[SlipLayout, bytes]:
    layout = layout_slip(spec)
    return layout, slip_png(layout, dpi=200)


class SlipScreen:
    """The household's slip on screen (the same image as the printed card), and a PDF to
    print or share."""

    def __init__(self, app: FieldApp, household_id: str, dossier_id: str):
        self.app = app
        self.household_id = household_id
        self.dossier_id = dossier_id
        self.title = app.tr("slip_title")
        self.spec: SlipSpec | None = None
        self.image_box = ft.Container(bgcolor=ft.Colors.WHITE, alignment=ft.Alignment.CENTER)
        self.status = ft.Text("", size=13)
        self.share = ShareButton(app.ctx.lang, "slip-share")
        self.save_button = sid(
            "slip-save",
            ft.OutlinedButton(
                content=app.tr("slip_save"), icon=ft.Icons.PICTURE_AS_PDF, on_click=self.on_save
            ),
        )

    def build(self) -> ft.Control:
        return ft.Column(
            [
                ft.Text(self.app.tr("slip_hint"), size=14),
                sid("slip-image", self.image_box),
                self.save_button,
                sid("slip-status", self.status),
                self.share.control,
            ],
            spacing=10,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        ident = self.app.ctx.identity
        self.spec = await self.app.call(
            slip_spec,
            self.app.ctx.store,
            self.household_id,
            self.dossier_id,
            team=ident.team_name if ident else "",
        )
        if self.spec is None:
            self.status.value = self.app.tr("upd_not_found")
            return
        try:
            layout, png = await asyncio.to_thread(_render_slip, self.spec)  # CPU: off the loop
        except PortalError as exc:
            self.status.value = self.app.tr("slip_failed", msg=self._message(exc))
            return
        self.image_box.content = ft.Image(
            src=png,
            width=SLIP_WIDTH,
            fit=ft.BoxFit.CONTAIN,
            filter_quality=ft.FilterQuality.MEDIUM,
            # What a screen reader (and a browser test) can read: both codes' addresses.
            semantics_label=" · ".join(link.url for link in layout.links),
        )

    def _message(self, exc: PortalError) -> str:
        return exc.message_en if self.app.ctx.lang == "en" else exc.message_vi

    async def on_save(self, _e: Any) -> None:
        spec = self.spec
        if spec is None:
            return
        folder = output_dir("slips")
        pdf = folder / slip_file_name(spec.procedure_code, spec.submitted_on)

        def work() -> Path:
            folder.mkdir(parents=True, exist_ok=True)
            write_slip_files(spec, pdf, pdf.with_suffix(".png"))
            return pdf

        try:
            path = await asyncio.to_thread(work)
        except (OSError, PortalError) as exc:
            msg = self._message(exc) if isinstance(exc, PortalError) else type(exc).__name__
            self.status.value = self.app.tr("slip_failed", msg=msg)
        else:
            self.status.value = self.app.tr("slip_saved", path=path)
            self.share.offer(path)
        self.app.page.update()
