"""Fixtures for server tests: a fresh world (real app, real SQLite) per test."""

import pytest
from fieldapp_harness import World


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()
