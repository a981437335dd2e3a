"""A psycopg connection that runs the shared server SQL (``?`` and ``:name`` placeholders).

The shared modules (push, pull, accounts, coverage) write SQL in the dialect both
databases understand, with SQLite's placeholders; :func:`translate` turns those into
psycopg's (``%s``, ``%(name)s``) once per statement text, and :class:`PgConn` offers the
``execute`` / ``executemany`` shape of :class:`fieldapp.sql.Conn`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import psycopg

__all__ = ["PgConn", "escape_nul", "translate"]

# A placeholder outside quotes: ``?`` or ``:name`` (never ``::type``, a cast).
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|(?<![:\w]):([A-Za-z_]\w*)|\?|%")


@lru_cache(maxsize=2048)
def translate(sql: str, named: bool) -> str:
    """``sql`` with SQLite placeholders rewritten for psycopg (and literal ``%`` doubled).

    >>> translate("SELECT * FROM t WHERE a = ? AND b LIKE 'x%'", False)
    "SELECT * FROM t WHERE a = %s AND b LIKE 'x%%'"
    >>> translate("SELECT :a, ':b', x::text", True)
    "SELECT %(a)s, ':b', x::text"
    """

    def sub(m: re.Match[str]) -> str:
        text = m.group(0)
        if text == "?":
            return "%s"
        if text == "%":
            return "%%"
        if m.group(1) is not None:
            return f"%({m.group(1)})s" if named else text
        return text.replace("%", "%%")  # a quoted literal

    return _TOKENS.sub(sub, sql)


def escape_nul(value: str) -> str:
    """A text without NUL, in the same byte order: PostgreSQL text cannot hold NUL, and
    the Vietnamese sort keys (:func:`fieldapp.text.sort_key`) use it as a separator.

    NUL becomes ``\\x01\\x01`` and ``\\x01`` becomes ``\\x01\\x02`` — order-preserving.

    >>> escape_nul("An\\x00") < escape_nul("An\\x01B") < escape_nul("AnB")
    True
    """
    return value.replace("\x01", "\x01\x02").replace("\x00", "\x01\x01")


def _clean(value: Any) -> Any:
    return escape_nul(value) if isinstance(value, str) and "\x00" in value else value


def _params(parameters: Any) -> Any:
    if isinstance(parameters, Mapping):
        return {k: _clean(v) for k, v in parameters.items()}
    return [_clean(v) for v in parameters]


class PgConn:
    """One pooled connection inside one transaction, shaped like ``sqlite3.Connection``."""

    def __init__(self, conn: psycopg.Connection[Any], database_name: str):
        self.raw = conn
        # Read by accounts.server_secret: a PostgreSQL database takes FIELDAPP_SECRET.
        self.database_name = database_name

    def execute(self, sql: str, parameters: Any = None, /) -> psycopg.Cursor[Any]:
        if parameters is None:
            return self.raw.execute(translate(sql, False))
        named = isinstance(parameters, Mapping)
        return self.raw.execute(translate(sql, named), _params(parameters))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> None:
        rows = list(parameters)
        if not rows:
            return
        named = isinstance(rows[0], Mapping)
        with self.raw.cursor() as cur:
            cur.executemany(translate(sql, named), [_params(r) for r in rows])
