"""PostgreSQL for the tests: a fresh database per test, cloned from a migrated template.

``FIELDAPP_TEST_POSTGRES`` is the URL of a server the tests may create databases on
(``scripts/check`` starts a throwaway cluster and sets it). Without it the PostgreSQL
half of the suite fails, never skips; ``FIELDAPP_TEST_POSTGRES=off`` leaves it out on a
developer's machine (deselected, and refused in CI).
"""

from __future__ import annotations

import os
import secrets
import threading
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from fieldapp.server.postgres import PostgresStorage

__all__ = [
    "ENV",
    "SECRET",
    "copy_database",
    "create_database",
    "drop_database",
    "postgres_wanted",
]

ENV = "FIELDAPP_TEST_POSTGRES"
# The code-hashing secret every PostgreSQL server process of a test shares.
SECRET = "test-secret-" + "0" * 20
_lock = threading.Lock()
_template: str | None = None


def postgres_wanted() -> bool:
    """False only when a developer switched PostgreSQL off (never in CI)."""
    off = os.environ.get(ENV, "") == "off"
    if off and os.environ.get("CI"):
        raise pytest.UsageError(f"{ENV}=off is not allowed in CI")
    return not off


def _admin_url() -> str:
    url = os.environ.get(ENV, "")
    if not url or url == "off":
        pytest.fail(
            f"{ENV} is not set: run scripts/check (it starts PostgreSQL), or set it to a"
            " server where the tests may create databases",
            pytrace=False,
        )
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(sql: str) -> None:
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(sql)


def _template_name() -> str:
    """A database with every migration applied, made once per test process."""
    global _template
    with _lock:
        if _template is None:
            name = f"fieldapp_tpl_{os.getpid()}_{secrets.token_hex(3)}"
            _admin(f'CREATE DATABASE "{name}"')
            PostgresStorage(_with_database(_admin_url(), name), max_connections=1).close()
            _template = name
        return _template


def create_database() -> str:
    """A new, migrated, empty database (its own epoch); returns its URL."""
    template = _template_name()
    name = f"fieldapp_t_{os.getpid()}_{secrets.token_hex(4)}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = _with_database(_admin_url(), name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE server_meta SET value = %s WHERE key = 'epoch'", [secrets.token_hex(8)]
        )
    return url


def drop_database(url: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def copy_database(url: str, to_url: str | None = None) -> str:
    """A copy of the database at ``url`` (no one may be connected to it), as ``to_url``
    (replacing it) or under a new name; returns the copy's URL."""
    if to_url is None:
        to_url = _with_database(url, f"fieldapp_t_{os.getpid()}_{secrets.token_hex(4)}")
    else:
        drop_database(to_url)
    _admin(f'CREATE DATABASE "{_name(to_url)}" TEMPLATE "{_name(url)}"')
    return to_url


def drop_all() -> None:
    """Drop every database this test process made (the template included)."""
    global _template
    if not os.environ.get(ENV) or os.environ.get(ENV) == "off":
        return
    with _lock, psycopg.connect(_admin_url(), autocommit=True) as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s OR datname LIKE %s",
            [f"fieldapp_t_{os.getpid()}_%", f"fieldapp_tpl_{os.getpid()}_%"],
        ).fetchall()
        for (name,) in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _template = None
