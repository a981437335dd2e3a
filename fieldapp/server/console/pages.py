"""What each console page shows, computed from the storage (blocking; run off the loop).

A builder takes the request's :class:`Ctx` and returns ``(template, context)``. Scope is
the signed-in person's :class:`~fieldapp.server.storage.Principal`, exactly as for the
API: an officer their ward (or the province), a leader their team's villages. Coverage
comes from the roll-up through :class:`~fieldapp.coverage.CoverageService`, never from
raw scans. Every table is a :class:`~fieldapp.server.console.tables.TableView`, so it
sorts, searches and downloads the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from fieldapp.coverage import DATA_LABEL_VI, Figures, Period
from fieldapp.coverage.commune_report import CommuneReport, commune_table
from fieldapp.coverage.export import fmt_day
from fieldapp.coverage.queries import indicator_progress
from fieldapp.coverage.results import FOLLOW_THROUGH_FIELDS
from fieldapp.coverage.service import PERIOD_CHOICES, CoverageService
from fieldapp.domain.model import Role
from fieldapp.portal.enrol_link import build_enrol_link
from fieldapp.portal.errors import PortalError
from fieldapp.portal.qr import qr_matrix
from fieldapp.server.console import charts
from fieldapp.server.console.i18n import STRINGS, action_text, t
from fieldapp.server.console.security import csrf_token
from fieldapp.server.console.tables import Column, TableView, build, local_time, phone_text
from fieldapp.server.console_storage import ConsoleSession
from fieldapp.server.errors import ApiError
from fieldapp.server.push import REASONS
from fieldapp.server.routes_coverage import (
    LAST_YEAR,
    MAX_PERIOD_DAYS,
    decode_cursor,
    encode_cursor,
)
from fieldapp.server.storage import IssuedCode, Principal
from fieldapp.text import fold, sort_key

__all__ = [
    "Area",
    "Ctx",
    "Formatter",
    "Page",
    "PageError",
    "base",
    "resolve_area",
]

Page = tuple[str, dict[str, Any]]
GAP_PAGE = 100


class PageError(Exception):
    """A page that cannot be shown: rendered as an HTML error page with ``status``."""

    def __init__(self, status: int, key: str):
        super().__init__(key)
        self.status = status
        self.key = key


@dataclass
class Ctx:
    request: Request
    storage: Any  # Storage and ConsoleStorage
    session: ConsoleSession
    token: str
    lang: str
    idle_hours: float = 8

    @property
    def by(self) -> Principal:
        return self.session.principal

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)

    def t(self, key: str, **kw: object) -> str:
        return t(key, self.lang, **kw)

    def q(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default).strip()

    @property
    def root(self) -> str:
        return str(self.request.scope.get("root_path", "")) + "/console"

    def qs(self, **changes: object) -> str:
        """This page's query string with ``changes`` (None removes a key)."""
        params = dict(self.request.query_params)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return "?" + urlencode(params) if params else "?"

    def number(self, name: str, default: int = 1) -> int:
        try:
            return max(1, int(self.q(name) or default))
        except ValueError:
            return default


# -- scope and period -------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """What a page covers: a ward, a leader's team, or the whole province."""

    ward: dict[str, Any] | None
    village_ids: tuple[str, ...] | None  # None: every village (province)
    label: str
    wards: list[dict[str, Any]]  # wards a province officer may pick
    villages: list[dict[str, Any]] = field(default_factory=list)
    team_name: str | None = None

    @property
    def province(self) -> bool:
        return self.village_ids is None


def _ward_label(ward: dict[str, Any]) -> str:
    kind = str(ward["kind"])
    return f"{kind[:1].upper()}{kind[1:]} {ward['name']}".strip()


def resolve_area(ctx: Ctx) -> Area:
    by, storage = ctx.by, ctx.storage
    asked = ctx.q("ward") or None
    wards = storage.console_wards(by=by)
    if by.is_officer:
        if by.ward_codes:
            code: str | None = sorted(by.ward_codes)[0]
            if asked and asked != code:
                raise PageError(404, "not_found")
        else:
            code = asked
            if code and code not in {w["code"] for w in wards}:
                raise PageError(404, "not_found")
        if code is None:
            return Area(None, None, ctx.t("scope_province"), wards)
        ward = next(
            (w for w in wards if w["code"] == code), {"code": code, "name": code, "kind": ""}
        )
        villages = storage.console_villages(by=by, ward=code)
        ids = tuple(sorted({v["id"] for v in villages if not v["retired_at"]}))
        return Area(ward, ids, _ward_label(ward), [] if by.ward_codes else wards, villages)
    if asked and asked not in by.ward_codes:
        raise PageError(404, "not_found")
    team = next((tm for tm in storage.list_teams(by=by) if tm.id == by.team_id), None)
    ward = wards[0] if wards else None
    name = team.name if team else ""
    return Area(
        ward,
        tuple(sorted(by.village_ids)),
        ctx.t("scope_team", name=name),
        [],
        storage.console_villages(by=by),
        name,
    )


