"""Server schema, applied only through sqlite-utils ``Migrations`` (append-only).

``households``, ``visits`` and ``visit_activities`` keep the device store's column
names and meanings (see :mod:`fieldapp.store.schema`) so coverage SQL runs on both;
server-only columns (version, change_seq, …) come after them.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from fieldapp import records
from fieldapp.coverage.rollup import install_v1
from fieldapp.records import Column, Dialect
from fieldapp.server.dossiers import DOSSIERS, refresh_all
from fieldapp.sort_keys import refresh_sort_keys

__all__ = [
    "AUDIT_LOG",
    "CHANGES_BY_VILLAGE",
    "CONSOLE_SESSIONS",
    "COVERAGE_INDEXES",
    "HOUSEHOLDS",
    "IMPORT_BATCHES",
    "IMPORT_DRAFTS",
    "VISITS",
    "initial_meta",
    "migrations",
    "record_tables_sql",
]

migrations = Migrations("fieldapp.server")

# The server's record tables: the shared columns of fieldapp.records, then its own.
HOUSEHOLDS: tuple[Column, ...] = (
    *records.HOUSEHOLD_RECORD,
    *records.HOUSEHOLD_KEYS,
    *records.HOUSEHOLD_SUMMARY,
    Column("version", "INTEGER NOT NULL", pg="BIGINT NOT NULL"),
    # JSON {field: [version at which it last changed, device]}, for per-field merge.
    Column("field_versions", "TEXT NOT NULL DEFAULT '{}'"),
    Column("created_by_device", "TEXT"),
    Column("updated_by_device", "TEXT"),
    Column("created_at", "TEXT NOT NULL"),
    Column("updated_at", "TEXT NOT NULL"),
)
VISITS: tuple[Column, ...] = (
    *records.VISIT_RECORD,
    Column("village_id", "TEXT NOT NULL"),
    Column("device_id", "TEXT"),
    Column("received_at", "TEXT NOT NULL"),
    # 1 when the device clock looked implausible (before 2024 or > 1 day ahead).
    Column("clock_suspect", "INTEGER NOT NULL DEFAULT 0"),
)


def record_tables_sql(dialect: Dialect) -> str:
    """``households``, ``visits``, ``visit_activities`` as m001 made them (both backends)."""
    return (
        records.create_table_sql("households", HOUSEHOLDS, dialect)
        + records.create_table_sql("visits", VISITS, dialect)
        + records.create_table_sql("visit_activities", records.ACTIVITY_COLUMNS, dialect)
    )


# Index definitions both backends create (fieldapp/server/postgres/migrations.py too).
COVERAGE_INDEXES = """
        CREATE INDEX IF NOT EXISTS visits_effective ON visits
            (household_id, visited_at, id, outcome, people_guided, consent, member_id,
             follow_up_on, superseded_by)
            WHERE superseded_by IS NULL;
        CREATE INDEX IF NOT EXISTS visit_activities_coverage ON visit_activities
            (household_id, visit_id, kind, level, payment_status);
        CREATE INDEX IF NOT EXISTS households_village_id ON households
            (village_id, deleted, id);
        CREATE INDEX IF NOT EXISTS households_id_village ON households
            (id, deleted, village_id);
        CREATE INDEX IF NOT EXISTS households_village_name ON households
            (village_id, deleted, name_sort, id);
"""
CHANGES_BY_VILLAGE = (
    "CREATE INDEX IF NOT EXISTS changes_village_seq ON changes (village_id, change_seq)"
)
# The DDL of m006–m008 and m010, in the dialect both backends share (PostgreSQL's twins in
# fieldapp/server/postgres/migrations.py run the same text). ``AUDIT_LOG``'s ``{id}``
# is the one difference: each backend's auto-numbered key.
CONSOLE_SESSIONS = """
        CREATE TABLE console_sessions (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
                                       member_id TEXT NOT NULL REFERENCES members(id),
                                       created_at TEXT NOT NULL, last_used_at TEXT NOT NULL,
                                       revoked_at TEXT, user_agent TEXT NOT NULL DEFAULT '');
        CREATE INDEX console_sessions_member ON console_sessions (member_id);
        ALTER TABLE members ADD COLUMN deactivated_at TEXT;
        ALTER TABLE villages ADD COLUMN retired_at TEXT;
