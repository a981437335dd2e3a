"""A commit-ordered change feed on PostgreSQL: transaction ids behind a visibility fence.

On SQLite one writer hands out ``change_seq`` in commit order. PostgreSQL commits
concurrent transactions in any order, so a plain sequence would let a pull read 11,
move past 10 while 10 is still open, and never see 10 (docs/sync.md case 15).

Here a cursor value is ``xid << 24 | n``: the writing transaction's 64-bit id
(``pg_current_xact_id()``) and the change's position in it. Readers only look below
the **fence** ``pg_snapshot_xmin(pg_current_snapshot()) << 24``: every transaction with
a smaller id has ended (committed or rolled back) when the snapshot is taken, and every
transaction still to commit has an id at or above it. So nothing can ever appear below
a cursor a device already holds. Writers stay concurrent; the price is that one
long-open write transaction holds every reader at its id until it ends (keep writes
short: ``idle_in_transaction_session_timeout``), and that a restore from a dump resets
transaction ids, which is why the epoch must change then (``fieldapp admin new-epoch``).
See docs/protocol.md, "The change feed on PostgreSQL".
"""

from __future__ import annotations

from fieldapp.server.db import Writer
from fieldapp.sql import Conn

__all__ = ["POSITION_BITS", "FeedWriter", "feed_end"]

# Changes per transaction: 2**24 (16 M); transaction ids: 2**39 (5e11, ~17 years at
# 1,000 write transactions a second) before a cursor leaves a signed 64-bit integer.
POSITION_BITS = 24
_POSITIONS = (1 << POSITION_BITS) - 1


def feed_end(conn: Conn) -> int:
    """The last cursor value readers may see in ``conn``'s snapshot (just below the fence)."""
    row = conn.execute(
        "SELECT CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS text) AS bigint)"
    ).fetchone()
    return (int(row[0]) << POSITION_BITS) - 1


class FeedWriter(Writer):
    """A write transaction whose cursor values are (transaction id, position)."""

    def next_change_seq(self) -> int:
        if self._next is None:
            row = self.conn.execute(
                "SELECT CAST(CAST(pg_current_xact_id() AS text) AS bigint)"
            ).fetchone()
            self._next = int(row[0]) << POSITION_BITS
        self._next += 1
        if not self._next & _POSITIONS:
            raise OverflowError("more changes in one transaction than a cursor can number")
        return self._next

    def flush(self) -> None:
        # No shared counter to write back: that row would serialise every writer.
        self.flush_stamps()
