"""Fixtures every test directory shares: the server backends and the server test world.

``database`` is parametrised over SQLite and PostgreSQL alike; a test that is inherently
SQLite's (a file's permissions, WAL, killing a process inside an SQLite transaction) is
marked ``sqlite_only`` and its PostgreSQL variant is deselected, so the list is explicit.
``world`` is a fresh server (real app, real database) with a commune in it
(``tests/fieldapp_harness.py``).

Shared helper modules sit beside this file (``fieldapp_harness``, ``pg_support``,
``e2e_support``), importable from every directory because ``tests`` is on pytest's
``pythonpath`` (pyproject.toml): no test changes ``sys.path``.
"""

from __future__ import annotations

import pytest
from fieldapp_harness import World
from pg_support import SECRET, create_database, drop_all, drop_database, postgres_wanted

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database(backend, tmp_path, monkeypatch):
    """The server database of one test: an SQLite file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield str(tmp_path / "server.db")
        return
    monkeypatch.setenv("FIELDAPP_SECRET", SECRET)
    url = create_database()
    yield url
    drop_database(url)


@pytest.fixture
def world(tmp_path, database):
    """A fresh server world on ``database``; tests that need SQLite only override it."""
    w = World(tmp_path, database)
    yield w
    w.close()


def pytest_collection_modifyitems(config, items):
    keep, dropped = [], []
    wanted = postgres_wanted()
    for item in items:
        on_pg = item.get_closest_marker("postgres") is not None
        if on_pg and (not wanted or item.get_closest_marker("sqlite_only")):
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_sessionfinish(session, exitstatus):
    drop_all()
