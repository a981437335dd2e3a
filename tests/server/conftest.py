"""Fixtures for server tests: a fresh world (real app, real SQLite or PostgreSQL) per test."""

import pytest
from fieldapp_harness import World


@pytest.fixture
def world(tmp_path, database):
    w = World(tmp_path, database)
    yield w
    w.close()
