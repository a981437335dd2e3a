"""The served app (``fieldapp app --web``) takes its WebSocket only from its own page.

A real ``fieldapp app --web`` process; a raw WebSocket client with forged headers and a
real Chromium on a page of another origin. A foreign page must not reach ``/ws`` (that
socket is the whole app, with the enrolled device's token), the app's own page must, and
no answer carries a permissive ``Access-Control-Allow-Origin``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, MISSING_CHROMIUM, free_port, start_app, stop
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

# What a page does to find out whether it may open the app's socket: "open" or "refused".
PROBE = """url => new Promise(resolve => {
    const ws = new WebSocket(url);
    ws.onopen = () => { ws.close(); resolve("open"); };
    ws.onerror = () => resolve("refused");
})"""
# Whether a page may read an answer of the app (only with a permissive CORS header).
READ = """url => fetch(url).then(r => r.text()).then(() => "read", () => "blocked")"""


@pytest.fixture(scope="module")
def app_port(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("origin")
    port = free_port()
    proc = start_app(tmp / "phone", port, tmp / "app.log")
    yield port
    stop(proc)


def _refused(url: str, **headers: str) -> int:
    origin = headers.pop("origin", None)
    with pytest.raises(InvalidStatus) as err:
        connect(url, origin=origin, additional_headers=headers, open_timeout=10).close()  # type: ignore[arg-type]
    return err.value.response.status_code


def test_websocket_from_a_foreign_origin_is_refused(app_port):
    url = f"ws://127.0.0.1:{app_port}/ws"
    assert _refused(url, origin="http://evil.example") == 403
    assert _refused(url, origin="null") == 403
    # No Origin at all (not a browser page): nothing to check it against, refused.
    assert _refused(url) == 403
    # DNS rebinding: the attacker's name resolves to 127.0.0.1, Origin and Host agree.
    assert (
        _refused(url, origin=f"http://evil.example:{app_port}", Host=f"evil.example:{app_port}")
        == 403
    )


def test_websocket_from_its_own_origin_opens(app_port):
    for host in ("127.0.0.1", "localhost"):
        with connect(
            f"ws://{host}:{app_port}/ws",
            origin=f"http://{host}:{app_port}",
            open_timeout=10,  # type: ignore[arg-type]
        ) as ws:
            assert ws.protocol.state.name == "OPEN"


def test_no_permissive_cors_and_foreign_requests_refused(app_port):
    base = f"http://127.0.0.1:{app_port}"
    page = httpx.get(f"{base}/", timeout=10)
    assert page.status_code == 200
    assert not any(k.lower().startswith("access-control-") for k in page.headers)
    assert page.headers.get("cross-origin-opener-policy") == "same-origin"
    foreign = httpx.get(f"{base}/", headers={"Origin": "http://evil.example"}, timeout=10)
    assert foreign.status_code == 403
    rebound = httpx.get(f"{base}/", headers={"Host": f"evil.example:{app_port}"}, timeout=10)
    assert rebound.status_code == 403


class _ForeignPage(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!doctype html><title>elsewhere</title><p>another site</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_page_of_another_site_cannot_drive_the_app_in_a_real_browser(app_port):
    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    foreign = ThreadingHTTPServer(("127.0.0.1", free_port()), _ForeignPage)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    ws_url = f"ws://127.0.0.1:{app_port}/ws"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                other = browser.new_page()
                other.goto(f"http://127.0.0.1:{foreign.server_port}/")
                assert other.evaluate(PROBE, ws_url) == "refused"
                assert other.evaluate(READ, f"http://127.0.0.1:{app_port}/") == "blocked"

                own = browser.new_page(viewport={"width": 400, "height": 860})
                own.goto(f"http://127.0.0.1:{app_port}/")
                own.wait_for_function("() => !document.getElementById('loading')", timeout=60_000)
                # The app itself drew its first screen over its socket.
                own.locator("flt-semantics-placeholder").dispatch_event("click")
                own.locator('[flt-semantics-identifier="enrol-code"]').wait_for(timeout=30_000)
                assert own.evaluate(PROBE, ws_url) == "open"
            finally:
                browser.close()
    finally:
        foreign.shutdown()
        foreign.server_close()
