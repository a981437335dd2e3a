"""Defects found by attacking the console (review of issue 12): each test failed before
its fix. Real app through TestClient, real SQLite."""

from __future__ import annotations

from console_world import post


def test_the_teams_page_shows_a_new_team_that_has_no_figures_yet(cw):
    c = cw.signed_in("officer_a")
    r = post(c, "/console/teams", "/console/teams", {"name": "Tổ mới lập"})
    assert r.status_code == 303
    page = c.get("/console/teams")
    assert page.status_code == 200
    assert "Tổ mới lập" in page.text


def test_an_audit_page_cursor_too_big_for_sqlite_is_ignored_not_a_500(cw):
    c = cw.signed_in("officer_a")
    r = c.get("/console/audit?before=" + "9" * 25)
    assert r.status_code == 200
    assert "session_started" in r.text or "Nhật ký" in r.text