def parse_day(text: str) -> date | None:
    """``dd/mm/yyyy`` (also ``d/m/yyyy``, ``dd-mm-yyyy`` or ISO) → date, else None.

    >>> parse_day("05/06/2024"), parse_day("2024-06-05"), parse_day("31/02/2024")
    (datetime.date(2024, 6, 5), datetime.date(2024, 6, 5), None)
    """
    clean = text.strip().replace("-", "/").replace(".", "/")
    try:
        if len(clean) == 10 and clean[4] == "/":
            return date.fromisoformat(clean.replace("/", "-"))
        day, month, year = (int(p) for p in clean.split("/"))
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class PeriodPick:
    period: Period
    key: str
    start_text: str
    end_text: str
    error: bool


def resolve_period(ctx: Ctx, svc: CoverageService, today: date) -> PeriodPick:
    key = ctx.q("period") or svc.default_choice(today)
    if key == "custom":
        start, end = parse_day(ctx.q("from")), parse_day(ctx.q("to"))
        if (
            start
            and end
            and start <= end
            and (end - start).days <= MAX_PERIOD_DAYS
            and end.year < LAST_YEAR
        ):
            return PeriodPick(Period(start, end), key, fmt_day(start), fmt_day(end), False)
        bad = True
        key = svc.default_choice(today)
    else:
        bad = key not in PERIOD_CHOICES
        if bad:
            key = svc.default_choice(today)
    period = svc.period_choice(key, today)
    return PeriodPick(period, key, fmt_day(period.start), fmt_day(period.end), bad)


def subtitle(area: Area, pick: PeriodPick) -> str:
    return (
        f"{area.label} · Từ {fmt_day(pick.period.start)} đến {fmt_day(pick.period.end)}"
        f" · {DATA_LABEL_VI}"
    )


# -- shared row shapes ------------------------------------------------------------------


def _visited_target(svc: CoverageService) -> float:
    return next((i.target for i in svc.campaign.indicators if i.metric == "visited_share"), 1.0)


def _gap(f: Figures, target: float) -> int:
    return max(0, math.ceil(target * f.households_total - 1e-9) - f.households_visited)


def _figure_row(f: Figures, target: float) -> dict[str, Any]:
    return {
        "households_total": f.households_total,
        "households_visited": f.households_visited,
        "visited_share": f.share("visited_share"),
        "gap": _gap(f, target),
        "visits": f.visits,
        "people_guided": f.people_guided,
        "dossiers_online": f.dossiers_online,
        "dossiers_full_online": f.dossiers_full_online,
        "fees_paid_online": f.fees_paid_online,
        "follow_ups_due": f.follow_ups_due,
        "follow_ups_overdue": f.follow_ups_overdue,
        **{name: getattr(f, name) for name in FOLLOW_THROUGH_FIELDS},
        "full_online_share": f.share("full_online_share"),
        "result_share": f.share("result_share"),
    }


FIGURE_COLUMNS = [
    Column("households_total", "households_total", "int"),
    Column("households_visited", "households_visited", "int"),
    Column("visited_share", "visited_share", "pct"),
    Column("gap", "gap", "int"),
    Column("visits", "visits", "int"),
    Column("people_guided", "people_guided", "int"),
    Column("dossiers_online", "dossiers_online", "int"),
    Column("fees_paid_online", "fees_paid_online", "int"),
    Column("follow_ups_due", "follow_ups_due", "int"),
    # Dossiers followed to their outcome (the team's own records, like every figure here).
    Column("results_received", "results_received", "int"),
    Column("dossiers_refused", "dossiers_refused", "int"),
    Column("dossiers_overdue", "dossiers_overdue", "int"),
    Column("dossier_fees_paid_online", "dossier_fees_paid_online", "int"),
]
PROCEDURE_COLUMNS = [
    Column("name", "procedure"),
    Column("code", "procedure_code"),
    Column("processing_days", "processing_days", "int"),
    Column("dossiers_online", "dossiers_online", "int"),
    Column("dossiers_full_online", "dossiers_full_online", "int"),
    Column("full_online_share", "full_online_share", "pct"),
    *(Column(name, name, "int") for name in FOLLOW_THROUGH_FIELDS),
    Column("result_share", "result_share", "pct"),
]


