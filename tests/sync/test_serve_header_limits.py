"""``fieldapp serve`` bounds request heads and half-sent requests: a real server process,
raw sockets.

A 16 MB header line is refused (431) long before it is all sent, as are too many
headers; a request head that never completes (silence, a half-sent head, a slow drip of
bytes) and a body that stops half-way are closed within their bounds. Ordinary requests,
including an 8 KiB header, still work.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from test_server_process import free_port, start_server

from fieldapp.server.http_limits import BODY_IDLE_S, HEAD_TIMEOUT_S, MAX_HEAD_BYTES, MAX_HEADERS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    p = free_port()
    proc = start_server(tmp / "server.db", p)
    yield p
    proc.kill()
    proc.wait(10)


def _connect(port: int, timeout: float = 10.0) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    return s


def _read_all(s: socket.socket) -> bytes:
    """Everything the server sends until it closes (or resets) the connection."""
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def test_an_oversize_header_line_is_431_and_closed(port):
    s = _connect(port)
    with s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEAD_BYTES * 4))
        answer = _read_all(s)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]


def test_a_16_mb_header_line_is_refused_before_it_is_all_sent(port):
    s = _connect(port)
    sent, total = 0, 16 * 1024 * 1024
    chunk = b"a" * 65536
    with s:
        try:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
            while sent < total:
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:  # the server closed the connection: the rest was never taken
            pass
        answer = _read_all(s)
    assert sent < total
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431"), answer[:100]
    assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200


def test_too_many_headers_are_431_and_closed(port):
    lines = b"".join(b"X-H-%d: 1\r\n" % i for i in range(MAX_HEADERS + 50))
    assert len(lines) < MAX_HEAD_BYTES  # refused for their number, not their size
    s = _connect(port)
    with s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n" + lines + b"\r\n")
        answer = _read_all(s)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]


def test_ordinary_requests_still_work(port):
    big_but_fine = {"X-Note": "a" * 8192, **{f"X-H-{i}": "1" for i in range(30)}}
    r = httpx.get(f"http://127.0.0.1:{port}/health", headers=big_but_fine, timeout=10)
    assert r.status_code == 200 and r.json()["ok"]
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as keep_alive:
        assert all(keep_alive.get("/health").status_code == 200 for _ in range(3))


def _closed_within(s: socket.socket, bound: float, drip: bytes = b"") -> tuple[bool, bytes]:
    """Whether the server closed ``s`` within ``bound`` seconds (dripping ``drip``)."""
    deadline = time.monotonic() + bound
    answer = b""
    s.settimeout(1.0)
    while time.monotonic() < deadline:
        try:
            if drip:
                s.sendall(drip[:1])
                drip = drip[1:] or drip
            chunk = s.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return True, answer
        if not chunk:
            return True, answer
        answer += chunk
    return False, answer


def test_half_sent_requests_are_closed_within_the_bound(port):
    margin = 10.0
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: "
    body_head = b"POST /api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    body_head += b'X-Fieldapp-Protocol: 1\r\nContent-Length: 1000\r\n\r\n{"device_id": '
    cases = {
        "silent": (b"", HEAD_TIMEOUT_S, b""),
        "half head": (head, HEAD_TIMEOUT_S, b""),
        "drip": (head, HEAD_TIMEOUT_S, b"abcdefghijklmnopqrstuvwxyz"),
        "half body": (body_head, BODY_IDLE_S, b""),
    }
    results: dict[str, tuple[bool, bytes]] = {}

    def run(name: str, first: bytes, bound: float, drip: bytes) -> None:
        s = _connect(port)
        with s:
            s.sendall(first)
            results[name] = _closed_within(s, bound + margin, drip)

    threads = [threading.Thread(target=run, args=(n, *c)) for n, c in cases.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {n: closed for n, (closed, _) in results.items()} == dict.fromkeys(cases, True)
    assert results["half head"][1].startswith(b"HTTP/1.1 408")
    assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200


def test_the_limits_are_documented_for_the_proxy_in_front():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = doc.split("## Reverse proxy in front", 1)[1].split("\n## ", 1)[0]
    for setting in ("large_client_header_buffers", "client_header_timeout", "client_body_timeout"):
        assert setting in section
    assert f"{MAX_HEAD_BYTES // 1024} KiB" in section and str(MAX_HEADERS) in section
