"""The PostgreSQL schema: the SQLite migrations m001–m012 (:mod:`fieldapp.server.schema`)
with the same names, tables and meanings, in PostgreSQL's dialect.

The runner is as small as sqlite-utils' ``Migrations``: an ordered list of named steps,
each applied in its own transaction and recorded in ``_fieldapp_migrations``. A
transaction-level advisory lock makes processes that start together (``serve --workers
N``, several servers) apply each step once; the others wait and then skip it.
Append only: a change is a new step, never an edit of one that shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fieldapp import records
from fieldapp.server.dossiers import DOSSIERS, refresh_all
from fieldapp.server.postgres.connection import PgConn, escape_nul
from fieldapp.server.postgres.rollup import install_v1_sql
from fieldapp.server.schema import (
    AUDIT_LOG,
    CHANGES_BY_VILLAGE,
    CONSOLE_SESSIONS,
    COVERAGE_INDEXES,
    IMPORT_BATCHES,
    IMPORT_DRAFTS,
    VISITS,
    initial_meta,
    record_tables_sql,
)
from fieldapp.sort_keys import refresh_sort_keys

__all__ = ["MIGRATIONS", "applied", "apply"]

Step = Callable[[PgConn], None]
MIGRATIONS: list[tuple[str, Step]] = []
# Any constant shared by every process of this project: the key of the migration lock.
_LOCK_KEY = 0x6669656C64617070  # "fieldapp"


def _migration(fn: Step) -> Step:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def applied(conn: PgConn) -> list[str]:
    rows = conn.execute("SELECT name FROM _fieldapp_migrations ORDER BY applied_at, name")
    return [r[0] for r in rows]


def apply(conn: PgConn) -> None:
    """Apply the steps not yet recorded, each in its own transaction (``conn`` is in
    autocommit mode between them)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _fieldapp_migrations"
        " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    for name, step in MIGRATIONS:
        with conn.raw.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(?)", [_LOCK_KEY])
            done = conn.execute(
                "SELECT 1 FROM _fieldapp_migrations WHERE name = ?", [name]
            ).fetchone()
            if done:
                continue
            step(conn)
            conn.execute(
                "INSERT INTO _fieldapp_migrations (name, applied_at) VALUES (?, ?)",
                [name, datetime.now(UTC).isoformat(timespec="milliseconds")],
            )


def _script(conn: PgConn, sql: str) -> None:
    # Multi-statement text without parameters: sent as is (no placeholder translation).
    conn.raw.execute(sql.encode())


# SQLite functions the shared coverage SQL uses (fieldapp/coverage/queries.py), with
# SQLite's meaning, so that its text runs unchanged here.
_SQLITE_FUNCTIONS = """
-- Which tables exist (queries.has_rollup). From pg_catalog, not information_schema:
-- that is tens of milliseconds per call on a fresh connection.
CREATE VIEW sqlite_master AS
    SELECT 'table'::text AS type, c.relname::text AS name FROM pg_catalog.pg_class c
    WHERE c.relkind IN ('r', 'p') AND c.relnamespace = to_regnamespace(current_schema());
-- A table's columns (queries.team_villages).
CREATE FUNCTION pragma_table_info(tbl text) RETURNS TABLE (name text) LANGUAGE sql STABLE AS $$
    SELECT a.attname::text FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = to_regclass(tbl) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum
$$;
-- The elements of a JSON array of strings, as rows of ``value`` (a village scope).
CREATE FUNCTION json_each(doc text) RETURNS TABLE (value text) LANGUAGE sql IMMUTABLE AS $$
    SELECT json_array_elements_text(doc::json)
$$;
-- date(day, '±N days' | 'weekday N', …) on ISO day text, as SQLite computes it.
CREATE FUNCTION date(day text, VARIADIC modifiers text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    d date := day::date;
    m text;
BEGIN
    FOREACH m IN ARRAY modifiers LOOP
        IF m ~ '^[+-]?[0-9]+ days?$' THEN
            d := d + split_part(m, ' ', 1)::int;
        ELSIF m ~ '^weekday [0-6]$' THEN
            d := d + ((split_part(m, ' ', 2)::int - extract(dow FROM d)::int + 7) % 7);
        ELSE
            RAISE EXCEPTION 'date modifier not supported: %', m;
        END IF;
    END LOOP;
    RETURN to_char(d, 'YYYY-MM-DD');
END
$$;
-- group_concat(text, separator): string_agg under SQLite's name.
CREATE AGGREGATE group_concat(text, text) (SFUNC = pg_catalog.string_agg_transfn,
    STYPE = internal, FINALFUNC = pg_catalog.string_agg_finalfn);
"""


