"""Log a visit with one thumb: consent first (never pre-ticked), activities as large
toggles, a searchable procedure picker, payment status, outcome and follow-up, notes and
an optional location ("Lấy vị trí" from the device, or typed). Errors appear inline;
nothing typed is lost."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.app_services.formatting import fmt_int
from fieldapp.app_services.location import LocateResult, PositionUnavailable, locate
from fieldapp.app_services.procedures import procedure_option, procedure_options
from fieldapp.app_services.visit_form import (
    ACTIVITY_TOGGLES,
    CONSENT_CHOICES,
    FEE_CHOICES,
    OUTCOME_CHOICES,
    PAYMENT_CHOICES,
    VisitFormModel,
)
from fieldapp.domain.model import ActivityKind, Visit
from fieldapp.ui.dossiers_view import SlipScreen, channel_picker
from fieldapp.ui.widgets import (
    ErrorLabel,
    big_button,
    choice_chips,
    mark_errors,
    refreshes,
    section,
    sid,
    toggle_tile,
)

__all__ = [
    "VisitScreen",
]

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp


class VisitScreen:
    def __init__(self, app: FieldApp, household_id: str, correcting: Visit | None = None):
        self.app = app
        self.household_id = household_id
        ident = app.ctx.identity
        member_id = ident.member_id if ident else ""
        self.model = (
            VisitFormModel.correcting(correcting, member_id)
            if correcting
            else VisitFormModel(household_id=household_id, member_id=member_id)
        )
        self.correcting = correcting is not None
        self.title = app.tr("correct_visit") if correcting else app.tr("log_visit")
        tr = app.tr
        m = self.model
        self.heading = ft.Text("", size=18, weight=ft.FontWeight.BOLD)
        self.banner = ErrorLabel()
        self.errors: dict[str, ErrorLabel] = {
            k: ErrorLabel()
            for k in (
                "consent",
                "activities",
                "procedures",
                "payment_status",
                "outcome",
                "fee_status",
                "channel",
            )
        }
        self.channel = channel_picker(app.ctx.lang, m.channel, self.on_channel)
        self.fee_start = ft.Row(wrap=True, spacing=6)
        self.fee_box = ft.Column(
            [
                section(tr("visit_fee_start")),
                sid("visit-fee-start", self.fee_start),
                self.errors["fee_status"],
            ],
            spacing=6,
        )
        self.consent = ft.SegmentedButton(
            segments=[
                ft.Segment(value=str(c), label=ft.Text(tr(f"consent_{c}"))) for c in CONSENT_CHOICES
            ],
            selected=[m.consent] if m.consent else [],
            allow_empty_selection=True,
            on_change=self.on_consent,
        )
        self.declined_note = ft.Text(tr("consent_declined_note"), size=13, italic=True)
        self.toggles = ft.ResponsiveRow(spacing=8, run_spacing=8)
        self.proc_query = ft.TextField(
            label=tr("search_procedure"), prefix_icon=ft.Icons.SEARCH, on_change=self.on_proc_query
        )
        self.proc_results = ft.Column(spacing=0)
        self.proc_chosen = ft.Row(wrap=True, spacing=6)
        self.dossier_no = ft.TextField(label=tr("dossier_no"), value=m.dossier_no)
        self.payment = ft.SegmentedButton(
            segments=[
                ft.Segment(value=str(p), label=ft.Text(tr(f"pay_{p}"))) for p in PAYMENT_CHOICES
            ],
            selected=[m.payment_status] if m.payment_status else [],
            allow_empty_selection=True,
            on_change=self.on_payment,
        )
        self.receipt_no = ft.TextField(label=tr("receipt_no"), value=m.receipt_no)
        self.payment_box = ft.Column(
            [
                section(tr("payment_status")),
                sid("visit-payment", self.payment),
                self.errors["payment_status"],
                sid("visit-receipt", self.receipt_no),
            ],
            spacing=6,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        self.other_text = ft.TextField(label=tr("other_text"), value=m.other_text)
        self.people = ft.TextField(
            label=tr("people_guided"),
            value=m.people_guided,
            keyboard_type=ft.KeyboardType.NUMBER,
            width=120,
            text_align=ft.TextAlign.CENTER,
        )
        self.outcome = ft.Row(wrap=True, spacing=6)
        self.follow_up = ft.TextField(label=tr("follow_up_on"), value=m.follow_up_on, expand=True)
        self.follow_box = ft.Column(
            [
                ft.Row([sid("visit-follow-up", self.follow_up)]),
                ft.Row(
                    [
                        ft.OutlinedButton(content=tr("in_3_days"), data=3, on_click=self.on_in),
                        ft.OutlinedButton(content=tr("in_7_days"), data=7, on_click=self.on_in),
                    ]
                ),
            ]
        )
        self.notes = ft.TextField(label=tr("notes"), value=m.notes, multiline=True, min_lines=2)
        self.gps = ft.TextField(label=tr("gps"), helper=tr("gps_hint"), value=m.gps_text)
        self.locate_btn = ft.OutlinedButton(
            content=tr("gps_locate"), icon=ft.Icons.MY_LOCATION, on_click=self.on_locate
        )
        self.locate_msg = ft.Text("", size=13, visible=False)
        self.personal = ft.Column(
            [
                sid("visit-notes", self.notes),
                sid("visit-gps", self.gps),
                ft.Row([sid("visit-locate", self.locate_btn)]),
                sid("visit-locate-msg", self.locate_msg),
            ],
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        self.text_fields = {
            "dossier_no": self.dossier_no,
            "receipt_no": self.receipt_no,
            "other_text": self.other_text,
            "people_guided": self.people,
            "follow_up_on": self.follow_up,
            "notes": self.notes,
            "gps": self.gps,
        }

    # -- layout -----------------------------------------------------------------------

    def build(self) -> ft.Control:
        tr = self.app.tr
        self._build_toggles()
        self._build_outcome()
        self._build_chosen()
        self._build_fee_start()
        self._sync_visibility()
        return ft.Column(
            [
                self.heading,
                self.banner,
                section(tr("channel_q")),
                sid("visit-channel", self.channel),
                self.errors["channel"],
                section(tr("consent_q")),
                sid("visit-consent", self.consent),
                self.errors["consent"],
                self.declined_note,
                section(tr("activities")),
                sid("visit-activities", self.toggles),
                self.errors["activities"],
                section(tr("procedures")),
                sid("visit-proc-search", self.proc_query),
                sid("visit-proc-results", self.proc_results),
                sid("visit-proc-chosen", self.proc_chosen),
                self.errors["procedures"],
                sid("visit-dossier", self.dossier_no),
                self.fee_box,
                self.payment_box,
                sid("visit-other", self.other_text),
                sid("visit-people", self.people),
                section(tr("outcome")),
                sid("visit-outcome", self.outcome),
                self.errors["outcome"],
                self.follow_box,
                self.personal,
                big_button(
                    tr("save_visit"), self.on_save, icon=ft.Icons.SAVE, identifier="visit-save"
                ),
            ],
            spacing=10,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        h = await self.app.call(self.app.ctx.store.household, self.household_id)
        name = (h.head_name or h.address_detail) if h else ""
        key = "correcting_title" if self.correcting else "visit_title"
        self.heading.value = self.app.tr(key, name=name)

    def _build_toggles(self) -> None:
        tr = self.app.tr
        self.toggles.controls = [
            toggle_tile(
                tr(f"act_{kind}"),
                str(kind) in self.model.activities,
                functools.partial(self.on_toggle, str(kind)),
                f"act-{kind}",
            )
            for kind in ACTIVITY_TOGGLES
        ]

    def _build_outcome(self) -> None:
        tr = self.app.tr
        self.outcome.controls = [
            sid(
                f"outcome-{o}",
                ft.Chip(
                    label=ft.Text(tr(f"out_{o}"), size=15),
                    selected=self.model.outcome == str(o),
                    data=str(o),
                    on_select=self.on_outcome,
                ),
            )
            for o in OUTCOME_CHOICES
        ]

    def _build_chosen(self) -> None:
        lang = self.app.ctx.lang
        chips: list[ft.Control] = []
        for code in self.model.procedure_codes:
            option = procedure_option(code, lang)
            label = f"{code} {option.name}" if option else code
            chips.append(
                sid(
                    f"proc-chosen-{code}",
                    ft.Chip(
                        label=ft.Text(label),
                        data=code,
                        on_delete=self.on_remove_proc,
                    ),
                )
            )
        self.proc_chosen.controls = chips

    def _build_fee_start(self) -> None:
        options = [(str(f), self.app.tr(f"fee_{f}")) for f in FEE_CHOICES]
        self.fee_start.controls = choice_chips(
            "fee-start", options, self.model.fee_status, self.on_fee_start
        )

    def _sync_visibility(self) -> None:
        m = self.model
        self.fee_box.visible = bool(m.procedure_codes)
        personal = m.personal_allowed
        self.declined_note.visible = m.consent is not None and not personal
        self.personal.visible = personal
        self.dossier_no.visible = personal and bool(m.procedure_codes)
        self.receipt_no.visible = personal
        self.payment_box.visible = str(ActivityKind.FEE_PAID) in m.activities
        self.other_text.visible = str(ActivityKind.OTHER) in m.activities
        self.follow_box.visible = m.outcome == "follow_up"

    # -- handlers (state changes are pure Python; saving goes through the runner) --------

    @refreshes
    def on_consent(self, e: Any) -> None:
        selected = list(e.control.selected or [])
        self.model.consent = selected[0] if selected else None
        self._sync_visibility()

    def on_toggle(self, kind: str, on: bool) -> None:
        self.model.toggle_activity(kind, on)
        self._sync_visibility()

    @refreshes
    def on_channel(self, e: Any) -> None:
        selected = list(e.control.selected or [])
        if selected:
            self.model.channel = selected[0]

    @refreshes
    def on_fee_start(self, e: Any) -> None:
        value = e.control.data
        self.model.fee_status = None if self.model.fee_status == value else value
        self._build_fee_start()

    @refreshes
    def on_payment(self, e: Any) -> None:
        selected = list(e.control.selected or [])
        self.model.payment_status = selected[0] if selected else None

    @refreshes
    def on_outcome(self, e: Any) -> None:
        value = e.control.data
        self.model.outcome = None if self.model.outcome == value else value
        self._build_outcome()
        self._sync_visibility()

    @refreshes
    def on_in(self, e: Any) -> None:
        self.follow_up.value = self.model.follow_up_in(int(e.control.data))
        self._build_outcome()
        self._sync_visibility()

    @refreshes
    def on_proc_query(self, _e: Any) -> None:
        # The catalogue is a small in-memory list: searching it is instant, no I/O.
        query = self.proc_query.value or ""
        tr = self.app.tr
        lang = self.app.ctx.lang
        if not query.strip():
            self.proc_results.controls = []
            return
        rows: list[ft.Control] = []
        for o in procedure_options(query, lang, limit=6):
            level = tr("full_online") if o.full_online else tr("partial")
            extra = f" · {tr('fee', fee=fmt_int(o.fee_vnd, lang))}" if o.fee_vnd else ""
            rows.append(
                sid(
                    f"proc-option-{o.code}",
                    ft.ListTile(
                        title=ft.Text(o.name),
                        subtitle=ft.Text(f"{o.code} · {level}{extra}"),
                        leading=ft.Icon(
                            ft.Icons.CLOUD_DONE if o.full_online else ft.Icons.CLOUD_QUEUE
                        ),
                        data=o.code,
                        on_click=self.on_pick_proc,
                    ),
                )
            )
        self.proc_results.controls = rows

    @refreshes
    def on_pick_proc(self, e: Any) -> None:
        self.model.add_procedure(e.control.data)
        self.proc_query.value = ""
        self.proc_results.controls = []
        self._build_chosen()
        self._build_toggles()
        self._sync_visibility()

    @refreshes
    def on_remove_proc(self, e: Any) -> None:
        self.model.remove_procedure(e.control.data)
        self._build_chosen()
        self._sync_visibility()

    async def on_locate(self, _e: Any) -> None:
        """Ask for permission and one fix; on failure say why and leave the form as is."""
        tr = self.app.tr
        self._locate_message(tr("gps_locating"), error=False)
        self.locate_btn.disabled = True
        self.app.page.update()
        try:
            result = await locate(self.app.location_provider())
        except PositionUnavailable:
            result = LocateResult(problem="unavailable")
        finally:
            self.locate_btn.disabled = False
        if result.fix is not None:
            fix = result.fix
            self.gps.value = self.model.apply_fix(fix.lat, fix.lon, fix.accuracy_m)
            self.gps.error = None
            done = (
                tr("gps_located", m=f"{fix.accuracy_m:.0f}")
                if fix.accuracy_m
                else tr("gps_located_no_acc")
            )
            self._locate_message(done, error=False)
        else:
            self._locate_message(result.message(self.app.ctx.lang), error=True)
        self.app.page.update()

    def _locate_message(self, text: str, *, error: bool) -> None:
        self.locate_msg.value = text
        self.locate_msg.color = ft.Colors.ERROR if error else None
        self.locate_msg.visible = bool(text)

    def _collect(self) -> None:
        m = self.model
        m.dossier_no = self.dossier_no.value or ""
        m.receipt_no = self.receipt_no.value or ""
        m.other_text = self.other_text.value or ""
        m.people_guided = self.people.value or ""
        m.follow_up_on = self.follow_up.value or ""
        m.notes = self.notes.value or ""
        m.gps_text = self.gps.value or ""

    @refreshes
    async def on_save(self, _e: Any) -> None:
        self._collect()
        result = await self.app.call(self.model.save, self.app.ctx.store, self.app.ctx.lang)
        mark_errors(result.errors, self.text_fields, self.errors)
        if not result.ok:
            self.banner.show(result.errors.get("form") or self.app.tr("fix_errors"))
            self.app.toast(self.app.tr("fix_errors"))
            return
        self.app.toast(self.app.tr("visit_saved"))
        self.app.sync_soon()
        await self.app.show_household(self.household_id)
        submitted = [
            a.dossier_id
            for a in result.visit.activities
            if a.kind == ActivityKind.DOSSIER_SUBMITTED and a.dossier_id
        ]
        if submitted and not self.correcting:
            # The household's slip, straight away; the back arrow returns to the household.
            await self.app.push(SlipScreen(self.app, self.household_id, submitted[0]))
