"""Fixtures for sync tests: reuse the server test world (tests/server/fieldapp_harness.py)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from fieldapp_harness import World


@pytest.fixture
def world(tmp_path, database):
    w = World(tmp_path, database)
    yield w
    w.close()
