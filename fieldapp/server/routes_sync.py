"""Sync routes: enrol, device state, reference data, push, pull, scoped reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from fieldapp.server.deps import (
    CurrentPrincipal,
    EnrolLimiter,
    StorageDep,
    check_protocol,
    client_key,
)
from fieldapp.server.errors import ApiError
from fieldapp.server.logs import log_event
from fieldapp.server.responses import ERRORS
from fieldapp.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    DeviceState,
    EnrolRequest,
    EnrolResponse,
    ErrorResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    ReferenceData,
    ResultStatus,
)

__all__ = [
    "enrol",
    "household",
    "me",
    "pull",
    "push",
    "reference",
    "router",
    "visit",
]

router = APIRouter(prefix="/api/v1", dependencies=[Depends(check_protocol)], responses=ERRORS)

_RecordId = Annotated[str, Path(min_length=1, max_length=64)]


def _json(message: PushResponse | PullResponse) -> Response:
    """The message as JSON, serialised once. Returning the model would make FastAPI
    validate it again against ``response_model`` first (which still documents it)."""
    return Response(message.model_dump_json(), media_type="application/json")


@router.post(
    "/enrol",
    response_model=EnrolResponse,
    tags=["sync"],
    responses={429: {"model": ErrorResponse, "description": "Too many wrong codes: wait"}},
)
def enrol(
    body: EnrolRequest, request: Request, storage: StorageDep, limiter: EnrolLimiter
) -> EnrolResponse:
    """Exchange a one-time enrolment code for this device's token.

    Wrong codes are limited per client address and overall (429 with Retry-After).
    """
    client = client_key(request)
    limiter.check(client)
    try:
        if not storage.code_is_live(body.code):
            raise ApiError("bad_code", field="code")
        result = storage.enrol(body.code, body.device_id, body.next_seq)
    except ApiError as e:
        if e.code == "bad_code":
            limiter.failed(client)
            log_event("enrol_refused", reason="bad_code")
        raise
    log_event("enrolled", device_id=body.device_id, member_id=result.member.id)
    return result


@router.get("/me", response_model=DeviceState, tags=["sync"])
def me(principal: CurrentPrincipal, storage: StorageDep) -> DeviceState:
    """This device's account, scope, high-water mark and the feed's latest cursor."""
    return storage.device_state(principal)


@router.get("/reference", response_model=ReferenceData, tags=["sync"])
def reference(principal: CurrentPrincipal, storage: StorageDep) -> ReferenceData:
    """Villages, team and members this device may hold."""
    return storage.reference(principal)


@router.post("/push", response_model=PushResponse, tags=["sync"])
async def push(body: PushRequest, principal: CurrentPrincipal, storage: StorageDep) -> Response:
    """Apply a batch of the device's outbox; answers the new high-water mark."""
    # Awaited, not run on a worker thread: the storage's writer thread applies the
    # pushes that queue up together (group commit), however many phones wait.
    result = await storage.push_async(principal, body.device_id, body.batch)
    counts = {s.value: 0 for s in ResultStatus}
    for r in result.results:
        counts[r.status.value] += 1
    log_event(
        "push",
        device_id=principal.device_id,
        hwm=result.high_water_mark,
        counts=counts,
    )
    return _json(result)


@router.get("/pull", response_model=PullResponse, tags=["sync"])
def pull(
    principal: CurrentPrincipal,
    storage: StorageDep,
    cursor: Annotated[int, Query(ge=0, le=2**53)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> Response:
    """Changes in the device's scope after ``cursor``, oldest first."""
    page = storage.pull(principal, cursor, limit)
    log_event("pull", device_id=principal.device_id, cursor=cursor, changes=len(page.changes))
    return _json(page)


@router.get("/households/{household_id}", tags=["records"])
def household(
    household_id: _RecordId, principal: CurrentPrincipal, storage: StorageDep
) -> dict[str, Any]:
    """One household in the caller's scope (404 outside it)."""
    return {"ok": True, "household": storage.household(principal, household_id)}


@router.get("/visits/{visit_id}", tags=["records"])
def visit(visit_id: _RecordId, principal: CurrentPrincipal, storage: StorageDep) -> dict[str, Any]:
    """One visit in the caller's scope (404 outside it)."""
    return {"ok": True, "visit": storage.visit(principal, visit_id)}
