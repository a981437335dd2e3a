"""What the console's import pages show: upload, column choice, preview, result, batches.

The engine is :mod:`fieldapp.server.imports` (the same as ``fieldapp admin
import-households``); the upload lives between steps as an
:class:`~fieldapp.server.import_storage.ImportDraft` in the database, owned by the
console session (the uploaded file itself is never kept). Builders are blocking: run them
off the event loop. Only officers import, each in their own ward; a province officer
picks the ward.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fieldapp.server.console.i18n import t
from fieldapp.server.console.pages import Area, Ctx, Page, PageError, base, resolve_area
from fieldapp.server.console.tables import Column, TableView, build
from fieldapp.server.import_storage import ImportBatch, ImportDraft
from fieldapp.server.imports import (
    FIELDS,
    ColumnMapping,
    ImportKind,
    ImportPreview,
    ImportReport,
    Issue,
    RawTable,
    preview,
)
from fieldapp.server.imports.fields import field_label
from fieldapp.server.imports.report import counts_line, where

__all__ = [
    "REQUIRED",
    "draft_of",
    "fingerprint",
    "mapping_page",
    "preview_of",
    "preview_page",
    "result_page",
    "start_page",
    "undo_page",
]

# Fields a list of each kind cannot do without (the preview says so too).
REQUIRED = {"households": ("village",), "members": ("name", "team")}
SAMPLES = 3


def require_officer(ctx: Ctx) -> None:
    if not ctx.by.is_officer:
        raise PageError(403, "forbidden")


def import_area(ctx: Ctx) -> Area:
    """The ward being imported into (``?ward=`` for a province officer), in scope."""
    require_officer(ctx)
    return resolve_area(ctx)


def draft_of(ctx: Ctx, draft_id: str) -> ImportDraft:
    require_officer(ctx)
    draft: ImportDraft | None = ctx.storage.import_draft(
        draft_id, session_id=ctx.session.session_id
    )
    if draft is None:
        raise PageError(404, "draft_gone")
    return draft


def preview_of(ctx: Ctx, draft: ImportDraft) -> tuple[RawTable, ImportPreview]:
    raw = RawTable.from_dict(draft.raw)
    kind: ImportKind = "members" if draft.kind == "members" else "households"
    pv = preview(ctx.storage, raw, draft.mapping, kind=kind, ward_code=draft.ward_code, by=ctx.by)
    return raw, pv


def fingerprint(pv: ImportPreview) -> str:
    """What the officer saw in a preview, to notice at commit that the ward changed since.

    New records get fresh ids on every preview, so only their row counts; a matched
    record counts with the version the preview saw.
    """
    seen: list[list[Any]] = []
    for w in pv.plan.writes:
        record = "" if w.action == "new" else w.record.id
        seen.append([w.row, w.action, record, list(w.changed_fields), w.expected_version])
    text = json.dumps([seen, sorted(pv.counts.items())], default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _batch_rows(ctx: Ctx, batches: list[ImportBatch]) -> list[dict[str, Any]]:
    names = {m["id"]: m["name"] for m in ctx.storage.console_members(by=ctx.by)}
    names[ctx.by.member_id] = ctx.session.member_name
    return [
        {
            "batch": b,
            "who": t("command_line", ctx.lang)
            if b.imported_by == "cli"
            else names.get(b.imported_by, ""),
            "kind_text": t(f"import_kind_{b.kind}", ctx.lang),
        }
        for b in batches
    ]


def start_page(
    ctx: Ctx, *, error: str | None = None, notice: str | None = None, kind: str = ""
) -> Page:
    """Pick the ward (province), upload a file, and the ward's import batches."""
    area = import_area(ctx)
    batches = []
    if area.ward:
        batches = ctx.storage.import_batches(ward_code=area.ward["code"], by=ctx.by, limit=50)
    return "import.html", base(
        ctx,
        "import",
        area,
        error=error,
        notice=notice,
        kind=kind or ctx.q("kind") or "households",
        batches=_batch_rows(ctx, batches),
        counts_line=lambda c: counts_line(c, ctx.lang),
    )


def _columns(raw: RawTable, mapping: dict[str, str], kind: str, lang: str) -> list[dict[str, Any]]:
    by_column = {c: f for f, c in mapping.items()}
    refused = {r.column: r.reason for r in raw.refused}
    samples: dict[str, list[str]] = {c: [] for c in raw.headers}
    for row in raw.rows:
        for letter, value in row.cells.items():
            if letter in samples and len(samples[letter]) < SAMPLES and value:
                samples[letter].append(value)
        if all(len(v) >= SAMPLES for v in samples.values()):
            break
    return [
        {
            "letter": letter,
            "header": header,
            "samples": [] if letter in refused else samples.get(letter, []),
            "field": field_label(kind, by_column[letter], lang) if letter in by_column else "",
            "refused": refused.get(letter),
        }
        for letter, header in raw.headers.items()
        if header or letter in by_column
    ]


