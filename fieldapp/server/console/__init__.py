"""The officers' console: set up a commune and oversee its campaign in a browser.

Served by ``fieldapp serve`` itself under ``/console/`` (same process, same storage):
server-rendered HTML (Jinja2 templates through Starlette), no script, charts as inline
SVG, no CDN — it works on a commune LAN without internet. Sign-in with a one-time code
gives a hashed, revocable, idle-expiring session; scope is the API's own
(:class:`~fieldapp.server.storage.Principal`). See docs/console.md.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from fieldapp.server.console import import_routes
from fieldapp.server.console.routes import router
from fieldapp.server.console.security import SecurityHeadersMiddleware
from fieldapp.server.deps import AttemptLimiter

__all__ = ["DEFAULT_IDLE_HOURS", "install"]

DEFAULT_IDLE_HOURS = 8
STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, *, idle_hours: float = DEFAULT_IDLE_HOURS) -> None:
    """Add the console's routes, static files and security headers to ``app``."""
    app.state.console_idle = timedelta(hours=idle_hours)
    # Wrong sign-in codes are limited like wrong enrolment codes, on their own counter.
    app.state.console_limiter = AttemptLimiter()
    app.state.console_sign_in_lock = threading.Lock()
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    # Before the console's own router: its last route answers every unknown path.
    app.include_router(import_routes.router)
    app.include_router(router)
    app.add_middleware(SecurityHeadersMiddleware)
