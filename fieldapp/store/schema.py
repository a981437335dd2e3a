"""Device-store schema, applied only through sqlite-utils ``Migrations``.

Migrations are append-only: never edit one that has shipped; add a new one.

No coverage roll-up and no covering indexes here (the server has both): a device holds a
team's few villages, where coverage from the raw tables takes tens of milliseconds, and
every index or trigger would slow each visit saved (see docs/coverage.md).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from fieldapp import records
from fieldapp.records import Column
from fieldapp.sort_keys import refresh_sort_keys

__all__ = ["HOUSEHOLDS", "VISITS", "migrations"]

migrations = Migrations("fieldapp.device")

# The device's record tables: the shared columns of fieldapp.records plus its own.
HOUSEHOLDS: tuple[Column, ...] = (
    *records.HOUSEHOLD_RECORD,
    *records.HOUSEHOLD_KEYS,
    Column("server_version", "INTEGER"),  # the server version the device's copy is of
    Column("dirty", "INTEGER NOT NULL DEFAULT 0"),  # 1 while edits wait in the outbox
    Column("updated_at", "TEXT NOT NULL"),
    *records.HOUSEHOLD_SUMMARY,
)
VISITS: tuple[Column, ...] = (
    *records.VISIT_RECORD,
    Column("sync_status", "TEXT NOT NULL DEFAULT 'pending'"),
    Column("sync_error", "TEXT"),
)


@migrations()
def m001_initial(db: Database) -> None:
    # The record tables as they were at revision 1 (fieldapp.records), device columns added.
    db.executescript(
        records.create_table_sql("households", HOUSEHOLDS)
        + records.create_table_sql("visits", VISITS)
        + records.create_table_sql("visit_activities", records.ACTIVITY_COLUMNS)
        + """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

        CREATE TABLE wards (code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
                            province_code TEXT NOT NULL);
        CREATE TABLE villages (id TEXT PRIMARY KEY, ward_code TEXT NOT NULL,
                               name TEXT NOT NULL, kind TEXT NOT NULL,
                               name_sort TEXT NOT NULL);
        CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, ward_code TEXT NOT NULL,
                            village_ids TEXT NOT NULL DEFAULT '[]');
        CREATE TABLE members (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                              team_id TEXT, phone TEXT);

        CREATE INDEX households_village_name ON households (village_id, deleted, name_sort, id);
        CREATE INDEX households_village_given ON households (village_id, deleted, given_sort, id);
        CREATE INDEX households_name ON households (deleted, name_sort, id);
        CREATE INDEX households_follow_up ON households (follow_up_on);
        CREATE INDEX visits_household ON visits (household_id, visited_at);
        CREATE INDEX visit_activities_visit ON visit_activities (visit_id);
        -- Dropping a household that leaves the device's scope deletes by household_id.
        CREATE INDEX visit_activities_household ON visit_activities (household_id, kind);

        -- AUTOINCREMENT: a sequence number is never reused, even after rows are deleted,
        -- because the server acknowledges by high-water mark.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            op TEXT NOT NULL,
            payload TEXT NOT NULL,
            base_version INTEGER,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            error TEXT
        );

        -- Rejections, conflicts and scope notices reported by the server, for the member.
        CREATE TABLE sync_issues (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            seq INTEGER,
            detail TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            resolved INTEGER NOT NULL DEFAULT 0
        );
        """
    )
    # The device id is born here, once per database: a wiped database gets a new one.
    db.table("meta").insert_all(
        [
            {"key": "device_id", "value": str(uuid.uuid4())},
            {"key": "created_at", "value": datetime.now(UTC).isoformat()},
        ]
    )


@migrations()
def m002_numeric_sort_keys(db: Database) -> None:
    # sort_key now reads numbers in names as numbers ("Tổ dân phố 2" < "Tổ dân phố 10"):
    # rewrite the keys of the rows already stored (village picker, household list).
    refresh_sort_keys(db)


@migrations()
def m003_visit_channel(db: Database) -> None:
    # Where a visit happened: at the door, by phone, at the support desk (issue 15). Visits
    # already stored were all at the door.
    db.executescript(records.add_columns_sql("visits", VISITS, records.VISIT_CHANNEL))
