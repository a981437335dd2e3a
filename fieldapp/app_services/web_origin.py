"""The served app's gate (``fieldapp app --web``): only its own page may drive it.

Flet's web server accepts its WebSocket (``/ws``) from any Origin and stamps every answer
with ``Access-Control-Allow-Origin: *``. A session on that socket is the whole app, with
the enrolled device's token: any web page open in the same browser could read the
households and have the leader's account issue enrolment codes. This ASGI middleware sits
in front of Flet's app and

* refuses a request whose ``Host`` is not a name this server answers to (a DNS-rebinding
  page reaches 127.0.0.1 under its own name, with a matching Origin);
* accepts the WebSocket only with an ``Origin`` equal to the page's own origin
  (browsers always send it on WebSockets, and a page cannot forge it);
* refuses HTTP requests that carry a foreign ``Origin`` (cross-site uploads, fetches);
* removes every ``Access-Control-*`` header from the answers.

>>> allowed_hosts("127.0.0.1") == {"127.0.0.1", "localhost", "::1"}
True
>>> same_origin(b"http://127.0.0.1:8550", b"127.0.0.1:8550")
True
>>> same_origin(b"http://evil.example", b"127.0.0.1:8550")
False
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["SameOriginGuard", "allowed_hosts", "host_name", "same_origin"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::", "*"})
# WebSocket close code "policy violation": before accept, uvicorn answers HTTP 403.
_POLICY_VIOLATION = 1008


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_hosts(bind_host: str) -> set[str] | None:
    """Host names the served app answers to; ``None`` means "any IP literal".

    Bound to loopback: the loopback names. Bound to one address or name: that one (and
    the loopback names when it is a loopback address). Bound to every interface: any IP
    literal or ``localhost`` — a rebinding attack needs a DNS name, never an IP literal.
    """
    host = bind_host.strip("[]").lower()
    if host in _WILDCARDS:
        return None
    names = {host}
    if host in _LOOPBACK_NAMES or (_is_ip(host) and ipaddress.ip_address(host).is_loopback):
        names |= _LOOPBACK_NAMES
    return names


def host_name(host_header: bytes) -> str:
    """``Host`` header → lower-case name without port (``[::1]:80`` → ``::1``)."""
    text = host_header.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else ""
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def same_origin(origin: bytes, host_header: bytes) -> bool:
    """Whether ``Origin`` names the page served under ``Host`` (http or https)."""
    return origin.lower() in (b"http://" + host_header.lower(), b"https://" + host_header.lower())


class SameOriginGuard:
    """ASGI middleware in front of Flet's web app; see the module docstring."""

    def __init__(self, app: ASGIApp, bind_host: str) -> None:
        self.app = app
        self.hosts = allowed_hosts(bind_host)

    def _host_ok(self, host: bytes) -> bool:
        name = host_name(host)
        if not name:
            return False
        if self.hosts is None:
            return name == "localhost" or _is_ip(name)
        return name in self.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        host = headers.get(b"host", b"")
        origin = headers.get(b"origin")
        allowed = self._host_ok(host) and (
            same_origin(origin, host) if origin is not None else kind == "http"
        )
        if not allowed:
            if kind == "websocket":
                await send({"type": "websocket.close", "code": _POLICY_VIOLATION})
            else:
                await _forbidden(send)
            return
        if kind == "websocket":
            await self.app(scope, receive, send)
            return

        async def strip_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [
                        (k, v)
                        for k, v in message.get("headers", ())
                        if not k.lower().startswith(b"access-control-")
                    ],
                }
            await send(message)

        await self.app(scope, receive, strip_cors)


async def _forbidden(send: Send) -> None:
    body = "Chỉ trang của chính ứng dụng được dùng. (Only the app's own page may connect.)\n"
    data = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
