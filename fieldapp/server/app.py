"""The FastAPI application factory: routers from a list, one JSON error shape everywhere.

>>> from fieldapp.server.sqlite_storage import SqliteStorage
>>> app = create_app(SqliteStorage(":memory:"))
>>> app.title
'fieldapp'

To add a router (e.g. coverage), add its module to :data:`ROUTER_MODULES`; the module
exposes ``router`` (a FastAPI ``APIRouter``) and may depend on
:func:`fieldapp.server.deps.current_principal` for the caller's scope.
"""

from __future__ import annotations

import importlib
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp import __version__
from fieldapp.server import console
from fieldapp.server.body import BodyLimitMiddleware
from fieldapp.server.deps import AttemptLimiter
from fieldapp.server.errors import ApiError
from fieldapp.server.logs import log_event
from fieldapp.server.settings import DEFAULT_WORKER_THREADS
from fieldapp.server.storage import Storage
from fieldapp.sync.protocol import EPOCH_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION

__all__ = [
    "ROUTER_MODULES",
    "CatchAllMiddleware",
    "StampMiddleware",
    "create_app",
    "with_epoch",
]

# One line per router module, each exposing ``router``.
ROUTER_MODULES: tuple[str, ...] = (
    "fieldapp.server.routes_sync",
    "fieldapp.server.routes_admin",
    "fieldapp.server.routes_coverage",
)


def _error_response(request: Request, error: ApiError) -> JSONResponse:
    body = error.body()
    storage = getattr(request.app.state, "storage", None)
    headers = {EPOCH_HEADER: storage.epoch} if storage is not None else {}
    if storage is not None:
        body["epoch"] = storage.epoch
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(body, status_code=error.status, headers=headers)


def _validation_problems(exc: RequestValidationError) -> list[dict[str, str]]:
    problems = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        if err.get("type") == "json_invalid":
            loc = []  # its location is a character offset, not a field: the body as a whole
        problems.append(
            {
                "field": ".".join(loc) or "body",
                "code": str(err.get("type", "invalid")),
                "message_vi": "Giá trị không hợp lệ.",
                "message_en": str(err.get("msg", "Invalid value.")),
            }
        )
    return problems


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error_response(request, exc)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = _validation_problems(exc)
    error = ApiError(
        "invalid_request", field=problems[0]["field"] if problems else None, problems=problems
    )
    return _error_response(request, error)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 401: "unauthenticated", 403: "forbidden"}.get(exc.status_code)
    if exc.status_code == 400:
        # FastAPI's "error parsing the body": say which part and what we expected.
        error = ApiError("bad_body", field="body")
    elif code is None:
        error = ApiError("invalid_request", status=exc.status_code, message_en=str(exc.detail))
    else:
        error = ApiError(code)
    return _error_response(request, error)


def _log_bug(path: str, exc: BaseException) -> None:
    # Only the exception's type and the route: messages and tracebacks may quote personal data.
    log_event("unhandled_error", logging.ERROR, path=path, error=type(exc).__name__)


async def _on_bug(request: Request, exc: Exception) -> Response:
    # Reached only for errors raised outside the routes (see CatchAllMiddleware); Starlette
    # re-raises after this handler, so the server would print the traceback too.
    _log_bug(request.url.path, exc)
    return _error_response(request, ApiError("internal"))


