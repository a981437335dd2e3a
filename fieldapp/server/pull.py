"""Pull pages: the device's scope, from a commit-ordered cursor, bounded in size.

Each page is read in one snapshot. Visits whose household is not in the page carry it
along (so a device never holds a visit without its household); the last page carries
the scope checksum so the device can detect drift and re-download (``docs/protocol.md``).
"""

from __future__ import annotations

from typing import Any

from fieldapp import records
from fieldapp.domain.model import VISIT_FIELDS
from fieldapp.server.storage import Principal
from fieldapp.sql import Conn
from fieldapp.sync.protocol import Change, Entity

__all__ = ["household_data", "latest_cursor", "pull_page", "scope_checksum_sql", "visit_data"]

_V_COLS = (
    *VISIT_FIELDS,
    "superseded_by",
)


def latest_cursor(conn: Conn) -> int:
    return int(conn.execute("SELECT value FROM server_meta WHERE key = 'change_seq'").fetchone()[0])


def _marks(values: list[str] | set[str] | frozenset[str]) -> str:
    return ",".join("?" * len(values))


def household_data(conn: Conn, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT {records.HOUSEHOLD_SELECT}, version FROM households WHERE id IN ({_marks(ids)})",
        ids,
    ).fetchall()
    out = {}
    for r in rows:
        d = records.decode_household(r)
        d["version"] = r[-1]
        out[d["id"]] = d
    return out


def visit_data(conn: Conn, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT {', '.join(_V_COLS)} FROM visits WHERE id IN ({_marks(ids)})", ids
    ).fetchall()
    out = {}
    for r in rows:
        d = records.decode_visit(r, _V_COLS)
        out[d["id"]] = d
    return out


def pull_page(
    conn: Conn, principal: Principal, cursor: int, limit: int, *, end: int | None = None
) -> tuple[list[Change], int, bool]:
    """(changes, next cursor, has_more) for the principal's villages after ``cursor``.

    ``end`` is the last cursor value a reader may see yet: PostgreSQL's visibility fence
    (:mod:`fieldapp.server.postgres.feed`), where cursor values are not handed out in
    commit order. None (SQLite, one writer): the whole feed, up to :func:`latest_cursor`.
    """
    latest = latest_cursor(conn) if end is None else end
    villages = sorted(principal.village_ids)
    if not villages:
        return [], latest, False
    marks = _marks(villages)
    fence = "" if end is None else " AND change_seq <= ?"
    bound = [] if end is None else [end]
    # A household that left one of the caller's villages has only left the caller's scope
    # if its *current* village is outside the scope too: a move between two villages of one
    # team is an ordinary upsert, and an exit notice would make the devices drop it.
    rows = conn.execute(
        f"SELECT change_seq, 'upsert', entity, entity_id FROM changes"
        f" WHERE change_seq > ?{fence} AND village_id IN ({marks})"
        f" UNION ALL SELECT s.change_seq, 'left_scope', s.entity, s.entity_id"
        f" FROM scope_exits s LEFT JOIN households h ON h.id = s.entity_id"
        f" WHERE s.change_seq > ?{fence.replace('change_seq', 's.change_seq')}"
        f" AND s.village_id IN ({marks})"
        f" AND (h.village_id IS NULL OR h.village_id NOT IN ({marks}))"
        f" ORDER BY 1 LIMIT ?",
        [cursor, *bound, *villages, cursor, *bound, *villages, *villages, limit + 1],
    ).fetchall()
    has_more = len(rows) > limit
    rows = rows[:limit]
    households = household_data(
        conn, [r[3] for r in rows if r[1] == "upsert" and r[2] == "household"]
    )
    visits = visit_data(conn, [r[3] for r in rows if r[1] == "upsert" and r[2] == "visit"])
    parents = {v["household_id"] for v in visits.values()} - set(households)
    extra = household_data(conn, sorted(parents))
    changes: list[Change] = []
    sent_parents: set[str] = set()
    for seq, kind, entity, entity_id in rows:
        if kind == "left_scope":
            changes.append(
                Change.model_construct(
                    cursor=seq, kind="left_scope", entity=Entity(entity), entity_id=entity_id
                )
            )
            continue
        # A row removed by hand on the server has no data: the checksum reveals it.
        if entity == "household":
            d = households.get(entity_id)
            if d is not None:
                changes.append(_upsert(seq, Entity.HOUSEHOLD, d, d.pop("version")))
            continue
        v = visits.get(entity_id)
        if v is None:
            continue
        parent = v["household_id"]
        if parent in extra and parent not in sent_parents:
            p = dict(extra[parent])
            changes.append(_upsert(seq, Entity.HOUSEHOLD, p, p.pop("version")))
            sent_parents.add(parent)
        changes.append(_upsert(seq, Entity.VISIT, v, records.visit_version(v["superseded_by"])))
    next_cursor = rows[-1][0] if rows else cursor
    if not has_more:
        # Nothing more in scope: jump to the feed's end so later pulls start there.
        next_cursor = max(next_cursor, latest)
    return changes, next_cursor, has_more


def _upsert(seq: int, entity: Entity, data: dict[str, Any], version: int) -> Change:
    # Built from rows this server wrote, so not validated again: validating every record
    # of every page was a third of the server's work when 200 phones pulled at once.
    return Change.model_construct(
        cursor=seq, kind="upsert", entity=entity, entity_id=data["id"], version=version, data=data
    )


def scope_checksum_sql(conn: Conn, principal: Principal) -> str:
    """XOR of row hashes of every household (tombstones too) and visit in scope."""
    villages = sorted(principal.village_ids)
    if not villages:
        return f"{0:016x}"
    marks = _marks(villages)
    h = conn.execute(
        f"SELECT scope_xor('household', id, version) FROM households WHERE village_id IN ({marks})",
        villages,
    ).fetchone()[0]
    v = conn.execute(
        f"SELECT scope_xor('visit', id, {records.VISIT_VERSION_SQL})"
        f" FROM visits WHERE village_id IN ({marks})",
        villages,
    ).fetchone()[0]
    # An aggregate over no rows yields NULL.
    return f"{int(h or '0', 16) ^ int(v or '0', 16):016x}"