def _indicator_columns(svc: CoverageService) -> list[Column]:
    return [
        Column(f"ind_{i.key}", (f"{i.name_vi} (%)", f"{i.name_en} (%)"), "pct")
        for i in svc.campaign.indicators
        if i.metric != "visited_share"
    ]


def _indicator_values(indicators: Any) -> dict[str, Any]:
    return {f"ind_{i.key}": i.value for i in indicators if i.metric != "visited_share"}


def _table(
    ctx: Ctx,
    name: str,
    title: str,
    cols: list[Column],
    rows: list[dict[str, Any]],
    *,
    main: bool = True,
    sort: str | None = None,
    desc: bool = False,
) -> TableView:
    if main:
        return build(
            name,
            title,
            cols,
            rows,
            sort=ctx.q("sort") or sort,
            desc=(ctx.q("dir") or ("desc" if desc else "asc")) == "desc",
            q=ctx.q("q"),
            page=ctx.number("page"),
        )
    return build(name, title, cols, rows, sort=sort, desc=desc, per_page=10_000)


def base(ctx: Ctx, nav: str, area: Area | None = None, **extra: Any) -> dict[str, Any]:
    """What every signed-in page's template gets."""
    return {"ctx": ctx, "nav": nav, "area": area, "lang": ctx.lang, **extra}


# -- overview ---------------------------------------------------------------------------


def overview(ctx: Ctx) -> Page:
    area = resolve_area(ctx)
    today = date.today()
    with ctx.storage.coverage(area.village_ids) as svc:
        pick = resolve_period(ctx, svc, today)
        ov = svc.overview(pick.period, today)
        # Week by week counts distinct households per week: a ward's is quick, the whole
        # province's is not (seconds at 400,000 households), so it is shown per ward.
        weekly = None if area.province else svc.weekly(pick.period)
        target = _visited_target(svc)
        ind_cols = _indicator_columns(svc)
        indicators = svc.campaign.indicators
    if area.province:
        by_ward: dict[str, Figures] = {}
        for v in ov.villages:
            by_ward[v.ward_code] = by_ward.get(v.ward_code, Figures()) + v.figures
        names = {w["code"]: w for w in area.wards}
        rows = []
        for code, f in by_ward.items():
            ward = names.get(code, {"code": code, "name": code, "kind": ""})
            rows.append(
                {
                    "name": _ward_label(ward),
                    "_href": f"/?ward={code}",
                    **_figure_row(f, target),
                    **_indicator_values(indicator_progress(f, indicators)),
                }
            )
        rows.sort(key=lambda r: sort_key(r["name"]))
        table = _table(
            ctx, "wards", "wards_table", [Column("name", "ward"), *FIGURE_COLUMNS, *ind_cols], rows
        )
    else:
        rows = [
            {
                "name": tm.team_name,
                "_href": f"/teams/{tm.team_id}" if tm.team_id and ctx.by.is_officer else None,
                **_figure_row(tm.figures, target),
                **_indicator_values(tm.indicators),
            }
            for tm in ov.teams
        ]
        table = _table(
            ctx, "teams", "teams_table", [Column("name", "team"), *FIGURE_COLUMNS, *ind_cols], rows
        )
    fmt = Formatter(ctx.lang)
    return "overview.html", base(
        ctx,
        "overview",
        area,
        pick=pick,
        figures=_figure_row(ov.total, target),
        bars=charts.indicator_bars(ov.indicators, ctx.lang, fmt.pct, title=ctx.t("indicators")),
        indicators=ov.indicators,
        trend=charts.weekly_chart(weekly, ctx.lang, title=ctx.t("weekly_chart"))
        if weekly is not None
        else None,
        weekly=weekly,
        table=table,
        subtitle=subtitle(area, pick),
    )


# -- dossiers by procedure --------------------------------------------------------------


