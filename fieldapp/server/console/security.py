"""Browser security of the console: session cookie, CSRF, same-origin checks, headers.

- The session token lives only in an ``HttpOnly``, ``SameSite=Strict`` cookie scoped to
  ``/console`` (``Secure`` when the request came over https); the server keeps its
  SHA-256 (:mod:`fieldapp.server.sqlite_console`). It never appears in a URL or a log.
- Every state-changing request (POST) must come from this origin (``Origin`` and
  ``Sec-Fetch-Site`` when the browser sends them) and carry the session's CSRF token in
  the form. The CSRF token is a digest of the session token: unguessable without the
  cookie, and nothing more to store.
- Every console response carries a Content-Security-Policy without inline script or
  style, refuses framing and is not cached (pages show personal data).

>>> csrf_token("abc") == csrf_token("abc") != csrf_token("abd")
True
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSP",
    "LANG_COOKIE",
    "SESSION_COOKIE",
    "SecurityHeadersMiddleware",
    "clear_session",
    "csrf_ok",
    "csrf_token",
    "same_origin",
    "set_session",
]

SESSION_COOKIE = "fieldapp_console"
LANG_COOKIE = "fieldapp_lang"
PREFIX = "/console"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_NO_STORE = (b"cache-control", b"no-store")


def csrf_token(session_token: str) -> str:
    """The form token of a session (a keyed digest of its secret token)."""
    return hmac.new(session_token.encode(), b"fieldapp-console-csrf", hashlib.sha256).hexdigest()


def csrf_ok(session_token: str, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(csrf_token(session_token), sent)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def same_origin(request: Request) -> bool:
    """False when the browser says the request came from another site or origin.

    ``Sec-Fetch-Site`` (sent by current browsers) must be ``same-origin`` or ``none``
    (typed by the user); ``Origin``, when present, must be this server's own.
    Non-browser clients send neither; they still need the CSRF token.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return origin == own


def set_session(response: Response, request: Request, token: str) -> None:
    # No Max-Age: a browser-session cookie; the server ends idle sessions itself.
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path=PREFIX, httponly=True, samesite="strict", secure=is_https(request)
    )


class SecurityHeadersMiddleware:
    """Adds the console's security headers to every ``/console`` response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        static = path.startswith(PREFIX + "/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in names]
                if not static and b"cache-control" not in names:
                    headers.append(_NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
