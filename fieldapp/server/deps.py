"""FastAPI dependencies: the storage, the protocol-version check, the authenticated principal,
and the limiter on wrong enrolment codes.

``current_principal`` is what every scoped route (and the coverage router) depends on:
the caller's role, member, team, wards and villages, computed from the bearer token.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fieldapp.server.errors import ApiError
from fieldapp.server.storage import Principal, Storage
from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

__all__ = [
    "AttemptLimiter",
    "CurrentPrincipal",
    "EnrolLimiter",
    "StorageDep",
    "check_protocol",
    "client_key",
    "current_principal",
    "get_storage",
]

_bearer = HTTPBearer(auto_error=False, description="Device token from POST /api/v1/enrol")


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency on
# a worker thread, a hop that cost more than the check itself on every request.


async def get_storage(request: Request) -> Storage:
    return request.app.state.storage  # type: ignore[no-any-return]


StorageDep = Annotated[Storage, Depends(get_storage)]


async def check_protocol(
    x_fieldapp_protocol: Annotated[
        str | None,
        Header(alias=PROTOCOL_HEADER, description=f"Must be {PROTOCOL_VERSION!r}"),
    ] = None,
) -> None:
    """Every API request names its protocol version; anything else is told to update."""
    if x_fieldapp_protocol != PROTOCOL_VERSION:
        raise ApiError("protocol_version", field=PROTOCOL_HEADER)


def current_principal(
    storage: StorageDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from its bearer token; 401 when missing, unknown or revoked."""
    if credentials is None or not credentials.credentials:
        raise ApiError("unauthenticated")
    principal = storage.authenticate(credentials.credentials)
    if principal is None:
        raise ApiError("unauthenticated")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class AttemptLimiter:
    """Counts failed attempts in a sliding window, per client and for the whole server.

    In memory: the server is one process. A client with ``per_client`` failures in the last
    ``window`` seconds is refused (429) until the oldest of them ages out; so is everyone
    once the server has seen ``overall`` failures, which bounds guessing from many
    addresses too (a code has ~40 bits; a few hundred guesses per window are harmless).
    Successes are not counted and reset nothing.
    """

    def __init__(
        self,
        *,
        per_client: int = 10,
        overall: int = 200,
        window: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.per_client = per_client
        self.overall = overall
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._by_client: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _expire(self, now: float) -> None:
        cutoff = now - self.window
        while self._all and self._all[0] <= cutoff:
            self._all.popleft()
        for key in list(self._by_client):
            times = self._by_client[key]
            while times and times[0] <= cutoff:
                times.popleft()
            if not times:
                del self._by_client[key]

    def retry_after(self, client: str) -> int | None:
        """Seconds the client must wait, or None when it may try now."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            waits = []
            times = self._by_client.get(client)
            if times is not None and len(times) >= self.per_client:
                waits.append(times[-self.per_client] + self.window - now)
            if len(self._all) >= self.overall:
                waits.append(self._all[-self.overall] + self.window - now)
            return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            self._expire(now)
            self._by_client.setdefault(client, deque()).append(now)
            self._all.append(now)

    def check(self, client: str) -> None:
        """Raise 429 ``rate_limited`` (with Retry-After) when the client must wait."""
        wait = self.retry_after(client)
        if wait is not None:
            minutes = math.ceil(wait / 60)
            raise ApiError(
                "rate_limited",
                field="code",
                retry_after=wait,
                message_vi=(
                    f"Nhập sai mã đăng ký quá nhiều lần. Hãy đợi {minutes} phút rồi thử lại, "
                    "hoặc xin tổ trưởng mã mới."
                ),
                message_en=(
                    f"Too many wrong enrolment codes. Wait {minutes} min and try again, or ask "
                    "your team leader for a new code."
                ),
            )


def client_key(request: Request) -> str:
    """The peer address. Behind a reverse proxy every client shares the proxy's address
    (so the per-client limit acts as a second overall limit): limit at the proxy too."""
    return request.client.host if request.client else "unknown"


async def get_enrol_limiter(request: Request) -> AttemptLimiter:
    return request.app.state.enrol_limiter  # type: ignore[no-any-return]


EnrolLimiter = Annotated[AttemptLimiter, Depends(get_enrol_limiter)]