class CatchAllMiddleware:
    """Innermost safety net: an unhandled exception becomes the JSON 500, and stops here.

    Starlette's own handler for ``Exception`` answers but then re-raises, and uvicorn
    prints the whole traceback (whose frames may hold names and phones) and drops the
    connection. Here the error is logged as type + path only and not raised further.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            _log_bug(str(scope.get("path", "")), exc)
            if not started:
                response = _error_response(Request(scope), ApiError("internal"))
                await response(scope, receive, send)


# A JSON object whose first keys are plain values and then "epoch": the epoch is
# already in the body at the top level (what the sync answers write), no parse needed.
_EPOCH_FIRST = re.compile(rb'\{(?:"[a-z_]+":(?:true|false|null|-?\d+|"[^"\\]*"),)*"epoch":')


def with_epoch(body: bytes, epoch: str) -> bytes | None:
    """``body`` (a JSON object) with ``epoch`` added at the top level, or ``None`` when it
    is already there or the body is not a JSON object (a list, a file: left as it is).

    >>> with_epoch(b'{"ok":true,"items":[]}', "e1")
    b'{"ok":true,"items":[],"epoch":"e1"}'
    >>> with_epoch(b'{"ok":true,"epoch":"e1","results":[]}', "e1") is None
    True
    """
    if not body.startswith(b"{") or _EPOCH_FIRST.match(body):
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or "epoch" in data:
        return None
    data["epoch"] = epoch
    return orjson.dumps(data)


class StampMiddleware:
    """Every response carries the server epoch — in the header, and in the body of every
    JSON object answered under ``/api/`` (docs/protocol.md, "Envelope"), so no route can
    forget it; refused requests are logged (no body).

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` runs each request through
    an extra task and memory stream, a cost every phone's request paid.
    """

    def __init__(self, app: ASGIApp, epoch: Callable[[], str]) -> None:
        self.app = app
        self.epoch = epoch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        epoch = self.epoch()
        header = (EPOCH_HEADER.lower().encode(), epoch.encode())
        api = str(scope.get("path", "")).startswith("/api/")
        held: Message | None = None  # a JSON answer's start, sent with its body

        async def stamping_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != header[0]]
                headers.append(header)
                message = {**message, "headers": headers}
                status = int(message["status"])
                if status >= 400:
                    log_event(
                        "request_refused",
                        path=str(scope.get("path", "")),
                        status=status,
                        ms=round((time.perf_counter() - started) * 1000, 1),
                    )
                if api and (b"content-type", b"application/json") in headers:
                    held = message
                    return
            elif held is not None:
                start, held = held, None
                body = message.get("body", b"")
                stamped = None if message.get("more_body") else with_epoch(body, epoch)
                if stamped is not None:
                    start["headers"] = [
                        (k, v) for k, v in start["headers"] if k.lower() != b"content-length"
                    ] + [(b"content-length", str(len(stamped)).encode())]
                    message = {**message, "body": stamped}
                await send(start)
            await send(message)

        await self.app(scope, receive, stamping_send)


def create_app(
    storage: Storage,
    *,
    router_modules: Sequence[str] = ROUTER_MODULES,
    worker_threads: int = DEFAULT_WORKER_THREADS,
    close_storage: bool = False,
    console_idle_hours: float = console.DEFAULT_IDLE_HOURS,
) -> FastAPI:
    """Build the app around a storage backend (SQLite today). ``close_storage``: the app
    owns the storage and closes it when the server stops. The officers' console is served
    under ``/console/``; its sessions end after ``console_idle_hours`` without use."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Blocking route code runs on anyio's worker threads (see Settings.worker_threads).
        anyio.to_thread.current_default_thread_limiter().total_tokens = worker_threads
        try:
            yield
        finally:
            if close_storage:
                storage.close()

    app = FastAPI(
        lifespan=lifespan,
        title="fieldapp",
        version=__version__,
        description=(
            "Máy chủ đồng bộ của fieldapp (fieldapp sync server). Every /api/v1 request carries "
            f"the header {PROTOCOL_HEADER}: {PROTOCOL_VERSION}; every response carries "
            f"{EPOCH_HEADER}. See docs/protocol.md."
        ),
    )
    app.state.storage = storage
    app.state.enrol_limiter = AttemptLimiter()
    # Now, not on the first code: a bad FIELDAPP_SECRET stops `fieldapp serve` at once.
    storage.load_secret()
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_bug)

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, Any]:
        """Liveness and the protocol the server speaks."""
        return {
            "ok": True,
            "epoch": storage.epoch,
            "protocol": PROTOCOL_VERSION,
            "version": __version__,
        }

    for name in router_modules:
        app.include_router(importlib.import_module(name).router)

    # Added first, so it sits innermost: right around the routes and their dependencies.
    app.add_middleware(CatchAllMiddleware)

    app.add_middleware(StampMiddleware, epoch=lambda: storage.epoch)

    # Level 5: nearly level 9's size on JSON pages at a fraction of the CPU, which matters
    # when many phones pull at once (benchmarks/sync.py (c)).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.add_middleware(BodyLimitMiddleware, epoch=lambda: storage.epoch)
    # Last, so the console's security headers sit outermost: its error answers made by
    # the middleware above (413, 500) carry them too.
    console.install(app, idle_hours=console_idle_hours)
    return app
