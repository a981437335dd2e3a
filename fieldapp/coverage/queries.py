"""Coverage by SQL aggregation over the tables the device store and the server share.

Only these columns are used, with the same names on both sides:
``households(id, village_id, deleted, head_name, address_detail, name_sort)``,
``visits(id, household_id, member_id, visited_at, consent, outcome, people_guided,
follow_up_on, superseded_by)``, ``visit_activities(visit_id, household_id, kind, level,
payment_status, procedure_code)``, ``villages(id, ward_code, name)``, ``members(id, name,
team_id)`` and a team → villages mapping (see :func:`team_villages`).

Two paths, same results: a database with the trigger-maintained roll-up
(:mod:`fieldapp.coverage.rollup`, installed on the server) is read from its tables; one
without it (a device store, which holds a team's few villages and must save visits fast)
is aggregated from the raw tables. :func:`has_rollup` decides, once per db object.

Period filter: a visit is in ``[start, end]`` when ``substr(visited_at, 1, 10)`` (its local
day) is in it. Because ISO text sorts lexicographically, that is written as the
index-friendly ``visited_at >= 'start' AND visited_at < 'end + 1 day'``, which selects
exactly the same rows.

``db`` is anything with ``execute(sql, params)`` returning a cursor: a ``sqlite3``
connection or a ``sqlite_utils.Database``.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any, Protocol

from fieldapp.coverage.results import (
    FOLLOW_THROUGH_FIELDS,
    Figures,
    GapPage,
    GapRow,
    IndicatorProgress,
    MemberActivity,
    Period,
    ProcedureCoverage,
    TeamCoverage,
    VillageCoverage,
    WeekPoint,
)
from fieldapp.coverage.rollup import ACTIVITY_COUNTS, VISIT_COUNTS
from fieldapp.domain.dossier import DOSSIER_COLUMNS, DossierState, dossier_record
from fieldapp.domain.model import Indicator
from fieldapp.reference import load_procedures
from fieldapp.text import sort_key

__all__ = [
    "Executor",
    "VisitLogRow",
    "gap_list",
    "has_rollup",
    "indicator_progress",
    "member_activity",
    "procedure_coverage",
    "team_coverage",
    "team_villages",
    "total",
    "village_coverage",
    "visit_log",
    "weekly_trend",
]


class Executor(Protocol):
    def execute(self, sql: str, parameters: Any = ...) -> Any: ...


# Group keys, as columns of the roll-up's ``coverage_days`` and of the raw rows
# (:func:`_raw_rows`), which have the same names.
_BY_VILLAGE = "village_id"
_BY_MEMBER = "member_id"
# Monday on or before the visit's local day.
_BY_WEEK = "date(day, '-6 days', 'weekday 1')"

# Effective visits of live households in the period, over ``visits v JOIN households h``.
_EFFECTIVE_IN_PERIOD = (
    "v.superseded_by IS NULL AND v.visited_at >= :start AND v.visited_at < :after AND h.deleted = 0"
)


def _scope(village_ids: Sequence[str] | None, column: str = "h.village_id") -> str:
    return "" if village_ids is None else f" AND {column} IN (SELECT value FROM json_each(:scope))"


def _params(
    period: Period | None, today: date | None, village_ids: Sequence[str] | None
) -> dict[str, Any]:
    p: dict[str, Any] = {}
    if period is not None:
        p["start"] = period.start.isoformat()
        p["end"] = period.end.isoformat()
        p["after"] = (period.end + timedelta(days=1)).isoformat()
    if today is not None:
        p["today"] = today.isoformat()
    if village_ids is not None:
        p["scope"] = json.dumps(list(village_ids))
    return p


_ROLLUP_TABLES = (
    "coverage_days",
    "coverage_village_days",
    "coverage_households",
    "coverage_followups",
)
# Keyed by the db object itself, so the answer lives as long as that object; objects
# that cannot be weakly referenced (a bare ``sqlite3.Connection``) are asked each time.
_ROLLUP_SEEN: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def has_rollup(db: Executor) -> bool:
    """Whether ``db`` has the roll-up tables (the server does, a device store does not).

    Looked up in ``sqlite_master`` (microseconds) and remembered per db object, so a
    ``sqlite_utils.Database`` (the device store's) is asked once. Install the roll-up
    before the first coverage call on a db object, as the server's migrations do.
    """
    try:
        return _ROLLUP_SEEN[db]
    except (KeyError, TypeError):
        pass
    names = ", ".join(f"'{t}'" for t in _ROLLUP_TABLES)
    found = db.execute(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
    ).fetchone()[0] == len(_ROLLUP_TABLES)
    with contextlib.suppress(TypeError):
        _ROLLUP_SEEN[db] = found
    return found


# Additive figures: column of the roll-up tables (and of the raw rows) → Figures field.
_SUMS: dict[str, str] = {
    "visits": "visits",
    "declined": "visits_declined",
    "people": "people_guided",
    "dossiers": "dossiers_online",
    "dossiers_full": "dossiers_full_online",
    "fees_verified": "fees_paid_verified",
    "fees_self_reported": "fees_paid_self_reported",
    "fees_unknown": "fees_paid_unknown",
    "vneid_level2": "vneid_level2",
    "payment_accounts": "payment_accounts",
    "digital_signatures": "digital_signatures",
}
# Per-household figures, from one row per household and group.
_DISTINCT: tuple[str, ...] = (
    "households_visited",
    "households_nobody_home",
    "dossier_households",
)
_FOLLOW_UPS: tuple[str, ...] = ("follow_ups_due", "follow_ups_overdue")


def _raw_rows(scope: str) -> str:
    """The raw tables as rows shaped like ``coverage_days`` (without ``live``).

    One row per effective visit of a live household in the period (its visit counts,
    activity counts 0) and one per activity of such a visit (visit counts 0): the same
    deltas the roll-up's triggers add, with the same expressions
    (:data:`~fieldapp.coverage.rollup.VISIT_COUNTS`, ``ACTIVITY_COUNTS``), so both paths
    give identical figures. Households drive the loop (``CROSS JOIN`` fixes the order):
    a scoped device store reads only its villages' visits.
    """
    key = (
        "SELECT h.village_id AS village_id, v.household_id AS household_id,"
        " substr(v.visited_at, 1, 10) AS day, v.member_id AS member_id"
    )
    visit = [f"{e.format(v='v')} AS {c}" for c, e in VISIT_COUNTS.items()]
    visit += [f"0 AS {c}" for c in ACTIVITY_COUNTS]
    activity = ["0"] * len(VISIT_COUNTS) + [e.format(a="a") for e in ACTIVITY_COUNTS.values()]
    source = "FROM households h CROSS JOIN visits v ON v.household_id = h.id"
    where = f"WHERE {_EFFECTIVE_IN_PERIOD}{scope}"
    return f"""
        {key}, {", ".join(visit)}
        {source} {where}
        UNION ALL
        {key}, {", ".join(activity)}
        {source} CROSS JOIN visit_activities a ON a.visit_id = v.id {where}"""


def _one_if(test: str) -> str:
    """1 where ``test`` holds, else 0 (SQLite reads a bare comparison as 0/1; PostgreSQL
    would not add booleans)."""
    return f"CASE WHEN {test} THEN 1 ELSE 0 END"


def _per_household(rows: str, group: str, sums: bool) -> tuple[str, tuple[str, ...]]:
    """Distinct-household figures (and, if ``sums``, the additive ones) per group key.

    ``rows`` (``coverage_days`` or :func:`_raw_rows`, with its WHERE) are grouped per
    household first, which turns "distinct households" into plain sums. Returns the
    query and the Figures fields of its columns after the key.
    """
    inner = ", ".join(f"sum({c}) AS {c}" for c in (_SUMS if sums else ("dossiers",)))
    outer = "".join(f", sum({c})" for c in _SUMS) if sums else ""
    sql = f"""
        SELECT k, sum({_one_if("r > 0")}), count(*) - sum({_one_if("r > 0")}),
               sum({_one_if("dossiers > 0")}){outer}
        FROM (
            SELECT {group} AS k, sum(reached) AS r, {inner}
            FROM {rows}
            GROUP BY k, household_id) AS per_household
        GROUP BY k
    """
    return sql, (*_DISTINCT, *(_SUMS.values() if sums else ()))


def _follow_ups(due: str) -> str:
    """Follow-ups due / overdue per key from ``due``, rows of (key ``k``, date ``due``)."""
    return f"""
        SELECT k, count(*), sum({_one_if("due < :today")}) FROM ({due}) AS dues
        WHERE due <= :today
        GROUP BY k
    """


def _in_period(first: str, last: str, detail: str) -> str:
    """1 if the household (a ``coverage_households h`` row) has a day in the period.

    Decided from its first/last day unless the period lies strictly inside that span;
    only then are its ``coverage_days`` rows (matching ``detail``) looked at.
    """
    return f"""CASE WHEN {first} IS NULL OR {first} > :end OR {last} < :start THEN 0
                    WHEN {first} >= :start OR {last} <= :end THEN 1
                    WHEN EXISTS (SELECT 1 FROM coverage_days d
                                 WHERE d.village_id = h.village_id
                                   AND d.household_id = h.household_id
                                   AND d.day >= :start AND d.day <= :end{detail}) THEN 1
                    ELSE 0 END"""


def _rollup_sql(group: str, village_ids: Sequence[str] | None) -> list[tuple[str, tuple[str, ...]]]:
    """Queries over the roll-up (:mod:`fieldapp.coverage.rollup`) and the names they give.

    "Distinct households" of villages read one ``coverage_households`` row per
    household; of members and weeks, ``coverage_days`` grouped per household (its key
    starts ``(village_id, household_id)``). Additive figures of villages and weeks come
    from the much smaller ``coverage_village_days``.
    """
    scope = _scope(village_ids, "village_id")
    where = f"day >= :start AND day <= :end{scope}"
    days = f"coverage_days WHERE live <> 0 AND {where}"
    if group == _BY_MEMBER:
        return [_per_household(days, group, sums=True)]
    if group == _BY_VILLAGE:
        distinct = f"""
            SELECT k, r, n - r, d FROM (
                SELECT village_id AS k,
                       sum({_in_period("first_reached", "last_reached", " AND d.reached > 0")})
                           AS r,
                       sum({_in_period("first_day", "last_day", "")}) AS n,
                       sum({_in_period("first_dossier", "last_dossier", " AND d.dossiers > 0")})
                           AS d
                FROM coverage_households h
                WHERE first_day <= :end AND last_day >= :start{scope}
                GROUP BY village_id) AS per_village
        """
    else:
        distinct, _ = _per_household(days, group, sums=False)
    additive = f"""
        SELECT {group}, {", ".join(f"sum({c})" for c in _SUMS)}
        FROM coverage_village_days WHERE {where}
        GROUP BY {group}
    """
    return [(distinct, _DISTINCT), (additive, tuple(_SUMS.values()))]


# Dossiers followed to their outcome (Figures field → condition on a ``dossiers d`` row).
# The server keeps them in its ``dossiers`` table (fieldapp.server.dossiers); a phone
# passes the dossiers it derives, as JSON rows of the same columns, so one SQL serves
# both. Villages and members take ``dossiers_online``/``…_full_online`` from the
# activities as before; per procedure they come from here (the same dossiers).
_DOSSIER_COUNTS: dict[str, str] = {
    "dossiers_online": "1 = 1",
    "dossiers_full_online": "d.level = 'full'",
    "results_received": "d.status = 'result_received'",
    "dossiers_refused": "d.status = 'refused'",
    "dossiers_needs_papers": "d.status = 'needs_papers'",
    "dossiers_waiting": "d.status IN ('submitted', 'processing', 'needs_papers')",
    "dossiers_overdue": (
        "d.status IN ('submitted', 'processing') AND d.late_from IS NOT NULL"
        " AND d.late_from <= :today"
    ),
    "fees_awaiting": "d.fee_status = 'awaiting_payment'",
    "dossier_fees_paid_online": "d.fee_status = 'paid_online'",
    "dossier_fees_verified": "d.fee_status = 'paid_online' AND d.payment_status = 'verified'",
}
_DOSSIER_TABLE_SEEN: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _has_dossier_table(db: Executor) -> bool:
    """Whether ``db`` keeps derived dossiers (the server); remembered per db object."""
    try:
        return _DOSSIER_TABLE_SEEN[db]
    except (KeyError, TypeError):
        pass
    found = bool(
        db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'dossiers'"
        ).fetchone()[0]
    )
    with contextlib.suppress(TypeError):
        _DOSSIER_TABLE_SEEN[db] = found
    return found


def _dossier_source(db: Executor, dossiers: Sequence[DossierState] | None) -> tuple[str, str]:
    """(relation, JSON parameter) of the dossiers to count: the server's table, or the
    phone's own derived dossiers as rows of ``json_each`` (SQLite's; a phone's store)."""
    if _has_dossier_table(db):
        return "dossiers", "[]"
    procedures = load_procedures()
    rows = [dossier_record(state, procedures) for state in dossiers or ()]
    cols = ", ".join(f"json_extract(value, '$.{c}') AS {c}" for c in DOSSIER_COLUMNS)
    return f"(SELECT {cols} FROM json_each(:dossier_rows))", json.dumps(rows)


def _dossier_sql(relation: str, key: str, names: Sequence[str], scope: str) -> str:
    sums = ", ".join(f"sum({_one_if(_DOSSIER_COUNTS[n])})" for n in names)
    return f"""
        SELECT {key} AS k, {sums}
        FROM {relation} d JOIN households h ON h.id = d.household_id
        WHERE h.deleted = 0 AND d.submitted_at >= :start AND d.submitted_at < :after{scope}
        GROUP BY {key}
    """


def _latest(column: str) -> str:
    """Scalar subquery: ``column`` of household ``h``'s latest effective visit.

    Latest = ``visited_at`` then ``id``, the order the device store uses for its
    household summary (and the roll-up for ``coverage_followups``).
    """
    return f"""(SELECT {column} FROM visits l
                WHERE l.household_id = h.id AND l.superseded_by IS NULL
                ORDER BY l.visited_at DESC, l.id DESC LIMIT 1)"""


def _aggregate(
    db: Executor,
    group: str,
    period: Period,
    today: date | None,
    village_ids: Sequence[str] | None,
    dossiers: Sequence[DossierState] | None = None,
) -> dict[Any, dict[str, int]]:
    """Visit, activity and (if ``today``) follow-up and dossier counts per group key.

    ``dossiers``: a phone's derived dossiers (the server reads its own table instead).

    From the roll-up when ``db`` has it (:func:`has_rollup`: the server), otherwise
    from the raw tables (a device store: a team's few villages, where the raw tables
    are fast enough and the roll-up's triggers would slow every visit saved).
    """
    params = _params(period, today, village_ids)
    rollup = has_rollup(db)
    if rollup:
        queries = _rollup_sql(group, village_ids)
    else:
        rows = f"({_raw_rows(_scope(village_ids))}) AS raw"
        queries = [_per_household(rows, group, sums=True)]
    if today is not None and group != _BY_WEEK:
        if rollup:
            due = (
                f"SELECT {group} AS k, follow_up_on AS due FROM coverage_followups"
                f" WHERE 1 = 1{_scope(village_ids, 'village_id')}"
            )
        else:
            key = "h.village_id" if group == _BY_VILLAGE else _latest("l.member_id")
            date_ = _latest("CASE WHEN l.outcome = 'follow_up' THEN l.follow_up_on END")
            # LIMIT keeps SQLite from flattening this subquery, which would evaluate the
            # correlated subquery twice (in WHERE and in SELECT).
            due = (
                f"SELECT {key} AS k, {date_} AS due FROM households h"
                f" WHERE h.deleted = 0{_scope(village_ids)} LIMIT -1"
            )
        queries.append((_follow_ups(due), _FOLLOW_UPS))
        relation, params["dossier_rows"] = _dossier_source(db, dossiers)
        key = "h.village_id" if group == _BY_VILLAGE else "d.member_id"
        names = FOLLOW_THROUGH_FIELDS
        queries.append((_dossier_sql(relation, key, names, _scope(village_ids)), names))

    out: dict[Any, dict[str, int]] = {}
    for sql, names in queries:
        for k, *values in db.execute(sql, params).fetchall():
            out.setdefault(k, {}).update(
                {n: int(v or 0) for n, v in zip(names, values, strict=True)}
            )
    return out


def _figures(values: dict[str, int] | None, households_total: int = 0) -> Figures:
    return Figures(households_total=households_total, **(values or {}))


def indicator_progress(
    figures: Figures, indicators: Sequence[Indicator]
) -> tuple[IndicatorProgress, ...]:
    """Campaign indicators measured on ``figures``; unknown metrics give "no data"."""
    rows = []
    for ind in indicators:
        parts = figures.ratio_parts(ind.metric) or (0, 0)
        verified = (
            figures.share("fee_paid_verified_share") if ind.metric == "fee_paid_share" else None
        )
        rows.append(
            IndicatorProgress(
                key=ind.key,
                name_vi=ind.name_vi,
                name_en=ind.name_en,
                metric=ind.metric,
                target=ind.target,
                value=figures.share(ind.metric),
                numerator=parts[0],
                denominator=parts[1],
                value_verified=verified,
            )
        )
    return tuple(rows)


def total(groups: Sequence[VillageCoverage] | Sequence[TeamCoverage]) -> Figures:
    """Sum of village (or team) figures; exact because a household has one village."""
    out = Figures()
    for g in groups:
        out = out + g.figures
    return out


def _columns(db: Executor, table: str) -> set[str]:
    # pragma_table_info: SQLite's table-valued pragma (PostgreSQL has a function of that
    # name, see fieldapp/server/postgres/schema.py).
    return {r[0] for r in db.execute("SELECT name FROM pragma_table_info(?)", [table]).fetchall()}


def team_villages(db: Executor) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """team id → (name, ward code, village ids).

    The device keeps ``teams.village_ids`` as a JSON list; a server may instead have a
    ``team_villages(team_id, village_id)`` table or ``villages.team_id``. All three work.
    """
    team_cols = _columns(db, "teams")
    if not team_cols:
        return {}
    teams = {
        r[0]: (r[1] or r[0], r[2] or "", list[str]())
        for r in db.execute("SELECT id, name, ward_code FROM teams").fetchall()
    }
    if "village_ids" in team_cols:
        for team_id, ids in db.execute("SELECT id, village_ids FROM teams").fetchall():
            teams[team_id][2].extend(json.loads(ids or "[]"))
    elif _columns(db, "team_villages"):
        for team_id, village_id in db.execute(
            "SELECT team_id, village_id FROM team_villages"
        ).fetchall():
            if team_id in teams:
                teams[team_id][2].append(village_id)
    elif "team_id" in _columns(db, "villages"):
        for village_id, team_id in db.execute(
            "SELECT id, team_id FROM villages WHERE team_id IS NOT NULL"
        ).fetchall():
            if team_id in teams:
                teams[team_id][2].append(village_id)
    return {k: (name, ward, tuple(ids)) for k, (name, ward, ids) in teams.items()}


def village_coverage(
    db: Executor,
    period: Period,
    today: date,
    *,
    village_ids: Sequence[str] | None = None,
    indicators: Sequence[Indicator] = (),
    dossiers: Sequence[DossierState] | None = None,
) -> list[VillageCoverage]:
    """One row per village in scope (all villages if ``village_ids`` is None), in
    Vietnamese order; villages with no households are included with zeros."""
    params = _params(None, None, village_ids)
    villages = db.execute(
        f"SELECT id, name, ward_code FROM villages WHERE 1 = 1{_scope(village_ids, 'id')}",
        params,
    ).fetchall()
    totals = dict(
        db.execute(
            "SELECT village_id, count(*) FROM households h WHERE h.deleted = 0"
            f"{_scope(village_ids)} GROUP BY village_id",
            params,
        ).fetchall()
    )
    agg = _aggregate(db, _BY_VILLAGE, period, today, village_ids, dossiers)
    team_of = {vid: team_id for team_id, (_, _, vids) in team_villages(db).items() for vid in vids}
    rows = []
    for vid, name, ward in sorted(villages, key=lambda r: (sort_key(r[1]), r[0])):
        figures = _figures(agg.get(vid), totals.get(vid, 0))
        rows.append(
            VillageCoverage(
                village_id=vid,
                village_name=name,
                ward_code=ward,
                team_id=team_of.get(vid),
                figures=figures,
                indicators=indicator_progress(figures, indicators),
            )
        )
    return rows


def team_coverage(
    villages: Sequence[VillageCoverage],
    db: Executor,
    *,
    indicators: Sequence[Indicator] = (),
) -> list[TeamCoverage]:
    """Teams as sums of their villages' rows (villages without a team grouped last)."""
    teams = team_villages(db)
    by_team: dict[str | None, list[VillageCoverage]] = {}
    for v in villages:
        by_team.setdefault(v.team_id, []).append(v)
    rows = []
    for team_id, members in by_team.items():
        name, ward, _ = teams.get(team_id or "", ("", members[0].ward_code, ()))
        figures = total(members)
        rows.append(
            TeamCoverage(
                team_id=team_id,
                team_name=name or "Chưa có tổ (no team)",
                ward_code=ward,
                village_ids=tuple(v.village_id for v in members),
                figures=figures,
                indicators=indicator_progress(figures, indicators),
            )
        )
    rows.sort(key=lambda t: (t.team_id is None, sort_key(t.team_name), t.team_id or ""))
    return rows


# A visit author the database has no name for (shared wording: exports use it too).
UNKNOWN_NAME = "Chưa rõ tên"


def member_activity(
    db: Executor,
    period: Period,
    today: date,
    *,
    village_ids: Sequence[str] | None = None,
    team_ids: Sequence[str] | None = None,
    dossiers: Sequence[DossierState] | None = None,
) -> list[MemberActivity]:
    """Per member: visits in scope villages in the period. Members of ``team_ids`` with no
    visits are listed too (with zeros), so a leader sees who has not been out; a member
    who visited but is in none of ``team_ids`` now is marked ``left_team``. Names come
    from the ``members`` table (on a phone: the server's list, refetched when visits by
    someone unknown arrive); a name still missing reads "Chưa rõ tên", never a raw id."""
    agg = _aggregate(db, _BY_MEMBER, period, today, village_ids, dossiers)
    known = {
        r[0]: (r[1], r[2]) for r in db.execute("SELECT id, name, team_id FROM members").fetchall()
    }
    ids = set(agg)
    wanted = set(team_ids) if team_ids is not None else None
    if wanted is not None:
        ids |= {mid for mid, (_, team) in known.items() if team in wanted}
    rows = [
        MemberActivity(
            member_id=mid,
            member_name=(known[mid][0] if mid in known else "") or f"{UNKNOWN_NAME} · {mid[:8]}",
            team_id=known[mid][1] if mid in known else None,
            figures=_figures(agg.get(mid)),
            left_team=wanted is not None and mid in known and known[mid][1] not in wanted,
        )
        for mid in ids
    ]
    rows.sort(key=lambda m: (sort_key(m.member_name), m.member_id))
    return rows


def procedure_coverage(
    db: Executor,
    period: Period,
    today: date,
    *,
    village_ids: Sequence[str] | None = None,
    indicators: Sequence[Indicator] = (),
    dossiers: Sequence[DossierState] | None = None,
) -> list[ProcedureCoverage]:
    """Per procedure: the dossiers submitted in the period and how they went on, in
    catalogue order; procedures without a dossier in scope are left out. A code no
    longer in the catalogue keeps its row, named by its code."""
    relation, rows_json = _dossier_source(db, dossiers)
    params = {**_params(period, today, village_ids), "dossier_rows": rows_json}
    names = tuple(_DOSSIER_COUNTS)
    sql = _dossier_sql(relation, "d.procedure_code", names, _scope(village_ids))
    found = {
        code: Figures(**{n: int(v or 0) for n, v in zip(names, values, strict=True)})
        for code, *values in db.execute(sql, params).fetchall()
    }
    catalogue = load_procedures()
    order = {code: i for i, code in enumerate(catalogue)}
    out = []
    for code in sorted(found, key=lambda c: (order.get(c, len(order)), c)):
        proc = catalogue.get(code)
        figures = found[code]
        out.append(
            ProcedureCoverage(
                procedure_code=code,
                name_vi=proc.name_vi if proc else code,
                name_en=proc.name_en if proc else code,
                processing_days=proc.processing_days if proc else None,
                figures=figures,
                indicators=indicator_progress(figures, indicators),
            )
        )
    return out


def weekly_trend(
    db: Executor, period: Period, *, village_ids: Sequence[str] | None = None
) -> list[WeekPoint]:
    """Activity per ISO week (Monday start) across the period, empty weeks included."""
    agg = _aggregate(db, _BY_WEEK, period, None, village_ids)
    week = period.start - timedelta(days=period.start.weekday())
    points = []
    while week <= period.end:
        points.append(WeekPoint(week, _figures(agg.get(week.isoformat()))))
        week += timedelta(days=7)
    return points


def gap_list(
    db: Executor,
    village_id: str,
    today: date,
    *,
    since: date | None = None,
    limit: int = 50,
    after: tuple[str, str] | None = None,
) -> GapPage:
    """Households of one village to visit next, in Vietnamese order, paged by keyset.

    On the list: households not reached (no effective visit other than "nobody home")
    since ``since`` (ever, if None), and households whose latest effective visit has a
    follow-up date on or before ``today``. Paging by ``(name_sort, id)`` so page N costs
    what page 1 does.
    """
    params: dict[str, Any] = {
        "village": village_id,
        "today": today.isoformat(),
        "since": since.isoformat() if since else "",
        "limit": limit + 1,
        "after_sort": after[0] if after else "",
        "after_id": after[1] if after else "",
    }
    sql = """
        WITH hh AS (
            SELECT h.id, h.village_id, h.head_name, h.address_detail, h.name_sort,
                   EXISTS (SELECT 1 FROM visits v
                           WHERE v.household_id = h.id AND v.superseded_by IS NULL
                             AND v.outcome <> 'nobody_home' AND v.visited_at >= :since)
                       AS reached,
                   (SELECT v.id FROM visits v
                    WHERE v.household_id = h.id AND v.superseded_by IS NULL
                    ORDER BY v.visited_at DESC, v.id DESC LIMIT 1) AS last_id
            FROM households h
            WHERE h.village_id = :village AND h.deleted = 0
              AND (h.name_sort, h.id) > (:after_sort, :after_id)
        )
        SELECT hh.id, hh.village_id, hh.head_name, hh.address_detail, hh.name_sort,
               hh.reached, lv.visited_at, lv.outcome, lv.follow_up_on
        FROM hh LEFT JOIN visits lv ON lv.id = hh.last_id
        WHERE NOT hh.reached OR (lv.outcome = 'follow_up' AND lv.follow_up_on <= :today)
        ORDER BY hh.name_sort, hh.id
        LIMIT :limit
    """
    rows = db.execute(sql, params).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    items = []
    for hid, vid, name, address, _, reached, last_at, outcome, follow in rows:
        if outcome == "follow_up" and follow and follow <= params["today"]:
            reason = "follow_up_overdue" if follow < params["today"] else "follow_up_due"
        elif not reached and last_at and (not since or last_at >= params["since"]):
            reason = "nobody_home"
        else:
            reason = "not_visited"
        items.append(
            GapRow(
                household_id=hid,
                village_id=vid,
                head_name=name or "",
                address_detail=address or "",
                reason=reason,
                last_visit_at=last_at,
                follow_up_on=follow if outcome == "follow_up" else None,
            )
        )
    next_after = (rows[-1][4], rows[-1][0]) if more and rows else None
    return GapPage(tuple(items), next_after)


@dataclass(frozen=True)
class VisitLogRow:
    """One effective visit for the visit-log export.

    ``household_name`` is blank when the visit records declined or withdrawn consent:
    such a visit is counted but carries no personal data. Notes are never exported.
    """

    visit_id: str
    visited_at: str
    village_id: str
    village_name: str
    household_id: str
    household_name: str
    member_id: str
    member_name: str
    consent: str | None
    outcome: str
    people_guided: int
    # (kind, procedure_code, level, payment_status) per activity.
    activities: tuple[tuple[str, str | None, str | None, str | None], ...]
    follow_up_on: str | None


def visit_log(
    db: Executor, period: Period, *, village_ids: Sequence[str] | None = None
) -> Iterator[VisitLogRow]:
    """Effective visits in the period and scope, oldest first, streamed (not a list)."""
    params = _params(period, None, village_ids)
    sql = f"""
        SELECT v.id, v.visited_at, h.village_id, coalesce(vl.name, h.village_id), h.id,
               CASE WHEN v.consent IN ('declined', 'withdrawn') THEN ''
                    ELSE coalesce(nullif(h.head_name, ''), h.address_detail, '') END,
               v.member_id, coalesce(m.name, v.member_id), v.consent, v.outcome,
               v.people_guided, v.follow_up_on,
               (SELECT group_concat(a.kind || '|' || coalesce(a.procedure_code, '') || '|'
                                    || coalesce(a.level, '') || '|'
                                    || coalesce(a.payment_status, ''), ';')
                FROM visit_activities a WHERE a.visit_id = v.id)
        FROM visits v JOIN households h ON h.id = v.household_id
             LEFT JOIN villages vl ON vl.id = h.village_id
             LEFT JOIN members m ON m.id = v.member_id
        WHERE {_EFFECTIVE_IN_PERIOD}{_scope(village_ids)}
        ORDER BY v.visited_at, v.id
    """
    cursor = db.execute(sql, params)
    while batch := cursor.fetchmany(1000):
        for r in batch:
            acts = tuple(
                tuple(part or None for part in item.split("|"))  # type: ignore[misc]
                for item in (r[12] or "").split(";")
                if item
            )
            yield VisitLogRow(
                visit_id=r[0],
                visited_at=r[1],
                village_id=r[2],
                village_name=r[3],
                household_id=r[4],
                household_name=r[5] or "",
                member_id=r[6],
                member_name=r[7],
                consent=r[8],
                outcome=r[9],
                people_guided=r[10] or 0,
                follow_up_on=r[11],
                activities=acts,  # type: ignore[arg-type]
            )


# Keep the field list of Figures importable for exports and the API.
FIGURE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Figures))
