"""Limits on the HTTP request head and on half-sent requests, for ``fieldapp serve``.

uvicorn's httptools protocol buffers a request head of any size (a 16 MB header line was
answered 200) and keeps a half-sent request open for ever. :class:`LimitedHttpProtocol`
is that protocol with bounds:

* the request line and headers together: :data:`MAX_HEAD_BYTES`, else 431 and close;
* the number of headers: :data:`MAX_HEADERS`, else 431 and close;
* a request head must arrive within :data:`HEAD_TIMEOUT_S` of the connection opening
  (or of the previous answer), else 408 and close — a slow drip of bytes does not
  extend it;
* a request body may pause at most :data:`BODY_IDLE_S` between two pieces, else close.

A reverse proxy in front should hold tighter limits still (``docs/deploy.md``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["BODY_IDLE_S", "HEAD_TIMEOUT_S", "MAX_HEADERS", "MAX_HEAD_BYTES", "LimitedHttpProtocol"]

# A phone's request head is well under 1 KiB; browsers' stay under 8 KiB.
MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 64
# Enough for a request head over a slow 2G link; far below "for ever".
HEAD_TIMEOUT_S = 15.0
BODY_IDLE_S = 30.0

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}
_END_OF_HEAD = b"\r\n\r\n"


class _Refused(Exception):
    """Raised inside a parser callback to stop parsing; answered by send_400_response."""


class LimitedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with bounded request heads and idle times."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._tail = b""
        self._header_count = 0
        self._refusal: tuple[int, str] | None = None
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    # -- timers ---------------------------------------------------------------------

    def _arm_head_timer(self) -> None:
        self._cancel(self._head_timer)
        self._head_timer = self.loop.call_later(HEAD_TIMEOUT_S, self._head_timed_out)

    def _arm_body_timer(self) -> None:
        self._cancel(self._body_timer)
        self._body_timer = self.loop.call_later(BODY_IDLE_S, self._body_timed_out)

    @staticmethod
    def _cancel(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()

    def _cancel_timers(self) -> None:
        self._cancel(self._head_timer)
        self._cancel(self._body_timer)
        self._head_timer = self._body_timer = None

    def _head_timed_out(self) -> None:
        if not self.transport.is_closing():
            self._answer(408, "Request head not received in time.")

    def _body_timed_out(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    # -- refusing -------------------------------------------------------------------

    def _answer(self, status: int, msg: str) -> None:
        body = msg.encode("ascii")
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s"
            % (status, _REASONS[status], len(body), body)
        )
        self._cancel_timers()
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers any parser failure with 400; a limit's refusal keeps its status.
        if self._refusal is not None:
            self._answer(*self._refusal)
        else:
            super().send_400_response(msg)

    # -- protocol and parser callbacks ------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            seen = self._tail + data
            end = seen.find(_END_OF_HEAD)
            if end == -1:
                self._head_bytes += len(data)
                self._tail = seen[-3:]
            else:  # the rest of this piece is body (or the next request: counted later)
                self._head_bytes += end + len(_END_OF_HEAD) - len(self._tail)
                self._in_head = False
            if self._head_bytes > MAX_HEAD_BYTES:
                self._answer(431, "Request head too large.")
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_count = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > MAX_HEADERS:
            self._refusal = (431, "Too many request headers.")
            raise _Refused
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._cancel(self._head_timer)
        self._head_timer = None
        super().on_headers_complete()
        self._arm_body_timer()

    def on_body(self, body: bytes) -> None:
        self._arm_body_timer()
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._cancel(self._body_timer)
        self._body_timer = None
        self._in_head, self._head_bytes, self._tail = True, 0, b""
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()  # the next request's head must come in time too

    def handle_websocket_upgrade(self) -> None:
        self._cancel_timers()  # the WebSocket protocol has its own pings and timeouts
        super().handle_websocket_upgrade()
