"""Coverage endpoints for officers and leaders:
``/api/v1/coverage/{villages,teams,members,procedures,gaps}``.

Scope (decided here, documented in docs/coverage.md):

- **officer**: every village of their ward, or of the whole province when their account
  has no ward (``Principal.ward_codes`` empty); ``ward=`` narrows to one ward.
- **leader**: their own team's villages only (``Principal.village_ids``).
- **member**: 403. Coverage review is a leader's and officer's tool; a member's phone
  already shows its own team's households offline.

Asking for a ward outside the caller's scope is 403; a village outside it is 404 (the
same answer as a village that does not exist). Bad dates are 422 naming the field. All
figures are the team's own activity, never official portal statistics; every response
carries that label. The blocking SQL runs on worker threads, never on the event loop:
on a pool of their own (:data:`REPORT_THREADS`), so a slow province report can hold
back other reports but never the phones' sync requests on the shared pool.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import json
import weakref
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Query

from fieldapp.coverage import DATA_LABEL_EN, DATA_LABEL_VI, Period
from fieldapp.coverage.queries import indicator_progress, total
from fieldapp.domain.model import Role
from fieldapp.server.deps import CurrentPrincipal, StorageDep, check_protocol
from fieldapp.server.errors import ApiError
from fieldapp.server.json_limits import loads_checked
from fieldapp.server.responses import ERRORS
from fieldapp.server.storage import Principal, Storage

__all__ = [
    "LAST_YEAR",
    "MAX_PERIOD_DAYS",
    "REPORT_THREADS",
    "From",
    "To",
    "Today",
    "Ward",
    "coverage_gaps",
    "coverage_members",
    "coverage_teams",
    "coverage_villages",
    "decode_cursor",
    "encode_cursor",
    "router",
    "run_report",
]

router = APIRouter(
    prefix="/api/v1/coverage",
    dependencies=[Depends(check_protocol)],
    responses=ERRORS,
    tags=["coverage"],
)

T = TypeVar("T")
# Reports running at once; more wait their turn (each may take seconds at province scale).
REPORT_THREADS = 2
# One limiter per event loop (a limiter belongs to the loop it was first used in; tests
# run the app in several loops).
_reports: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


async def run_report(call: Callable[[], T]) -> T:
    """Run a blocking report call on the reports' own threads (the console uses it too)."""
    loop = asyncio.get_running_loop()
    limiter = _reports.get(loop)
    if limiter is None:
        limiter = _reports[loop] = anyio.CapacityLimiter(REPORT_THREADS)
    return await anyio.to_thread.run_sync(call, limiter=limiter)


def _on_report_threads(
    endpoint: Callable[..., dict[str, Any]],
) -> Callable[..., Coroutine[Any, Any, dict[str, Any]]]:
    """Run a blocking endpoint on the reports' own threads. (Defined in this module: FastAPI
    resolves the wrapped signature's annotations in the wrapper's module.)"""

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return await run_report(functools.partial(endpoint, *args, **kwargs))

    return run


# A campaign period is months; a few years is the most any report needs.
MAX_PERIOD_DAYS = 3 * 366
# A period must end before this year: the calendar's last days have no day after them.
LAST_YEAR = 9999

From = Annotated[date, Query(alias="from", description="First day, yyyy-mm-dd (inclusive)")]
To = Annotated[date, Query(alias="to", description="Last day, yyyy-mm-dd (inclusive)")]
Today = Annotated[
    date | None, Query(description="Day for follow-ups due/overdue; default: the server's today")
]
Ward = Annotated[
    str | None,
    Query(min_length=1, max_length=12, pattern=r"^\d{1,12}$", description="Limit to one ward"),
]


def _scope(storage: Storage, principal: Principal, ward: str | None) -> tuple[str, ...] | None:
    """Village ids the caller may see (None = every village: a province officer)."""
    if principal.role == Role.MEMBER:
        raise ApiError("forbidden")
    province = principal.role == Role.OFFICER and not principal.ward_codes
    if ward is not None:
        if (
            principal.role == Role.OFFICER
            and principal.ward_codes
            and ward not in (principal.ward_codes)
        ):
            raise ApiError("forbidden", field="ward")
        ids = [v.id for v in storage.list_villages(ward=ward)]
        if not province:
            ids = [v for v in ids if v in principal.village_ids]
            if not ids:
                raise ApiError("forbidden", field="ward")
        return tuple(sorted(ids))
    return None if province else tuple(sorted(principal.village_ids))


