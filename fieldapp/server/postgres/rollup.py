"""The coverage roll-up on PostgreSQL: the tables of :mod:`fieldapp.coverage.rollup`,
kept exact on write by PL/pgSQL triggers built from the same SQL pieces.

Every trigger body below is the one SQLite runs (the same delta and refresh
statements); only the trigger syntax differs: PostgreSQL runs a function per row, and
compares with ``IS DISTINCT FROM`` where SQLite writes ``IS NOT``. Row triggers fire
after each statement here (SQLite: after each row); the statements the server runs
change one row each or, where they change several, the bodies recompute from the tables
(refresh) or add commutative deltas, so the totals are the same
(tests/coverage/test_coverage_postgres.py compares them with a fresh computation).
"""

from __future__ import annotations

from fieldapp.coverage.rollup import (
    VISIT_COLUMNS,
    activity_delta,
    backfill_sql,
    followup_refresh,
    household_refresh,
    key_moved,
    tables_and_fill_sql,
    village_day_delta,
    visit_changed,
    visit_cleanup,
    visit_delta,
)

__all__ = ["install_v1_sql"]

_DIFFERS = "IS DISTINCT FROM"


def _trigger(name: str, timing: str, table: str, when: str | None, body: str) -> str:
    returns = "OLD" if timing.startswith("BEFORE DELETE") else "NULL"
    condition = f"\n    WHEN ({when})" if when else ""
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
{body}
RETURN {returns};
END
$fn$;
CREATE TRIGGER {name} {timing} ON {table}
    FOR EACH ROW{condition} EXECUTE FUNCTION {name}();
"""


def install_v1_sql() -> str:
    """Tables, back-fill and triggers (one script, run inside a migration)."""
    spans_changed = (
        f"OLD.village_id {_DIFFERS} NEW.village_id OR OLD.household_id {_DIFFERS}"
        f" NEW.household_id OR OLD.day {_DIFFERS} NEW.day OR OLD.live {_DIFFERS} NEW.live"
        f" OR (OLD.reached > 0) {_DIFFERS} (NEW.reached > 0)"
        f" OR (OLD.dossiers > 0) {_DIFFERS} (NEW.dossiers > 0)"
    )
    visit_cols = ", ".join(VISIT_COLUMNS)
    script = tables_and_fill_sql(without_rowid="")
    script += _trigger(
        "coverage_days_insert",
        "AFTER INSERT",
        "coverage_days",
        None,
        village_day_delta("NEW", "1") + household_refresh("NEW"),
    )
    script += _trigger(
        "coverage_days_delete",
        "AFTER DELETE",
        "coverage_days",
        None,
        village_day_delta("OLD", "-1") + household_refresh("OLD"),
    )
    script += _trigger(
        "coverage_days_update",
        "AFTER UPDATE",
        "coverage_days",
        None,
        village_day_delta("OLD", "-1") + village_day_delta("NEW", "1"),
    )
    script += _trigger(
        "coverage_days_update_spans",
        "AFTER UPDATE",
        "coverage_days",
        spans_changed,
        household_refresh("OLD", key_moved(_DIFFERS)) + household_refresh("NEW"),
    )
    script += _trigger(
        "coverage_visit_insert",
        "AFTER INSERT",
        "visits",
        "NEW.superseded_by IS NULL",
        visit_delta("NEW", "1") + followup_refresh("NEW.household_id"),
    )
    script += _trigger(
        "coverage_visit_delete",
        "AFTER DELETE",
        "visits",
        "OLD.superseded_by IS NULL",
        visit_delta("OLD", "-1") + visit_cleanup("OLD") + followup_refresh("OLD.household_id"),
    )
    script += _trigger(
        "coverage_visit_update",
        f"AFTER UPDATE OF {visit_cols}",
        "visits",
        f"(OLD.superseded_by IS NULL OR NEW.superseded_by IS NULL) AND ({visit_changed(_DIFFERS)})",
        visit_delta("OLD", "-1")
        + visit_cleanup("OLD")
        + visit_delta("NEW", "1")
        + followup_refresh("OLD.household_id")
        + followup_refresh("NEW.household_id"),
    )
    script += _trigger(
        "coverage_activity_insert",
        "AFTER INSERT",
        "visit_activities",
        None,
        activity_delta("NEW", "1"),
    )
    script += _trigger(
        "coverage_activity_delete",
        "AFTER DELETE",
        "visit_activities",
        None,
        activity_delta("OLD", "-1"),
    )
    script += _trigger(
        "coverage_activity_update",
        "AFTER UPDATE OF visit_id, kind, level, payment_status",
        "visit_activities",
        None,
        activity_delta("OLD", "-1") + activity_delta("NEW", "1"),
    )
    script += _trigger(
        "coverage_household_insert",
        "AFTER INSERT",
        "households",
        None,
        backfill_sql("v.household_id = NEW.id") + followup_refresh("NEW.id"),
    )
    script += _trigger(
        "coverage_household_delete",
        "BEFORE DELETE",
        "households",
        None,
        "DELETE FROM coverage_days WHERE village_id = OLD.village_id AND household_id = OLD.id;\n"
        "DELETE FROM coverage_followups WHERE household_id = OLD.id;",
    )
    script += _trigger(
        "coverage_household_move",
        "AFTER UPDATE OF village_id",
        "households",
        f"OLD.village_id {_DIFFERS} NEW.village_id",
        "UPDATE coverage_days SET village_id = NEW.village_id\n"
        "    WHERE village_id = OLD.village_id AND household_id = OLD.id;\n"
        "UPDATE coverage_followups SET village_id = NEW.village_id WHERE household_id = OLD.id;",
    )
    script += _trigger(
        "coverage_household_deleted",
        "AFTER UPDATE OF deleted",
        "households",
        f"(OLD.deleted <> 0) {_DIFFERS} (NEW.deleted <> 0)",
        "UPDATE coverage_days SET live = CASE WHEN NEW.deleted = 0 THEN 1 ELSE 0 END\n"
        "    WHERE village_id IN (OLD.village_id, NEW.village_id) AND household_id = NEW.id;\n"
        + followup_refresh("NEW.id"),
    )
    return script
