"""The stored records, defined once: household, visit and activity columns, their row
codecs and the SQL both sides share.

The device store (:mod:`fieldapp.store.schema`) and the server (:mod:`fieldapp.server.schema`,
:mod:`fieldapp.server.postgres.migrations`) build their ``households``, ``visits`` and
``visit_activities`` tables from the column tables here and add their own columns; the
device, the push and the pull encode and decode rows with the codecs here. A leaf: it
imports only the domain and the text helpers beneath it, so the phone and the server can
both use it without importing each other.

Adding a household field: the field on :class:`~fieldapp.domain.model.Household` (with its
rule in ``parse_household``), its column below with ``since`` = the next revision, and on
each backend one migration running :func:`add_columns_sql` for that revision. Migrations
that shipped build their tables with ``since <= 1`` (:func:`create_table_sql`'s default),
so they keep producing the schema they always did.

>>> from fieldapp.domain.model import Household
>>> row = household_row(Household(id="h1", village_id="v1", head_name="Lê Văn Tám"))
>>> row["search"], row["deleted"]
('le van tam', 0)
>>> HOUSEHOLD_FIELDS
('village_id', 'head_name', 'address_detail', 'phone', 'members_count', 'deleted')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fieldapp.domain.model import HOUSEHOLD_FIELDS, VISIT_FIELDS, Household, Visit
from fieldapp.text import fold, given_name_first, sort_key

__all__ = [
    "ACTIVITY_COLUMNS",
    "HOUSEHOLD_FIELDS",
    "HOUSEHOLD_KEYS",
    "HOUSEHOLD_RECORD",
    "HOUSEHOLD_SELECT",
    "HOUSEHOLD_SUMMARY",
    "INSERT_ACTIVITY",
    "SUMMARY_SQL",
    "VISIT_CHANNEL",
    "VISIT_CONTENT",
    "VISIT_FIELDS",
    "VISIT_RECORD",
    "VISIT_SELECT",
    "VISIT_VERSION_SQL",
    "Column",
    "Dialect",
    "activity_values",
    "add_columns_sql",
    "create_table_sql",
    "decode_household",
    "decode_visit",
    "encode_visit",
    "household_row",
    "visit_version",
]

Dialect = Literal["sqlite", "postgres"]


@dataclass(frozen=True)
class Column:
    """One column: its name, its SQL type and constraints, and the revision that added it.

    ``pg`` is the PostgreSQL text where it differs (sort keys compare bytewise there
    only with ``COLLATE "C"``, as SQLite's BINARY does).
    """

    name: str
    sql: str
    pg: str | None = None
    since: int = 1

    def ddl(self, dialect: Dialect) -> str:
        return f"{self.name} {self.pg if dialect == 'postgres' and self.pg else self.sql}"


_C_SORT = 'TEXT NOT NULL COLLATE "C"'

# A household's own fields: id, then HOUSEHOLD_FIELDS in order (checked below).
HOUSEHOLD_RECORD: tuple[Column, ...] = (
    Column("id", "TEXT PRIMARY KEY"),
    Column("village_id", "TEXT NOT NULL"),
    Column("head_name", "TEXT NOT NULL DEFAULT ''"),
    Column("address_detail", "TEXT NOT NULL DEFAULT ''"),
    Column("phone", "TEXT"),
    Column("members_count", "INTEGER"),
    Column("deleted", "INTEGER NOT NULL DEFAULT 0"),
)
# Search and sort keys derived from the fields (:func:`household_row` fills them).
HOUSEHOLD_KEYS: tuple[Column, ...] = (
    Column("name_sort", "TEXT NOT NULL", pg=_C_SORT),
    Column("given_sort", "TEXT NOT NULL", pg=_C_SORT),
    Column("search", "TEXT NOT NULL"),
)
# Derived from the household's effective visits by SUMMARY_SQL, in the same transaction
# as each visit, so list filters page from SQL alone.
HOUSEHOLD_SUMMARY: tuple[Column, ...] = (
    Column("visit_count", "INTEGER NOT NULL DEFAULT 0"),
    Column("last_visit_at", "TEXT"),
    Column("last_outcome", "TEXT"),
    Column("follow_up_on", "TEXT"),
)
# Revision 2 of the visit record added ``channel`` (device m003, server m011).
VISIT_CHANNEL = 2
# A visit: VISIT_FIELDS in order, then the one thing that changes on an immutable event.
VISIT_RECORD: tuple[Column, ...] = (
    Column("id", "TEXT PRIMARY KEY"),
    Column("household_id", "TEXT NOT NULL REFERENCES households(id)"),
    Column("member_id", "TEXT NOT NULL"),
    Column("visited_at", "TEXT NOT NULL"),
    Column("consent", "TEXT"),
    Column("outcome", "TEXT NOT NULL"),
    Column("people_guided", "INTEGER NOT NULL DEFAULT 0"),
    Column("activities", "TEXT NOT NULL DEFAULT '[]'"),
    Column("follow_up_on", "TEXT"),
    Column("notes", "TEXT NOT NULL DEFAULT ''"),
    Column("gps", "TEXT"),
    Column("supersedes", "TEXT"),
    # Where the visit happened (home / phone / desk); rows from before it are "home".
    Column("channel", "TEXT NOT NULL DEFAULT 'home'", since=VISIT_CHANNEL),
    Column("superseded_by", "TEXT"),
)
# One row per activity so coverage can aggregate in SQL (the same on both sides).
ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("visit_id", "TEXT NOT NULL REFERENCES visits(id)"),
    Column("household_id", "TEXT NOT NULL"),
    Column("kind", "TEXT NOT NULL"),
    Column("procedure_code", "TEXT"),
    Column("level", "TEXT"),
    Column("payment_status", "TEXT"),
)

# The domain's field lists and these tables must agree: a field added to the domain
# without a column (or the other way round) fails here, at import, not in a sync.
if tuple(c.name for c in HOUSEHOLD_RECORD) != ("id", *HOUSEHOLD_FIELDS):
    raise AssertionError("HOUSEHOLD_RECORD must list id + domain HOUSEHOLD_FIELDS in order")
if tuple(c.name for c in VISIT_RECORD) != (*VISIT_FIELDS, "superseded_by"):
    raise AssertionError("VISIT_RECORD must list domain VISIT_FIELDS + superseded_by in order")


def create_table_sql(
    name: str, columns: Iterable[Column], dialect: Dialect = "sqlite", *, revision: int = 1
) -> str:
    """``CREATE TABLE`` for the columns that existed at ``revision`` (shipped migrations
    pass the revision they were written at, so a later column never changes them)."""
    cols = ",\n    ".join(c.ddl(dialect) for c in columns if c.since <= revision)
    return f"CREATE TABLE {name} (\n    {cols}\n);\n"


def add_columns_sql(
    name: str, columns: Iterable[Column], revision: int, dialect: Dialect = "sqlite"
) -> str:
    """``ALTER TABLE … ADD COLUMN`` for each column added at ``revision`` (a new migration)."""
    return "".join(
        f"ALTER TABLE {name} ADD COLUMN {c.ddl(dialect)};\n" for c in columns if c.since == revision
    )


# -- households ------------------------------------------------------------------------

HOUSEHOLD_SELECT = ", ".join(c.name for c in HOUSEHOLD_RECORD)


def household_row(h: Household, **extra: Any) -> dict[str, Any]:
    """The stored row for a household, with its search and sort keys (both sides)."""
    label = h.head_name or h.address_detail
    d = h.to_dict()
    d["deleted"] = int(h.deleted)
    d["name_sort"] = sort_key(label)
    d["given_sort"] = sort_key(given_name_first(label))
    d["search"] = fold(" ".join(filter(None, [h.head_name, h.address_detail, h.phone])))
    d.update(extra)
    return d


def decode_household(row: Sequence[Any]) -> dict[str, Any]:
    """The household dict (wire form) from the first columns of a ``HOUSEHOLD_SELECT`` row."""
    d = dict(zip(("id", *HOUSEHOLD_FIELDS), row[: len(HOUSEHOLD_RECORD)], strict=True))
    d["deleted"] = bool(d["deleted"])
    return d


# -- visits ----------------------------------------------------------------------------

VISIT_SELECT = ", ".join(VISIT_FIELDS)
# What two sends of one visit id must share to be "the same visit" (all but the id).
VISIT_CONTENT = slice(1, len(VISIT_FIELDS))
# Activities and GPS are stored as JSON text; both sides write the same text (the server
# compares a resent visit's row with the stored one).
_ACTIVITIES_JSON = json.JSONEncoder(ensure_ascii=False)
_GPS_JSON = json.JSONEncoder()


def encode_visit(visit: Visit, wire: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """The visit's stored values in ``VISIT_FIELDS`` order.

    ``wire`` is ``visit.to_dict()`` when the caller already has it (the device enqueues it).
    """
    d = wire if wire is not None else visit.to_dict()
    return (
        *(d[k] for k in VISIT_FIELDS[:7]),
        _ACTIVITIES_JSON.encode(d["activities"]),
        d["follow_up_on"],
        d["notes"],
        _GPS_JSON.encode(d["gps"]) if d["gps"] else None,
        d["supersedes"],
        d["channel"],
    )


def decode_visit(row: Sequence[Any], names: Sequence[str] = VISIT_FIELDS) -> dict[str, Any]:
    """The visit dict (wire form) from a row of ``names`` (``VISIT_FIELDS`` and more)."""
    d = dict(zip(names, row, strict=True))
    d["activities"] = json.loads(d["activities"])
    d["gps"] = json.loads(d["gps"]) if d["gps"] else None
    return d


def visit_version(superseded_by: str | None) -> int:
    """Visits are immutable; the only change is being superseded (version 2)."""
    return 2 if superseded_by else 1


# The same version in SQL (the server's scope checksum).
VISIT_VERSION_SQL = "CASE WHEN superseded_by IS NULL THEN 1 ELSE 2 END"

INSERT_ACTIVITY = (
    f"INSERT INTO visit_activities ({', '.join(c.name for c in ACTIVITY_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(ACTIVITY_COLUMNS))})"
)


def activity_values(visit: Visit) -> list[tuple[Any, ...]]:
    """The ``visit_activities`` rows of a visit, in ``ACTIVITY_COLUMNS`` order."""
    return [
        (
            visit.id,
            visit.household_id,
            str(a.kind),
            a.procedure_code,
            str(a.level) if a.level else None,
            str(a.payment_status) if a.payment_status else None,
        )
        for a in visit.activities
    ]


# Recomputes one household's derived visit columns (``:h`` = its id) from its effective
# visits. The device store and the server run this one text so both mean the same thing:
# visit_count counts visits that reached the household (not "nobody home").
SUMMARY_SQL = """
            UPDATE households SET
              visit_count = (SELECT count(*) FROM visits
                             WHERE household_id = :h AND superseded_by IS NULL
                             AND outcome != 'nobody_home'),
              last_visit_at = (SELECT max(visited_at) FROM visits
                               WHERE household_id = :h AND superseded_by IS NULL),
              last_outcome = (SELECT outcome FROM visits
                              WHERE household_id = :h AND superseded_by IS NULL
                              ORDER BY visited_at DESC, id DESC LIMIT 1),
              follow_up_on = (SELECT CASE WHEN outcome = 'follow_up' THEN follow_up_on END
                              FROM visits WHERE household_id = :h AND superseded_by IS NULL
                              ORDER BY visited_at DESC, id DESC LIMIT 1)
            WHERE id = :h
            """
