"""Refreshing stored sort keys after :func:`fieldapp.text.sort_key` changes.

The device store and the server keep ``name_sort`` / ``given_sort`` columns (households)
and ``name_sort`` (villages) so lists page in Vietnamese order straight from SQL. Those
keys are computed when a row is written; when the ordering rules change, a migration on
each side calls :func:`refresh_sort_keys` once to rewrite the rows already stored —
on the device's and the server's SQLite and on PostgreSQL alike (any
:class:`~fieldapp.sql.Conn`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlite_utils import Database

from fieldapp.sql import Conn
from fieldapp.text import given_name_first, sort_key

__all__ = ["refresh_sort_keys"]

_PAGE = 2000


def _pages(conn: Conn, table: str, columns: str) -> Iterator[list[Any]]:
    """``table``'s rows in id order, a page at a time (a server table may be large)."""
    last = ""
    while rows := conn.execute(
        f"SELECT id, {columns} FROM {table} WHERE id > ? ORDER BY id LIMIT {_PAGE}", [last]
    ).fetchall():
        last = rows[-1][0]
        yield rows


def _same(key: str) -> str:
    return key


def refresh_sort_keys(db: Database | Conn, *, as_stored: Callable[[str], str] = _same) -> int:
    """Recompute every stored sort key with today's ``sort_key``; returns rows rewritten.

    ``db``: the migrations' sqlite-utils ``Database`` (device store, SQLite server), or a
    connection (PostgreSQL's twin of the server migration).

    ``as_stored`` is what the database keeps for a key, to compare with what it returns:
    the key itself on SQLite; on PostgreSQL, which cannot hold NUL, the connection's
    :func:`~fieldapp.server.postgres.connection.escape_nul` form.
    """
    conn: Conn = db.conn if isinstance(db, Database) else db
    changed = 0
    for rows in _pages(conn, "households", "head_name, address_detail, name_sort, given_sort"):
        updates = []
        for rid, head, detail, old_name, old_given in rows:
            label = head or detail  # as fieldapp.store.device_store.household_row
            new = (sort_key(label), sort_key(given_name_first(label)))
            if (as_stored(new[0]), as_stored(new[1])) != (old_name, old_given):
                updates.append((*new, rid))
        conn.executemany(
            "UPDATE households SET name_sort = ?, given_sort = ? WHERE id = ?", updates
        )
        changed += len(updates)
    for rows in _pages(conn, "villages", "name, name_sort"):
        renamed = [(sort_key(n), rid) for rid, n, old in rows if as_stored(sort_key(n)) != old]
        conn.executemany("UPDATE villages SET name_sort = ? WHERE id = ?", renamed)
        changed += len(renamed)
    return changed
