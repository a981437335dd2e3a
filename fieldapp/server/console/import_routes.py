"""The console's list import over HTTP: upload → columns → preview → commit, and undo.

The upload is read at once with :func:`~fieldapp.server.imports.read_table` and only the
table as read (refused columns blank) is kept, as a draft in the database — so any server
process can carry on with it. The multipart body is parsed in memory: an uploaded list
may hold ID numbers, and must not pass through a temporary file on disk. Every form
carries the session's CSRF token; see :mod:`fieldapp.server.console.security`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import RedirectResponse, Response

from fieldapp.server.console import import_pages as ip
from fieldapp.server.console.i18n import t
from fieldapp.server.console.pages import Ctx, PageError
from fieldapp.server.console.routes import (
    ConsoleRoute,
    CrossSite,
    download_name,
    download_response,
    error_message,
    in_report_thread,
    in_thread,
    posted,
    render,
    signed_in,
)
from fieldapp.server.console.security import csrf_ok, same_origin
from fieldapp.server.errors import ApiError
from fieldapp.server.imports import (
    ImportRefused,
    TableError,
    annotated_xlsx,
    commit,
    guess_mapping,
    read_table,
)
from fieldapp.server.imports.fields import KINDS
from fieldapp.server.imports.table import MAX_BYTES

__all__ = ["router"]

router = APIRouter(prefix="/console/import", route_class=ConsoleRoute, include_in_schema=False)
# The form's own fields are a few short strings; the file is bounded by MAX_BYTES.
_FORM_SLACK = 64 * 1024
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _InMemoryParser(MultiPartParser):
    # Never spool the upload to a temporary file (it may hold ID numbers).
    spool_max_size = MAX_BYTES + _FORM_SLACK


class _TooLarge(Exception):
    pass


async def _capped(request: Request) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES + _FORM_SLACK:
            raise _TooLarge()
        yield chunk


async def _upload_form(request: Request) -> tuple[Ctx, FormData | None]:
    """Like :func:`posted` for a multipart upload; the form is None when unreadable."""
    if not same_origin(request):
        raise CrossSite()
    ctx = await signed_in(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise CrossSite()  # a form of ours always posts multipart
    parser = _InMemoryParser(request.headers, _capped(request), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except (MultiPartException, _TooLarge):
        return ctx, None
    if not csrf_ok(ctx.token, form.get("csrf")):
        await form.close()  # the refused upload's file is released now, not by the GC
        raise CrossSite()
    return ctx, form


def _id(text: str) -> str:
    if not _ID.match(text):
        raise PageError(404, "not_found")
    return text


def _ward_suffix(ctx: Ctx, ward: str) -> str:
    return "" if ctx.by.ward_codes else f"?ward={ward}"


@router.get("")
async def start(request: Request) -> Response:
    ctx = await signed_in(request)
    notice = None
    if request.query_params.get("undone"):
        notice = t("import_undone_notice", ctx.lang)
    elif request.query_params.get("cancelled"):
        notice = t("import_cancelled", ctx.lang)
    template, context = await in_report_thread(ip.start_page, ctx, notice=notice)
    return render(request, template, context)


@router.post("")
async def upload(request: Request) -> Response:
    ctx, form = await _upload_form(request)

    def refuse(message: str, kind: str = "") -> Response:
        template, context = ip.start_page(ctx, error=message, kind=kind)
        return render(request, template, context, 422)

    if form is None:
        return await in_thread(refuse, t("import_too_big", ctx.lang))
    kind = str(form.get("kind") or "households")
    if kind not in KINDS:
        kind = "households"
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    await form.close()
    if not data:
        return await in_thread(refuse, t("import_no_file", ctx.lang), kind)
    filename = (upload.filename if isinstance(upload, UploadFile) else "") or "danh-sach"
    replaces = str(form.get("replaces") or "") or None

    def read_and_keep() -> Response:
        area = ip.import_area(ctx)
        if area.ward is None:
            return refuse(t("choose_ward", ctx.lang), kind)
        ward = str(area.ward["code"])
        try:
            raw = read_table(data, filename)
        except TableError as exc:
            return refuse(exc.issue.message(ctx.lang), kind)
        saved = ctx.storage.saved_mapping(ward, kind, by=ctx.by)
        old = (
            ctx.storage.import_draft(replaces, session_id=ctx.session.session_id)
            if replaces
            else None
        )
        if old is not None and old.kind == kind:
            # A fixed file of the same list: the columns the officer confirmed come first.
            headers = old.raw["headers"]
            saved = {**saved, **{f: headers.get(c, "") for f, c in old.mapping.items()}}
        mapping = guess_mapping(raw, kind, saved)  # type: ignore[arg-type]
        draft = ctx.storage.save_import_draft(
            session_id=ctx.session.session_id,
            ward_code=ward,
            kind=kind,
            raw=raw.to_dict(),
            mapping=mapping.to_dict(),
            by=ctx.by,
            replaces=old.id if old is not None else None,
        )
        return RedirectResponse(f"{ctx.root}/import/{draft.id}/columns", status_code=303)

    return await in_report_thread(read_and_keep)


@router.get("/{draft_id}/columns")
async def columns(request: Request, draft_id: str) -> Response:
    ctx = await signed_in(request)

    def page() -> Any:
        return ip.mapping_page(ctx, ip.draft_of(ctx, _id(draft_id)))

    template, context = await in_report_thread(page)
    return render(request, template, context)


@router.post("/{draft_id}/columns")
async def choose_columns(request: Request, draft_id: str) -> Response:
    ctx, form = await posted(request)

    def save() -> None:
        draft = ip.draft_of(ctx, _id(draft_id))
        ctx.storage.set_import_draft_mapping(
            draft.id, ip.mapping_from_form(draft, form), session_id=ctx.session.session_id
        )

    await in_thread(save)
    return RedirectResponse(f"{ctx.root}/import/{draft_id}", status_code=303)


@router.get("/{draft_id}")
async def show_preview(request: Request, draft_id: str) -> Response:
    ctx = await signed_in(request)

    def page() -> Any:
        return ip.preview_page(ctx, ip.draft_of(ctx, _id(draft_id)))

    template, context = await in_report_thread(page)
    return render(request, template, context)


@router.get("/{draft_id}/annotated.xlsx")
async def annotated(request: Request, draft_id: str) -> Response:
    ctx = await signed_in(request)

    def build() -> tuple[bytes, str]:
        draft = ip.draft_of(ctx, _id(draft_id))
        raw, pv = ip.preview_of(ctx, draft)
        stem = "ket-qua-" + str(raw.filename).rsplit(".", 1)[0]
        return annotated_xlsx(raw, pv, lang=ctx.lang), download_name(stem, "xlsx")

    data, name = await in_report_thread(build)
    return download_response(data, name, "xlsx")


@router.post("/{draft_id}/commit")
async def commit_draft(request: Request, draft_id: str) -> Response:
    ctx, form = await posted(request)
    skip = form.get("skip_refused") == "1"
    seen = str(form.get("seen") or "")

    def run() -> Response:
        draft = ip.draft_of(ctx, _id(draft_id))
        _, pv = ip.preview_of(ctx, draft)

        def again(status: int, **kw: Any) -> Response:
            template, context = ip.preview_page(ctx, draft, skip_refused=skip, **kw)
            return render(request, template, context, status)

        if ip.fingerprint(pv) != seen:
            return again(409, stale=True)
        try:
            report = commit(ctx.storage, pv, by=ctx.by, skip_refused=skip)
        except ImportRefused as exc:
            key = "import_refused_rows" if exc.refused_rows else "import_blocked"
            return again(422, error=t(key, ctx.lang, n=exc.refused_rows))
        except ApiError as exc:
            if exc.code == "conflict":
                return again(409, stale=True)
            raise
        ctx.storage.delete_import_draft(draft.id, session_id=ctx.session.session_id)
        template, context = ip.result_page(ctx, report)
        return render(request, template, context)

    return await in_report_thread(run)


@router.post("/{draft_id}/cancel")
async def cancel(request: Request, draft_id: str) -> Response:
    ctx, _ = await posted(request)

    def drop() -> str:
        draft = ip.draft_of(ctx, _id(draft_id))
        ctx.storage.delete_import_draft(draft.id, session_id=ctx.session.session_id)
        return draft.ward_code

    ward = await in_thread(drop)
    suffix = _ward_suffix(ctx, ward)
    return RedirectResponse(
        f"{ctx.root}/import{suffix}{'&' if suffix else '?'}cancelled=1", status_code=303
    )


@router.get("/batches/{batch_id}/undo")
async def confirm_undo(request: Request, batch_id: str) -> Response:
    ctx = await signed_in(request)
    template, context = await in_thread(ip.undo_page, ctx, _id(batch_id))
    return render(request, template, context)


@router.post("/batches/{batch_id}/undo")
async def undo(request: Request, batch_id: str) -> Response:
    ctx, _ = await posted(request)

    def run() -> Response:
        ip.require_officer(ctx)
        try:
            batch = ctx.storage.undo_import(_id(batch_id), by=ctx.by)
        except ApiError as exc:
            template, context = ip.undo_page(ctx, batch_id, error=error_message(exc, ctx.lang))
            return render(request, template, context, exc.status)
        suffix = _ward_suffix(ctx, batch.ward_code)
        return RedirectResponse(
            f"{ctx.root}/import{suffix}{'&' if suffix else '?'}undone=1", status_code=303
        )

    return await in_thread(run)
