"""The audit log of administrative actions: who, what, when, before → after.

An entry is written inside the transaction of the action it records (:func:`record`), so
there is never an action without its entry nor an entry for an action rolled back.
``by=None`` is the local command line (``fieldapp admin``). Values are JSON; nothing
secret goes in (codes and tokens never, only that one was issued).
"""

from __future__ import annotations

import json
from typing import Any

from fieldapp.server.accounts import json_dumps
from fieldapp.server.db import Writer, now_iso
from fieldapp.server.storage import Principal
from fieldapp.sql import Conn

__all__ = ["CLI_ACTOR", "entries", "member_scope", "record"]

CLI_ACTOR = "cli"


def member_scope(conn: Conn, member_id: str) -> tuple[str | None, str | None]:
    """(ward, team) a member belongs to, for placing an entry in a scope."""
    row = conn.execute(
        "SELECT coalesce(t.ward_code, m.ward_code), m.team_id FROM members m"
        " LEFT JOIN teams t ON t.id = m.team_id WHERE m.id = ?",
        [member_id],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def record(
    w: Writer,
    by: Principal | None,
    action: str,
    entity: str,
    entity_id: str,
    *,
    ward: str | None,
    team: str | None = None,
    before: Any = None,
    after: Any = None,
    note: str = "",
) -> None:
    """Write one entry in the current write transaction."""
    actor = by.member_id if by is not None else CLI_ACTOR
    name_row = (
        w.conn.execute("SELECT name FROM members WHERE id = ?", [actor]).fetchone() if by else None
    )
    w.conn.execute(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, ward_code,"
        " team_id, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            now_iso(),
            actor,
            name_row[0] if name_row else "",
            action,
            entity,
            entity_id,
            ward,
            team,
            None if before is None else json_dumps(before),
            None if after is None else json_dumps(after),
            note,
        ],
    )


def entries(
    conn: Conn, by: Principal, *, limit: int, before_id: int | None
) -> list[dict[str, Any]]:
    """Entries ``by`` may read, newest first: officers their ward (province: all),
    leaders their own team's."""
    where = ["id < ?"]
    params: list[object] = [before_id if before_id is not None else 2**62]
    if by.is_officer:
        if by.ward_codes:
            where.append(f"ward_code IN ({','.join('?' * len(by.ward_codes))})")
            params += sorted(by.ward_codes)
    else:
        where.append("team_id = ?")
        params.append(by.team_id or "")
    cur = conn.execute(
        "SELECT id, at, actor_id, actor_name, action, entity, entity_id, ward_code, team_id,"
        f" before, after, note FROM audit_log WHERE {' AND '.join(where)}"
        " ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        item = dict(zip(names, row, strict=True))
        for key in ("before", "after"):
            item[key] = json.loads(item[key]) if item[key] is not None else None
        out.append(item)
    return out
