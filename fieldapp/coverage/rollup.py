"""Trigger-maintained coverage roll-up tables, installed on the server only.

The device store does without (its triggers would slow every visit saved; a team's few
villages aggregate fast from the raw tables); :mod:`fieldapp.coverage.queries` reads
these tables where they exist and gives the same results from the raw tables elsewhere.

Coverage reads two narrow tables instead of joining visits to activities per household:

``coverage_days`` — one row per (village, household, local day, member) holding the counts
of that household's *effective* visits that day (``superseded_by IS NULL``) and of their
activities. Primary key ``(village_id, household_id, day, member_id)``, ``WITHOUT ROWID``,
so a village's rows are contiguous and already grouped by household: "distinct households
reached" is a sum over an in-order scan, with no join and no sort.

``coverage_village_days`` — the sums of the live ``coverage_days`` rows per (village, day),
maintained by triggers on ``coverage_days``: additive figures (visits, people, dossiers,
fees, …) of a whole province come from ~250 k rows instead of ~2 M.

``coverage_households`` — per live household, the first and last day of its effective
visits (any / reaching it / with a dossier), also kept by triggers on ``coverage_days``:
"distinct households" in a period read one row per household (see the table comment).

``coverage_followups`` — one row per live household whose latest effective visit (by
``visited_at``, then ``id``) has outcome ``follow_up`` with a ``follow_up_on`` date: the
member of that visit and the date. Follow-ups due on ``today`` are then a range count.

SQLite triggers on ``visits``, ``visit_activities`` and ``households`` keep both tables
exact inside the writer's own transaction, so no Python write path knows they exist.
Every trigger applies a *delta*: a visit contributes itself plus the activities that
exist at that moment; an activity contributes itself only while its visit exists and is
effective. Whatever the order of inserts and deletes, the totals stay equal to a fresh
computation (tests/coverage checks this against :func:`backfill`).

Deleted (tombstoned) households keep their ``coverage_days`` rows with ``live = 0``; they
count nowhere (not in ``coverage_village_days``, not in ``coverage_followups``).

This module is frozen once shipped: migrations call :func:`install_v1`. A change to the
roll-up needs a new function (``install_v2``) and a new server migration.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = [
    "ACTIVITY_COUNTS",
    "DAY_COUNTS",
    "SPANS",
    "VISIT_COLUMNS",
    "VISIT_COUNTS",
    "activity_delta",
    "backfill_sql",
    "followup_refresh",
    "household_refresh",
    "install_v1",
    "key_moved",
    "tables_and_fill_sql",
    "village_day_delta",
    "visit_changed",
    "visit_cleanup",
    "visit_delta",
]


class _Script(Protocol):
    def executescript(self, sql: str) -> Any: ...


# Per-visit counts: column → expression over a visit row ``{v}``.
VISIT_COUNTS: dict[str, str] = {
    "visits": "1",
    "reached": "CASE WHEN {v}.outcome <> 'nobody_home' THEN 1 ELSE 0 END",
    "declined": "CASE WHEN {v}.consent IN ('declined', 'withdrawn') THEN 1 ELSE 0 END",
    "people": "coalesce({v}.people_guided, 0)",
}
# Per-activity counts: column → 0/1 expression over an activity row ``{a}``.
_ACTIVITY_TESTS: dict[str, str] = {
    "dossiers": "{a}.kind = 'dossier_submitted'",
    "dossiers_full": "{a}.kind = 'dossier_submitted' AND {a}.level = 'full'",
    "fees_verified": "{a}.kind = 'fee_paid' AND {a}.payment_status = 'verified'",
    "fees_self_reported": "{a}.kind = 'fee_paid' AND {a}.payment_status = 'self_reported'",
    "fees_unknown": (
        "{a}.kind = 'fee_paid'"
        " AND coalesce({a}.payment_status, 'unknown') NOT IN ('verified', 'self_reported')"
    ),
    "vneid_level2": "{a}.kind = 'vneid_level2'",
    "payment_accounts": "{a}.kind = 'payment_account'",
    "digital_signatures": "{a}.kind = 'digital_signature'",
}
# Written as CASE (not a bare comparison, which SQLite reads as 0/1) so that the same
# expressions run on PostgreSQL, whose comparisons are booleans (postgres/rollup.py).
ACTIVITY_COUNTS: dict[str, str] = {
    c: f"CASE WHEN {test} THEN 1 ELSE 0 END" for c, test in _ACTIVITY_TESTS.items()
}
DAY_COUNTS: tuple[str, ...] = (*VISIT_COUNTS, *ACTIVITY_COUNTS)
_KEY = ("village_id", "household_id", "day", "member_id")
# 1 while the household of ``h`` is live (not tombstoned), else 0.
_LIVE = "CASE WHEN h.deleted = 0 THEN 1 ELSE 0 END"


def _upsert(select: str, table: str = "coverage_days", key: tuple[str, ...] = _KEY) -> str:
    """Add the counts ``select`` yields to their rows (creating rows as needed).

    For ``coverage_days`` the select also yields ``live`` (after the key), which a new
    row takes and an existing row keeps.
    """
    extra = ("live",) if table == "coverage_days" else ()
    cols = ", ".join((*key, *extra, *DAY_COUNTS))
    # Qualified: PostgreSQL would find a bare {c} ambiguous (the row or excluded).
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in DAY_COUNTS)
    return (
        f"INSERT INTO {table} ({cols}) {select}\n"
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {adds};"
    )


SPANS = """min(day), max(day),
    min(CASE WHEN reached > 0 THEN day END), max(CASE WHEN reached > 0 THEN day END),
    min(CASE WHEN dossiers > 0 THEN day END), max(CASE WHEN dossiers > 0 THEN day END)"""


def household_refresh(row: str, when: str = "1 = 1") -> str:
    """Recompute the spans of the household of a ``coverage_days`` row (NEW / OLD)."""
    return f"""
        DELETE FROM coverage_households
        WHERE village_id = {row}.village_id AND household_id = {row}.household_id
          AND {when};
        INSERT INTO coverage_households
        SELECT village_id, household_id, {SPANS} FROM coverage_days
        WHERE village_id = {row}.village_id AND household_id = {row}.household_id AND live <> 0
          AND {when}
        GROUP BY village_id, household_id;
    """


def village_day_delta(row: str, sign: str) -> str:
    """Carry a ``coverage_days`` row (NEW / OLD) into ``coverage_village_days``."""
    counts = ", ".join(f"{sign} * {row}.{c}" for c in DAY_COUNTS)
    return _upsert(
        f"SELECT {row}.village_id, {row}.day, {counts} WHERE {row}.live <> 0",
        "coverage_village_days",
        ("village_id", "day"),
    )


def _activity_sums(visit_id: str) -> str:
    sums = ", ".join(
        f"coalesce(sum({e.format(a='a')}), 0) AS {c}" for c, e in ACTIVITY_COUNTS.items()
    )
    return f"(SELECT {sums} FROM visit_activities a WHERE a.visit_id = {visit_id})"


def visit_delta(v: str, sign: str) -> str:
    """Visit ``v`` (NEW / OLD) and its current activities, if effective, times ``sign``."""
    counts = [f"{sign} * ({e.format(v=v)})" for e in VISIT_COUNTS.values()]
    counts += [f"{sign} * s.{c}" for c in ACTIVITY_COUNTS]
    return _upsert(
        f"SELECT h.village_id, {v}.household_id, substr({v}.visited_at, 1, 10),"
        f" {v}.member_id, {_LIVE}, {', '.join(counts)}\n"
        f"FROM households h, {_activity_sums(f'{v}.id')} s\n"
        f"WHERE h.id = {v}.household_id AND {v}.superseded_by IS NULL"
    )


def visit_cleanup(v: str) -> str:
    """Drop the row of visit ``v`` once no effective visit is left in it."""
    return (
        "DELETE FROM coverage_days"
        f" WHERE village_id = (SELECT village_id FROM households WHERE id = {v}.household_id)"
        f" AND household_id = {v}.household_id AND day = substr({v}.visited_at, 1, 10)"
        f" AND member_id = {v}.member_id AND visits <= 0;"
    )


def activity_delta(a: str, sign: str) -> str:
    """Activity ``a`` (NEW / OLD) times ``sign``, while its visit is effective."""
    counts = ["0"] * len(VISIT_COUNTS)
    counts += [f"{sign} * ({e.format(a=a)})" for e in ACTIVITY_COUNTS.values()]
    return _upsert(
        "SELECT h.village_id, v.household_id, substr(v.visited_at, 1, 10), v.member_id,"
        f" {_LIVE}, {', '.join(counts)}\n"
        "FROM visits v JOIN households h ON h.id = v.household_id\n"
        f"WHERE v.id = {a}.visit_id AND v.superseded_by IS NULL"
    )


def followup_refresh(household: str) -> str:
    """Recompute one household's follow-up row from its latest effective visit."""
    return f"""
        DELETE FROM coverage_followups WHERE household_id = {household};
        INSERT INTO coverage_followups (household_id, village_id, member_id, follow_up_on)
        SELECT h.id, h.village_id, l.member_id, l.follow_up_on
        FROM households h,
             (SELECT member_id, outcome, follow_up_on FROM visits
              WHERE household_id = {household} AND superseded_by IS NULL
              ORDER BY visited_at DESC, id DESC LIMIT 1) l
        WHERE h.id = {household} AND h.deleted = 0
          AND l.outcome = 'follow_up' AND l.follow_up_on IS NOT NULL;
    """


