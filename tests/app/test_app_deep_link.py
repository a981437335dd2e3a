"""Enrolment by scanning, at the service level: the leader's QR is an app link; Flet hands
the app its route (``/enrol?server=…&code=…``) at start or while running; the app asks one
confirmation and enrols with it. Real server in-process, real SQLite on both sides."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from app_helpers import server_service
from fieldapp_harness import World

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.enrolment import link_action
from fieldapp.portal.enrol_link import build_enrol_link

SERVER = "http://127.0.0.1:8765"


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


@pytest.fixture
def ctx(tmp_path):
    c = AppContext.open(tmp_path / "phone")
    yield c
    c.store.close()


def _route(link: str) -> str:
    """The route Flet gives the app for a deep link (path + query; scheme, host dropped)."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _invite_link(world, ctx_leader, member_key: str) -> str:
    """The link the leader's app puts in the QR for one member (the real invite path)."""
    invite = server_service(world, ctx_leader).issue_invite(world.members[member_key].id)
    assert invite.ok, invite.message
    return invite.link


def test_link_given_at_start_enrols_after_one_confirmation(world, ctx, tmp_path):
    leader = AppContext.open(tmp_path / "leader")
    code = world.storage.issue_code(world.members["leader_a"].id).code
    assert server_service(world, leader).enrol(SERVER, code).ok
    leader.reload_identity()
    link = _invite_link(world, leader, "a1")
    assert link.startswith("vn.fieldapp://app/enrol?")

    # The member's phone starts on the link: page.route at start.
    action = link_action(_route(link), ctx.identity)
    assert action is not None and action.kind == "confirm"
    assert action.server_url == SERVER
    assert ctx.store.meta_get("member_id") is None  # nothing happens before the tap
    outcome = server_service(world, ctx).enrol(action.server_url, action.code)  # the one tap
    assert outcome.ok, outcome.errors
    ident = ctx.reload_identity()
    assert ident is not None and ident.member_id == world.members["a1"].id
    leader.store.close()


def test_link_while_running_on_a_fresh_phone_then_again_once_enrolled(world, ctx):
    assert link_action("/", ctx.identity) is None  # the app's own navigation: ignored
    code = world.storage.issue_code(world.members["a2"].id).code
    # On the Enrol screen, the camera hands the running app a link (on_route_change).
    action = link_action(_route(build_enrol_link(SERVER, code)), ctx.identity)
    assert action is not None and action.kind == "confirm" and action.code == code
    assert server_service(world, ctx).enrol(action.server_url, action.code).ok
    ident = ctx.reload_identity()
    assert ident is not None
    # Enrolled: a second scanned code changes nothing and says why.
    other = world.storage.issue_code(world.members["b1"].id).code
    again = link_action(_route(build_enrol_link(SERVER, other)), ident)
    assert again is not None and again.kind == "already_enrolled"
    assert ident.member_name in again.message and "đăng xuất" in again.message
    assert ctx.reload_identity().member_id == world.members["a2"].id


def test_damaged_link_says_what_is_wrong_in_the_members_language(ctx):
    action = link_action("/enrol?code=AB12-CD34", ctx.identity, "en")
    assert action is not None and action.kind == "bad_link" and "server" in action.message
    vi = link_action("/enrol?server=https%3A%2F%2Fa.vn&code=x", ctx.identity)
    assert vi is not None and vi.kind == "bad_link" and "mã đăng ký" in vi.message
