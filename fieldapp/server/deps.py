"""FastAPI dependencies: the storage, the protocol-version check, the authenticated principal.

``current_principal`` is what every scoped route (and the coverage router) depends on:
the caller's role, member, team, wards and villages, computed from the bearer token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fieldapp.server.errors import ApiError
from fieldapp.server.storage import Principal, Storage
from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

__all__ = ["CurrentPrincipal", "StorageDep", "check_protocol", "current_principal", "get_storage"]

_bearer = HTTPBearer(auto_error=False, description="Device token from POST /api/v1/enrol")


def get_storage(request: Request) -> Storage:
    return request.app.state.storage  # type: ignore[no-any-return]


StorageDep = Annotated[Storage, Depends(get_storage)]


def check_protocol(
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
