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

from fieldapp.sort_keys import refresh_sort_keys

__all__ = ["migrations"]

migrations = Migrations("fieldapp.device")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
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

        -- Derived columns (visit_count, last_visit_at, last_outcome, follow_up_on) are kept
        -- in the same transaction as each visit so list filters page from SQL alone.
        CREATE TABLE households (
            id TEXT PRIMARY KEY,
            village_id TEXT NOT NULL,
            head_name TEXT NOT NULL DEFAULT '',
            address_detail TEXT NOT NULL DEFAULT '',
            phone TEXT,
            members_count INTEGER,
            deleted INTEGER NOT NULL DEFAULT 0,
            name_sort TEXT NOT NULL,
            given_sort TEXT NOT NULL,
            search TEXT NOT NULL,
            server_version INTEGER,
            dirty INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            visit_count INTEGER NOT NULL DEFAULT 0,
            last_visit_at TEXT,
            last_outcome TEXT,
            follow_up_on TEXT
        );
        CREATE INDEX households_village_name ON households (village_id, deleted, name_sort, id);
        CREATE INDEX households_village_given ON households (village_id, deleted, given_sort, id);
        CREATE INDEX households_name ON households (deleted, name_sort, id);
        CREATE INDEX households_follow_up ON households (follow_up_on);

        CREATE TABLE visits (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL REFERENCES households(id),
            member_id TEXT NOT NULL,
            visited_at TEXT NOT NULL,
            consent TEXT,
            outcome TEXT NOT NULL,
            people_guided INTEGER NOT NULL DEFAULT 0,
            activities TEXT NOT NULL DEFAULT '[]',
            follow_up_on TEXT,
            notes TEXT NOT NULL DEFAULT '',
            gps TEXT,
            supersedes TEXT,
            superseded_by TEXT,
            sync_status TEXT NOT NULL DEFAULT 'pending',
            sync_error TEXT
        );
        CREATE INDEX visits_household ON visits (household_id, visited_at);

        -- One row per activity so coverage can aggregate in SQL (same shape on the server).
        CREATE TABLE visit_activities (
            visit_id TEXT NOT NULL REFERENCES visits(id),
            household_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            procedure_code TEXT,
            level TEXT,
            payment_status TEXT
        );
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
