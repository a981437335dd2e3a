"""What every part of the device store shares: the connection, the settings in ``meta``,
the outbox and the record rows.

:class:`StoreBase` owns the SQLite file; :class:`~fieldapp.store.device_store.DeviceStore`
(the screens' writes and reads) builds on it, and so does
:class:`~fieldapp.store.sync_state.SyncState` (what sync writes), which the store owns as
``store.sync``. Nothing outside :mod:`fieldapp.store` touches the connection.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlite_utils import Database

from fieldapp import records
from fieldapp.domain.model import Household, Visit
from fieldapp.store import settings
from fieldapp.store.settings import Setting
from fieldapp.sync.protocol import PushRow, encode_payload

__all__ = ["OutboxEntry", "StoreBase", "now"]

T = TypeVar("T")

_INSERT_ACTIVITY = records.INSERT_ACTIVITY
_SELECT_HOUSEHOLD = (
    f"SELECT {records.HOUSEHOLD_SELECT}, server_version FROM households WHERE id = ?"
)


def now() -> str:
    """The device's timestamps (outbox, rows): UTC, to the second."""
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


class StoreBase:
    """The device's SQLite file and the tables every part of the store writes."""

    def __init__(self, db: Database):
        self.db = db

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (a savepoint when nested) around several store calls."""
        with self.db.atomic():
            yield

    # -- meta -------------------------------------------------------------------------

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        """A meta value as stored text (code reads :meth:`get` with a declared setting)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def meta_set(self, key: str, value: str | None) -> None:
        with self.db.atomic():
            if value is None:
                self.db.execute("DELETE FROM meta WHERE key = ?", [key])
            else:
                self.db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )

    def get(self, setting: Setting[T]) -> T | None:
        """A setting's value, or None when it was never set (see :mod:`.settings`)."""
        raw = self.meta_get(setting.key)
        return None if raw is None else setting.load(raw)

    def put(self, setting: Setting[T], value: T | None) -> None:
        """Set a setting (None removes it)."""
        self.meta_set(setting.key, None if value is None else setting.dump(value))

    @property
    def device_id(self) -> str:
        value = self.get(settings.DEVICE_ID)
        assert value, "migrations create the device id"
        return value

    # -- records ----------------------------------------------------------------------

    def household_state(self, household_id: str) -> dict[str, Any] | None:
        """A household's fields (wire form) plus the ``server_version`` it is based on."""
        row = self.db.execute(_SELECT_HOUSEHOLD, [household_id]).fetchone()
        if row is None:
            return None
        d = records.decode_household(row)
        d["server_version"] = row[-1]
        return d

    def household(self, household_id: str) -> Household | None:
        d = self.household_state(household_id)
        if d is None:
            return None
        d.pop("server_version")
        return Household.from_dict(d)

    def insert_visit_rows(
        self, visit: Visit, wire: dict[str, Any] | None = None, **extra: Any
    ) -> None:
        """Insert a visit and its activity rows (no outbox: callers decide).

        Plain SQL rather than ``Table.insert``: this is the hot path of every save and
        sqlite-utils would introspect the table each time.
        """
        names = (*records.VISIT_FIELDS, *extra)
        self.db.execute(
            f"INSERT INTO visits ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [*records.encode_visit(visit, wire), *extra.values()],
        )
        self.db.conn.executemany(_INSERT_ACTIVITY, records.activity_values(visit))

    def refresh_household_summary(self, household_id: str) -> None:
        """Recompute a household's derived visit columns from its effective visits.

        ``visit_count`` counts visits that *reached* the household: a "nobody home" visit
        leaves it on the list of households still to visit, as coverage counts it.
        """
        self.db.execute(records.SUMMARY_SQL, {"h": household_id})

    # -- outbox -----------------------------------------------------------------------

    def enqueue(
        self,
        entity: str,
        entity_id: str,
        op: str,
        payload: dict[str, Any],
        base_version: int | None,
    ) -> int:
        """Add an outbox entry (inside the caller's transaction, with its row)."""
        cursor = self.db.execute(
            "INSERT INTO outbox (entity, entity_id, op, payload, base_version, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [entity, entity_id, op, encode_payload(payload), base_version, now()],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def pending_count(self) -> int:
        """How many changes are not yet acknowledged by the server ("N chưa đồng bộ")."""
        count: int = self.db.execute(
            "SELECT count(*) FROM outbox WHERE state = 'pending'"
        ).fetchone()[0]
        return count

    def pending_outbox(
        self, *, after_seq: int = 0, limit: int = 500, max_bytes: int = 512_000
    ) -> list[OutboxEntry]:
        """The next batch in sequence order, bounded in records and payload bytes."""
        out: list[OutboxEntry] = []
        size = 0
        for seq, entity, entity_id, op, payload, base, created in self.pending_rows(
            after_seq, limit
        ):
            size += len(payload)
            if out and size > max_bytes:
                break
            out.append(OutboxEntry(seq, entity, entity_id, op, json.loads(payload), base, created))
        return out

    def pending_rows(self, after_seq: int, limit: int) -> list[PushRow]:
        """Pending outbox rows after ``after_seq`` (payload still JSON text), in order."""
        rows: list[PushRow] = self.db.execute(
            "SELECT seq, entity, entity_id, op, payload, base_version, created_at FROM outbox"
            " WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            [after_seq, limit],
        ).fetchall()
        return rows

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
            changed: int = self.db.execute(
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