def backfill_sql(where: str = "1 = 1") -> str:
    """Counts of the effective visits matching ``where`` (over ``visits v``), as rows."""
    visit = ", ".join(f"sum({e.format(v='v')})" for e in VISIT_COUNTS.values())
    acts = ", ".join(f"coalesce(sum(a.{c}), 0)" for c in ACTIVITY_COUNTS)
    per_visit = ", ".join(f"sum({e.format(a='x')}) AS {c}" for c, e in ACTIVITY_COUNTS.items())
    return _upsert(
        f"SELECT h.village_id, v.household_id, substr(v.visited_at, 1, 10), v.member_id,"
        # max(): one household per group, so one value; PostgreSQL wants it aggregated.
        f" max({_LIVE}), {visit}, {acts}\n"
        "FROM visits v JOIN households h ON h.id = v.household_id\n"
        f"  LEFT JOIN (SELECT x.visit_id, {per_visit} FROM visit_activities x"
        "             GROUP BY x.visit_id) a ON a.visit_id = v.id\n"
        f"WHERE v.superseded_by IS NULL AND {where}\n"
        "GROUP BY 1, 2, 3, 4"
    )


def key_moved(differs: str = "IS NOT") -> str:
    """Whether a ``coverage_days`` row changed household (``differs``: SQLite's ``IS NOT``
    or PostgreSQL's ``IS DISTINCT FROM``)."""
    return (
        f"(OLD.village_id {differs} NEW.village_id OR OLD.household_id {differs} NEW.household_id)"
    )


