"""One factory for every command that takes ``--database``: a file or a PostgreSQL URL.

>>> is_postgres_url("postgresql://app@db/fieldapp"), is_postgres_url("server.db")
(True, False)
"""

from __future__ import annotations

from pathlib import Path

from fieldapp.server.postgres import PostgresStorage
from fieldapp.server.settings import DEFAULT_TOKEN_IDLE_DAYS
from fieldapp.server.sqlite_storage import SqliteStorage

__all__ = ["is_postgres_url", "open_storage"]


def is_postgres_url(database: str | Path) -> bool:
    return str(database).startswith(("postgresql://", "postgres://"))


def open_storage(
    database: str | Path, *, token_idle_days: int = DEFAULT_TOKEN_IDLE_DAYS
) -> SqliteStorage:
    """``postgresql://…`` opens PostgreSQL; anything else is an SQLite file (or ``:memory:``)."""
    if is_postgres_url(database):
        return PostgresStorage(str(database), token_idle_days=token_idle_days)
    return SqliteStorage(database, token_idle_days=token_idle_days)