@_migration
def m001_initial(conn: PgConn) -> None:
    _script(
        conn,
        """
        CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE wards (code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
                            province_code TEXT NOT NULL);
        CREATE TABLE villages (id TEXT PRIMARY KEY, ward_code TEXT NOT NULL,
                               name TEXT NOT NULL, kind TEXT NOT NULL,
                               name_sort TEXT NOT NULL COLLATE "C");
        CREATE INDEX villages_ward ON villages (ward_code);
        CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, ward_code TEXT NOT NULL);
        CREATE TABLE team_villages (team_id TEXT NOT NULL REFERENCES teams(id),
                                    village_id TEXT NOT NULL REFERENCES villages(id),
                                    PRIMARY KEY (team_id, village_id));
        CREATE INDEX team_villages_village ON team_villages (village_id);
        CREATE TABLE members (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                              team_id TEXT REFERENCES teams(id), phone TEXT,
                              ward_code TEXT, created_at TEXT NOT NULL);
        CREATE TABLE enrol_codes (code_hash TEXT PRIMARY KEY,
                                  member_id TEXT NOT NULL REFERENCES members(id),
                                  issued_by TEXT, created_at TEXT NOT NULL,
                                  expires_at TEXT NOT NULL, used_at TEXT, used_by_device TEXT);
        CREATE TABLE devices (id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members(id),
                              hwm BIGINT NOT NULL DEFAULT 0, enrolled_at TEXT NOT NULL,
                              last_seen_at TEXT, revoked_at TEXT);
        CREATE TABLE device_tokens (token_hash TEXT PRIMARY KEY,
                                    device_id TEXT NOT NULL REFERENCES devices(id),
                                    member_id TEXT NOT NULL REFERENCES members(id),
                                    created_at TEXT NOT NULL, revoked_at TEXT);
        """
        + record_tables_sql("postgres")
        + """
        CREATE INDEX households_village ON households (village_id, deleted);
        CREATE INDEX visits_household ON visits (household_id, visited_at);
        CREATE INDEX visits_village ON visits (village_id, visited_at);
        CREATE INDEX visits_member ON visits (member_id, visited_at);
        CREATE INDEX visit_activities_visit ON visit_activities (visit_id);
        CREATE INDEX visit_activities_household ON visit_activities (household_id, kind);
        -- The pull feed. change_seq is not a sequence here: see fieldapp/server/postgres/feed.py
        -- (transaction id and position, read behind the visibility fence).
        CREATE TABLE changes (entity TEXT NOT NULL, entity_id TEXT NOT NULL,
                              village_id TEXT NOT NULL, change_seq BIGINT NOT NULL UNIQUE,
                              PRIMARY KEY (entity, entity_id));
        CREATE TABLE scope_exits (change_seq BIGINT PRIMARY KEY, entity TEXT NOT NULL,
                                  entity_id TEXT NOT NULL, village_id TEXT NOT NULL);
        CREATE INDEX scope_exits_village ON scope_exits (village_id, change_seq);
        CREATE TABLE mutation_log (device_id TEXT NOT NULL, seq BIGINT NOT NULL,
                                   digest TEXT NOT NULL, entity TEXT NOT NULL,
                                   entity_id TEXT NOT NULL, status TEXT NOT NULL,
                                   code TEXT, received_at TEXT NOT NULL,
                                   PRIMARY KEY (device_id, seq));
        CREATE TABLE quarantine (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                                 device_id TEXT NOT NULL, member_id TEXT, team_id TEXT,
                                 seq BIGINT NOT NULL, entity TEXT NOT NULL,
                                 entity_id TEXT NOT NULL, op TEXT NOT NULL,
                                 payload TEXT NOT NULL, base_version BIGINT,
                                 reason TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}',
                                 village_id TEXT, device_created_at TEXT,
                                 received_at TEXT NOT NULL, resolved INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX quarantine_team ON quarantine (team_id, resolved);
        CREATE TABLE conflicts (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                                household_id TEXT NOT NULL, village_id TEXT NOT NULL,
                                kind TEXT NOT NULL, field TEXT NOT NULL,
                                base_version BIGINT, server_version BIGINT NOT NULL,
                                server_value TEXT, device_value TEXT,
                                device_id TEXT NOT NULL, seq BIGINT NOT NULL,
                                created_at TEXT NOT NULL, resolved INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX conflicts_village ON conflicts (village_id, resolved);
        """
        + _SQLITE_FUNCTIONS,
    )
    conn.executemany("INSERT INTO server_meta (key, value) VALUES (:key, :value)", initial_meta())


@_migration
def m002_coverage_indexes(conn: PgConn) -> None:
    _script(conn, COVERAGE_INDEXES)


@_migration
def m003_coverage_rollup(conn: PgConn) -> None:
    _script(conn, install_v1_sql())


@_migration
def m004_changes_by_village(conn: PgConn) -> None:
    _script(conn, CHANGES_BY_VILLAGE)


@_migration
def m005_token_last_used(conn: PgConn) -> None:
    # As on SQLite: existing tokens count as used at the upgrade.
    conn.execute("ALTER TABLE device_tokens ADD COLUMN last_used_at TEXT")
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    conn.execute("UPDATE device_tokens SET last_used_at = ?", [now])


@_migration
def m006_console_sessions(conn: PgConn) -> None:
    _script(conn, CONSOLE_SESSIONS)


@_migration
def m007_audit_log(conn: PgConn) -> None:
    # Entries are read newest first by id, as on SQLite: an identity never reuses a value.
    _script(conn, AUDIT_LOG.format(id="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"))


@_migration
def m008_import_batches(conn: PgConn) -> None:
    _script(conn, IMPORT_BATCHES)


@_migration
def m009_numeric_sort_keys(conn: PgConn) -> None:
    # The stored keys are NUL-escaped (PgConn writes them so): compare in that form.
    refresh_sort_keys(conn, as_stored=escape_nul)


@_migration
def m010_import_drafts(conn: PgConn) -> None:
    _script(conn, IMPORT_DRAFTS)


@_migration
def m011_visit_channel(conn: PgConn) -> None:
    _script(conn, records.add_columns_sql("visits", VISITS, records.VISIT_CHANNEL, "postgres"))


@_migration
def m012_dossiers(conn: PgConn) -> None:
    _script(conn, DOSSIERS)
    refresh_all(conn)
