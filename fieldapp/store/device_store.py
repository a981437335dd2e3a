"""The device store: the phone's SQLite file, first home of every record.

Every local change is one transaction that writes the row **and** its outbox entry
(``with db.atomic()``), so a crash can never leave one without the other.

>>> store = DeviceStore.open(":memory:")
>>> len(store.device_id)
36
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from fieldapp import records
from fieldapp.coverage.service import CoverageService
from fieldapp.domain.dossier import DossierState, derive_dossiers, submission_order
from fieldapp.domain.model import HOUSEHOLD_FIELDS, Household, Member, Team, Village, Visit, Ward
from fieldapp.domain.validation import ValidationError, parse_household, parse_visit
from fieldapp.files import private_file
from fieldapp.reference import load_procedures
from fieldapp.store import household_query
from fieldapp.store.base import OutboxEntry, StoreBase, now
from fieldapp.store.household_query import HouseholdPage
from fieldapp.store.schema import migrations
from fieldapp.store.sync_state import SyncState
from fieldapp.text import nfc, normalize_phone, sort_key

__all__ = ["DeviceStore", "OutboxEntry"]

_SELECT_VISITS = f"SELECT {records.VISIT_SELECT} FROM visits "


class DeviceStore(StoreBase):
    """The device's SQLite store. Open with :meth:`open`; one instance per file.

    ``sync`` holds what the sync client writes (:class:`~fieldapp.store.sync_state.SyncState`).
    """

    def __init__(self, db: Database):
        super().__init__(db)
        self._procedures = load_procedures()
        self.sync = SyncState(self)

    @classmethod
    def open(cls, path: str | Path) -> DeviceStore:
        """Open (creating if needed) a store file and apply pending migrations.

        ``check_same_thread=False`` because the UI hands work to ``asyncio.to_thread``;
        callers serialise access (one store per app, one worker at a time).
        """
        if str(path) == ":memory:":
            conn = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            private_file(path)  # and so its WAL: owner only (names, phones, the token)
            conn = sqlite3.connect(str(path), check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: a crash of the app loses nothing committed; only a power cut
            # can lose the last few commits, and never corrupts the file.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-32000")
            conn.execute("PRAGMA wal_autocheckpoint=4000")
        conn.execute("PRAGMA foreign_keys=ON")
        db = Database(conn)
        migrations.apply(db)
        return cls(db)

    # -- reference data (arrives from the server; never goes to the outbox) -------------

    def load_reference(
        self,
        *,
        wards: Iterable[Ward] = (),
        villages: Iterable[Village] = (),
        teams: Iterable[Team] = (),
        members: Iterable[Member] = (),
    ) -> None:
        """Insert or replace reference rows in one transaction."""
        with self.db.atomic():
            self.db.table("wards").upsert_all(
                (
                    {
                        "code": w.code,
                        "name": w.name,
                        "kind": w.kind,
                        "province_code": w.province_code,
                    }
                    for w in wards
                ),
                pk="code",
            )
            self.db.table("villages").upsert_all(
                (
                    {
                        "id": v.id,
                        "ward_code": v.ward_code,
                        "name": nfc(v.name),
                        "kind": v.kind,
                        "name_sort": sort_key(v.name),
                    }
                    for v in villages
                ),
                pk="id",
            )
            self.db.table("teams").upsert_all(
                (
                    {
                        "id": t.id,
                        "name": nfc(t.name),
                        "ward_code": t.ward_code,
                        "village_ids": json.dumps(list(t.village_ids)),
                    }
                    for t in teams
                ),
                pk="id",
            )
            self.db.table("members").upsert_all(
                (
                    {
                        "id": m.id,
                        "name": nfc(m.name),
                        "role": str(m.role),
                        "team_id": m.team_id,
                        "phone": m.phone,
                    }
                    for m in members
                ),
                pk="id",
            )

    def villages(self) -> list[Village]:
        """Villages on this device, in Vietnamese order."""
        rows = self.db.execute(
            "SELECT id, ward_code, name, kind FROM villages ORDER BY name_sort"
        ).fetchall()
        return [Village(*r) for r in rows]

    def coverage(self) -> CoverageService:
        """Coverage over this device's data (its whole content is its team's scope)."""
        return CoverageService(self.db, dossiers=self.dossiers)

    def village_name(self, village_id: str) -> str | None:
        row = self.db.execute("SELECT name FROM villages WHERE id = ?", [village_id]).fetchone()
        return str(row[0]) if row else None

    def member_info(self, member_id: str) -> tuple[str, str, str | None] | None:
        """(name, role, team id) of a member this device knows."""
        row = self.db.execute(
            "SELECT name, role, team_id FROM members WHERE id = ?", [member_id]
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def team_info(self, team_id: str) -> tuple[str, list[str]] | None:
        """(name, village ids) of a team this device knows."""
        row = self.db.execute(
            "SELECT name, village_ids FROM teams WHERE id = ?", [team_id]
        ).fetchone()
        return (row[0], [str(v) for v in json.loads(row[1] or "[]")]) if row else None

    def team_members(self, team_id: str | None) -> list[tuple[str, str]]:
        """(id, name) of a team's members, unordered."""
        rows = self.db.execute(
            "SELECT id, name FROM members WHERE team_id = ?", [team_id]
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- households -------------------------------------------------------------------

    def save_household(self, data: Mapping[str, Any]) -> tuple[Household, list[str]]:
        """Create or edit a household; returns it and any warnings (e.g. odd phone).

        Only the fields that changed go to the outbox, with the server version the edit
        was based on, so the server can merge per field.
        """
        household = parse_household(data)
        warnings: list[str] = []
        phone = normalize_phone(household.phone)
        if phone is not None:
            if phone.warning_vi:
                warnings.append(phone.warning_vi)
            household = Household(**{**household.to_dict(), "phone": phone.value})
        if not self.db.execute(
            "SELECT 1 FROM villages WHERE id = ?", [household.village_id]
        ).fetchone():
            raise ValidationError.single("village_id", "unknown_village")
        with self.db.atomic():
            current = self.household_state(household.id)
            new = household.to_dict()
            if current is None:
                row = records.household_row(household, dirty=1, updated_at=now())
                self.db.execute(
                    f"INSERT INTO households ({', '.join(row)})"
                    f" VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
                self.enqueue("household", household.id, "create", new, None)
            else:
                changed = {k: new[k] for k in HOUSEHOLD_FIELDS if new[k] != current[k]}
                if not changed:
                    return household, warnings
                row = records.household_row(household, dirty=1, updated_at=now())
                del row["id"]
                self.db.execute(
                    f"UPDATE households SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
                    [*row.values(), household.id],
                )
                self.enqueue(
                    "household",
                    household.id,
                    "update",
                    {"id": household.id, "fields": changed},
                    current["server_version"],
                )
        return household, warnings

    def delete_household(self, household_id: str) -> None:
        """Tombstone a household (deletes sync as tombstones, never as missing rows)."""
        current = self.household(household_id)
        if current is None or current.deleted:
            raise ValidationError.single("id", "unknown_household")
        self.save_household({**current.to_dict(), "deleted": True})

    # -- visits -----------------------------------------------------------------------

    def save_visit(self, data: Mapping[str, Any]) -> Visit:
        """Validate and save a visit with its outbox entry, atomically.

        A correction is a new visit whose ``supersedes`` names the visit it replaces;
        the old row stays (immutable) and is marked ``superseded_by``.
        """
        visit = parse_visit(data, procedures=self._procedures)
        with self.db.atomic():
            self._write_visit(visit)
        return visit

    def save_visits(self, items: Iterable[Mapping[str, Any]]) -> list[Visit]:
        """Save many visits in one transaction (imports, demo data): all or nothing.

        Each visit still gets its own outbox entry; validation errors name the index.
        """
        visits = []
        with self.db.atomic():
            for i, data in enumerate(items):
                try:
                    visit = parse_visit(data, procedures=self._procedures)
                    self._write_visit(visit)
                except ValidationError as exc:
                    raise ValidationError(
                        [replace(p, field=f"{i}.{p.field}") for p in exc.problems]
                    ) from exc
                visits.append(visit)
        return visits

    def _write_visit(self, visit: Visit) -> None:
        """Write one validated visit, its activities, summary and outbox entry."""
        self._check_visit_refs(visit)
        wire = visit.to_dict()
        self.insert_visit_rows(visit, wire)
        if visit.supersedes:
            self.db.execute(
                "UPDATE visits SET superseded_by = ? WHERE id = ?", [visit.id, visit.supersedes]
            )
        self.refresh_household_summary(visit.household_id)
        self.enqueue("visit", visit.id, "create", wire, None)

    def _check_visit_refs(self, visit: Visit) -> None:
        row = self.db.execute(
            "SELECT deleted FROM households WHERE id = ?", [visit.household_id]
        ).fetchone()
        if row is None or row[0]:
            raise ValidationError.single("household_id", "unknown_household")
        if visit.supersedes:
            old = self.db.execute(
                "SELECT household_id, superseded_by FROM visits WHERE id = ?", [visit.supersedes]
            ).fetchone()
            if old is None or old[0] != visit.household_id:
                raise ValidationError.single("supersedes", "unknown_supersedes")
            if old[1]:
                raise ValidationError.single("supersedes", "already_superseded")

    def visit(self, visit_id: str) -> Visit | None:
        rows = self._visits("WHERE id = ?", [visit_id])
        return rows[0] if rows else None

    def visits_for_household(self, household_id: str) -> list[Visit]:
        """Every visit of a household, newest first, superseded ones included."""
        return self._visits(
            "WHERE household_id = ? ORDER BY visited_at DESC, id DESC", [household_id]
        )

    def dossiers(self, household_id: str | None = None) -> list[DossierState]:
        """The dossiers derived from the visits on this phone (its own and those pulled for
        its villages), one household's or all, oldest submission first.

        Derived on every call, never stored: a team's villages hold a few thousand visits,
        and the same :func:`derive_dossiers` runs on the server over the same events.
        """
        # A visit the server quarantined (superseded_by = its own id) is not among the
        # server's events, so it moves no dossier here either.
        where = "WHERE (superseded_by IS NULL OR superseded_by != id)"
        if household_id:
            where += " AND household_id = ?"
        by_household: dict[str, list[Visit]] = {}
        for v in self._visits(where, [household_id] if household_id else []):
            by_household.setdefault(v.household_id, []).append(v)
        # One household at a time, as on the server: a dossier id named in two households
        # is two dossiers, never one hiding the other.
        found = [d for vs in by_household.values() for d in derive_dossiers(vs).values()]
        return sorted(found, key=submission_order)

    def _visits(self, where: str, params: list[Any]) -> list[Visit]:
        rows = self.db.execute(_SELECT_VISITS + where, params).fetchall()
        return [Visit.from_dict(records.decode_visit(row)) for row in rows]

    def visit_flags(self, household_id: str) -> dict[str, tuple[str | None, str]]:
        """visit id → (superseded_by, sync_status) for a household's visits."""
        rows = self.db.execute(
            "SELECT id, superseded_by, sync_status FROM visits WHERE household_id = ?",
            [household_id],
        ).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def visit_household(self, visit_id: str) -> str | None:
        row = self.db.execute("SELECT household_id FROM visits WHERE id = ?", [visit_id]).fetchone()
        return str(row[0]) if row else None

    def count_visits_between(self, member_id: str | None, start: date, end: date) -> int:
        """Effective (not superseded) visits whose local date is in [start, end]."""
        # visited_at is stored with the device's UTC offset, so its first ten characters
        # are the member's own calendar day.
        sql = (
            "SELECT count(*) FROM visits WHERE superseded_by IS NULL"
            " AND substr(visited_at, 1, 10) BETWEEN ? AND ?"
        )
        params: list[str] = [start.isoformat(), end.isoformat()]
        if member_id:
            sql += " AND member_id = ?"
            params.append(member_id)
        return int(self.db.execute(sql, params).fetchone()[0])

    # -- household lists ----------------------------------------------------------------

    def search_households(self, **kwargs: Any) -> HouseholdPage:
        """Page households from SQL; see :func:`household_query.search_households`."""
        return household_query.search_households(self.db, **kwargs)

    def count_households(self, **kwargs: Any) -> int:
        """Count households matching the same filters as :meth:`search_households`."""
        return household_query.count_households(self.db, **kwargs)
