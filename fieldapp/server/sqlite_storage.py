"""The SQLite implementation of :class:`fieldapp.server.storage.Storage`.

Its methods only use the :class:`~fieldapp.server.db.ServerDatabase` shape (read, write,
submit) and SQL that PostgreSQL runs too, so :class:`fieldapp.server.postgres.PostgresStorage`
is this class over another database, overriding only the hooks marked below.

>>> storage = SqliteStorage(":memory:")
>>> len(storage.epoch)
16
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from fieldapp.coverage.service import CoverageService
from fieldapp.domain.model import HOUSEHOLD_FIELDS, Household, Member, Team, Village, Visit
from fieldapp.server import accounts, audit
from fieldapp.server.db import ServerDatabase, ServerDB, Writer, now_iso
from fieldapp.server.errors import ApiError
from fieldapp.server.json_limits import loads_checked
from fieldapp.server.pull import (
    household_data,
    latest_cursor,
    pull_page,
    scope_checksum_sql,
    visit_data,
)
from fieldapp.server.push import (
    apply_batch,
    insert_visit,
    refresh_summaries,
    write_household,
)
from fieldapp.server.settings import DEFAULT_TOKEN_IDLE_DAYS
from fieldapp.server.sqlite_console import (
    SqliteConsole,
    create_team_audited,
    issue_code_audited,
)
from fieldapp.server.sqlite_imports import SqliteImportStorage
from fieldapp.server.storage import IssuedCode, Principal
from fieldapp.sql import Conn
from fieldapp.sync.protocol import (
    DeviceState,
    EnrolResponse,
    Mutation,
    PullResponse,
    PushResponse,
    ReferenceData,
)

__all__ = ["SqliteStorage"]


# What a stored value that no answer could carry is listed as (a record stored before
# the body limits, nested too deep or holding invalid text): the list still answers.
UNREADABLE = {"unreadable": True}


def _stored_json(text: str) -> Any:
    try:
        return loads_checked(text)
    except ValueError:
        return UNREADABLE


class SqliteStorage(SqliteConsole, SqliteImportStorage):
    """Embedded SQLite storage (WAL, one serialised writer); the console's part comes
    from :class:`~fieldapp.server.sqlite_console.SqliteConsole`, list imports from
    :class:`~fieldapp.server.sqlite_imports.SqliteImportStorage`. Administrative actions
    write the audit log in their own transaction (:mod:`fieldapp.server.audit`)."""

    def __init__(self, path: str | Path, *, token_idle_days: int = DEFAULT_TOKEN_IDLE_DAYS):
        self._attach(ServerDB(path), token_idle_days)

    def _attach(self, db: ServerDatabase, token_idle_days: int) -> None:
        self.db = db
        self._epoch = self.db.meta("epoch")
        self.token_idle = timedelta(days=token_idle_days)
        self._token_touches = accounts.TokenTouches(self.db)

    @property
    def epoch(self) -> str:
        return self._epoch

    def close(self) -> None:
        self.db.close()

    def rotate_epoch(self) -> str:
        """Give the database a new epoch: run after restoring it from a backup."""
        with self.db.write() as w:
            self._epoch = secrets.token_hex(8)
            w.conn.execute("UPDATE server_meta SET value = ? WHERE key = 'epoch'", [self._epoch])
        return self._epoch

    # -- identity ---------------------------------------------------------------------

    def authenticate(self, token: str) -> Principal | None:
        """Raises 401 ``token_expired`` for a token idle too long (see accounts)."""
        with self.db.read() as conn:
            found = accounts.authenticate(conn, token, idle=self.token_idle)
        if found is None:
            return None
        if found.touch_due:
            # Queued for the writer thread, not awaited: a read never waits for a write.
            self._token_touches.record(found.token_hash)
        return found.principal

    def load_secret(self) -> None:
        accounts.server_secret(self.db.path)

    def code_is_live(self, code: str) -> bool:
        with self.db.read() as conn:
            return accounts.code_is_live(conn, code)

    def enrol(self, code: str, device_id: str, next_seq: int) -> EnrolResponse:
        with self.db.write() as w:
            token, principal, hwm = accounts.enrol(w, code, device_id, next_seq)
            conn = w.conn
            member_row = conn.execute(
                "SELECT id, name, role, team_id, phone FROM members WHERE id = ?",
                [principal.member_id],
            ).fetchone()
            return EnrolResponse(
                epoch=self.epoch,
                token=token,
                device_id=device_id,
                member=accounts.member_out(member_row),
                team=accounts.team_out(conn, principal.team_id),
                villages=accounts.village_out(conn, sorted(principal.village_ids)),
                members=accounts.team_members(conn, principal),
                high_water_mark=hwm,
            )

    def issue_code(self, member_id: str, *, issued_by: Principal | None = None) -> IssuedCode:
        with self.db.write() as w:
            return issue_code_audited(w, member_id, issued_by)

    def revoke_device(self, device_id: str, *, by: Principal | None = None) -> None:
        with self.db.write() as w:
            accounts.revoke_device(w, device_id, by)
            member_id = w.conn.execute(
                "SELECT member_id FROM devices WHERE id = ?", [device_id]
            ).fetchone()[0]
            ward, team = audit.member_scope(w.conn, member_id)
            audit.record(
                w,
                by,
                "device_revoked",
                "device",
                device_id,
                ward=ward,
                team=team,
                before={"member_id": member_id},
            )

    # -- sync -------------------------------------------------------------------------

    def push(self, principal: Principal, device_id: str, batch: Sequence[Mutation]) -> PushResponse:
        return self._push_future(principal, device_id, batch).result()

    async def push_async(
        self, principal: Principal, device_id: str, batch: Sequence[Mutation]
    ) -> PushResponse:
        return await asyncio.wrap_future(self._push_future(principal, device_id, batch))

    def _push_future(
        self, principal: Principal, device_id: str, batch: Sequence[Mutation]
    ) -> Future[PushResponse]:
        if device_id != principal.device_id:
            raise ApiError("device_mismatch", field="device_id")

        return self.db.submit(lambda w: self.apply_push(w, principal, device_id, batch))

    def apply_push(
        self, w: Writer, principal: Principal, device_id: str, batch: Sequence[Mutation]
    ) -> PushResponse:
        """A push inside the write transaction ``w`` (committed by whoever opened it)."""
        self._before_push(w, principal)
        hwm, results = apply_batch(w, principal, device_id, batch)
        return PushResponse(epoch=self.epoch, high_water_mark=hwm, results=results)

    def latest_cursor(self) -> int:
        """Where the pull feed ends now (what ``/me`` answers as ``latest_cursor``)."""
        with self.db.read() as conn:
            return self._feed_end(conn)

    # -- hooks a backend overrides where its SQL or its concurrency differs ---------------

    def _before_push(self, w: Writer, principal: Principal) -> None:
        """Called first in a push's transaction (SQLite: one writer, nothing to lock)."""

    def _feed_end(self, conn: Conn) -> int:
        """The last cursor value a reader may see now (SQLite: the last one handed out)."""
        return latest_cursor(conn)

    def _scope_checksum(self, conn: Conn, principal: Principal) -> str:
        return scope_checksum_sql(conn, principal)

    def pull(self, principal: Principal, cursor: int, limit: int) -> PullResponse:
        with self.db.read() as conn:
            end = self._feed_end(conn)
            changes, next_cursor, has_more = pull_page(conn, principal, cursor, limit, end=end)
            checksum = None if has_more else self._scope_checksum(conn, principal)
            return PullResponse(
                epoch=self.epoch,
                cursor=next_cursor,
                has_more=has_more,
                changes=changes,
                village_ids=sorted(principal.village_ids),
                checksum=checksum,
                latest_cursor=end,
            )

    def device_state(self, principal: Principal) -> DeviceState:
        with self.db.read() as conn:
            hwm = conn.execute(
                "SELECT hwm FROM devices WHERE id = ?", [principal.device_id]
            ).fetchone()
            return DeviceState(
                epoch=self.epoch,
                device_id=principal.device_id,
                member_id=principal.member_id,
                role=str(principal.role),
                team_id=principal.team_id,
                village_ids=sorted(principal.village_ids),
                high_water_mark=hwm[0] if hwm else 0,
                latest_cursor=self._feed_end(conn),
            )

    def reference(self, principal: Principal) -> ReferenceData:
        with self.db.read() as conn:
            team = accounts.team_out(conn, principal.team_id)
            return ReferenceData(
                epoch=self.epoch,
                villages=accounts.village_out(conn, sorted(principal.village_ids)),
                teams=[team] if team else [],
                members=accounts.team_members(conn, principal),
            )

    def household(self, principal: Principal, household_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            found = household_data(conn, [household_id]).get(household_id)
        if found is None or found["village_id"] not in principal.village_ids:
            raise ApiError("not_found", field="household_id")
        return found

    def visit(self, principal: Principal, visit_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            found = visit_data(conn, [visit_id]).get(visit_id)
            village = conn.execute(
                "SELECT village_id FROM visits WHERE id = ?", [visit_id]
            ).fetchone()
        if found is None or village is None or village[0] not in principal.village_ids:
            raise ApiError("not_found", field="visit_id")
        return found

    def _review_rows(
        self, principal: Principal, table: str, columns: str, limit: int, after_id: int
    ) -> list[dict[str, Any]]:
        accounts.require_review(principal)
        villages = sorted(principal.village_ids)
        # Leaders also see what their own team sent outside its villages (out of scope).
        team_clause = " OR team_id = ?" if table == "quarantine" and principal.team_id else ""
        params: list[Any] = [after_id, *villages]
        if team_clause:
            params.append(principal.team_id)
        with self.db.read() as conn:
            cur = conn.execute(
                f"SELECT {columns} FROM {table} WHERE id > ? AND (village_id IN"
                f" ({','.join('?' * len(villages))}){team_clause}) ORDER BY id LIMIT ?",
                [*params, limit],
            )
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def quarantine(
        self, principal: Principal, *, limit: int, after_id: int
    ) -> list[dict[str, Any]]:
        rows = self._review_rows(
            principal,
            "quarantine",
            "id, device_id, member_id, team_id, seq, entity, entity_id, op, payload,"
            " base_version, reason, detail, village_id, device_created_at, received_at, resolved",
            limit,
            after_id,
        )
        for r in rows:
            r["payload"] = _stored_json(r["payload"])
            r["detail"] = _stored_json(r["detail"])
        return rows

    def conflicts(self, principal: Principal, *, limit: int, after_id: int) -> list[dict[str, Any]]:
        rows = self._review_rows(
            principal,
            "conflicts",
            "id, household_id, village_id, kind, field, base_version, server_version,"
            " server_value, device_value, device_id, seq, created_at, resolved",
            limit,
            after_id,
        )
        for r in rows:
            for k in ("server_value", "device_value"):
                r[k] = json.loads(r[k]) if r[k] is not None else None
        return rows

    # -- administration ---------------------------------------------------------------

    def create_village(self, village: Village, *, by: Principal | None = None) -> Village:
        with self.db.write() as w:
            made = accounts.create_village(w, village, by)
            audit.record(
                w,
                by,
                "village_created",
                "village",
                made.id,
                ward=made.ward_code,
                after={"name": made.name, "kind": made.kind},
            )
            return made

    def create_team(self, team: Team, *, by: Principal | None = None) -> Team:
        with self.db.write() as w:
            return create_team_audited(w, team, by)

    def create_member(
        self, member: Member, *, ward_code: str | None = None, by: Principal | None = None
    ) -> Member:
        with self.db.write() as w:
            made = accounts.create_member(w, member, ward_code, by)
            ward, team = audit.member_scope(w.conn, made.id)
            audit.record(
                w,
                by,
                "member_created",
                "member",
                made.id,
                ward=ward,
                team=team,
                after={"name": made.name, "role": str(made.role), "team_id": made.team_id},
            )
            return made

    def move_member(self, member_id: str, team_id: str, *, by: Principal | None = None) -> Member:
        with self.db.write() as w:
            old_team = accounts.member_visible(w.conn, by, member_id)["team_id"]
            moved = accounts.move_member(w, member_id, team_id, by)
            ward, _ = audit.member_scope(w.conn, member_id)
            audit.record(
                w,
                by,
                "member_moved",
                "member",
                member_id,
                ward=ward,
                team=team_id,
                before={"team_id": old_team},
                after={"team_id": team_id},
            )
            return moved

    def list_members(self, *, by: Principal | None = None) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return accounts.list_members(conn, by)

    def list_devices(self, *, by: Principal | None = None) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return accounts.list_devices(conn, by)

    @contextmanager
    def coverage(self, village_ids: Sequence[str] | None) -> Iterator[CoverageService]:
        with self.db.read() as conn:
            yield CoverageService(conn, village_ids=village_ids)

    def village_exists(self, village_id: str) -> bool:
        with self.db.read() as conn:
            return bool(
                conn.execute("SELECT 1 FROM villages WHERE id = ?", [village_id]).fetchone()
            )

    def list_villages(
        self, *, by: Principal | None = None, ward: str | None = None
    ) -> list[Village]:
        with self.db.read() as conn:
            return accounts.list_villages(conn, by, ward)

    def list_teams(self, *, by: Principal | None = None) -> list[Team]:
        with self.db.read() as conn:
            return accounts.list_teams(conn, by)

    def import_records(
        self, households: Sequence[Household], visits: Sequence[Visit]
    ) -> tuple[int, int]:
        """Load records as they are (demo data, migrations); skips ids already present."""
        added_h = added_v = 0
        now = now_iso()
        with self.db.write() as w:
            for h in households:
                if w.conn.execute("SELECT 1 FROM households WHERE id = ?", [h.id]).fetchone():
                    continue
                versions = {k: [1, None] for k in HOUSEHOLD_FIELDS}
                write_household(w, h, 1, versions, None, new=True)
                added_h += 1
            villages = dict(w.conn.execute("SELECT id, village_id FROM households").fetchall())
            touched: set[str] = set()
            for v in sorted(visits, key=lambda v: v.supersedes is not None):
                if w.conn.execute("SELECT 1 FROM visits WHERE id = ?", [v.id]).fetchone():
                    continue
                insert_visit(w, v, villages[v.household_id], None, now, False)
                touched.add(v.household_id)
                added_v += 1
            # Corrections of corrections may come in any order: link them afterwards.
            w.conn.execute(
                "UPDATE visits SET superseded_by = (SELECT s.id FROM visits s"
                " WHERE s.supersedes = visits.id) WHERE superseded_by IS NULL AND EXISTS"
                " (SELECT 1 FROM visits s WHERE s.supersedes = visits.id)"
            )
            refresh_summaries(w, touched)
        return added_h, added_v