def procedures(ctx: Ctx) -> Page:
    """Dossiers per procedure in the area: submitted, full-online, and how they went on."""
    area = resolve_area(ctx)
    today = date.today()
    with ctx.storage.coverage(area.village_ids) as svc:
        pick = resolve_period(ctx, svc, today)
        found = svc.procedures(pick.period, today)
    rows = [
        {
            "name": p.name_en if ctx.lang == "en" else p.name_vi,
            "code": p.procedure_code,
            "processing_days": p.processing_days,
            "dossiers_online": p.figures.dossiers_online,
            "dossiers_full_online": p.figures.dossiers_full_online,
            **{name: getattr(p.figures, name) for name in FOLLOW_THROUGH_FIELDS},
            "full_online_share": p.figures.share("full_online_share"),
            "result_share": p.figures.share("result_share"),
        }
        for p in found
    ]
    table = _table(ctx, "procedures", "procedures_table", PROCEDURE_COLUMNS, rows)
    return "procedures.html", base(
        ctx, "procedures", area, table=table, pick=pick, subtitle=subtitle(area, pick)
    )


# -- villages ---------------------------------------------------------------------------


def villages(ctx: Ctx, *, error: str | None = None, values: dict[str, str] | None = None) -> Page:
    area = resolve_area(ctx)
    today = date.today()
    if area.province:
        return "villages.html", base(
            ctx, "villages", area, table=None, pick=None, error=error, values=values or {}
        )
    with ctx.storage.coverage(area.village_ids) as svc:
        pick = resolve_period(ctx, svc, today)
        rows_cov = {v.village_id: v for v in svc.villages(pick.period, today)}
        target = _visited_target(svc)
        ind_cols = _indicator_columns(svc)
    rows = []
    seen: set[str] = set()
    for v in area.villages:
        if v["id"] in seen:
            continue
        seen.add(v["id"])
        cov = rows_cov.get(v["id"])
        figures = cov.figures if cov else Figures(households_total=v["households"])
        rows.append(
            {
                "id": v["id"],
                "name": v["name"],
                "_href": f"/villages/{v['id']}",
                "kind": v["kind"],
                "team_name": v["team_name"] or "",
                "state": ctx.t("retired") if v["retired_at"] else ctx.t("active"),
                "retired": bool(v["retired_at"]),
                **_figure_row(figures, target),
                **_indicator_values(cov.indicators if cov else ()),
            }
        )
    cols = [
        Column("name", "village"),
        Column("team_name", "team"),
        *FIGURE_COLUMNS,
        *ind_cols,
        Column("state", "state"),
    ]
    table = _table(ctx, "villages", "villages_table", cols, rows)
    return "villages.html", base(
        ctx,
        "villages",
        area,
        table=table,
        pick=pick,
        subtitle=subtitle(area, pick),
        error=error,
        values=values or {},
    )


def _village_in_scope(ctx: Ctx, village_id: str) -> dict[str, Any]:
    if village_id not in ctx.by.village_ids:
        raise PageError(404, "not_found")
    found = next((v for v in ctx.storage.list_villages(by=ctx.by) if v.id == village_id), None)
    if found is None:
        raise PageError(404, "not_found")
    rows = ctx.storage.console_villages(by=ctx.by, ward=found.ward_code)
    row: dict[str, Any] | None = next((r for r in rows if r["id"] == village_id), None)
    if row is None:
        raise PageError(404, "not_found")
    return row


def village(ctx: Ctx, village_id: str) -> Page:
    row = _village_in_scope(ctx, village_id)
    today = date.today()
    wanted = fold(ctx.q("q"))
    after = decode_cursor(ctx.q("after") or None)
    items: list[Any] = []
    next_after = None
    with ctx.storage.coverage([village_id]) as svc:
        while True:
            page = svc.gaps(
                village_id, today, limit=GAP_PAGE * 2 if wanted else GAP_PAGE, after=after
            )
            for g in page.items:
                if not wanted or wanted in fold(f"{g.head_name} {g.address_detail}"):
                    items.append(g)
            after = page.next_after
            if after is None or len(items) >= GAP_PAGE:
                next_after = after
                break
    rows = [
        {
            "head_name": g.head_name,
            "address": g.address_detail,
            "reason": g.reason_en if ctx.lang == "en" else g.reason_vi,
            "last_visit": g.last_visit_at,
            "follow_up_on": g.follow_up_on,
        }
        for g in items
    ]
    cols = [
        Column("head_name", "head_name", sortable=False),
        Column("address", "address", sortable=False),
        Column("reason", "reason", sortable=False),
        Column("last_visit", "last_visit", "day", sortable=False),
        Column("follow_up_on", "follow_up_on", "day", sortable=False),
    ]
    table = build("gaps", "gap_list", cols, rows, per_page=10_000)
    return "village.html", base(
        ctx,
        "villages",
        None,
        village=row,
        table=table,
        next_after=encode_cursor(next_after),
        subtitle=f"{row['name']} · {DATA_LABEL_VI}",
    )


