"""Device-side sync state: cursor, epoch, scope, push results and pulled pages.

:class:`SyncState` is the part of the device store that :mod:`fieldapp.sync.client`
drives; each :class:`~fieldapp.store.device_store.DeviceStore` owns one as ``store.sync``.
Every method that changes more than one row does it in one transaction, so a sync
killed at any point leaves either the old state or the new one (a pulled page and its
cursor commit together; push results and the acknowledgement commit together).

Its settings (cursor, epoch, scope, high-water mark, …) are declared in
:mod:`fieldapp.store.settings`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fieldapp import records
from fieldapp.domain.model import Household, Visit
from fieldapp.store import settings
from fieldapp.store.base import StoreBase, now
from fieldapp.sync.protocol import (
    Change,
    MutationResult,
    PushRow,
    ResultStatus,
    encode_payload,
    encode_push,
    row_hash,
    scope_checksum,
)

__all__ = ["Sent", "SentEntry", "SyncState"]


class Sent(Protocol):
    """What :func:`apply_push_results` needs of each entry it sent."""

    @property
    def seq(self) -> int: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> str: ...


@dataclass(frozen=True)
class SentEntry:
    seq: int
    entity: str
    entity_id: str


class SyncState:
    """What sync reads and writes in the device store (one per store: ``store.sync``)."""

    def __init__(self, store: StoreBase):
        self._store = store
        self._db = store.db

    def get_cursor(self) -> int:
        return self._store.get(settings.CURSOR) or 0

    def set_cursor(self, cursor: int) -> None:
        self._store.put(settings.CURSOR, cursor)

    def next_seq(self) -> int:
        """The sequence number the next outbox entry will get (AUTOINCREMENT never reuses)."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
        return (row[0] if row else 0) + 1

    def first_unsent_seq(self) -> int:
        """Where a newly enrolled device's counter starts: its oldest pending entry, if any."""
        row = self._db.execute("SELECT min(seq) FROM outbox WHERE state = 'pending'").fetchone()
        return row[0] if row[0] is not None else self.next_seq()

    def outbox_max_seq(self) -> int:
        return self.next_seq() - 1

    def min_outbox_seq(self) -> int | None:
        lowest: int | None = self._db.execute("SELECT min(seq) FROM outbox").fetchone()[0]
        return lowest

    def requeue_after(self, high_water_mark: int) -> int:
        """Send again everything after the server's mark (server restored or gap reported).

        Acknowledged rows are kept in the outbox for exactly this. Returns how many rows
        went back to pending.
        """
        with self._db.atomic():
            n = self._db.execute(
                "UPDATE outbox SET state = 'pending', error = NULL"
                " WHERE seq > ? AND state != 'pending'",
                [high_water_mark],
            ).rowcount
            requeued = self._db.execute(
                "SELECT DISTINCT household_id FROM visits WHERE superseded_by = id AND id IN"
                " (SELECT entity_id FROM outbox WHERE entity = 'visit' AND seq > ?)",
                [high_water_mark],
            ).fetchall()
            self._db.execute(
                "UPDATE visits SET sync_status = 'pending', sync_error = NULL,"
                " superseded_by = CASE WHEN superseded_by = id THEN NULL ELSE superseded_by END"
                " WHERE id IN (SELECT entity_id FROM outbox WHERE entity = 'visit' AND seq > ?)",
                [high_water_mark],
            )
            for (household_id,) in requeued:
                self._store.refresh_household_summary(household_id)
            self._db.execute(
                "UPDATE households SET dirty = 1 WHERE id IN (SELECT entity_id FROM outbox"
                " WHERE entity = 'household' AND seq > ?)",
                [high_water_mark],
            )
            mark = self._store.get(settings.HIGH_WATER_MARK) or 0
            self._store.put(settings.HIGH_WATER_MARK, min(high_water_mark, mark))
        return n

    def pending_push(
        self, device_id: str, *, after_seq: int = 0, limit: int, max_bytes: int
    ) -> tuple[list[SentEntry], bytes]:
        """The next push batch (bounded like :meth:`DeviceStore.pending_outbox`) as a JSON body.

        The payloads are spliced in as stored (the outbox holds them as JSON text), so a
        backlog is not decoded and encoded again on its way out. ``after_seq``: the caller
        knows nothing at or below it is pending, so the scan starts there instead of
        walking every acknowledged entry.
        """
        rows = self._store.pending_rows(after_seq, limit)
        sent: list[SentEntry] = []
        batch: list[PushRow] = []
        size = 0
        for row in rows:
            size += len(row[4])
            if sent and size > max_bytes:
                break
            sent.append(SentEntry(row[0], row[1], row[2]))
            batch.append(row)
        return sent, encode_push(device_id, batch)

    def _issue(
        self,
        kind: str,
        entity: str,
        entity_id: str,
        seq: int | None,
        detail: dict[str, Any],
    ) -> None:
        self._db.execute(
            "INSERT INTO sync_issues (kind, entity, entity_id, seq, detail, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [kind, entity, entity_id, seq, json.dumps(detail, ensure_ascii=False), now()],
        )

    def apply_push_results(
        self,
        entries: Sequence[Sent],
        high_water_mark: int,
        results: Sequence[MutationResult],
    ) -> int:
        """Record rejections and conflicts, then acknowledge, in one transaction.

        Only entries of this batch are acknowledged: up to ``min(high_water_mark, highest
        seq sent)``.
        A server mark beyond the batch does not vouch for entries the device never sent in
        it (see :func:`unsent_below`). Returns the seq acknowledged up to.
        """
        by_seq = {e.seq: e for e in entries}
        acked = min(high_water_mark, max(by_seq, default=0))
        with self._db.atomic():
            for r in results:
                entry = by_seq.get(r.seq)
                if entry is None:
                    continue
                quarantined = r.status == ResultStatus.QUARANTINED or (
                    r.status == ResultStatus.DUPLICATE and r.code
                )
                if quarantined:
                    detail = {
                        "code": r.code,
                        "message_vi": r.message_vi,
                        "message_en": r.message_en,
                    }
                    self._db.execute(
                        "UPDATE outbox SET state = 'rejected', error = ? WHERE seq = ?",
                        [json.dumps(detail, ensure_ascii=False), r.seq],
                    )
                    if entry.entity == "visit":
                        self._reject_visit(entry.entity_id, r.message_vi or r.code)
                    else:
                        # A refused edit will never be applied: unless more edits of the
                        # household wait to be sent, the server's version may replace it
                        # again (e.g. once a leader has dismissed the refused record).
                        self._db.execute(
                            "UPDATE households SET dirty = 0 WHERE id = ? AND NOT EXISTS"
                            " (SELECT 1 FROM outbox o WHERE o.entity = 'household'"
                            " AND o.entity_id = ? AND o.state = 'pending' AND o.seq > ?)",
                            [entry.entity_id, entry.entity_id, acked],
                        )
                    self._issue("rejected", entry.entity, entry.entity_id, r.seq, detail)
                elif r.conflicts:
                    self._issue(
                        "conflict", entry.entity, entry.entity_id, r.seq, {"fields": r.conflicts}
                    )
            self._store.mark_acked(acked)
            self._store.put(settings.HIGH_WATER_MARK, acked)
        return acked

    def unsent_below(self, high_water_mark: int) -> int:
        """How many entries are still pending at or below the server's mark ``high_water_mark``.

        After a batch is acknowledged, any such entry is one the server counts as received
        but the device never sent under that number in this sync: the device's numbers were
        reused (a phone restored from a copy), which the client treats as ``device_reset``.
        """
        row = self._db.execute(
            "SELECT count(*) FROM outbox WHERE state = 'pending' AND seq <= ?", [high_water_mark]
        ).fetchone()
        return int(row[0])

    def _reject_visit(self, visit_id: str, reason: str | None) -> None:
        """A visit the server refused stops counting on the device, as it does on the server.

        It is marked non-effective the way a corrected visit is (``superseded_by`` = its own
        id), so every "effective visits" query (household summary, coverage) leaves it out.
        If it was a correction, the visit it meant to replace counts again until the pull
        brings the server's state (e.g. the correction that won the race).
        """
        row = self._db.execute(
            "SELECT household_id, supersedes FROM visits WHERE id = ?", [visit_id]
        ).fetchone()
        self._db.execute(
            "UPDATE visits SET sync_status = 'rejected', sync_error = ?, superseded_by = id"
            " WHERE id = ?",
            [reason, visit_id],
        )
        if row is None:
            return
        if row[1]:
            self._db.execute(
                "UPDATE visits SET superseded_by = NULL WHERE id = ? AND superseded_by = ?",
                [row[1], visit_id],
            )
        self._store.refresh_household_summary(row[0])

    def _upsert_household(self, data: dict[str, Any], version: int) -> bool:
        """Apply a pulled household; False when it was skipped because of unsent edits.

        A skipped row keeps its old ``server_version``: the device holds neither the pulled
        data nor (if its own edit changes nothing on the server) any later version of it,
        so it must not claim that version. The caller remembers where to pull again.
        """
        row = self._db.execute("SELECT dirty FROM households WHERE id = ?", [data["id"]]).fetchone()
        if row is not None and row[0]:
            return False
        values = records.household_row(
            Household.from_dict(data), server_version=version, dirty=0, updated_at=now()
        )
        cols = list(values)
        self._db.execute(
            f"INSERT INTO households ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            f" ON CONFLICT (id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id"),
            list(values.values()),
        )
        return True

    def _upsert_visit(self, data: dict[str, Any]) -> None:
        superseded_by = data.get("superseded_by")
        visit = Visit.from_dict({k: v for k, v in data.items() if k != "superseded_by"})
        inserted = (
            self._db.execute("SELECT 1 FROM visits WHERE id = ?", [visit.id]).fetchone() is None
        )
        if inserted:
            self._store.insert_visit_rows(visit, superseded_by=superseded_by, sync_status="synced")
        else:
            self._db.execute(
                "UPDATE visits SET superseded_by = coalesce(?, superseded_by),"
                " sync_status = 'synced', sync_error = NULL WHERE id = ?",
                [superseded_by, visit.id],
            )

    def _drop_household(self, household_id: str) -> None:
        self._db.execute("DELETE FROM visit_activities WHERE household_id = ?", [household_id])
        self._db.execute("DELETE FROM visits WHERE household_id = ?", [household_id])
        self._db.execute("DELETE FROM households WHERE id = ?", [household_id])

    def apply_pull_page(
        self, changes: Sequence[Change], cursor: int, *, track_seen: bool = False
    ) -> int:
        """Apply one pulled page and save the new cursor in one transaction.

        Households go first (a page may carry a visit's household along), then visits,
        then scope exits. Returns how many records were applied.
        """
        touched: set[str] = set()
        with self._db.atomic():
            refetch: int | None = None
            for c in changes:
                if c.kind == "upsert" and c.entity == "household" and c.data is not None:
                    if self._upsert_household(c.data, c.version or 0):
                        touched.add(c.entity_id)
                    else:
                        refetch = c.cursor - 1 if refetch is None else min(refetch, c.cursor - 1)
            if refetch is not None:
                saved = self._store.get(settings.REFETCH_CURSOR)
                self._store.put(
                    settings.REFETCH_CURSOR, refetch if saved is None else min(refetch, saved)
                )
            for c in changes:
                if c.kind == "upsert" and c.entity == "visit" and c.data is not None:
                    self._upsert_visit(c.data)
                    touched.add(c.data["household_id"])
            for c in changes:
                if c.kind == "left_scope":
                    if self._db.execute(
                        "SELECT 1 FROM households WHERE id = ?", [c.entity_id]
                    ).fetchone():
                        self._issue("left_scope", c.entity, c.entity_id, None, {"cursor": c.cursor})
                    self._drop_household(c.entity_id)
                    touched.discard(c.entity_id)
            if track_seen:
                self._db.conn.executemany(
                    "INSERT OR IGNORE INTO temp.sync_seen (entity, id) VALUES (?, ?)",
                    [(str(c.entity), c.entity_id) for c in changes if c.kind == "upsert"],
                )
            for household_id in touched:
                self._store.refresh_household_summary(household_id)
            self.set_cursor(cursor)
        return len(changes)

    def apply_scope(self, village_ids: Iterable[str]) -> tuple[set[str], set[str]]:
        """Record the server's scope; drop data of villages that left it.

        Returns (added, removed) village ids. Pending outbox entries are kept: the server
        keeps out-of-scope writes for review.
        """
        new = set(village_ids)
        known = self._store.get(settings.SCOPE_VILLAGES)
        old = set(known or ())
        added, removed = new - old, (old - new) if known is not None else set()
        with self._db.atomic():
            for village in sorted(removed):
                ids = [
                    r[0]
                    for r in self._db.execute(
                        "SELECT id FROM households WHERE village_id = ?", [village]
                    )
                ]
                for household_id in ids:
                    self._drop_household(household_id)
                self._issue("left_scope", "village", village, None, {"households": len(ids)})
                self._db.execute("DELETE FROM villages WHERE id = ?", [village])
            self._store.put(settings.SCOPE_VILLAGES, sorted(new))
        return added, removed

    def unknown_visit_authors(self) -> bool:
        """Whether visits name members this device has no name for, and the member list has
        not been fetched again since that set appeared (so the fetch happens once per new
        set, not on every sync: the server may have no name to give for some)."""
        ids = [
            r[0]
            for r in self._db.execute(
                "SELECT DISTINCT member_id FROM visits"
                " WHERE member_id NOT IN (SELECT id FROM members) ORDER BY member_id"
            )
        ]
        marker = hashlib.sha256("\n".join(ids).encode()).hexdigest() if ids else None
        if marker is None or self._store.get(settings.UNKNOWN_AUTHORS) == marker:
            return False
        self._store.put(settings.UNKNOWN_AUTHORS, marker)
        return True

    def local_checksum(self) -> str:
        """The device's side of the scope checksum (what the server has confirmed)."""
        hashes = [
            row_hash("household", hid, version)
            for hid, version in self._db.execute(
                "SELECT id, server_version FROM households WHERE server_version IS NOT NULL"
            )
        ]
        hashes.extend(
            row_hash("visit", vid, version)
            for vid, version in self._db.execute(
                "SELECT v.id, CASE WHEN EXISTS (SELECT 1 FROM visits s WHERE s.id = v.superseded_by"
                " AND s.sync_status = 'synced') THEN 2 ELSE 1 END FROM visits v"
                " WHERE v.sync_status = 'synced'"
            )
        )
        return scope_checksum(hashes)

    def begin_full_resync(self) -> None:
        """Start re-downloading the whole scope: cursor back to 0, remember what arrives."""
        self._db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS sync_seen"
            " (entity TEXT, id TEXT, PRIMARY KEY (entity, id))"
        )
        self._db.execute("DELETE FROM temp.sync_seen")
        self.set_cursor(0)

    def finish_full_resync(self) -> int:
        """Reconcile the device with the scope just re-downloaded; returns how many records
        went back to the outbox.

        Confirmed records the server no longer has are dropped, except what only this
        phone's outbox can restore (a server restored from an older backup loses records it
        had acknowledged): visits this device sent, and households it created or edited or
        that hold such visits. Those stay and are queued again — a household as a ``create``
        of its current state, ahead of its visits (FIFO) — so the next push re-sends them.
        Unsent edits are never touched.
        """
        seen_visit = "SELECT id FROM temp.sync_seen WHERE entity = 'visit'"
        seen_household = "SELECT id FROM temp.sync_seen WHERE entity = 'household'"
        own_visit = (
            "EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'visit' AND o.entity_id = v.id"
            " AND o.state = 'acked')"
        )
        with self._db.atomic():
            lost_visits = self._db.execute(
                f"SELECT v.id, v.household_id, {own_visit} FROM visits v"
                f" WHERE v.sync_status = 'synced' AND v.id NOT IN ({seen_visit})"
            ).fetchall()
            resend_visits = {vid for vid, _, own in lost_visits if own}
            lost_households = self._db.execute(
                "SELECT h.id, EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'household'"
                " AND o.entity_id = h.id AND o.state != 'rejected') FROM households h"
                f" WHERE h.server_version IS NOT NULL AND h.id NOT IN ({seen_household})"
            ).fetchall()
            holds_own = {hid for vid, hid, own in lost_visits if own}
            holds_own.update(
                r[0]
                for r in self._db.execute(
                    "SELECT DISTINCT v.household_id FROM visits v WHERE v.sync_status != 'synced'"
                )
            )
            resend_households = [hid for hid, own in lost_households if own or hid in holds_own]
            for vid, _, own in lost_visits:
                if own:
                    continue
                self._db.execute("DELETE FROM visit_activities WHERE visit_id = ?", [vid])
                self._db.execute(
                    "UPDATE visits SET superseded_by = NULL WHERE superseded_by = ?", [vid]
                )
                self._db.execute("DELETE FROM visits WHERE id = ?", [vid])
            for hid, own in lost_households:
                if not own and hid not in holds_own and not self._is_dirty(hid):
                    self._drop_household(hid)
            for hid in resend_households:
                current = self._store.household(hid)
                assert current is not None
                self._db.execute(
                    "INSERT INTO outbox (entity, entity_id, op, payload, base_version, created_at)"
                    " VALUES ('household', ?, 'create', ?, NULL, ?)",
                    [hid, encode_payload(current.to_dict()), now()],
                )
                self._db.execute(
                    "UPDATE households SET dirty = 1, server_version = NULL WHERE id = ?", [hid]
                )
            if resend_visits:
                marks = ", ".join("?" * len(resend_visits))
                ids = sorted(resend_visits)
                # The payload each visit was first sent with, in its original order (a
                # correction after the visit it corrects).
                self._db.execute(
                    "INSERT INTO outbox (entity, entity_id, op, payload, base_version, created_at)"
                    " SELECT entity, entity_id, op, payload, base_version, created_at FROM outbox"
                    f" WHERE entity = 'visit' AND state = 'acked' AND entity_id IN ({marks})"
                    " AND seq IN (SELECT max(seq) FROM outbox WHERE entity = 'visit'"
                    f" AND entity_id IN ({marks}) GROUP BY entity_id) ORDER BY seq",
                    ids + ids,
                )
                self._db.execute(
                    f"UPDATE visits SET sync_status = 'pending' WHERE id IN ({marks})", ids
                )
            self._db.execute("DELETE FROM temp.sync_seen")
        return len(resend_visits) + len(resend_households)

    def take_refetch(self) -> None:
        """Pull again from where pulled households were skipped for unsent edits (sent by
        now): the cursor goes back there, in one transaction with forgetting the mark."""
        refetch = self._store.get(settings.REFETCH_CURSOR)
        if refetch is None:
            return
        with self._db.atomic():
            self.set_cursor(min(self.get_cursor(), refetch))
            self._store.put(settings.REFETCH_CURSOR, None)

    def open_issues(self, limit: int) -> list[tuple[int, str, str, str, str, str]]:
        """Unresolved sync issues, newest first: (id, kind, entity, entity_id, detail JSON,
        created_at)."""
        rows = self._db.execute(
            "SELECT id, kind, entity, entity_id, detail, created_at FROM sync_issues"
            " WHERE resolved = 0 ORDER BY id DESC LIMIT ?",
            [limit],
        ).fetchall()
        return [tuple(r) for r in rows]

    def _is_dirty(self, household_id: str) -> bool:
        row = self._db.execute(
            "SELECT dirty FROM households WHERE id = ?", [household_id]
        ).fetchone()
        return bool(row and row[0])
