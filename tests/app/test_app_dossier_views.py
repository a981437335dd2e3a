"""The dossier screens built without a page over a real store: every control passes Flet's
own validation (what the browser would refuse at the first update), the handlers run the
real services, and the slip on screen carries QR codes zxing-cpp decodes.

The shell is stood in for by :class:`Shell` — only what the screens call on it (strings,
the store runner, push/back, messages); the screens and services are the real ones.
Handlers decorated with ``@refreshes`` are coroutines: they are awaited, as Flet does.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import flet as ft
import pytest
import zxingcpp
from app_helpers import add_household
from flet.utils.validation import validate
from PIL import Image

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.identity import Identity
from fieldapp.app_services.visit_form import VisitFormModel
from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.ui.dossiers_view import DossierUpdateScreen, FollowUpScreen, SlipScreen
from fieldapp.ui.i18n import t
from fieldapp.ui.visit_view import VisitScreen

MEMBER = "6f1c2c0e-0000-4000-8000-00000000000d"


class Shell:
    """What the screens use of ``FieldApp``."""

    def __init__(self, ctx: AppContext):
        self.ctx = ctx
        self.page = SimpleNamespace(update=lambda: None)
        self.pushed: list[Any] = []
        self.messages: list[str] = []
        self.backs = 0

    def tr(self, key: str, **fmt: object) -> str:
        return t(key, self.ctx.lang, **fmt)

    async def call(self, fn, *args, **kwargs):
        return await self.ctx.runner.call(fn, *args, **kwargs)

    async def push(self, screen) -> None:
        self.pushed.append(screen)

    async def replace(self, screen) -> None:
        self.pushed.append(screen)

    async def show_household(self, household_id: str) -> None:
        self.pushed.append(("household", household_id))

    async def back(self, _e=None) -> None:
        self.backs += 1

    def toast(self, message: str) -> None:
        self.messages.append(message)

    def sync_soon(self) -> None:
        pass


def controls(control):
    """``control`` and every control below it."""
    yield control
    for name in ("content", "controls", "segments", "label", "title", "subtitle", "leading"):
        child = getattr(control, name, None)
        for item in child if isinstance(child, list) else [child]:
            if isinstance(item, ft.BaseControl):
                yield from controls(item)


def check(control) -> list[str]:
    """Validate every control as Flet does before sending it; return the texts shown."""
    found = []
    for c in controls(control):
        validate(c)
        if isinstance(c, ft.Text) and c.value:
            found.append(c.value)
    return found


def event(**control: Any) -> SimpleNamespace:
    return SimpleNamespace(control=SimpleNamespace(**control))


@pytest.fixture
def shell(tmp_path: Path):
    ctx = AppContext.open(tmp_path)
    ctx.store.load_reference(
        villages=[Village("v-dong", "18754", "Thôn Đông")],
        teams=[Team("t1", "Tổ CNSCĐ thôn Đông", "18754", ("v-dong",))],
        members=[Member(MEMBER, "Trần Văn Bình", Role.MEMBER, "t1")],
    )
    ctx.identity = Identity(
        MEMBER,
        "Trần Văn Bình",
        "member",
        "t1",
        "Tổ CNSCĐ thôn Đông",
        ("Thôn Đông",),
        "http://127.0.0.1:1",
    )
    yield Shell(ctx)
    ctx.store.close()


@pytest.fixture
def dossier(shell):
    h = add_household(shell.ctx.store, "Nguyễn Thị Ánh")
    form = VisitFormModel(household_id=h.id, member_id=MEMBER, consent="given", outcome="done")
    form.add_procedure("2.000635")
    form.fee_status = "awaiting_payment"
    assert form.save(shell.ctx.store).ok
    return h, form.dossier_ids["2.000635"]


def test_follow_up_update_and_slip_screens_end_to_end(shell, dossier):
    h, _ = dossier

    async def scenario() -> None:
        screen = FollowUpScreen(shell)
        tree = screen.build()
        await screen.load()
        shown = check(tree)
        assert "Thôn Đông" in shown and "Nguyễn Thị Ánh" in shown
        assert "Đã nộp · Chờ thanh toán phí" in shown
        assert shown[shown.index("Cấp bản sao trích lục hộ tịch") + 3].startswith("Đã chờ 0 ngày")
        [item] = screen.result.items
        await screen.on_update(event(data=item))
        update = shell.pushed.pop()
        assert isinstance(update, DossierUpdateScreen)
        tree = update.build()
        check(tree)  # before loading: the channel picker must already be valid
        await update.load()
        assert "Hiện tại: Đã nộp · Chờ thanh toán phí" in check(tree)
        await update.on_fee(event(data="paid_online"))
        await update.on_channel(event(selected=["desk"]))
        assert update.paid_box.visible and update.paid_how.selected == ["self_reported"]
        check(tree)
        await update.on_save(None)
        assert shell.messages[-1] == "Đã lưu cập nhật trên máy." and shell.backs == 1
        [state] = shell.ctx.store.dossiers(h.id)
        assert (state.fee_status, state.payment_status) == ("paid_online", "self_reported")
        await screen.load()  # what the back arrow shows: the list, reloaded
        # Paid, but the result is still awaited: it stays on the list, its fee moved on.
        assert "Đã nộp · Đã nộp phí trực tuyến" in check(screen.build())

        await screen.on_slip(event(data=item))
        slip = shell.pushed.pop()
        assert isinstance(slip, SlipScreen)
        tree = slip.build()
        await slip.load()
        check(tree)
        image = slip.image_box.content
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.src)))
        assert sorted(b.text for b in decoded) == [
            "https://dichvucong.gov.vn/thanh-toan-truc-tuyen",
            "https://dichvucong.gov.vn/tra-cuu-ho-so",
        ]

    asyncio.run(scenario())


@pytest.mark.usefixtures("dossier")
def test_update_without_a_change_shows_the_message_on_the_status_chips(shell):

    async def scenario() -> None:
        screen = FollowUpScreen(shell)
        screen.build()
        await screen.load()
        update = DossierUpdateScreen(shell, screen.result.items[0])
        tree = update.build()
        await update.load()
        pending = shell.ctx.store.pending_count()
        await update.on_save(None)
        assert update.errors["dossier_status"].visible
        assert update.errors["dossier_status"].value.startswith("Chọn ít nhất một thay đổi")
        assert shell.backs == 0 and shell.ctx.store.pending_count() == pending
        check(tree)

    asyncio.run(scenario())


def test_visit_form_with_a_dossier_is_valid_and_opens_the_slip(shell):
    h = add_household(shell.ctx.store, "Lê Văn Cường")

    async def scenario() -> None:
        screen = VisitScreen(shell, h.id)
        tree = screen.build()
        await screen.load()
        await screen.on_consent(event(selected=["given"]))
        await screen.on_pick_proc(event(data="1.001193"))
        await screen.on_fee_start(event(data="not_due"))
        await screen.on_channel(event(selected=["phone"]))
        await screen.on_outcome(event(data="done"))
        check(tree)
        assert screen.fee_box.visible
        await screen.on_save(None)
        detail, slip = shell.pushed[-2:]
        assert isinstance(slip, SlipScreen)
        assert detail == ("household", h.id)
        [state] = shell.ctx.store.dossiers(h.id)
        assert (slip.dossier_id, state.fee_status) == (state.dossier_id, "not_due")

    asyncio.run(scenario())
