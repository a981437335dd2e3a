"""The console's security properties, through the real app (TestClient, real SQLite)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from console_world import BASE, ORIGIN, WARD_A, csrf_of, post

from fieldapp.server.console.security import CSP, SESSION_COOKIE


def _cookie(response) -> str:
    return response.headers["set-cookie"]


def test_sign_in_sets_a_strict_httponly_cookie_whose_token_is_stored_hashed(cw):
    c = cw.client()
    r = c.post("/console/sign-in", data={"code": cw.code("officer_a")}, headers=ORIGIN)
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    cookie = _cookie(r)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http on localhost
    token = re.search(rf"{SESSION_COOKIE}=([^;]+)", cookie).group(1)
    stored = cw.rows("SELECT token_hash FROM console_sessions")
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(),)]
    assert not cw.rows("SELECT 1 FROM console_sessions WHERE token_hash = ?", [token])
    assert "Tổng quan" in c.get("/console/").text


def test_cookie_is_secure_over_https(cw):
    c = cw.client("https://testserver")
    r = c.post(
        "/console/sign-in",
        data={"code": cw.code("officer_a")},
        headers={"origin": "https://testserver"},
    )
    assert r.status_code == 303 and "Secure" in _cookie(r)


def test_every_page_has_the_csp_and_no_inline_script_or_style(cw):
    c = cw.signed_in("officer_a")
    for path in ("/console/sign-in", "/console/", "/console/villages", "/console/members"):
        r = c.get(path)
        assert r.status_code == 200
        assert r.headers["content-security-policy"] == CSP
        assert "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
        assert "<script" not in r.text and " style=" not in r.text


def test_a_state_change_without_the_session_csrf_token_is_refused(cw):
    c = cw.signed_in("officer_a")
    other = cw.signed_in("province")
    target = cw.ids["member_a"]
    path = f"/console/members/{target}/deactivate"
    for data in ({}, {"csrf": "0" * 64}, {"csrf": csrf_of(other.get("/console/").text)}):
        r = c.post(path, data=data, headers=ORIGIN)
        assert r.status_code == 403 and "giả mạo" in r.text
    assert cw.rows("SELECT deactivated_at FROM members WHERE id = ?", [target]) == [(None,)]
    assert post(c, path, f"/console/members/{target}", {}).status_code == 303
    assert cw.rows("SELECT deactivated_at IS NOT NULL FROM members WHERE id = ?", [target]) == [
        (1,)
    ]


def test_a_cross_site_post_is_refused_even_with_the_token(cw):
    c = cw.signed_in("officer_a")
    target = cw.ids["member_a"]
    token = csrf_of(c.get("/console/").text)
    path = f"/console/members/{target}/deactivate"
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        r = c.post(path, data={"csrf": token}, headers=headers)
        assert r.status_code == 403
    assert cw.rows("SELECT deactivated_at FROM members WHERE id = ?", [target]) == [(None,)]
    code = cw.code("officer_a")
    r = cw.client().post("/console/sign-in", data={"code": code}, headers={"origin": "null"})
    assert r.status_code == 403 and cw.storage.code_is_live(code)


def test_wrong_codes_are_rate_limited_like_enrolment(cw):
    c = cw.client()
    for _ in range(10):
        r = c.post("/console/sign-in", data={"code": "AAAA-BBBB"}, headers=ORIGIN)
        assert r.status_code == 400 and "Mã không đúng" in r.text
    r = c.post("/console/sign-in", data={"code": cw.code("officer_a")}, headers=ORIGIN)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "quá nhiều lần" in r.text


def test_a_member_is_refused_with_a_clear_message_and_keeps_the_code(cw):
    code = cw.code("member_a")
    r = cw.client().post("/console/sign-in", data={"code": code}, headers=ORIGIN)
    assert r.status_code == 403
    assert "Mã này là của tổ viên" in r.text and code in r.text  # the typing is kept
    assert cw.storage.code_is_live(code)  # still enrols the member's phone
    assert not cw.rows("SELECT 1 FROM console_sessions")


def test_an_idle_session_expires(cw):
    c = cw.signed_in("officer_a")
    old = (datetime.now(UTC) - timedelta(hours=9)).isoformat(timespec="milliseconds")
    with cw.storage.db.write() as w:
        w.conn.execute("UPDATE console_sessions SET last_used_at = ?", [old])
    r = c.get("/console/")
    assert r.status_code == 303 and r.headers["location"] == "/console/sign-in?expired=1"
    assert "hết hạn" in cw.client().get(r.headers["location"]).text


def test_sign_out_ends_the_session_on_the_server(cw):
    c = cw.signed_in("officer_a")
    token = c.cookies[SESSION_COOKIE]
    r = post(c, "/console/sign-out", "/console/", {})
    assert r.status_code == 303 and "signed_out" in r.headers["location"]
    assert cw.rows("SELECT revoked_at IS NOT NULL FROM console_sessions") == [(1,)]
    again = cw.client()
    again.cookies.set(SESSION_COOKIE, token, path="/console")
    assert again.get("/console/").status_code == 303


def test_a_revoked_session_is_refused_at_once(cw):
    first, second = cw.signed_in("officer_a"), cw.signed_in("officer_a")
    assert second.get("/console/").status_code == 200
    page = first.get("/console/devices").text
    ids = re.findall(r'action="/console/sessions/([^/]+)/revoke"', page)
    assert len(ids) == 2
    mine = cw.rows(
        "SELECT id FROM console_sessions WHERE token_hash = ?",
        [hashlib.sha256(first.cookies[SESSION_COOKIE].encode()).hexdigest()],
    )[0][0]
    other = next(i for i in ids if i != mine)
    r = post(first, f"/console/sessions/{other}/revoke", "/console/devices", {})
    assert r.status_code == 303
    assert second.get("/console/").headers["location"] == "/console/sign-in?expired=1"
    assert first.get("/console/").status_code == 200
    actions = [a for (a,) in cw.rows("SELECT action FROM audit_log")]
    assert "session_revoked" in actions


def test_nothing_secret_in_urls(cw):
    c = cw.signed_in("officer_a")
    target = cw.ids["leader_a"]
    r = post(c, f"/console/members/{target}/code", f"/console/members/{target}", {})
    assert r.status_code == 200
    code = re.search(r"Mã dùng một lần cho [^:]+: ([A-Z0-9]{4}-[A-Z0-9]{4})", r.text).group(1)
    assert cw.storage.code_is_live(code)
    assert code not in str(r.url) and "code=" not in str(r.url)
    # The audit log says a code was issued, never which.
    assert code not in str(cw.rows("SELECT before, after, note FROM audit_log"))


def test_base_url_constant_matches_origin():
    assert ORIGIN == {"origin": BASE} and WARD_A == "18754"