# -- teams ------------------------------------------------------------------------------


def teams(ctx: Ctx, *, error: str | None = None, values: dict[str, Any] | None = None) -> Page:
    area = resolve_area(ctx)
    if area.province:
        return "teams.html", base(ctx, "teams", area, table=None, error=error, values=values or {})
    today = date.today()
    with ctx.storage.coverage(area.village_ids) as svc:
        pick = resolve_period(ctx, svc, today)
        cov = svc.teams(pick.period, today)
        target = _visited_target(svc)
        ind_cols = _indicator_columns(svc)
    members = ctx.storage.console_members(by=ctx.by)
    count: dict[str | None, int] = {}
    for m in members:
        if not m["deactivated_at"]:
            count[m["team_id"]] = count.get(m["team_id"], 0) + 1
    rows = [
        {
            "name": tm.team_name,
            "_href": f"/teams/{tm.team_id}" if tm.team_id else None,
            "members_n": count.get(tm.team_id, 0),
            **_figure_row(tm.figures, target),
            **_indicator_values(tm.indicators),
        }
        for tm in cov
    ]
    known = {tm.team_id for tm in cov}
    for tm in ctx.storage.list_teams(by=ctx.by):
        if tm.id not in known and area.ward and tm.ward_code == area.ward["code"]:
            rows.append(
                {
                    "name": tm.name,
                    "_href": f"/teams/{tm.id}",
                    "members_n": count.get(tm.id, 0),
                    **_figure_row(Figures(), target),
                    # No figures yet: every indicator column still needs its cell.
                    **{c.key: None for c in ind_cols},
                }
            )
    cols = [
        Column("name", "team"),
        Column("members_n", "members_n", "int"),
        *FIGURE_COLUMNS,
        *ind_cols,
    ]
    table = _table(ctx, "teams", "teams_table", cols, rows)
    return "teams.html", base(
        ctx,
        "teams",
        area,
        table=table,
        pick=pick,
        subtitle=subtitle(area, pick),
        villages=[v for v in area.villages if not v["retired_at"]],
        error=error,
        values=values or {},
    )


def team(
    ctx: Ctx,
    team_id: str,
    *,
    error: str | None = None,
    values: dict[str, Any] | None = None,
) -> Page:
    found = next((tm for tm in ctx.storage.list_teams(by=ctx.by) if tm.id == team_id), None)
    if found is None:
        raise PageError(404, "not_found")
    ward_villages = ctx.storage.console_villages(by=ctx.by, ward=found.ward_code)
    members = [m for m in ctx.storage.console_members(by=ctx.by) if m["team_id"] == team_id]
    return "team.html", base(
        ctx,
        "teams",
        None,
        team=found,
        villages=[v for v in ward_villages if not v["retired_at"]],
        members=members,
        error=error,
        values=values or {"name": found.name, "village_ids": list(found.village_ids)},
    )


def qr_svg(text: str) -> str:
    """A QR code as one SVG path (no image, no data: URL; the CSP allows neither)."""
    matrix = qr_matrix(text, border=True)
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg class="qr" viewBox="0 0 {size} {size}" role="img" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def qr_sheet(ctx: Ctx, team_id: str, issued: list[IssuedCode]) -> Page:
    found = next((tm for tm in ctx.storage.list_teams(by=ctx.by) if tm.id == team_id), None)
    if found is None:
        raise PageError(404, "not_found")
    names = {m["id"]: m for m in ctx.storage.console_members(by=ctx.by)}
    base_url = str(ctx.request.base_url).rstrip("/")
    cards = []
    https_ok = True
    for code in issued:
        link = None
        try:
            link = build_enrol_link(base_url, code.code)
        except PortalError:
            https_ok = False
        member = names.get(code.member_id, {})
        cards.append(
            {
                "name": member.get("name", ""),
                "role": member.get("role", ""),
                "code": code.code,
                "expires": local_time(code.expires_at),
                "qr": qr_svg(link) if link else None,
                "link": link,
            }
        )
    cards.sort(key=lambda c: sort_key(c["name"]))
    return "qr_sheet.html", base(
        ctx, "teams", None, team=found, cards=cards, https_ok=https_ok, server=base_url
    )


