"""The SQLite side of list imports (:class:`fieldapp.server.import_storage.ImportStorage`).

A mixin of :class:`fieldapp.server.sqlite_storage.SqliteStorage`: it uses that class's
``db`` (:class:`fieldapp.server.db.ServerDatabase`: SQLite or PostgreSQL). Households are
written the way pushes write
them (:func:`fieldapp.server.push.write_household`): a version, per-field versions (with
no device, so a phone's concurrent edit of the same field is recorded as a conflict) and
a stamp on the change feed, so the team's phones receive them on their next pull.
A commit and an undo write their audit entry (:mod:`fieldapp.server.audit`) in their own
transaction. Console drafts are plain rows of ``import_drafts`` (migration m010).
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from fieldapp.domain.model import HOUSEHOLD_FIELDS, Household, Member
from fieldapp.server import accounts, audit
from fieldapp.server.db import ServerDatabase, Writer, now_iso
from fieldapp.server.errors import ApiError
from fieldapp.server.import_storage import (
    DRAFT_LIFETIME,
    ExistingHousehold,
    ExistingMember,
    ImportBatch,
    ImportContext,
    ImportDraft,
    ImportLink,
    ImportPlan,
    PlannedWrite,
    safe_filename,
)
from fieldapp.server.push import current_household, write_household
from fieldapp.server.storage import Principal
from fieldapp.sql import Conn

__all__ = ["SqliteImportStorage"]


def _stale() -> ApiError:
    return ApiError(
        "conflict",
        field="preview",
        message_vi="Dữ liệu của xã/phường đã thay đổi từ lúc xem trước; hãy xem trước lại.",
        message_en="The ward's data changed since the preview; preview again.",
    )


def _check_scope(by: Principal | None, ward_code: str) -> None:
    accounts.require_officer(by)
    if by is not None and by.ward_codes and ward_code not in by.ward_codes:
        raise ApiError("forbidden", field="ward_code")


def _batch(row: tuple[Any, ...]) -> ImportBatch:
    return ImportBatch(
        id=row[0],
        kind=row[1],
        ward_code=row[2],
        filename=row[3],
        imported_by=row[4],
        imported_at=row[5],
        counts=json.loads(row[6]),
        refused_columns=json.loads(row[7]),
        mapping=json.loads(row[8]),
        undone_at=row[9],
    )


_BATCH_COLUMNS = (
    "id, kind, ward_code, filename, imported_by, imported_at, counts, refused_columns, mapping,"
    " undone_at"
)


class SqliteImportStorage:
    """List-import persistence on the server's SQLite file."""

    db: ServerDatabase

    def import_context(
        self, ward_code: str, kind: str, *, by: Principal | None = None
    ) -> ImportContext:
        _check_scope(by, ward_code)
        with self.db.read() as conn:
            known = conn.execute("SELECT 1 FROM wards WHERE code = ?", [ward_code]).fetchone()
        if not known:
            with self.db.write() as w:  # raises not_found for a code not in the reference
                accounts.ensure_ward(w.conn, ward_code)
        with self.db.read() as conn:
            villages = accounts.list_villages(conn, None, ward_code)
            teams = [t for t in accounts.list_teams(conn, None) if t.ward_code == ward_code]
            links = {
                key: ImportLink(record, json.loads(digests))
                for key, record, digests in conn.execute(
                    "SELECT match_key, record_id, field_digests FROM import_links"
                    " WHERE ward_code = ? AND kind = ?",
                    [ward_code, kind],
                )
            }
            households: list[ExistingHousehold] = []
            members: list[ExistingMember] = []
            if kind == "households":
                households = [
                    ExistingHousehold(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7])
                    for r in conn.execute(
                        "SELECT h.id, h.village_id, h.head_name, h.address_detail, h.phone,"
                        " h.members_count, h.deleted, h.version FROM households h"
                        " JOIN villages v ON v.id = h.village_id WHERE v.ward_code = ?",
                        [ward_code],
                    )
                ]
            else:
                members = [
                    ExistingMember(*r)
                    for r in conn.execute(
                        "SELECT m.id, m.name, m.role, m.team_id, m.phone FROM members m"
                        " JOIN teams t ON t.id = m.team_id"
                        " WHERE t.ward_code = ? AND m.role != 'officer'",
                        [ward_code],
                    )
                ]
        return ImportContext(ward_code, villages, teams, households, members, links)

    def commit_import(self, plan: ImportPlan, *, by: Principal | None = None) -> ImportBatch:
        _check_scope(by, plan.ward_code)
        batch = ImportBatch(
            id=str(uuid.uuid4()),
            kind=plan.kind,
            ward_code=plan.ward_code,
            filename=safe_filename(plan.filename),
            imported_by=by.member_id if by is not None else "cli",
            imported_at=now_iso(),
            counts=dict(plan.counts),
            refused_columns=list(plan.refused_columns),
            mapping=dict(plan.mapping),
        )
        with self.db.write() as w:
            w.conn.execute(
                f"INSERT INTO import_batches ({_BATCH_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    batch.id,
                    batch.kind,
                    batch.ward_code,
                    batch.filename,
                    batch.imported_by,
                    batch.imported_at,
                    accounts.json_dumps(batch.counts),
                    accounts.json_dumps(batch.refused_columns),
                    accounts.json_dumps(batch.mapping),
                    None,
                ],
            )
            linked = self._linked_keys(w.conn, plan)
            versions: dict[str, int | None] = {}
            if plan.kind == "households":
                villages = {
                    r[0]
                    for r in w.conn.execute(
                        "SELECT id FROM villages WHERE ward_code = ?", [plan.ward_code]
                    )
                }
                for write in plan.writes:
                    if write.action == "new" and write.match_key in linked:
                        raise _stale()
                    versions[write.record.id] = self._write_household(w, write, villages)
            else:
                for write in plan.writes:
                    if write.action == "new" and write.match_key in linked:
                        raise _stale()
                    self._write_member(w, write, plan.ward_code, by)
            w.conn.executemany(
                "INSERT INTO import_links (ward_code, kind, match_key, record_id, field_digests,"
                " batch_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ward_code, kind, match_key)"
                " DO UPDATE SET record_id = excluded.record_id,"
                " field_digests = excluded.field_digests, batch_id = excluded.batch_id",
                [
                    (
                        plan.ward_code,
                        plan.kind,
                        p.match_key,
                        p.record.id,
                        accounts.json_dumps(p.field_digests),
                        batch.id,
                    )
                    for p in plan.writes
                ],
            )
            w.conn.executemany(
                "INSERT INTO import_batch_records (batch_id, record_id, action, row, version,"
                " before) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        batch.id,
                        p.record.id,
                        p.action,
                        p.row,
                        versions.get(p.record.id),
                        accounts.json_dumps(p.before) if p.before else None,
                    )
                    for p in plan.writes
                    if p.changed_fields
                ],
            )
            audit.record(
                w,
                by,
                "import_committed",
                "import_batch",
                batch.id,
                ward=plan.ward_code,
                after={"kind": plan.kind, "filename": batch.filename, **batch.counts},
            )
        return batch

    @staticmethod
    def _linked_keys(conn: Conn, plan: ImportPlan) -> set[str]:
        wanted = {p.match_key for p in plan.writes if p.action == "new"}
        if not wanted:
            return set()
        rows = conn.execute(
            "SELECT match_key FROM import_links WHERE ward_code = ? AND kind = ?",
            [plan.ward_code, plan.kind],
        )
        return {r[0] for r in rows} & wanted

    @staticmethod
    def _write_household(w: Writer, write: PlannedWrite, villages: set[str]) -> int | None:
        """Write one planned household; returns the version written (None: unchanged)."""
        household = write.record
        assert isinstance(household, Household)
        if household.village_id not in villages:
            raise _stale()  # the village was moved or removed since the preview
        if write.action == "new":
            if w.conn.execute("SELECT 1 FROM households WHERE id = ?", [household.id]).fetchone():
                raise _stale()
            versions: dict[str, list[Any]] = {k: [1, None] for k in HOUSEHOLD_FIELDS}
            write_household(w, household, 1, versions, None, new=True)
            return 1
        row = w.conn.execute(
            "SELECT version, field_versions, village_id FROM households WHERE id = ?",
            [household.id],
        ).fetchone()
        if row is None or row[0] != write.expected_version:
            raise _stale()  # a phone pushed an edit since the preview: look again
        if write.action == "unchanged":
            return None
        version = row[0] + 1
        field_versions = json.loads(row[1])
        for name in write.changed_fields:
            field_versions[name] = [version, None]
        write_household(w, household, version, field_versions, None, new=False, old_village=row[2])
        return version

    @staticmethod
    def _write_member(w: Writer, write: PlannedWrite, ward_code: str, by: Principal | None) -> None:
        member = write.record
        assert isinstance(member, Member)
        team = w.conn.execute(
            "SELECT ward_code FROM teams WHERE id = ?", [member.team_id]
        ).fetchone()
        if team is None or team[0] != ward_code:
            raise _stale()
        if write.action == "new":
            accounts.create_member(w, member, None, by)
            return
        if write.action == "unchanged":
            return
        if member.team_id != write.previous_team and member.team_id:
            accounts.move_member(w, member.id, member.team_id, by)
        w.conn.execute(
            "UPDATE members SET name = ?, role = ?, phone = ? WHERE id = ?",
            [member.name, str(member.role), member.phone, member.id],
        )

    def import_batches(
        self, *, ward_code: str | None = None, by: Principal | None = None, limit: int = 50
    ) -> list[ImportBatch]:
        accounts.require_officer(by)
        where, params = "", []
        if ward_code is not None:
            _check_scope(by, ward_code)
            where, params = " WHERE ward_code = ?", [ward_code]
        with self.db.read() as conn:
            rows = conn.execute(
                f"SELECT {_BATCH_COLUMNS} FROM import_batches{where}"
                " ORDER BY imported_at DESC, id LIMIT ?",
                [*params, limit],
            ).fetchall()
        scope = by.ward_codes if by is not None else frozenset()
        return [_batch(r) for r in rows if not scope or r[2] in scope]

    def saved_mapping(
        self, ward_code: str, kind: str, *, by: Principal | None = None
    ) -> dict[str, str]:
        _check_scope(by, ward_code)
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT mapping FROM import_batches WHERE ward_code = ? AND kind = ?"
                " AND undone_at IS NULL ORDER BY imported_at DESC LIMIT 1",
                [ward_code, kind],
            ).fetchone()
        return json.loads(row[0]) if row else {}

    def undo_import(self, batch_id: str, *, by: Principal | None = None) -> ImportBatch:
        with self.db.write() as w:
            row = w.conn.execute(
                f"SELECT {_BATCH_COLUMNS} FROM import_batches WHERE id = ?", [batch_id]
            ).fetchone()
            if row is None:
                raise ApiError("not_found", field="batch_id")
            batch = _batch(row)
            _check_scope(by, batch.ward_code)
            if batch.undone_at is not None or batch.kind != "households":
                raise ApiError("conflict", field="batch_id")
            done = {"deleted": 0, "kept_visited": 0, "restored": 0}
            for record_id, action, version, before in w.conn.execute(
                "SELECT record_id, action, version, before FROM import_batch_records"
                " WHERE batch_id = ?",
                [batch_id],
            ).fetchall():
                if action == "new":
                    kept = self._undo_created(w, record_id)
                    done["kept_visited" if kept else "deleted"] += 1
                elif before is not None:
                    done["restored"] += self._undo_changed(
                        w, record_id, version, json.loads(before)
                    )
            w.conn.execute(
                "DELETE FROM import_links WHERE batch_id = ? AND kind = 'households'", [batch_id]
            )
            now = now_iso()
            w.conn.execute("UPDATE import_batches SET undone_at = ? WHERE id = ?", [now, batch_id])
            audit.record(
                w,
                by,
                "import_undone",
                "import_batch",
                batch_id,
                ward=batch.ward_code,
                before={"filename": batch.filename, **batch.counts},
                after=done,
            )
        return ImportBatch(**{**batch.__dict__, "undone_at": now})

    @staticmethod
    def _undo_created(w: Writer, household_id: str) -> bool:
        """Delete (tombstone) a household an import created, unless a team visited it
        (then it is kept: True)."""
        if w.conn.execute(
            "SELECT 1 FROM visits WHERE household_id = ? LIMIT 1", [household_id]
        ).fetchone():
            return True
        current = current_household(w, household_id)
        if current is None or current[0]["deleted"]:
            return False
        data, version, field_versions = current
        field_versions["deleted"] = [version + 1, None]
        household = Household.from_dict({**data, "deleted": True})
        write_household(w, household, version + 1, field_versions, None, new=False)
        return False

    @staticmethod
    def _undo_changed(
        w: Writer, household_id: str, written: int | None, before: dict[str, Any]
    ) -> int:
        """Put back the values an import replaced, each only if nobody changed it since
        (1 when something was put back)."""
        current = current_household(w, household_id)
        if current is None:
            return 0
        data, version, field_versions = current
        restore = {
            k: v
            for k, v in before.items()
            if k in HOUSEHOLD_FIELDS and field_versions.get(k, [None])[0] == written
        }
        if not restore:
            return 0
        for name in restore:
            field_versions[name] = [version + 1, None]
        household = Household.from_dict({**data, **restore})
        write_household(
            w,
            household,
            version + 1,
            field_versions,
            None,
            new=False,
            old_village=data["village_id"],
        )
        return 1

    # -- console drafts ---------------------------------------------------------------

    def save_import_draft(
        self,
        *,
        session_id: str,
        ward_code: str,
        kind: str,
        raw: dict[str, Any],
        mapping: dict[str, str],
        by: Principal,
        replaces: str | None = None,
    ) -> ImportDraft:
        _check_scope(by, ward_code)
        now = datetime.now(UTC)
        draft = ImportDraft(
            id=secrets.token_urlsafe(16),
            session_id=session_id,
            ward_code=ward_code,
            kind=kind,
            raw={**raw, "filename": safe_filename(str(raw.get("filename", "")))},
            mapping=dict(mapping),
            created_at=now.isoformat(timespec="milliseconds"),
            expires_at=(now + DRAFT_LIFETIME).isoformat(timespec="milliseconds"),
        )
        with self.db.write() as w:
            w.conn.execute("DELETE FROM import_drafts WHERE expires_at < ?", [draft.created_at])
            if replaces:
                w.conn.execute(
                    "DELETE FROM import_drafts WHERE id = ? AND session_id = ?",
                    [replaces, session_id],
                )
            w.conn.execute(
                "INSERT INTO import_drafts (id, session_id, ward_code, kind, raw, mapping,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    draft.id,
                    session_id,
                    ward_code,
                    kind,
                    accounts.json_dumps(draft.raw),
                    accounts.json_dumps(draft.mapping),
                    draft.created_at,
                    draft.expires_at,
                ],
            )
        return draft

    def import_draft(self, draft_id: str, *, session_id: str) -> ImportDraft | None:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT id, session_id, ward_code, kind, raw, mapping, created_at, expires_at"
                " FROM import_drafts WHERE id = ? AND session_id = ? AND expires_at >= ?",
                [draft_id, session_id, now_iso()],
            ).fetchone()
        if row is None:
            return None
        return ImportDraft(
            row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(row[5]), row[6], row[7]
        )

    def set_import_draft_mapping(
        self, draft_id: str, mapping: dict[str, str], *, session_id: str
    ) -> None:
        with self.db.write() as w:
            w.conn.execute(
                "UPDATE import_drafts SET mapping = ? WHERE id = ? AND session_id = ?",
                [accounts.json_dumps(mapping), draft_id, session_id],
            )

    def delete_import_draft(self, draft_id: str, *, session_id: str) -> None:
        with self.db.write() as w:
            w.conn.execute(
                "DELETE FROM import_drafts WHERE id = ? AND session_id = ?",
                [draft_id, session_id],
            )
