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
