"""The console's HTTP side: sign-in, pages, form actions and downloads under ``/console``.

Handlers stay thin: they check the session, the origin and the CSRF token
(:mod:`fieldapp.server.console.security`), run the blocking work off the event loop
(pages on the reports' threads, see :func:`fieldapp.server.routes_coverage.run_report`)
and render a template. Errors become HTML pages in the user's language (the API's JSON
handlers never answer here); a failed form keeps what was typed and says what to fix.
"""

from __future__ import annotations

import functools
import re
import tempfile
import threading
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from fieldapp.coverage.commune_report import write_report
from fieldapp.coverage.export import write_csv, write_xlsx
from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server.accounts import normalize_code
from fieldapp.server.console import pages
from fieldapp.server.console.i18n import lang_of, t
from fieldapp.server.console.pages import Ctx, Formatter, PageError
from fieldapp.server.console.security import (
    LANG_COOKIE,
    SESSION_COOKIE,
    clear_session,
    csrf_ok,
    same_origin,
    set_session,
)
from fieldapp.server.console.tables import export_table
from fieldapp.server.console_storage import ConsoleSignIn, clean_name, clean_phone
from fieldapp.server.deps import AttemptLimiter, client_key
from fieldapp.server.errors import ApiError
from fieldapp.server.routes_coverage import run_report

