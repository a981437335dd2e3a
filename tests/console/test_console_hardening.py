"""Defects found by attacking the console (review of issue 12): each test failed before
its fix. Real app through TestClient, real SQLite."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from console_world import BASE, ORIGIN, csrf_of, post

from fieldapp.server.console import pages
from fieldapp.server.console.security import CSP
from fieldapp.server.db import now_iso
from fieldapp.server.errors import ApiError


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


def test_a_new_team_whose_villages_are_refused_is_not_created_at_all(cw):
    c = cw.signed_in("officer_a")
    teams = cw.rows("SELECT count(*) FROM teams")
    # vb1 is a village of the other ward: refused, and nothing may be left behind.
    r = post(c, "/console/teams", "/console/teams", {"name": "Tổ nửa vời", "village_ids": "vb1"})
    assert r.status_code == 404
    assert "Tổ nửa vời" in r.text  # the form is shown again with the typing kept
    assert cw.rows("SELECT count(*) FROM teams") == teams
    assert not cw.rows("SELECT 1 FROM audit_log WHERE after LIKE '%Tổ nửa vời%'")
    assert cw.rows("SELECT team_id FROM team_villages WHERE village_id = 'vb1'") == [("team-b",)]


def test_a_new_team_with_villages_is_one_audited_change(cw):
    c = cw.signed_in("officer_a")
    village = cw.rows("SELECT village_id FROM team_villages WHERE team_id = ?", [cw.team_a2])[0][0]
    r = post(c, "/console/teams", "/console/teams", {"name": "Tổ gộp", "village_ids": village})
    assert r.status_code == 303
    team_id = r.headers["location"].rsplit("/", 1)[1]
    assert cw.rows("SELECT team_id FROM team_villages WHERE village_id = ?", [village]) == [
        (team_id,)
    ]
    actions = cw.rows("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id", [team_id])
    assert actions == [("team_created",), ("team_updated",)]


def test_names_are_checked_on_creation_as_on_rename_and_downloads_still_work(cw):
    c = cw.signed_in("officer_a")
    before = {t: cw.rows(f"SELECT count(*) FROM {t}") for t in ("villages", "teams", "members")}
    forms = (
        ("/console/villages", "/console/villages", {}),
        ("/console/teams", "/console/teams", {}),
        ("/console/members", "/console/members", {"team_id": cw.team_a}),
    )
    for bad in ("Thôn\x00Một", "Thôn\x1bHai", "A" * 101):
        for path, page, extra in forms:
            r = post(c, path, page, {"name": bad, **extra})
            assert r.status_code == 422, (path, bad[:10])
            assert "ký tự" in r.text  # says what to fix, in Vietnamese
    for table, count in before.items():
        assert cw.rows(f"SELECT count(*) FROM {table}") == count
    for page in ("villages", "teams", "members"):
        assert c.get(f"/console/download/{page}.xlsx").status_code == 200


def test_a_burst_of_concurrent_wrong_codes_is_limited_like_one_after_another(cw):
    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=cw.app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            answers = await asyncio.gather(
                *(
                    client.post(
                        "/console/sign-in", data={"code": f"ABCD-EFG{i % 9 + 1}"}, headers=ORIGIN
                    )
                    for i in range(30)
                )
            )
        return [a.status_code for a in answers]

    statuses = asyncio.run(burst())
    per_client = cw.app.state.console_limiter.per_client
    # Only as many wrong codes are tried as one client may try in a window; the rest wait.
    assert statuses.count(400) == per_client
    assert statuses.count(429) == 30 - per_client


def test_errors_answered_outside_the_routes_still_carry_the_console_headers(cw, monkeypatch):
    c = cw.signed_in("officer_a")
    token = csrf_of(c.get("/console/").text)
    too_big = c.post(
        "/console/villages", data={"csrf": token, "name": "x" * 30_000_000}, headers=ORIGIN
    )

    def broken(ctx):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pages, "followups", broken)
    bug = c.get("/console/follow-ups")
    for r, status in ((too_big, 413), (bug, 500)):
        assert r.status_code == status
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"


def test_a_live_session_stays_listed_and_revocable_however_many_sessions_the_province_has(cw):
    with cw.storage.db.write() as w:
        w.conn.execute(
            "INSERT INTO console_sessions (id, token_hash, member_id, created_at, last_used_at,"
            " user_agent) VALUES ('old-a', 'x', ?, '2026-01-01T00:00:00+00:00', ?, '')",
            [cw.ids["officer_a"], now_iso()],  # started long ago, still in use
        )
        w.conn.executemany(
            "INSERT INTO console_sessions (id, token_hash, member_id, created_at, last_used_at,"
            " user_agent) VALUES (?, ?, ?, '2026-06-01T00:00:00+00:00',"
            " '2026-06-01T00:00:00+00:00', '')",
            [(f"p{i}", f"h{i}", cw.ids["province"]) for i in range(2500)],
        )
    c = cw.signed_in("officer_a")
    assert "/console/sessions/old-a/revoke" in c.get("/console/devices").text
    r = post(c, "/console/sessions/old-a/revoke", "/console/devices", {})
    assert r.status_code == 303
    assert cw.rows("SELECT revoked_at IS NOT NULL FROM console_sessions WHERE id = 'old-a'") == [
        (1,)
    ]


def test_an_id_number_typed_into_a_name_or_a_note_is_refused_never_stored(cw):
    c = cw.signed_in("officer_a")
    cccd = "042087001234"
    for path, extra in (
        ("/console/villages", {}),
        ("/console/teams", {}),
        ("/console/members", {"team_id": cw.team_a}),
    ):
        r = post(c, path, path, {"name": f"Nguyễn Văn An {cccd}", **extra})
        assert r.status_code == 422, path
        assert "CCCD" in r.text
    member = cw.ids["member_a"]
    r = post(c, f"/console/members/{member}", f"/console/members/{member}", {"name": cccd})
    assert r.status_code == 422
    officer = cw.storage.console_sign_in(cw.code("officer_b"), user_agent="").session.principal
    with pytest.raises(ApiError) as refused:
        cw.storage.dismiss_quarantine(1, note=f"hộ có CCCD {cccd}", by=officer)
    assert refused.value.field == "note"
    for table in ("villages", "teams", "members", "audit_log"):
        rows = cw.rows(f"SELECT * FROM {table}")
        assert not any(cccd in str(row) for row in rows), table