# -- members ----------------------------------------------------------------------------


def members(ctx: Ctx, *, error: str | None = None, values: dict[str, str] | None = None) -> Page:
    area = resolve_area(ctx)
    today = date.today()
    people = ctx.storage.console_members(by=ctx.by)
    if area.ward is not None and not area.province:
        people = [
            m for m in people if m["ward_code"] == area.ward["code"] or m["id"] == ctx.by.member_id
        ]
    with ctx.storage.coverage(area.village_ids) as svc:
        pick = resolve_period(ctx, svc, today)
        activity = (
            {m.member_id: m.figures for m in svc.members(pick.period, today)}
            if not area.province or ctx.q("ward")
            else {}
        )
    rows = []
    for m in people:
        f = activity.get(m["id"], Figures())
        rows.append(
            {
                "name": m["name"],
                "_href": f"/members/{m['id']}",
                "role": ctx.t(f"role_{m['role']}"),
                "team_name": m["team_name"] or "",
                "phone": m["phone"] or "",
                "state": ctx.t("deactivated") if m["deactivated_at"] else ctx.t("active"),
                "visits": f.visits,
                "households_visited": f.households_visited,
                "people_guided": f.people_guided,
                "dossiers_online": f.dossiers_online,
                "devices_n": m["devices"],
                "last_seen": m["last_seen_at"],
            }
        )
    cols = [
        Column("name", "member"),
        Column("role", "role"),
        Column("team_name", "team"),
        Column("phone", "phone", "phone"),
        Column("state", "state"),
        Column("visits", "visits", "int"),
        Column("households_visited", "households_visited", "int"),
        Column("people_guided", "people_guided", "int"),
        Column("dossiers_online", "dossiers_online", "int"),
        Column("devices_n", "devices_n", "int"),
        Column("last_seen", "last_seen", "when"),
    ]
    table = _table(ctx, "members", "members_table", cols, rows)
    team_choices = [
        tm
        for tm in ctx.storage.list_teams(by=ctx.by)
        if area.ward is None or tm.ward_code == area.ward["code"]
    ]
    return "members.html", base(
        ctx,
        "members",
        area,
        table=table,
        pick=pick,
        subtitle=subtitle(area, pick),
        teams=sorted(team_choices, key=lambda tm: sort_key(tm.name)),
        wards=ctx.storage.console_wards(by=ctx.by),
        error=error,
        values=values or {},
    )


def member(
    ctx: Ctx,
    member_id: str,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    issued: IssuedCode | None = None,
) -> Page:
    found = next((m for m in ctx.storage.console_members(by=ctx.by) if m["id"] == member_id), None)
    if found is None:
        raise PageError(404, "not_found")
    devices = [d for d in ctx.storage.list_devices(by=ctx.by) if d["member_id"] == member_id]
    teams_ = [tm for tm in ctx.storage.list_teams(by=ctx.by) if tm.ward_code == found["ward_code"]]
    return "member.html", base(
        ctx,
        "members",
        None,
        member=found,
        devices=devices,
        teams=sorted(teams_, key=lambda tm: sort_key(tm.name)),
        error=error,
        values=values or {"name": found["name"], "phone": phone_text(found["phone"])},
        issued=issued,
        can_move=ctx.by.is_officer and found["role"] != Role.OFFICER,
    )


# -- follow-ups -------------------------------------------------------------------------


def followups(ctx: Ctx) -> Page:
    area = resolve_area(ctx)
    today = date.today()
    if area.province:
        return "followups.html", base(ctx, "followups", area, table=None)
    with ctx.storage.coverage(area.village_ids) as svc:
        pick = resolve_period(ctx, svc, today)
        cov = svc.villages(pick.period, today)
    rows = [
        {
            "name": v.village_name,
            "_href": f"/villages/{v.village_id}",
            "follow_ups_due": v.figures.follow_ups_due,
            "follow_ups_overdue": v.figures.follow_ups_overdue,
        }
        for v in cov
        if v.figures.follow_ups_due
    ]
    cols = [
        Column("name", "village"),
        Column("follow_ups_due", "follow_ups_due", "int"),
        Column("follow_ups_overdue", "follow_ups_overdue", "int"),
    ]
    table = _table(
        ctx, "followups", "followups_table", cols, rows, sort="follow_ups_overdue", desc=True
    )
    return "followups.html", base(
        ctx, "followups", area, table=table, pick=pick, subtitle=subtitle(area, pick)
    )