__all__ = ["TEMPLATES", "router"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class SignInNeeded(Exception):
    def __init__(self, expired: bool):
        self.expired = expired


class CrossSite(Exception):
    """A state-changing request from another site, or without this session's token."""


def _lang(request: Request) -> str:
    return lang_of(request.cookies.get(LANG_COOKIE))


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")) + "/console"


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    lang = context.get("lang") or _lang(request)
    full = {
        "lang": lang,
        "t": functools.partial(t, lang=lang),
        "f": Formatter(lang),
        "root": _root(request),
        **context,
    }
    return TEMPLATES.TemplateResponse(request, template, full, status_code=status)


def _error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", {"message": message, "status": status}, status)


class ConsoleRoute(APIRoute):
    """Console routes answer in HTML whatever goes wrong."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            lang = _lang(request)
            try:
                return await handler(request)
            except SignInNeeded as exc:
                target = _root(request) + "/sign-in" + ("?expired=1" if exc.expired else "")
                response = RedirectResponse(target, status_code=303)
                if exc.expired:
                    clear_session(response, request)
                return response
            except CrossSite:
                return _error_page(request, 403, t("cross_site", lang))
            except PageError as exc:
                return _error_page(request, exc.status, t(exc.key, lang))
            except ApiError as exc:
                return _error_page(request, exc.status, _message(exc, lang))

        return run


router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


def _message(exc: ApiError, lang: str) -> str:
    return exc.message_en if lang == "en" else exc.message_vi


async def _thread(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kw))


async def _report(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    return await run_report(functools.partial(fn, *args, **kw))


async def signed_in(request: Request) -> Ctx:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInNeeded(expired=False)
    storage = request.app.state.storage
    idle = request.app.state.console_idle
    session = await _thread(storage.console_session, token, idle=idle)
    if session is None:
        raise SignInNeeded(expired=True)
    return Ctx(request, storage, session, token, _lang(request), idle.total_seconds() / 3600)


async def posted(request: Request) -> tuple[Ctx, FormData]:
    """A state-changing request: same origin, signed in, with the session's CSRF token."""
    if not same_origin(request):
        raise CrossSite()
    ctx = await signed_in(request)
    form = await request.form()
    if not csrf_ok(ctx.token, form.get("csrf")):
        raise CrossSite()
    return ctx, form


async def _page(request: Request, builder: Callable[..., pages.Page], *args: Any) -> Response:
    ctx = await signed_in(request)
    template, context = await _report(builder, ctx, *args)
    return render(request, template, context)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _act(
    request: Request,
    action: Callable[[Ctx, FormData], Any],
    on_error: Callable[..., pages.Page],
    done: Callable[[Ctx, Any], str],
    *error_args: Any,
) -> Response:
    """Run a form action; on a refusal show the form again with the typing kept."""
    ctx, form = await posted(request)
    try:
        result = await _thread(action, ctx, form)
    except ApiError as exc:
        values = {k: v for k, v in form.multi_items() if k != "csrf" and isinstance(v, str)}
        values["village_ids"] = form.getlist("village_ids")  # type: ignore[assignment]
        template, context = await _report(
            on_error, ctx, *error_args, error=_message(exc, ctx.lang), values=values
        )
        return render(request, template, context, exc.status)
    return RedirectResponse(ctx.root + done(ctx, result), status_code=303)


# -- sign-in, sign-out, language --------------------------------------------------------

_BROWSERS = ("Edg", "OPR", "Firefox", "Chrome", "Safari")
_SYSTEMS = ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux", "CrOS")


def browser_summary(user_agent: str) -> str:
    """A short "Chrome · Windows" for the sessions list (not the full, traceable string).

    >>> browser_summary("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140 Safari/537")
    'Chrome · Linux'
    """
    browser = next((b for b in _BROWSERS if b in user_agent), "")
    system = next((s for s in _SYSTEMS if s in user_agent), "")
    return " · ".join(
        p for p in ({"Edg": "Edge", "OPR": "Opera"}.get(browser, browser), system) if p
    )


@router.get("")
async def console_root(request: Request) -> Response:
    return RedirectResponse(_root(request) + "/", status_code=307)


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    notice = None
    if request.query_params.get("expired"):
        notice = t("session_gone", _lang(request))
    elif request.query_params.get("signed_out"):
        notice = t("signed_out", _lang(request))
    return render(request, "sign_in.html", {"notice": notice, "error": None, "code": ""})


def _too_many(request: Request, lang: str, code: str, wait: int) -> Response:
    message = t("too_many", lang, minutes=-(-wait // 60))
    response = render(request, "sign_in.html", {"error": message, "code": code}, 429)
    response.headers["Retry-After"] = str(wait)
    return response


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    lang = _lang(request)
    if not same_origin(request):
        raise CrossSite()
    form = await request.form()
    code = _field(form, "code")
    limiter: AttemptLimiter = request.app.state.console_limiter
    client = client_key(request)
    wait = limiter.retry_after(client)
    if wait is not None:
        return _too_many(request, lang, code, wait)
    if not normalize_code(code):
        return render(
            request, "sign_in.html", {"error": t("code_missing", lang), "code": code}, 422
        )
    storage = request.app.state.storage
    agent = browser_summary(request.headers.get("user-agent", ""))
    lock: threading.Lock = request.app.state.console_sign_in_lock

    def attempt() -> ConsoleSignIn | int:
        # One attempt at a time, checked again under the lock: otherwise a burst of
        # concurrent requests all pass the check above before any wrong code is counted.
        with lock:
            wait = limiter.retry_after(client)
            if wait is not None:
                return wait
            try:
                return storage.console_sign_in(code, user_agent=agent)  # type: ignore[no-any-return]
            except ApiError as exc:
                if exc.code == "bad_code":
                    limiter.failed(client)
                raise

    try:
        signed = await _thread(attempt)
    except ApiError as exc:
        message = t("bad_code", lang) if exc.code == "bad_code" else _message(exc, lang)
        return render(request, "sign_in.html", {"error": message, "code": code}, exc.status)
    if isinstance(signed, int):
        return _too_many(request, lang, code, signed)
    response = RedirectResponse(_root(request) + "/", status_code=303)
    set_session(response, request, signed.token)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    ctx, _ = await posted(request)
    await _thread(ctx.storage.console_sign_out, ctx.token)
    response = RedirectResponse(ctx.root + "/sign-in?signed_out=1", status_code=303)
    clear_session(response, request)
    return response


@router.get("/lang")
async def switch_language(request: Request) -> Response:
    root = _root(request)
    target = request.query_params.get("next", "")
    if not (target.startswith(root + "/") or target == root) or "//" in target or "\\" in target:
        target = root + "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        lang_of(request.query_params.get("to")),
        path="/console",
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="strict",
    )
    return response


# -- pages ------------------------------------------------------------------------------


@router.get("/")
async def overview(request: Request) -> Response:
    return await _page(request, pages.overview)


@router.get("/villages")
async def villages(request: Request) -> Response:
    return await _page(request, pages.villages)


@router.get("/villages/{village_id}")
async def village(request: Request, village_id: str) -> Response:
    return await _page(request, pages.village, village_id)


@router.get("/teams")
async def teams(request: Request) -> Response:
    return await _page(request, pages.teams)


@router.get("/teams/{team_id}")
async def team(request: Request, team_id: str) -> Response:
    return await _page(request, pages.team, team_id)


@router.get("/members")
async def members(request: Request) -> Response:
    return await _page(request, pages.members)


@router.get("/members/{member_id}")
async def member(request: Request, member_id: str) -> Response:
    return await _page(request, pages.member, member_id)


@router.get("/procedures")
async def procedures(request: Request) -> Response:
    return await _page(request, pages.procedures)


@router.get("/follow-ups")
async def followups(request: Request) -> Response:
    return await _page(request, pages.followups)


@router.get("/report")
async def report(request: Request) -> Response:
    return await _page(request, pages.report)


@router.get("/review")
async def review(request: Request) -> Response:
    return await _page(request, pages.review)


@router.get("/devices")
async def devices(request: Request) -> Response:
    return await _page(request, pages.devices)


@router.get("/audit")
async def audit(request: Request) -> Response:
    return await _page(request, pages.audit)


# -- downloads --------------------------------------------------------------------------

_TABLE_PAGES: dict[str, Callable[..., pages.Page]] = {
    "overview": pages.overview,
    "villages": pages.villages,
    "teams": pages.teams,
    "members": pages.members,
    "follow-ups": pages.followups,
    "procedures": pages.procedures,
}


def _file_name(stem: str, fmt: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", stem) + "." + fmt


def _write(table: Any, fmt: str, writer: Callable[[Any, Path], int] | None = None) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"table.{fmt}"
        if writer is not None:
            writer(table, path)
        elif fmt == "xlsx":
            write_xlsx(table, path)
        else:
            write_csv(table, path)
        return path.read_bytes()


def _download(data: bytes, name: str, fmt: str) -> Response:
    return Response(
        data,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _table_file(ctx: Ctx, page: str, fmt: str) -> tuple[bytes, str]:
    if page == "audit":
        view = pages.audit_table(ctx)
        return _write(export_table(view, "Nhật ký quản trị"), fmt), _file_name("nhat-ky", fmt)
    if page.startswith("village-"):
        _, context = pages.village(ctx, page.removeprefix("village-"))
    else:
        builder = _TABLE_PAGES.get(page)
        if builder is None:
            raise PageError(404, "not_found")
        _, context = builder(ctx)
    found = context.get("table")
    if found is None:
        raise PageError(404, "not_found")
    table = export_table(found, context.get("subtitle", ""))
    return _write(table, fmt), _file_name(found.name, fmt)


@router.get("/download/{page}.{fmt}")
async def download(request: Request, page: str, fmt: str) -> Response:
    if fmt not in _MEDIA:
        raise PageError(404, "not_found")
    ctx = await signed_in(request)
    data, name = await _report(_table_file, ctx, page, fmt)
    return _download(data, name, fmt)


def _report_file(ctx: Ctx, fmt: str) -> tuple[bytes, str]:
    area, pick, table, rep = pages.report_data(ctx)
    if table is None or rep is None or pick is None:
        raise PageError(404, "not_found")

    def writer(tbl: Any, path: Path) -> int:
        return write_report(tbl, rep, path, fmt)

    stem = f"bao-cao-{area.ward['code'] if area.ward else ''}-{pick.period.start}-{pick.period.end}"
    return _write(table, fmt, writer), _file_name(stem, fmt)


@router.get("/report.{fmt}")
async def report_download(request: Request, fmt: str) -> Response:
    if fmt not in _MEDIA:
        raise PageError(404, "not_found")
    ctx = await signed_in(request)
    data, name = await _report(_report_file, ctx, fmt)
    return _download(data, name, fmt)


# -- setting up: villages ---------------------------------------------------------------


def _new_id() -> str:
    return str(uuid.uuid4())


def _ward_of(ctx: Ctx, form: FormData) -> str:
    ward = _field(form, "ward")
    if ctx.by.ward_codes:
        return sorted(ctx.by.ward_codes)[0]
    if not ward:
        raise ApiError(
            "invalid_request",
            field="ward",
            message_vi="Cần chọn xã/phường.",
            message_en="Choose a ward.",
        )
    return ward


def _ward_query(ctx: Ctx, ward: str | None) -> str:
    return f"?ward={ward}" if ward and not ctx.by.ward_codes else ""


@router.post("/villages")
async def create_village(request: Request) -> Response:
    def act(ctx: Ctx, form: FormData) -> Village:
        kind = _field(form, "kind") or "thôn"
        if kind not in ("thôn", "tổ dân phố", "khu phố", "xóm", "ấp", "bản"):
            kind = "thôn"
        name = _field(form, "name")
        if not name:
            raise ApiError(
                "invalid_request",
                field="name",
                message_vi="Cần nhập tên thôn/tổ dân phố.",
                message_en="Enter the village's name.",
            )
        return ctx.storage.create_village(
            Village(_new_id(), _ward_of(ctx, form), clean_name(name), kind), by=ctx.by
        )

    return await _act(
        request, act, pages.villages, lambda ctx, v: "/villages" + _ward_query(ctx, v.ward_code)
    )


@router.post("/villages/{village_id}/rename")
async def rename_village(request: Request, village_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> Village:
        return ctx.storage.rename_village(village_id, _field(form, "name"), by=ctx.by)

    return await _act(
        request, act, pages.villages, lambda ctx, v: "/villages" + _ward_query(ctx, v.ward_code)
    )


@router.post("/villages/{village_id}/retire")
async def retire_village(request: Request, village_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> None:
        ctx.storage.retire_village(village_id, by=ctx.by)

    return await _act(request, act, pages.villages, lambda ctx, _: "/villages")


# -- setting up: teams ------------------------------------------------------------------


@router.post("/teams")
async def create_team(request: Request) -> Response:
    def act(ctx: Ctx, form: FormData) -> Team:
        name = _field(form, "name")
        if not name:
            raise ApiError(
                "invalid_request",
                field="name",
                message_vi="Cần nhập tên tổ.",
                message_en="Enter the team's name.",
            )
        chosen = tuple(v for v in form.getlist("village_ids") if isinstance(v, str))
        # One transaction: a chosen village leaves its old team (one team each), and a
        # refused village leaves no half-made team behind.
        return ctx.storage.create_team_with_villages(
            Team(_new_id(), name, _ward_of(ctx, form), chosen), by=ctx.by
        )

    return await _act(request, act, pages.teams, lambda ctx, tm: f"/teams/{tm.id}")


@router.post("/teams/{team_id}")
async def update_team(request: Request, team_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> Team:
        chosen = [v for v in form.getlist("village_ids") if isinstance(v, str)]
        return ctx.storage.update_team(
            team_id, name=_field(form, "name"), village_ids=chosen, by=ctx.by
        )

    return await _act(request, act, pages.team, lambda ctx, tm: f"/teams/{tm.id}", team_id)


@router.post("/teams/{team_id}/qr-sheet")
async def team_qr_sheet(request: Request, team_id: str) -> Response:
    ctx, _ = await posted(request)

    def issue() -> pages.Page:
        people = [
            m["id"]
            for m in ctx.storage.console_members(by=ctx.by)
            if m["team_id"] == team_id and not m["deactivated_at"] and m["role"] != Role.OFFICER
        ]
        issued = ctx.storage.issue_codes(people, by=ctx.by)
        return pages.qr_sheet(ctx, team_id, issued)

    template, context = await _thread(issue)
    return render(request, template, context)


# -- setting up: members ----------------------------------------------------------------


@router.post("/members")
async def create_member(request: Request) -> Response:
    def act(ctx: Ctx, form: FormData) -> Member:
        role_text = _field(form, "role") or "member"
        role = Role(role_text) if role_text in ("member", "leader", "officer") else Role.MEMBER
        name = _field(form, "name")
        if not name:
            raise ApiError(
                "invalid_request",
                field="name",
                message_vi="Cần nhập họ tên.",
                message_en="Enter the full name.",
            )
        name = clean_name(name)
        phone = clean_phone(_field(form, "phone") or None)
        if role == Role.OFFICER:
            ward = _field(form, "ward") or None
            if ctx.by.ward_codes:
                ward = sorted(ctx.by.ward_codes)[0]
            return ctx.storage.create_member(
                Member(_new_id(), name, role, None, phone), ward_code=ward, by=ctx.by
            )
        team_id = _field(form, "team_id") or None
        return ctx.storage.create_member(Member(_new_id(), name, role, team_id, phone), by=ctx.by)

    return await _act(request, act, pages.members, lambda ctx, m: f"/members/{m.id}")


@router.post("/members/{member_id}")
async def update_member(request: Request, member_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> None:
        ctx.storage.update_member(
            member_id, name=_field(form, "name"), phone=_field(form, "phone") or None, by=ctx.by
        )

    return await _act(request, act, pages.member, lambda ctx, _: f"/members/{member_id}", member_id)


@router.post("/members/{member_id}/move")
async def move_member(request: Request, member_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> None:
        ctx.storage.move_member(member_id, _field(form, "team_id"), by=ctx.by)

    return await _act(request, act, pages.member, lambda ctx, _: f"/members/{member_id}", member_id)


@router.post("/members/{member_id}/deactivate")
async def deactivate_member(request: Request, member_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> None:
        ctx.storage.deactivate_member(member_id, by=ctx.by)

    return await _act(request, act, pages.member, lambda ctx, _: f"/members/{member_id}", member_id)


@router.post("/members/{member_id}/code")
async def issue_code(request: Request, member_id: str) -> Response:
    # The code is shown in this response only: never in a URL, never stored in clear.
    ctx, _ = await posted(request)
    try:
        issued = await _thread(ctx.storage.issue_code, member_id, issued_by=ctx.by)
    except ApiError as exc:
        template, context = await _report(
            pages.member, ctx, member_id, error=_message(exc, ctx.lang)
        )
        return render(request, template, context, exc.status)
    template, context = await _report(pages.member, ctx, member_id, issued=issued)
    return render(request, template, context)


# -- devices and sessions ---------------------------------------------------------------


@router.post("/devices/{device_id}/revoke")
async def revoke_device(request: Request, device_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> None:
        ctx.storage.revoke_device(device_id, by=ctx.by)

    return await _act(request, act, _devices_page, lambda ctx, _: "/devices")


@router.post("/sessions/{session_id}/revoke")
async def revoke_session(request: Request, session_id: str) -> Response:
    def act(ctx: Ctx, form: FormData) -> None:
        ctx.storage.revoke_console_session(session_id, by=ctx.by)

    return await _act(request, act, _devices_page, lambda ctx, _: "/devices")


def _devices_page(ctx: Ctx, **_: Any) -> pages.Page:
    return pages.devices(ctx)


# -- review -----------------------------------------------------------------------------


def _whole(text: str) -> int:
    if not text.isdigit() or len(text) > 15:
        raise PageError(404, "not_found")
    return int(text)


def _review_page(ctx: Ctx, *, error: str | None = None, **_: Any) -> pages.Page:
    return pages.review(ctx, error=error)


@router.post("/review/conflicts/{conflict_id}")
async def resolve_conflict(request: Request, conflict_id: str) -> Response:
    number = _whole(conflict_id)

    def act(ctx: Ctx, form: FormData) -> None:
        keep = "server" if _field(form, "keep") == "server" else "device"
        ctx.storage.resolve_conflict(number, keep=keep, by=ctx.by)

    return await _act(request, act, _review_page, lambda ctx, _: "/review")


@router.post("/review/quarantine/{quarantine_id}")
async def dismiss_quarantine(request: Request, quarantine_id: str) -> Response:
    number = _whole(quarantine_id)

    def act(ctx: Ctx, form: FormData) -> None:
        ctx.storage.dismiss_quarantine(number, note=_field(form, "note"), by=ctx.by)

    return await _act(request, act, _review_page, lambda ctx, _: "/review")


@router.api_route("/{rest:path}", methods=["GET", "POST"])
async def not_found(request: Request, rest: str) -> Response:
    return _error_page(request, 404, t("not_found", _lang(request)))