# Visit columns the roll-up reads: an update of any of them is carried over.
VISIT_COLUMNS = (
    "superseded_by",
    "household_id",
    "member_id",
    "visited_at",
    "consent",
    "outcome",
    "people_guided",
    "follow_up_on",
)


def visit_changed(differs: str = "IS NOT") -> str:
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in VISIT_COLUMNS)


def tables_and_fill_sql(without_rowid: str = " WITHOUT ROWID") -> str:
    """The roll-up tables, filled from the existing rows (both backends; PostgreSQL
    passes ``without_rowid=""``)."""
    counts = ",\n".join(f"    {c} INTEGER NOT NULL DEFAULT 0" for c in DAY_COUNTS)
    sums = ", ".join(f"sum({c})" for c in DAY_COUNTS)
    return f"""
-- live = 0 while the household is tombstoned: its rows stay but count nowhere.
CREATE TABLE coverage_days (
    village_id TEXT NOT NULL,
    household_id TEXT NOT NULL,
    day TEXT NOT NULL,
    member_id TEXT NOT NULL,
    live INTEGER NOT NULL DEFAULT 1,
{counts},
    PRIMARY KEY (village_id, household_id, day, member_id)
){without_rowid};

-- Sums of the live coverage_days rows per village and day: the additive figures of a
-- province are read from ~250 k rows here instead of ~2 M there.
CREATE TABLE coverage_village_days (
    village_id TEXT NOT NULL,
    day TEXT NOT NULL,
{counts},
    PRIMARY KEY (village_id, day)
){without_rowid};

-- Per live household with visits: first and last day of any effective visit, of one
-- that reached it, of one with a dossier. A period that contains the first or the last
-- day (and overlaps the span) contains a visit; only a period strictly inside the span
-- needs to look at coverage_days. So "distinct households" cost one row per household.
CREATE TABLE coverage_households (
    village_id TEXT NOT NULL,
    household_id TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    first_reached TEXT,
    last_reached TEXT,
    first_dossier TEXT,
    last_dossier TEXT,
    PRIMARY KEY (village_id, household_id)
){without_rowid};

-- Live households only.
CREATE TABLE coverage_followups (
    household_id TEXT PRIMARY KEY,
    village_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    follow_up_on TEXT NOT NULL
){without_rowid};
CREATE INDEX coverage_followups_village ON coverage_followups
    (village_id, follow_up_on, member_id);

{backfill_sql()}

INSERT INTO coverage_village_days (village_id, day, {", ".join(DAY_COUNTS)})
SELECT village_id, day, {sums} FROM coverage_days WHERE live <> 0 GROUP BY village_id, day;

INSERT INTO coverage_households
SELECT village_id, household_id, {SPANS} FROM coverage_days WHERE live <> 0
GROUP BY village_id, household_id;

INSERT INTO coverage_followups (household_id, village_id, member_id, follow_up_on)
SELECT h.id, h.village_id, l.member_id, l.follow_up_on
FROM households h JOIN visits l ON l.id = (
    SELECT id FROM visits WHERE household_id = h.id AND superseded_by IS NULL
    ORDER BY visited_at DESC, id DESC LIMIT 1)
WHERE h.deleted = 0 AND l.outcome = 'follow_up' AND l.follow_up_on IS NOT NULL;
"""