"""
AUDIT_LOG = """
        CREATE TABLE audit_log (id {id}, at TEXT NOT NULL,
                                actor_id TEXT NOT NULL, actor_name TEXT NOT NULL DEFAULT '',
                                action TEXT NOT NULL, entity TEXT NOT NULL,
                                entity_id TEXT NOT NULL, ward_code TEXT, team_id TEXT,
                                before TEXT, after TEXT, note TEXT NOT NULL DEFAULT '');
        CREATE INDEX audit_log_ward ON audit_log (ward_code, id);
"""
IMPORT_BATCHES = """
        CREATE TABLE import_batches (id TEXT PRIMARY KEY, kind TEXT NOT NULL,
                                     ward_code TEXT NOT NULL, filename TEXT NOT NULL,
                                     imported_by TEXT NOT NULL, imported_at TEXT NOT NULL,
                                     counts TEXT NOT NULL, refused_columns TEXT NOT NULL,
                                     mapping TEXT NOT NULL, undone_at TEXT);
        CREATE INDEX import_batches_ward ON import_batches (ward_code, imported_at);
        CREATE TABLE import_batch_records (batch_id TEXT NOT NULL REFERENCES import_batches(id),
                                           record_id TEXT NOT NULL, action TEXT NOT NULL,
                                           row INTEGER NOT NULL, version INTEGER,
                                           before TEXT,
                                           PRIMARY KEY (batch_id, record_id));
        CREATE TABLE import_links (ward_code TEXT NOT NULL, kind TEXT NOT NULL,
                                   match_key TEXT NOT NULL, record_id TEXT NOT NULL,
                                   field_digests TEXT NOT NULL,
                                   batch_id TEXT NOT NULL REFERENCES import_batches(id),
                                   PRIMARY KEY (ward_code, kind, match_key));
        CREATE INDEX import_links_record ON import_links (record_id);
