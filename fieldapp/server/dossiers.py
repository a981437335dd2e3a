"""The server's ``dossiers`` table: each household's dossiers, derived from its visits.

Never written from a request: in the same transaction as every change to a household's
visits (a push, a list import, demo data) the household's dossiers are recomputed with
:func:`fieldapp.domain.dossier.derive_dossiers`, the very function the phone runs over
the same visits, so the phone and the server agree. Coverage reads this table
(:mod:`fieldapp.coverage.queries`) instead of re-deriving at province scale.

``late_from`` — the first day the dossier is late while still with the agency — is
computed from the procedure catalogue when the row is written, so coverage can count
late dossiers in SQL.
A new catalogue (other processing times) takes effect for a household at its next
visit, or for all at once with :func:`refresh_all`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fieldapp import records
from fieldapp.domain.dossier import (
    DOSSIER_COLUMNS,
    DossierState,
    derive_dossiers,
    dossier_record,
)
from fieldapp.domain.model import Procedure, Visit
from fieldapp.reference import load_procedures
from fieldapp.sql import Conn

__all__ = [
    "DOSSIERS",
    "DOSSIER_COLUMNS",
    "derive_all",
    "dossier_row",
    "refresh_all",
    "refresh_dossiers",
]

# The DDL both backends run (m011 in fieldapp/server/schema.py and its PostgreSQL twin).
# Keyed by household as well as id: the derivation is per household (an update applies
# only to its own household's dossier), so two households can never clash on a row.
DOSSIERS = """
        CREATE TABLE dossiers (
            household_id TEXT NOT NULL,
            dossier_id TEXT NOT NULL,
            procedure_code TEXT NOT NULL,
            level TEXT,
            dossier_no TEXT,
            submitted_at TEXT NOT NULL,
            submitted_visit_id TEXT NOT NULL,
            member_id TEXT NOT NULL,
            status TEXT NOT NULL,
            fee_status TEXT NOT NULL,
            payment_status TEXT,
            receipt_no TEXT,
            updated_at TEXT NOT NULL,
            last_visit_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            late_from TEXT,
            PRIMARY KEY (household_id, dossier_id)
        );
        CREATE INDEX dossiers_submitted ON dossiers (submitted_at, household_id);
"""

_INSERT = (
    f"INSERT INTO dossiers ({', '.join(DOSSIER_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(DOSSIER_COLUMNS))})"
)
_CHUNK = 500


_DOSSIER_KINDS = "'dossier_submitted', 'dossier_update', 'fee_paid'"


def dossier_row(state: DossierState, procedures: dict[str, Procedure]) -> tuple[Any, ...]:
    """The stored row of one derived dossier, in :data:`DOSSIER_COLUMNS` order."""
    return tuple(dossier_record(state, procedures).values())


def _visits_of(conn: Conn, household_ids: list[str]) -> list[Visit]:
    """The visits that can bear on these households' dossiers: those with a dossier
    activity, and every correction (it may drop one). Any other visit changes nothing in
    :func:`derive_dossiers`, and leaving it out keeps a push's cost off the whole history."""
    marks = ", ".join("?" * len(household_ids))
    rows = conn.execute(
        f"SELECT {records.VISIT_SELECT} FROM visits WHERE household_id IN ({marks})"
        " AND (supersedes IS NOT NULL OR id IN (SELECT visit_id FROM visit_activities"
        f" WHERE household_id IN ({marks}) AND kind IN ({_DOSSIER_KINDS})))",
        [*household_ids, *household_ids],
    ).fetchall()
    return [Visit.from_dict(records.decode_visit(row)) for row in rows]


def _by_household(visits: Iterable[Visit]) -> dict[str, list[Visit]]:
    out: dict[str, list[Visit]] = {}
    for visit in visits:
        out.setdefault(visit.household_id, []).append(visit)
    return out


def derive_all(conn: Conn) -> list[DossierState]:
    """Every household's dossiers derived from the visits in ``conn``, without a table:
    for a database that has none (``fieldapp report`` on a phone's file)."""
    households = [r[0] for r in conn.execute("SELECT DISTINCT household_id FROM visits")]
    out: list[DossierState] = []
    for i in range(0, len(households), _CHUNK):
        for visits in _by_household(_visits_of(conn, households[i : i + _CHUNK])).values():
            out.extend(derive_dossiers(visits).values())
    return out


def refresh_dossiers(conn: Conn, household_ids: Iterable[str]) -> None:
    """Recompute the dossiers of these households from their visits (inside the caller's
    write transaction: the derived rows commit with the visits or not at all)."""
    wanted = sorted(set(household_ids))
    procedures = load_procedures()
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        conn.execute(
            f"DELETE FROM dossiers WHERE household_id IN ({', '.join('?' * len(chunk))})", chunk
        )
        # One household at a time, as the phone's answer for that household is reached.
        rows = [
            dossier_row(state, procedures)
            for visits in _by_household(_visits_of(conn, chunk)).values()
            for state in derive_dossiers(visits).values()
        ]
        if rows:
            conn.executemany(_INSERT, rows)


def refresh_all(conn: Conn) -> None:
    """Recompute every household's dossiers (the migration's backfill, a new catalogue)."""
    households = [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT household_id FROM visit_activities WHERE kind IN ({_DOSSIER_KINDS})"
        ).fetchall()
    ]
    conn.execute("DELETE FROM dossiers")
    refresh_dossiers(conn, households)