def install_v1(db: _Script) -> None:
    """Create the roll-up tables, fill them from existing rows, then add the triggers."""
    db.executescript(
        tables_and_fill_sql()
        + f"""
CREATE TRIGGER coverage_days_insert AFTER INSERT ON coverage_days BEGIN
{village_day_delta("NEW", "1")}
{household_refresh("NEW")}
END;

CREATE TRIGGER coverage_days_delete AFTER DELETE ON coverage_days BEGIN
{village_day_delta("OLD", "-1")}
{household_refresh("OLD")}
END;

CREATE TRIGGER coverage_days_update AFTER UPDATE ON coverage_days BEGIN
{village_day_delta("OLD", "-1")}
{village_day_delta("NEW", "1")}
END;

-- Spans change only with the row's key, liveness, or whether it reached / had a dossier.
CREATE TRIGGER coverage_days_update_spans AFTER UPDATE ON coverage_days
WHEN OLD.village_id IS NOT NEW.village_id OR OLD.household_id IS NOT NEW.household_id
  OR OLD.day IS NOT NEW.day OR OLD.live IS NOT NEW.live
  OR (OLD.reached > 0) IS NOT (NEW.reached > 0) OR (OLD.dossiers > 0) IS NOT (NEW.dossiers > 0)
BEGIN
{household_refresh("OLD", key_moved())}
{household_refresh("NEW")}
END;

CREATE TRIGGER coverage_visit_insert AFTER INSERT ON visits
WHEN NEW.superseded_by IS NULL BEGIN
{visit_delta("NEW", "1")}
{followup_refresh("NEW.household_id")}
END;

CREATE TRIGGER coverage_visit_delete AFTER DELETE ON visits
WHEN OLD.superseded_by IS NULL BEGIN
{visit_delta("OLD", "-1")}
{visit_cleanup("OLD")}
{followup_refresh("OLD.household_id")}
END;

CREATE TRIGGER coverage_visit_update AFTER UPDATE OF superseded_by, household_id, member_id,
    visited_at, consent, outcome, people_guided, follow_up_on ON visits
WHEN (OLD.superseded_by IS NULL OR NEW.superseded_by IS NULL) AND ({visit_changed()}) BEGIN
{visit_delta("OLD", "-1")}
{visit_cleanup("OLD")}
{visit_delta("NEW", "1")}
{followup_refresh("OLD.household_id")}
{followup_refresh("NEW.household_id")}
END;

CREATE TRIGGER coverage_activity_insert AFTER INSERT ON visit_activities BEGIN
{activity_delta("NEW", "1")}
END;

CREATE TRIGGER coverage_activity_delete AFTER DELETE ON visit_activities BEGIN
{activity_delta("OLD", "-1")}
END;

CREATE TRIGGER coverage_activity_update AFTER UPDATE OF visit_id, kind, level, payment_status
    ON visit_activities BEGIN
{activity_delta("OLD", "-1")}
{activity_delta("NEW", "1")}
END;

-- A household row arriving after its visits (possible on a device) brings them in.
CREATE TRIGGER coverage_household_insert AFTER INSERT ON households BEGIN
{backfill_sql("v.household_id = NEW.id")}
{followup_refresh("NEW.id")}
END;

-- BEFORE: the coverage_days triggers still see the household while its rows go.
CREATE TRIGGER coverage_household_delete BEFORE DELETE ON households BEGIN
DELETE FROM coverage_days WHERE village_id = OLD.village_id AND household_id = OLD.id;
DELETE FROM coverage_followups WHERE household_id = OLD.id;
END;

-- A household that moves village takes its counts along.
CREATE TRIGGER coverage_household_move AFTER UPDATE OF village_id ON households
WHEN OLD.village_id IS NOT NEW.village_id BEGIN
UPDATE coverage_days SET village_id = NEW.village_id
    WHERE village_id = OLD.village_id AND household_id = OLD.id;
UPDATE coverage_followups SET village_id = NEW.village_id WHERE household_id = OLD.id;
END;

-- Tombstoning a household (or restoring it) takes its counts out (or back in).
CREATE TRIGGER coverage_household_deleted AFTER UPDATE OF deleted ON households
WHEN (OLD.deleted <> 0) IS NOT (NEW.deleted <> 0) BEGIN
UPDATE coverage_days SET live = NEW.deleted = 0
    WHERE village_id IN (OLD.village_id, NEW.village_id) AND household_id = NEW.id;
{followup_refresh("NEW.id")}
END;
"""
    )
