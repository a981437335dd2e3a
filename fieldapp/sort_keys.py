"""Refreshing stored sort keys after :func:`fieldapp.text.sort_key` changes.

The device store and the server keep ``name_sort`` / ``given_sort`` columns (households)
and ``name_sort`` (villages) so lists page in Vietnamese order straight from SQL. Those
keys are computed when a row is written; when the ordering rules change, a migration on
each side calls :func:`refresh_sort_keys` once to rewrite the rows already stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from fieldapp.text import given_name_first, sort_key

__all__ = ["refresh_sort_keys"]

_PAGE = 2000


def _pages(db: Database, table: str, columns: str) -> Iterator[list[Any]]:
    """``table``'s rows in id order, a page at a time (a server table may be large)."""
    last = ""
    while rows := db.execute(
        f"SELECT id, {columns} FROM {table} WHERE id > ? ORDER BY id LIMIT {_PAGE}", [last]
    ).fetchall():
        last = rows[-1][0]
        yield rows


def refresh_sort_keys(db: Database) -> int:
    """Recompute every stored sort key with today's ``sort_key``; returns rows rewritten."""
    changed = 0
    for rows in _pages(db, "households", "head_name, address_detail, name_sort, given_sort"):
        updates = []
        for rid, head, detail, old_name, old_given in rows:
            label = head or detail  # as fieldapp.store.device_store.household_row
            new = (sort_key(label), sort_key(given_name_first(label)))
            if new != (old_name, old_given):
                updates.append((*new, rid))
        db.conn.executemany(
            "UPDATE households SET name_sort = ?, given_sort = ? WHERE id = ?", updates
        )
        changed += len(updates)
    for rows in _pages(db, "villages", "name, name_sort"):
        renamed = [(sort_key(name), rid) for rid, name, old in rows if sort_key(name) != old]
        db.conn.executemany("UPDATE villages SET name_sort = ? WHERE id = ?", renamed)
        changed += len(renamed)
    return changed
