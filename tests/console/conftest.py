"""Fixtures for the officers' console: a demo commune plus a second ward, on real SQLite."""

import sys
from pathlib import Path

import pytest

# The browser tests reuse the end-to-end helpers (server process, Chromium flags).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from console_world import ConsoleWorld


@pytest.fixture
def cw(tmp_path, database):
    world = ConsoleWorld(tmp_path, database=database)
    yield world
    world.close()
