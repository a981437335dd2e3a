"""An officer enrolled in the app has no team: the coverage screen is titled for their
ward, there is no "Mời thành viên" entry, and the app points them to the web console.
A team's leader keeps "Độ phủ của tổ" and the invite entry."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from app_helpers import server_service
from fieldapp_harness import World

from fieldapp.app_services.context import AppContext
from fieldapp.ui.coverage_link import coverage_title
from fieldapp.ui.coverage_views import build_coverage_screen
from fieldapp.ui.home_view import HomeScreen
from fieldapp.ui.i18n import t
from fieldapp.ui.settings_view import SettingsScreen

SERVER = "http://127.0.0.1:8765"


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _enrolled(world: World, tmp_path: Path, who: str) -> AppContext:
    ctx = AppContext.open(tmp_path / who)
    outcome = server_service(world, ctx).enrol(
        SERVER, world.storage.issue_code(world.members[who].id).code
    )
    assert outcome.ok, outcome.errors
    ctx.reload_identity()
    return ctx


def _walk(control):
    """Every control below ``control`` (content / controls / title fields)."""
    yield control
    for name in ("content", "controls", "title", "leading"):
        child = getattr(control, name, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and hasattr(c, "__dataclass_fields__"):
                yield from _walk(c)


def _ids(control) -> set[str]:
    return {c.identifier for c in _walk(control) if getattr(c, "identifier", None)}


def _texts(control) -> list[str]:
    return [c.value for c in _walk(control) if isinstance(getattr(c, "value", None), str)]


def _app(ctx: AppContext):
    return SimpleNamespace(ctx=ctx, tr=lambda key, **kw: t(key, ctx.lang, **kw))


def test_officer_gets_ward_title_console_pointer_and_no_invite(world, tmp_path):
    ctx = _enrolled(world, tmp_path, "officer")
    ident = ctx.identity
    assert ident is not None and ident.is_officer and ident.team_id is None
    assert not ident.can_invite and ident.needs_console
    assert ident.ward_names == ("phường Sông Trí",)
    assert ident.console_url == f"{SERVER}/console/"
    assert coverage_title(ident) == "Độ phủ của phường Sông Trí"
    assert coverage_title(ident, "en") == "Coverage of phường Sông Trí"

    more = SettingsScreen(_app(ctx)).build()
    ids = _ids(more)
    assert "more-invite" not in ids and "more-coverage" in ids and "console-card" in ids
    assert f"{SERVER}/console/" in _texts(more)
    home = HomeScreen(_app(ctx)).build()
    assert "console-card" in _ids(home) and "Phường Sông Trí" in _texts(home)

    screen = build_coverage_screen(ctx.store, title=coverage_title(ident))
    assert "Độ phủ của phường Sông Trí" in _texts(screen.control)
    assert "Độ phủ của tổ" not in _texts(screen.control)
    ctx.store.close()


def test_leader_keeps_team_coverage_and_invite(world, tmp_path):
    ctx = _enrolled(world, tmp_path, "leader_a")
    ident = ctx.identity
    assert ident is not None and ident.can_invite and not ident.needs_console
    assert coverage_title(ident) == "Độ phủ của tổ"
    ids = _ids(SettingsScreen(_app(ctx)).build())
    assert {"more-invite", "more-coverage"} <= ids and "console-card" not in ids
    ctx.store.close()