"""
IMPORT_DRAFTS = """
        CREATE TABLE import_drafts (id TEXT PRIMARY KEY,
                                    session_id TEXT NOT NULL REFERENCES console_sessions(id),
                                    ward_code TEXT NOT NULL, kind TEXT NOT NULL,
                                    raw TEXT NOT NULL, mapping TEXT NOT NULL,
                                    created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
        CREATE INDEX import_drafts_session ON import_drafts (session_id);
        CREATE INDEX import_drafts_expiry ON import_drafts (expires_at);
"""


def initial_meta() -> list[dict[str, str]]:
    """The first ``server_meta`` rows (both backends)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return [
        # The epoch changes when the database is restored or replaced (see docs).
        {"key": "epoch", "value": secrets.token_hex(8)},
        {"key": "change_seq", "value": "0"},
        {"key": "created_at", "value": now},
    ]


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE wards (code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
                            province_code TEXT NOT NULL);
        CREATE TABLE villages (id TEXT PRIMARY KEY, ward_code TEXT NOT NULL,
                               name TEXT NOT NULL, kind TEXT NOT NULL,
                               name_sort TEXT NOT NULL);
        CREATE INDEX villages_ward ON villages (ward_code);
        CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, ward_code TEXT NOT NULL);
        CREATE TABLE team_villages (team_id TEXT NOT NULL REFERENCES teams(id),
                                    village_id TEXT NOT NULL REFERENCES villages(id),
                                    PRIMARY KEY (team_id, village_id));
        CREATE INDEX team_villages_village ON team_villages (village_id);
        -- ward_code: for officers, the ward they oversee (NULL = the whole province).
        CREATE TABLE members (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                              team_id TEXT REFERENCES teams(id), phone TEXT,
                              ward_code TEXT, created_at TEXT NOT NULL);

        -- One-time enrolment codes, stored only as keyed hashes (HMAC-SHA256, see accounts.py).
        CREATE TABLE enrol_codes (code_hash TEXT PRIMARY KEY,
                                  member_id TEXT NOT NULL REFERENCES members(id),
                                  issued_by TEXT, created_at TEXT NOT NULL,
                                  expires_at TEXT NOT NULL, used_at TEXT, used_by_device TEXT);
        -- hwm = the device's high-water mark: last sequence number applied (or quarantined).
        CREATE TABLE devices (id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members(id),
                              hwm INTEGER NOT NULL DEFAULT 0, enrolled_at TEXT NOT NULL,
                              last_seen_at TEXT, revoked_at TEXT);
        CREATE TABLE device_tokens (token_hash TEXT PRIMARY KEY,
                                    device_id TEXT NOT NULL REFERENCES devices(id),
                                    member_id TEXT NOT NULL REFERENCES members(id),
                                    created_at TEXT NOT NULL, revoked_at TEXT);
        """
        + record_tables_sql("sqlite")
        + """

        CREATE INDEX households_village ON households (village_id, deleted);
        CREATE INDEX visits_household ON visits (household_id, visited_at);
        CREATE INDEX visits_village ON visits (village_id, visited_at);
        CREATE INDEX visits_member ON visits (member_id, visited_at);
        CREATE INDEX visit_activities_visit ON visit_activities (visit_id);
        CREATE INDEX visit_activities_household ON visit_activities (household_id, kind);

        -- The pull feed: one row per record, re-stamped with a new change_seq on every
        -- change. change_seq comes from server_meta inside the single write transaction,
        -- so commit order is cursor order.
        CREATE TABLE changes (entity TEXT NOT NULL, entity_id TEXT NOT NULL,
                              village_id TEXT NOT NULL, change_seq INTEGER NOT NULL UNIQUE,
                              PRIMARY KEY (entity, entity_id));
        -- Records that left a village (household moved): devices holding it are told.
        CREATE TABLE scope_exits (change_seq INTEGER PRIMARY KEY, entity TEXT NOT NULL,
                                  entity_id TEXT NOT NULL, village_id TEXT NOT NULL);
        CREATE INDEX scope_exits_village ON scope_exits (village_id, change_seq);

        -- Every mutation received, by device and sequence: the audit trail, and the
        -- digest that tells a harmless resend from a device reusing old numbers.
        CREATE TABLE mutation_log (device_id TEXT NOT NULL, seq INTEGER NOT NULL,
                                   digest TEXT NOT NULL, entity TEXT NOT NULL,
                                   entity_id TEXT NOT NULL, status TEXT NOT NULL,
                                   code TEXT, received_at TEXT NOT NULL,
                                   PRIMARY KEY (device_id, seq));

        -- Mutations kept for review instead of applied (never dropped, never jamming).
        CREATE TABLE quarantine (id INTEGER PRIMARY KEY AUTOINCREMENT,
                                 device_id TEXT NOT NULL, member_id TEXT, team_id TEXT,
                                 seq INTEGER NOT NULL, entity TEXT NOT NULL,
                                 entity_id TEXT NOT NULL, op TEXT NOT NULL,
                                 payload TEXT NOT NULL, base_version INTEGER,
                                 reason TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}',
                                 village_id TEXT, device_created_at TEXT,
                                 received_at TEXT NOT NULL, resolved INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX quarantine_team ON quarantine (team_id, resolved);

        -- Concurrent household edits: soft (different fields) and hard (same field).
        CREATE TABLE conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT,
                                household_id TEXT NOT NULL, village_id TEXT NOT NULL,
                                kind TEXT NOT NULL, field TEXT NOT NULL,
                                base_version INTEGER, server_version INTEGER NOT NULL,
                                server_value TEXT, device_value TEXT,
                                device_id TEXT NOT NULL, seq INTEGER NOT NULL,
                                created_at TEXT NOT NULL, resolved INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX conflicts_village ON conflicts (village_id, resolved);
        """
    )
    db.table("server_meta").insert_all(initial_meta())


@migrations()
def m002_coverage_indexes(db: Database) -> None:
    # Covering indexes for fieldapp.coverage at server scale (the device store does
    # without them: its scope is small, and every index slows each save). Households
    # are walked by village (ward scope) or by id (province scope) without reading the
    # table.
    db.executescript(COVERAGE_INDEXES)


@migrations()
def m003_coverage_rollup(db: Database) -> None:
    # Trigger-maintained coverage roll-up (coverage_days, coverage_followups), filled
    # from the existing rows. Server only: the device computes from raw tables.
    install_v1(db)


@migrations()
def m004_changes_by_village(db: Database) -> None:
    # Each pull page reads the feed for the device's villages after its cursor; without
    # this index every page scanned the whole feed (benchmarks/sync.py (c)).
    db.execute(CHANGES_BY_VILLAGE)


@migrations()
def m005_token_last_used(db: Database) -> None:
    # Device tokens expire after FIELDAPP_TOKEN_IDLE_DAYS without use (see
    # accounts.authenticate). Before this column no use was recorded (a leader who only
    # pulls leaves no trace), so existing tokens count as used at the upgrade: nobody is
    # locked out by it, and the idle clock of every old token starts then.
    db.execute("ALTER TABLE device_tokens ADD COLUMN last_used_at TEXT")
    # Same text form as db.now_iso() (imported from there, it would be a cycle).
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    db.execute("UPDATE device_tokens SET last_used_at = ?", [now])


@migrations()
def m006_console_sessions(db: Database) -> None:
    # Browser sessions of the officers' console (fieldapp/server/console/): a one-time
    # code turns a browser into a session. Only the SHA-256 of its 256-bit token is kept
    # (as for device tokens); ``id`` is a separate random handle, safe to show and to use
    # in a revoke form. Idle expiry is checked against ``last_used_at``.
    # Members can be deactivated and villages retired from the console: never deleted,
    # because visits, codes and the audit log keep pointing at them.
    db.executescript(CONSOLE_SESSIONS)


@migrations()
def m007_audit_log(db: Database) -> None:
    # Every administrative action — who, what, when, before → after (JSON) — written in
    # the same transaction as the action itself. ``ward_code`` / ``team_id`` place the
    # entry in a scope, so an officer sees the entries of their ward only.
    db.executescript(AUDIT_LOG.format(id="INTEGER PRIMARY KEY AUTOINCREMENT"))


@migrations()
def m008_import_batches(db: Database) -> None:
    # List imports (fieldapp.server.imports). One row per committed batch (who, when, which
    # file, the counts, the refused columns — never a cell value — and the column choice by
    # header text, proposed again next time); per record the batch touched, what it did,
    # the version it wrote and the values it replaced (for undo and "before → after");
    # and per matching key the record an import linked it to, with a short digest of each
    # field as the list gave it, so a re-import recognises its households without a second
    # copy of names or phones.
    db.executescript(IMPORT_BATCHES)


@migrations()
def m009_numeric_sort_keys(db: Database) -> None:
    # sort_key now reads numbers in names as numbers ("Tổ dân phố 2" < "Tổ dân phố 10"):
    # rewrite households' and villages' stored keys (ORDER BY name_sort in lists and
    # coverage paging). Numbered m009 so it sorts after m006–m008 of the parallel work.
    refresh_sort_keys(db)


@migrations()
def m010_import_drafts(db: Database) -> None:
    # An upload in the console between its preview and its commit. Several server
    # processes (``serve --workers N``) share nothing but the database, so the draft lives
    # here: the table as read (``RawTable.to_dict()``, refused columns already blank — the
    # uploaded file itself is never kept) and the column choice, owned by one console
    # session, deleted on commit or cancel and ignored (then purged) after ``expires_at``.
    db.executescript(IMPORT_DRAFTS)


@migrations()
def m011_visit_channel(db: Database) -> None:
    # Where a visit happened: home / phone / desk (issue 15). Visits already stored, and
    # visits from phones that do not send it, are "home".
    db.executescript(records.add_columns_sql("visits", VISITS, records.VISIT_CHANNEL))


@migrations()
def m012_dossiers(db: Database) -> None:
    # Each household's dossiers derived from its visits (fieldapp.server.dossiers), kept
    # in the transaction of every visit written, filled here from the visits already held.
    # Numbered m012: m011 is the visit channel column of the same issue.
    db.executescript(DOSSIERS)
    refresh_all(db.conn)