def _period(start: date, end: date) -> Period:
    if end < start:
        raise ApiError(
            "invalid_request",
            field="to",
            message_vi="Ngày kết thúc (to) phải từ ngày bắt đầu (from) trở đi.",
            message_en="'to' must be on or after 'from'.",
        )
    if end.year >= LAST_YEAR:
        # Coverage counts up to the day after the period (and whole weeks past it),
        # which the calendar does not have: no one means a period in year 9999.
        raise ApiError(
            "invalid_request",
            field="to",
            message_vi="Ngày kết thúc (to) không hợp lệ.",
            message_en="'to' is not a usable date.",
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ApiError(
            "invalid_request",
            field="to",
            message_vi="Kỳ báo cáo quá dài (tối đa 3 năm).",
            message_en="The period is too long (at most 3 years).",
        )
    return Period(start, end)


def _envelope(period: Period, today: date, **body: Any) -> dict[str, Any]:
    return {
        "label_vi": DATA_LABEL_VI,
        "label_en": DATA_LABEL_EN,
        "official": False,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "today": today.isoformat(),
        **body,
    }


@router.get("/villages", summary="Coverage per village, with indicators and a total")
@_on_report_threads
def coverage_villages(
    principal: CurrentPrincipal,
    storage: StorageDep,
    start: From,
    end: To,
    today: Today = None,
    ward: Ward = None,
) -> dict[str, Any]:
    period = _period(start, end)
    day = today or date.today()
    with storage.coverage(_scope(storage, principal, ward)) as svc:
        rows = svc.villages(period, day)
        figures = total(rows)
        return _envelope(
            period,
            day,
            villages=[r.to_dict() for r in rows],
            total=figures.to_dict(),
            indicators=[i.to_dict() for i in indicator_progress(figures, svc.campaign.indicators)],
        )


@router.get("/teams", summary="Coverage per team (sums of its villages)")
@_on_report_threads
def coverage_teams(
    principal: CurrentPrincipal,
    storage: StorageDep,
    start: From,
    end: To,
    today: Today = None,
    ward: Ward = None,
) -> dict[str, Any]:
    period = _period(start, end)
    day = today or date.today()
    with storage.coverage(_scope(storage, principal, ward)) as svc:
        return _envelope(period, day, teams=[t.to_dict() for t in svc.teams(period, day)])


@router.get("/members", summary="Activity per member in the caller's villages")
@_on_report_threads
def coverage_members(
    principal: CurrentPrincipal,
    storage: StorageDep,
    start: From,
    end: To,
    today: Today = None,
    ward: Ward = None,
) -> dict[str, Any]:
    period = _period(start, end)
    day = today or date.today()
    with storage.coverage(_scope(storage, principal, ward)) as svc:
        return _envelope(period, day, members=[m.to_dict() for m in svc.members(period, day)])


@router.get("/procedures", summary="Dossiers per procedure, followed to their outcome")
@_on_report_threads
def coverage_procedures(
    principal: CurrentPrincipal,
    storage: StorageDep,
    start: From,
    end: To,
    today: Today = None,
    ward: Ward = None,
) -> dict[str, Any]:
    period = _period(start, end)
    day = today or date.today()
    with storage.coverage(_scope(storage, principal, ward)) as svc:
        return _envelope(period, day, procedures=[p.to_dict() for p in svc.procedures(period, day)])


def decode_cursor(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    try:
        # Checked like a body: a cursor decoding to a lone surrogate is refused here,
        # not when SQLite cannot bind it.
        value = loads_checked(base64.urlsafe_b64decode(cursor.encode("ascii")))
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return (value[0], value[1])
    except (ValueError, binascii.Error, UnicodeError):
        pass
    raise ApiError(
        "invalid_request",
        field="cursor",
        message_vi="Con trỏ trang không hợp lệ.",
        message_en="Invalid page cursor.",
    )


def encode_cursor(after: tuple[str, str] | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(json.dumps(list(after)).encode()).decode("ascii")


@router.get("/gaps", summary="Households to visit next in one village, Vietnamese order, paged")
@_on_report_threads
def coverage_gaps(
    principal: CurrentPrincipal,
    storage: StorageDep,
    village_id: Annotated[str, Query(min_length=1, max_length=64)],
    today: Today = None,
    since: Annotated[
        date | None, Query(description="Count only visits from this day (default: ever)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    day = today or date.today()
    after = decode_cursor(cursor)
    scope = _scope(storage, principal, None)
    in_scope = scope is None or village_id in scope
    if not in_scope or not storage.village_exists(village_id):
        raise ApiError("not_found", field="village_id")
    with storage.coverage(scope) as svc:
        page = svc.gaps(village_id, day, since=since, limit=limit, after=after)
    return {
        "label_vi": DATA_LABEL_VI,
        "label_en": DATA_LABEL_EN,
        "village_id": village_id,
        "today": day.isoformat(),
        "items": [g.to_dict() for g in page.items],
        "next_cursor": encode_cursor(page.next_after),
    }
