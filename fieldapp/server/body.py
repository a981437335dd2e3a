"""ASGI middleware for request bodies: accept gzip, refuse anything over the byte limit,
refuse JSON no record can hold (:mod:`fieldapp.server.json_limits`).

Decompression is bounded too (a small gzip bomb cannot expand past the limit), and a
refused body is answered with the usual JSON error (413 for size, 422 naming the field
for nesting and invalid text) before any route runs, so nothing of it is stored.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fieldapp.server.errors import ApiError
from fieldapp.server.json_limits import json_problem
from fieldapp.sync.protocol import EPOCH_HEADER, MAX_BATCH_BYTES

__all__ = ["BodyLimitMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _send_error(send: Send, error: ApiError, epoch: str | None) -> None:
    payload = {**error.body(), "epoch": epoch}
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if epoch:
        headers.append((EPOCH_HEADER.lower().encode(), epoch.encode()))
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": headers,
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BATCH_BYTES,
        epoch: Callable[[], str] | None = None,
    ):
        self.app = app
        self.max_bytes = max_bytes
        self.epoch = epoch

    async def _refuse(self, send: Send, error: ApiError) -> None:
        await _send_error(send, error, self.epoch() if self.epoch else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        encoding = headers.get(b"content-encoding", b"identity").decode("latin-1").strip().lower()
        if encoding not in ("identity", "gzip", ""):
            await self._refuse(send, ApiError("bad_body", status=415, field="content-encoding"))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, ApiError("too_large", field="body"))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if encoding == "gzip":
            try:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                body = inflater.decompress(body, self.max_bytes + 1)
                if len(body) > self.max_bytes or inflater.unconsumed_tail:
                    await self._refuse(send, ApiError("too_large", field="body"))
                    return
            except zlib.error:
                await self._refuse(send, ApiError("bad_body", field="body"))
                return
            scope = dict(scope)
            scope["headers"] = [
                (k, v)
                for k, v in scope["headers"]
                if k.lower() not in (b"content-encoding", b"content-length")
            ] + [(b"content-length", str(len(body)).encode())]
        content_type = headers.get(b"content-type", b"application/json").lower()
        if body and b"json" in content_type and (problem := json_problem(body)):
            await self._refuse(send, problem)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
