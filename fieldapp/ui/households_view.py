"""Households: village picker, search as you type (accents ignored), filter chips, a list
paged from SQL; add/edit form; detail with visit history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.app_services.dossiers import DossierItem, household_dossiers
from fieldapp.app_services.households import (
    FILTERS,
    HouseholdDetail,
    HouseholdFormModel,
    HouseholdListItem,
    HouseholdListService,
    household_detail,
)
from fieldapp.domain.model import Household
from fieldapp.ui.dossiers_view import DossierUpdateScreen, SlipScreen, dossier_card
from fieldapp.ui.i18n import t
from fieldapp.ui.visit_labels import visit_line
from fieldapp.ui.widgets import big_button, refreshes, section, sid

__all__ = [
    "HouseholdDetailScreen",
    "HouseholdFormScreen",
    "HouseholdsScreen",
]

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp

_ALL = "__all__"


class HouseholdsScreen:
    """The list. With ``pick_for_visit`` a tap opens the visit form directly."""

    def __init__(self, app: FieldApp, *, pick_for_visit: bool = False):
        self.app = app
        self.pick = pick_for_visit
        self.title = app.tr("log_visit") if pick_for_visit else app.tr("nav_households")
        self.service = HouseholdListService(app.ctx.store)
        self.filter_key = "all"
        self.village = ft.Dropdown(
            label=app.tr("village"),
            value=_ALL,
            options=[ft.DropdownOption(key=_ALL, text=app.tr("all_villages"))],
            on_select=self.on_query,
            expand=True,
        )
        self.query = ft.TextField(
            label=app.tr("search_households"),
            prefix_icon=ft.Icons.SEARCH,
            on_change=self.on_query,
            autofocus=pick_for_visit,
        )
        self.chips = ft.Row(wrap=True, spacing=6)
        self.count = ft.Text("", size=13)
        self.items = ft.Column(spacing=0)
        self.more = ft.TextButton(content=app.tr("load_more"), on_click=self.on_more, visible=False)
        self._generation = 0
        self.fab = ft.FloatingActionButton(
            icon=ft.Icons.ADD, tooltip=app.tr("add_household"), on_click=self.on_add
        )

    def build(self) -> ft.Control:
        hint = (
            [ft.Text(self.app.tr("pick_household_first"), size=14, italic=True)]
            if self.pick
            else []
        )
        self._build_chips()
        return ft.Column(
            [
                *hint,
                sid("hh-village", _top_row(self.village)),
                sid("hh-search", self.query),
                self.chips,
                self.count,
                sid("hh-list", self.items),
                self.more,
                # Room under the last row: the "+" button floats over the list's end.
                ft.Container(height=72),
            ],
            spacing=8,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    def _build_chips(self) -> None:
        self.chips.controls = [
            sid(
                f"hh-filter-{key}",
                ft.Chip(
                    label=ft.Text(self.app.tr(f"filter_{key}")),
                    selected=key == self.filter_key,
                    data=key,
                    on_select=self.on_filter,
                ),
            )
            for key in FILTERS
        ]

    async def load(self) -> None:
        villages = await self.app.call(self.service.villages)
        self.village.options = [
            ft.DropdownOption(key=_ALL, text=self.app.tr("all_villages")),
            *(ft.DropdownOption(key=v.id, text=v.name) for v in villages),
        ]
        await self.refresh()

    async def refresh(self) -> None:
        generation = self.service.begin()
        result = await self.app.call(
            self.service.search,
            query=self.query.value or "",
            village_id=None if self.village.value in (None, _ALL) else self.village.value,
            filter_key=self.filter_key,
            generation=generation,
        )
        if not self.service.is_current(result.generation):
            return  # a newer keystroke already asked; drop this stale answer
        self._generation = result.generation
        self.items.controls = [self._row(i) for i in result.items]
        if not result.items:
            self.items.controls = [ft.Text(self.app.tr("no_households"), italic=True)]
        self.count.value = self.app.tr("n_households", n=result.total)
        self.more.visible = result.has_more

    @refreshes
    async def on_query(self, _e: Any) -> None:
        await self.refresh()

    @refreshes
    async def on_filter(self, e: Any) -> None:
        self.filter_key = e.control.data
        self._build_chips()
        await self.refresh()

    @refreshes
    async def on_more(self, _e: Any) -> None:
        result = await self.app.call(self.service.more, self._generation)
        if not self.service.is_current(result.generation):
            return
        self.items.controls.extend(self._row(i) for i in result.items)
        self.more.visible = result.has_more

    def _row(self, item: HouseholdListItem) -> ft.Control:
        tr = self.app.tr
        if item.state == "never":
            state = tr("state_never")
        elif item.state == "visited":
            state = tr("state_visited")
        elif item.state == "due":
            state = tr("state_due", date=item.follow_up_on)
        else:
            state = tr("state_follow_up", date=item.follow_up_on)
        sub = [s for s in (item.subtitle,) if s]
        if item.members_count:
            sub.append(tr("members_n", n=item.members_count))
        if item.unsynced:
            sub.append(tr("unsynced"))
        return sid(
            f"hh-row-{item.id}",
            ft.ListTile(
                title=ft.Text(item.title, weight=ft.FontWeight.W_500),
                subtitle=ft.Text(" · ".join(sub)) if sub else None,
                trailing=ft.Text(state, size=12),
                data=item.id,
                on_click=self.on_open,
            ),
        )

    async def on_open(self, e: Any) -> None:
        household_id = e.control.data
        if self.pick:
            await self.app.open_visit(household_id)
        else:
            await self.app.push(HouseholdDetailScreen(self.app, household_id))

    async def on_add(self, _e: Any) -> None:
        village = None if self.village.value in (None, _ALL) else self.village.value
        await self.app.push(HouseholdFormScreen(self.app, None, default_village=village))


class HouseholdFormScreen:
    """Add or edit a household; the phone warning shows while typing and never blocks."""

    def __init__(
        self, app: FieldApp, household: Household | None, default_village: str | None = None
    ):
        self.app = app
        self.model = (
            HouseholdFormModel.for_household(household)
            if household
            else HouseholdFormModel(village_id=default_village or "")
        )
        self.title = app.tr("edit_household") if household else app.tr("add_household")
        tr = app.tr
        m = self.model
        self.village = ft.Dropdown(
            label=tr("village"), value=m.village_id or None, options=[], expand=True
        )
        self.head_name = ft.TextField(label=tr("head_name"), value=m.head_name)
        self.address = ft.TextField(label=tr("address_detail"), value=m.address_detail)
        self.phone = ft.TextField(
            label=tr("phone_optional"),
            value=m.phone,
            keyboard_type=ft.KeyboardType.PHONE,
            on_change=self.on_phone,
        )
        self.members = ft.TextField(
            label=tr("members_count"),
            value=m.members_count,
            keyboard_type=ft.KeyboardType.NUMBER,
        )
        self.fields: dict[str, ft.TextField | ft.Dropdown] = {
            "village_id": self.village,
            "head_name": self.head_name,
            "address_detail": self.address,
            "phone": self.phone,
            "members_count": self.members,
        }

    def build(self) -> ft.Control:
        return ft.Column(
            [
                sid("hf-village", _top_row(self.village)),
                sid("hf-head-name", self.head_name),
                sid("hf-address", self.address),
                sid("hf-phone", self.phone),
                sid("hf-members", self.members),
                big_button(self.app.tr("save"), self.on_save, identifier="hf-save"),
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        villages = await self.app.call(self.app.ctx.store.villages)
        self.village.options = [ft.DropdownOption(key=v.id, text=v.name) for v in villages]
        if not self.village.value and len(villages) == 1:
            self.village.value = villages[0].id

    def _collect(self) -> None:
        m = self.model
        m.village_id = self.village.value or ""
        m.head_name = self.head_name.value or ""
        m.address_detail = self.address.value or ""
        m.phone = self.phone.value or ""
        m.members_count = self.members.value or ""

    @refreshes
    def on_phone(self, _e: Any) -> None:
        # Pure parsing, no I/O: fine on the event loop.
        self.model.phone = self.phone.value or ""
        self.phone.helper = self.model.phone_warning(self.app.ctx.lang)

    @refreshes
    async def on_save(self, _e: Any) -> None:
        self._collect()
        result = await self.app.call(self.model.save, self.app.ctx.store, self.app.ctx.lang)
        for key, control in self.fields.items():
            message = result.errors.get(key)
            if isinstance(control, ft.Dropdown):
                # flet's Dropdown has no ``error`` (setting it showed nothing): error_text.
                control.error_text = message
            else:
                control.error = message
        if not result.ok:
            self.app.toast(self.app.tr("fix_errors"))
            return
        message = self.app.tr("saved")
        if result.warnings:
            message += " " + " ".join(result.warnings)
        self.app.toast(message)
        self.app.sync_soon()
        await self.app.replace(HouseholdDetailScreen(self.app, self.model.id))


class HouseholdDetailScreen:
    """A household with its visit history; log a visit, correct one, edit details."""

    def __init__(self, app: FieldApp, household_id: str):
        self.app = app
        self.household_id = household_id
        self.title = app.tr("nav_households")
        self.header = ft.Column(spacing=4)
        self.history = ft.Column(spacing=6)
        self.dossiers = ft.Column(spacing=6)
        self.dossiers_title = section(app.tr("hd_dossiers"))
        self.detail: HouseholdDetail | None = None

    def build(self) -> ft.Control:
        tr = self.app.tr
        return ft.Column(
            [
                self.header,
                big_button(
                    tr("log_visit"),
                    self.on_visit,
                    icon=ft.Icons.ADD_HOME,
                    identifier="hd-log-visit",
                ),
                ft.Row(
                    [
                        sid(
                            "hd-edit",
                            ft.OutlinedButton(
                                content=tr("edit_household"),
                                icon=ft.Icons.EDIT,
                                on_click=self.on_edit,
                            ),
                        )
                    ]
                ),
                self.dossiers_title,
                sid("hd-dossiers", self.dossiers),
                section(tr("visit_history")),
                sid("hd-history", self.history),
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    async def load(self) -> None:
        self.detail = await self.app.call(household_detail, self.app.ctx.store, self.household_id)
        tr = self.app.tr
        lang = self.app.ctx.lang
        if self.detail is None:
            self.header.controls = [ft.Text(tr("household_not_found"))]
            return
        h = self.detail.household
        lines: list[ft.Control] = [
            ft.Text(h.head_name or h.address_detail, size=20, weight=ft.FontWeight.BOLD)
        ]
        info = [self.detail.village_name]
        if h.head_name and h.address_detail:
            info.append(h.address_detail)
        if h.members_count:
            info.append(tr("members_n", n=h.members_count))
        if h.phone:
            info.append(h.phone)
        lines.append(ft.Text(" · ".join(info)))
        self.header.controls = lines
        dossiers = await self.app.call(
            household_dossiers, self.app.ctx.store, self.household_id, lang=lang
        )
        self.dossiers_title.visible = bool(dossiers)
        self.dossiers.controls = [
            dossier_card(d, lang, self.on_update_dossier, self.on_slip, show_household=False)
            for d in dossiers
        ]
        if not self.detail.visits:
            self.history.controls = [ft.Text(tr("no_visits"), italic=True)]
            return
        rows: list[ft.Control] = []
        for item in self.detail.visits:
            flags = []
            if item.superseded:
                flags.append(tr("superseded"))
            flags.append(tr("synced") if item.synced else tr("unsynced"))
            actions: list[ft.Control] = []
            if not item.superseded:
                actions.append(
                    ft.TextButton(
                        content=tr("correct_visit"),
                        icon=ft.Icons.EDIT_NOTE,
                        data=item.visit,
                        on_click=self.on_correct,
                    )
                )
            rows.append(
                ft.Container(
                    padding=10,
                    border_radius=10,
                    border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                    opacity=0.55 if item.superseded else 1.0,
                    content=ft.Column(
                        [
                            ft.Text(
                                f"{item.date_text} — {t('out_' + str(item.visit.outcome), lang)}",
                                weight=ft.FontWeight.W_500,
                            ),
                            ft.Text(visit_line(item.visit, lang), size=13),
                            ft.Text(" · ".join(flags), size=12, italic=True),
                            *actions,
                        ],
                        spacing=2,
                    ),
                )
            )
        self.history.controls = rows

    async def on_visit(self, _e: Any) -> None:
        await self.app.open_visit(self.household_id)

    async def on_correct(self, e: Any) -> None:
        visit = e.control.data
        await self.app.open_visit(self.household_id, correcting=visit)

    async def on_update_dossier(self, e: Any) -> None:
        item: DossierItem = e.control.data
        await self.app.push(DossierUpdateScreen(self.app, item))

    async def on_slip(self, e: Any) -> None:
        item: DossierItem = e.control.data
        await self.app.push(SlipScreen(self.app, self.household_id, item.dossier.dossier_id))

    async def on_edit(self, _e: Any) -> None:
        if self.detail:
            await self.app.push(HouseholdFormScreen(self.app, self.detail.household))


def _top_row(control: ft.Control) -> ft.Control:
    """A full-width row for the first field of a scrolling screen: the outlined field's
    floating label sits half above its box and the scroll view would clip it."""
    return ft.Container(content=ft.Row([control]), padding=ft.Padding.only(top=8))
