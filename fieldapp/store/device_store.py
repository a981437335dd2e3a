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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from fieldapp.domain.dossier import DossierState, derive_dossiers
from fieldapp.domain.model import VISIT_FIELDS, Household, Member, Team, Village, Visit, Ward
from fieldapp.domain.validation import ValidationError, parse_household, parse_visit
from fieldapp.files import private_file
from fieldapp.reference import load_procedures
from fieldapp.store import household_query
from fieldapp.store.household_query import HouseholdPage
from fieldapp.store.schema import migrations
from fieldapp.text import fold, given_name_first, nfc, normalize_phone, sort_key

__all__ = ["DeviceStore", "OutboxEntry"]

_HOUSEHOLD_FIELDS = (
    "village_id",
    "head_name",
    "address_detail",
    "phone",
    "members_count",
    "deleted",
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class OutboxEntry:
    """One pending mutation, in device sequence order."""

    seq: int
    entity: str
    entity_id: str
    op: str
    payload: dict[str, Any]
    base_version: int | None
    created_at: str


def household_row(h: Household, **extra: Any) -> dict[str, Any]:
    """The stored row for a household, with its search and sort keys."""
    return {
        "id": h.id,
        "village_id": h.village_id,
        "head_name": h.head_name,
        "address_detail": h.address_detail,
        "phone": h.phone,
        "members_count": h.members_count,
        "deleted": int(h.deleted),
        "name_sort": sort_key(h.head_name or h.address_detail),
        "given_sort": sort_key(given_name_first(h.head_name or h.address_detail)),
        "search": fold(" ".join(filter(None, [h.head_name, h.address_detail, h.phone]))),
        **extra,
    }


def visit_row(v: Visit, wire: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The stored row for a visit (activities and GPS as JSON text).

    ``wire`` is ``v.to_dict()`` when the caller already has it.
    """
    d = dict(wire) if wire is not None else v.to_dict()
    d["activities"] = json.dumps(d["activities"], ensure_ascii=False)
    d["gps"] = json.dumps(d["gps"]) if d["gps"] else None
    d.update(extra)
    return d


def activity_rows(v: Visit) -> list[dict[str, Any]]:
    """The flattened activity rows of a visit, for SQL aggregation."""
    return [
        {
            "visit_id": v.id,
            "household_id": v.household_id,
            "kind": str(a.kind),
            "procedure_code": a.procedure_code,
            "level": str(a.level) if a.level else None,
            "payment_status": str(a.payment_status) if a.payment_status else None,
        }
        for a in v.activities
    ]


class DeviceStore:
    """The device's SQLite store. Open with :meth:`open`; one instance per file."""

    def __init__(self, db: Database):
        self.db = db
        self._procedures = load_procedures()

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

    def close(self) -> None:
        self.db.close()

    # -- meta -------------------------------------------------------------------------

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def meta_set(self, key: str, value: str | None) -> None:
        with self.db.atomic():
            if value is None:
                self.db.execute("DELETE FROM meta WHERE key = ?", [key])
            else:
                self.db.table("meta").upsert({"key": key, "value": value}, pk="key")

    @property
    def device_id(self) -> str:
        value = self.meta_get("device_id")
        assert value, "migrations create the device id"
        return value

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
            current = self._household_dict(household.id)
            new = household.to_dict()
            if current is None:
                self.db.table("households").insert(
                    household_row(household, dirty=1, updated_at=_now())
                )
                self._enqueue("household", household.id, "create", new, None)
            else:
                changed = {k: new[k] for k in _HOUSEHOLD_FIELDS if new[k] != current[k]}
                if not changed:
                    return household, warnings
                self.db.table("households").update(
                    household.id, household_row(household, dirty=1, updated_at=_now())
                )
                self._enqueue(
                    "household",
                    household.id,
                    "update",
                    {"id": household.id, "fields": changed},
                    current["server_version"],
                )
        return household, warnings

    def _household_dict(self, household_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, village_id, head_name, address_detail, phone, members_count, deleted,"
            " server_version FROM households WHERE id = ?",
            [household_id],
        ).fetchone()
        if row is None:
            return None
        keys = ("id", *_HOUSEHOLD_FIELDS, "server_version")
        d = dict(zip(keys, row, strict=True))
        d["deleted"] = bool(d["deleted"])
        return d

    def household(self, household_id: str) -> Household | None:
        d = self._household_dict(household_id)
        if d is None:
            return None
        d.pop("server_version")
        return Household.from_dict(d)

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
        self._enqueue("visit", visit.id, "create", wire, None)

    def insert_visit_rows(
        self, visit: Visit, wire: dict[str, Any] | None = None, **extra: Any
    ) -> None:
        """Insert a visit and its activity rows (no outbox: callers decide).

        Plain SQL rather than ``Table.insert``: this is the hot path of every save and
        sqlite-utils would introspect the table each time.
        """
        row = visit_row(visit, wire, **extra)
        self.db.execute(
            f"INSERT INTO visits ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        self.db.conn.executemany(
            "INSERT INTO visit_activities (visit_id, household_id, kind, procedure_code, level,"
            " payment_status) VALUES (:visit_id, :household_id, :kind, :procedure_code, :level,"
            " :payment_status)",
            activity_rows(visit),
        )

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

    def refresh_household_summary(self, household_id: str) -> None:
        """Recompute a household's derived visit columns from its effective visits.

        ``visit_count`` counts visits that *reached* the household: a "nobody home" visit
        leaves it on the list of households still to visit, as coverage counts it.
        """
        self.db.execute(household_query.SUMMARY_SQL, {"h": household_id})

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
        where = "WHERE household_id = ?" if household_id else ""
        # derive_dossiers keeps submission order: (visited_at as an instant, visit id).
        return list(
            derive_dossiers(self._visits(where, [household_id] if household_id else [])).values()
        )

    def _visits(self, where: str, params: list[Any]) -> list[Visit]:
        cursor = self.db.execute(
            f"SELECT {', '.join(VISIT_FIELDS)} FROM visits " + where,
            params,
        )
        out = []
        for row in cursor.fetchall():
            d = dict(zip(VISIT_FIELDS, row, strict=True))
            d["activities"] = json.loads(d["activities"])
            d["gps"] = json.loads(d["gps"]) if d["gps"] else None
            out.append(Visit.from_dict(d))
        return out

    # -- outbox -----------------------------------------------------------------------

    def _enqueue(
        self,
        entity: str,
        entity_id: str,
        op: str,
        payload: dict[str, Any],
        base_version: int | None,
    ) -> int:
        cursor = self.db.execute(
            "INSERT INTO outbox (entity, entity_id, op, payload, base_version, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [entity, entity_id, op, json.dumps(payload, ensure_ascii=False), base_version, _now()],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def pending_count(self) -> int:
        """How many changes are not yet acknowledged by the server ("N chưa đồng bộ")."""
        return self.db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]

    def pending_outbox(
        self, *, after_seq: int = 0, limit: int = 500, max_bytes: int = 512_000
    ) -> list[OutboxEntry]:
        """The next batch in sequence order, bounded in records and payload bytes."""
        out: list[OutboxEntry] = []
        size = 0
        cursor = self.db.execute(
            "SELECT seq, entity, entity_id, op, payload, base_version, created_at FROM outbox"
            " WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            [after_seq, limit],
        )
        for seq, entity, entity_id, op, payload, base, created in cursor.fetchall():
            size += len(payload)
            if out and size > max_bytes:
                break
            out.append(OutboxEntry(seq, entity, entity_id, op, json.loads(payload), base, created))
        return out

    def mark_acked(self, up_to_seq: int) -> int:
        """Mark everything up to the server's high-water mark as delivered.

        Returns how many entries changed. Households with no pending entries left are no
        longer dirty, so pulled server versions may update them again.
        """
        with self.db.atomic():
            # Only the newly acknowledged range is touched, so the cost follows the batch,
            # not the whole history of the outbox.
            row = self.db.execute("SELECT min(seq) FROM outbox WHERE state = 'pending'").fetchone()
            if row[0] is None or row[0] > up_to_seq:
                return 0
            span = [row[0], up_to_seq]
            changed = self.db.execute(
                "UPDATE outbox SET state = 'acked' WHERE state = 'pending' AND seq BETWEEN ? AND ?",
                span,
            ).rowcount
            self.db.execute(
                "UPDATE visits SET sync_status = 'synced' WHERE sync_status = 'pending' AND id IN"
                " (SELECT entity_id FROM outbox WHERE seq BETWEEN ? AND ? AND entity = 'visit'"
                " AND state = 'acked')",
                span,
            )
            self.db.execute(
                "UPDATE households SET dirty = 0 WHERE dirty = 1 AND id IN (SELECT entity_id"
                " FROM outbox WHERE seq BETWEEN ? AND ? AND entity = 'household') AND NOT EXISTS"
                " (SELECT 1 FROM outbox o WHERE o.entity = 'household'"
                " AND o.entity_id = households.id AND o.state = 'pending')",
                span,
            )
        return changed

    # -- household lists ----------------------------------------------------------------

    def search_households(self, **kwargs: Any) -> HouseholdPage:
        """Page households from SQL; see :func:`household_query.search_households`."""
        return household_query.search_households(self.db, **kwargs)

    def count_households(self, **kwargs: Any) -> int:
        """Count households matching the same filters as :meth:`search_households`."""
        return household_query.count_households(self.db, **kwargs)
