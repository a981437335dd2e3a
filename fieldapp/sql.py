"""The shape of a database connection that shared SQL is written against (a leaf: the server
and `fieldapp.sort_keys`, which the phone runs too, both use it).

:mod:`fieldapp.server.push`, :mod:`~fieldapp.server.pull`, :mod:`~fieldapp.server.accounts`
and :mod:`fieldapp.coverage` write SQL with ``?`` (or ``:name``) placeholders and run it
on anything shaped like this: a ``sqlite3.Connection``, or the PostgreSQL connection of
:mod:`fieldapp.server.postgres.connection`, which translates the placeholders. So the
logic exists once; only what differs in SQL or in concurrency lives per backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

__all__ = ["Conn", "Cursor"]


class Cursor(Protocol):
    @property
    def description(self) -> Any: ...

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ..., /) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...