def mapping_page(ctx: Ctx, draft: ImportDraft, *, error: str | None = None) -> Page:
    """Step 2: the guessed column for each field, as a choice the officer confirms."""
    raw = RawTable.from_dict(draft.raw)
    fields = [
        {
            "name": name,
            "label": field_label(draft.kind, name, ctx.lang),
            "required": name in REQUIRED[draft.kind],
            "column": draft.mapping.get(name, ""),
        }
        for name in FIELDS[draft.kind]
    ]
    return "import_mapping.html", base(
        ctx,
        "import",
        None,
        draft=draft,
        raw=raw,
        fields=fields,
        columns=_columns(raw, draft.mapping, draft.kind, ctx.lang),
        refused=[r.issue for r in raw.refused],
        ward_query=_ward_query(ctx, draft.ward_code),
        error=error,
    )


def _ward_query(ctx: Ctx, ward: str) -> str:
    return "" if ctx.by.ward_codes else f"?ward={ward}"


ISSUE_COLUMNS = [
    Column("where", "import_where", sortable=False),
    Column("severity", "import_severity", sortable=False),
    Column("message", "import_problem", sortable=False),
]


def issue_table(ctx: Ctx, issues: list[Issue]) -> TableView:
    en = ctx.lang == "en"
    rows = [
        {
            "where": where(i, en),
            "severity": t(f"import_sev_{i.severity}", ctx.lang),
            "message": i.message(ctx.lang),
        }
        for i in issues
    ]
    return build(
        "issues",
        "import_problems",
        ISSUE_COLUMNS,
        rows,
        q=ctx.q("q"),
        page=ctx.number("page"),
        search=["where", "severity", "message"],
    )


def _mapping_text(ctx: Ctx, pv: ImportPreview, raw: RawTable) -> list[str]:
    return [
        f"{field_label(pv.kind, f, ctx.lang)} ← {c} «{raw.headers.get(c, '')}»"
        for f, c in pv.mapping.columns.items()
    ]


def preview_page(
    ctx: Ctx,
    draft: ImportDraft,
    *,
    error: str | None = None,
    stale: bool = False,
    skip_refused: bool = False,
) -> Page:
    """Step 3: the counts, every problem by cell, and the commit form."""
    raw, pv = preview_of(ctx, draft)
    return "import_preview.html", base(
        ctx,
        "import",
        None,
        draft=draft,
        pv=pv,
        mapped=_mapping_text(ctx, pv, raw),
        refused=[r.issue for r in raw.refused],
        table=issue_table(ctx, pv.issues),
        errors=len(pv.errors()),
        seen=fingerprint(pv),
        error=error,
        stale=stale,
        skip_refused=skip_refused,
        ward_query=_ward_query(ctx, draft.ward_code),
    )


def result_page(ctx: Ctx, report: ImportReport) -> Page:
    """Step 4: what was imported (the counts as recorded) and every note by cell."""
    pv = report.preview
    return "import_done.html", base(
        ctx,
        "import",
        None,
        report=report,
        pv=pv,
        table=build(
            "issues",
            "import_problems",
            ISSUE_COLUMNS,
            issue_table(ctx, pv.issues).all_rows,
            per_page=10_000,
        ),
        ward_query=_ward_query(ctx, pv.ward_code),
    )


def undo_page(ctx: Ctx, batch_id: str, *, error: str | None = None) -> Page:
    """Confirm undoing a household batch (the undo itself is a POST)."""
    require_officer(ctx)
    found = next(
        (b for b in ctx.storage.import_batches(by=ctx.by, limit=500) if b.id == batch_id), None
    )
    if found is None:
        raise PageError(404, "not_found")
    return "import_undo.html", base(
        ctx,
        "import",
        None,
        batch=found,
        error=error,
        counts_line=lambda c: counts_line(c, ctx.lang),
        ward_query=_ward_query(ctx, found.ward_code),
    )


def mapping_from_form(draft: ImportDraft, form: Any) -> dict[str, str]:
    """The posted ``map_<field>`` choices as ``{field: column letter}`` (empty: none)."""
    raw = RawTable.from_dict(draft.raw)
    posted = {
        name: str(form.get(f"map_{name}") or "").strip().upper() for name in FIELDS[draft.kind]
    }
    chosen = ColumnMapping.from_dict(draft.kind, posted, raw.headers)  # type: ignore[arg-type]
    return chosen.to_dict()