# -- report -----------------------------------------------------------------------------


def report_data(ctx: Ctx) -> tuple[Area, PeriodPick | None, Any, CommuneReport | None]:
    area = resolve_area(ctx)
    if area.province or area.ward is None:
        return area, None, None, None
    today = date.today()
    teams_ = {tm.id: tm.name for tm in ctx.storage.list_teams(by=ctx.by)}
    with ctx.storage.coverage(area.village_ids) as svc:
        pick = resolve_period(ctx, svc, today)
        rows = svc.villages(pick.period, today)
        report = CommuneReport(area.ward["kind"], area.ward["name"], pick.period, today)
        table = commune_table(report, rows, teams_, svc.campaign.indicators)
    return area, pick, table, report


def report(ctx: Ctx) -> Page:
    area, pick, table, rep = report_data(ctx)
    rows = list(table.rows) if table is not None else []
    return "report.html", base(ctx, "report", area, pick=pick, table=table, rows=rows, report=rep)


# -- review -----------------------------------------------------------------------------


def _unresolved(
    fetch: Callable[..., list[dict[str, Any]]], by: Principal, limit: int = 200
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    after = 0
    while len(out) < limit:
        page = fetch(by, limit=500, after_id=after)
        out += [r for r in page if not r["resolved"]]
        if len(page) < 500:
            break
        after = page[-1]["id"]
    return out[:limit]


def review(ctx: Ctx, *, error: str | None = None) -> Page:
    by = ctx.by
    names = {m["id"]: m["name"] for m in ctx.storage.console_members(by=by)}
    held = _unresolved(ctx.storage.quarantine, by)
    conflicts = _unresolved(ctx.storage.conflicts, by)
    for q in held:
        vi, en = REASONS.get(q["reason"], (q["reason"], q["reason"]))
        q["reason_text"] = en if ctx.lang == "en" else vi
        q["member_name"] = names.get(q["member_id"] or "", "")
    villages = {v.id: v.name for v in ctx.storage.list_villages(by=by)}
    for c in conflicts:
        try:
            c["household_name"] = ctx.storage.household(by, c["household_id"])["head_name"]
        except ApiError:
            c["household_name"] = ""
        key = f"field_{c['field']}"
        c["field_text"] = ctx.t(key) if key in STRINGS else c["field"]
        for side in ("server_value", "device_value"):
            value = c[side]
            if c["field"] == "village_id":
                value = villages.get(value, value)
            elif isinstance(value, bool):
                value = ctx.t("yes" if value else "no")
            c[f"{side}_text"] = "–" if value is None or value == "" else value
    return "review.html", base(ctx, "review", None, held=held, conflicts=conflicts, error=error)


# -- devices and sessions ---------------------------------------------------------------


def devices(ctx: Ctx) -> Page:
    by = ctx.by
    names = {m["id"]: m["name"] for m in ctx.storage.console_members(by=by)}
    names[by.member_id] = ctx.session.member_name
    now = datetime.now().astimezone()
    phone_rows = [
        {**d, "member_name": names.get(d["member_id"], d["member_id"])}
        for d in ctx.storage.list_devices(by=by)
    ]
    phone_rows.sort(key=lambda d: (d["revoked_at"] is not None, sort_key(d["member_name"])))
    sessions = []
    for s in ctx.storage.console_sessions(by=by):
        last = datetime.fromisoformat(s["last_used_at"])
        expired = (now - last).total_seconds() > ctx.idle_hours * 3600
        state = "revoked" if s["revoked_at"] else ("expired" if expired else "active")
        sessions.append({**s, "state": state, "mine": s["id"] == ctx.session.session_id})
    wanted = fold(ctx.q("q"))
    if wanted:
        phone_rows = [d for d in phone_rows if wanted in fold(d["member_name"])]
        sessions = [s for s in sessions if wanted in fold(s["name"])]
    return "devices.html", base(
        ctx, "devices", None, phones=phone_rows, sessions=sessions, q=ctx.q("q")
    )


# -- audit log --------------------------------------------------------------------------

AUDIT_PAGE = 100


_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _named(value: Any, names: dict[str, str]) -> str:
    if isinstance(value, list):
        return ", ".join(_named(v, names) for v in value)
    if isinstance(value, str):
        if _ISO_TIME.match(value):
            return local_time(value)
        return names.get(value, value)
    return "" if value is None else str(value)


def _audit_value(value: Any, names: dict[str, str]) -> str:
    """``{"team_id": "…"}`` → ``team_id: Tổ CNSCĐ 1``: ids shown as the names people use."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_named(v, names)}" for k, v in value.items())
    return _named(value, names)


def _names(ctx: Ctx) -> dict[str, str]:
    names = {m["id"]: m["name"] for m in ctx.storage.console_members(by=ctx.by)}
    names.update({tm.id: tm.name for tm in ctx.storage.list_teams(by=ctx.by)})
    names.update({v.id: v.name for v in ctx.storage.list_villages(by=ctx.by)})
    names[ctx.by.member_id] = ctx.session.member_name
    return names


_ENTITIES = {
    "member": ("thành viên", "member"),
    "team": ("tổ", "team"),
    "village": ("thôn/TDP", "village"),
    "household": ("hộ", "household"),
    "visit": ("lượt thăm", "visit"),
    "device": ("thiết bị", "device"),
    "console_session": ("phiên đăng nhập", "console session"),
    "import_batch": ("đợt nhập danh sách", "list import"),
}


def audit_rows(ctx: Ctx, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = _names(ctx)
    rows = []
    for e in entries:
        vi, en = _ENTITIES.get(e["entity"], (e["entity"], e["entity"]))
        label = names.get(e["entity_id"], e["entity_id"][:8])
        rows.append(
            {
                "id": e["id"],
                "when": e["at"],
                "who": e["actor_name"]
                or (ctx.t("command_line") if e["actor_id"] == "cli" else e["actor_id"]),
                "what": action_text(e["action"], ctx.lang),
                "object": f"{en if ctx.lang == 'en' else vi} «{label}»",
                "before": _audit_value(e["before"], names),
                "after": _audit_value(e["after"], names),
                "note": e["note"],
            }
        )
    return rows


AUDIT_COLUMNS = [
    Column("when", "when", "when", sortable=False),
    Column("who", "who", sortable=False),
    Column("what", "what", sortable=False),
    Column("object", "object", sortable=False),
    Column("before", "before", sortable=False),
    Column("after", "after", sortable=False),
    Column("note", "note", sortable=False),
]


def audit(ctx: Ctx) -> Page:
    if not ctx.by.is_officer:
        raise PageError(403, "forbidden")
    before = ctx.q("before")
    entries = ctx.storage.audit_entries(
        by=ctx.by,
        limit=AUDIT_PAGE + 1,
        before_id=int(before) if before.isdigit() and len(before) <= 15 else None,
    )
    more = len(entries) > AUDIT_PAGE
    entries = entries[:AUDIT_PAGE]
    rows = audit_rows(ctx, entries)
    table = build(
        "audit",
        "audit_title",
        AUDIT_COLUMNS,
        rows,
        q=ctx.q("q"),
        per_page=10_000,
        search=["who", "what", "object", "before", "after", "note"],
    )
    return "audit.html", base(
        ctx, "audit", None, table=table, older=entries[-1]["id"] if more and entries else None
    )


def audit_table(ctx: Ctx) -> TableView:
    if not ctx.by.is_officer:
        raise PageError(403, "forbidden")
    entries = ctx.storage.audit_entries(by=ctx.by, limit=50_000)
    return build(
        "audit",
        "audit_title",
        AUDIT_COLUMNS,
        audit_rows(ctx, entries),
        q=ctx.q("q"),
        per_page=10**9,
        search=["who", "what", "object", "before", "after", "note"],
    )


# -- formatting for templates -----------------------------------------------------------


class Formatter:
    """Numbers the Vietnamese way (1.234; 75,5%), dates dd/mm/yyyy, times in Vietnam."""

    def __init__(self, lang: str):
        self.lang = lang

    def num(self, n: int | None) -> str:
        return "" if n is None else f"{n:,}".replace(",", ".")

    def pct(self, value: float | None) -> str:
        if value is None:
            return t("no_data", self.lang)
        return f"{value * 100:.1f}".replace(".", ",") + "%"

    def day(self, value: str | date | None) -> str:
        return fmt_day(value)

    def when(self, value: str | None) -> str:
        return local_time(value) if value else t("never", self.lang)

    def cell(self, kind: str, value: Any) -> str:
        if kind == "int":
            return self.num(value)
        if kind == "pct":
            return self.pct(value)
        if kind == "day":
            return self.day(value)
        if kind == "when":
            return self.when(value)
        if kind == "phone":
            return phone_text(value)
        return "" if value is None else str(value)
