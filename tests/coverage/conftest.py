"""Fixtures for coverage tests: the hand-computed case in a real device-store file.

``case`` runs every test twice: on a plain device store (coverage computed from the raw
tables) and on the same data in a store with the server's roll-up installed before the
data is written (coverage read from the trigger-maintained tables).
"""

from __future__ import annotations

import pytest
from coverage_case import Case, open_case


@pytest.fixture(params=["raw", "rollup"])
def case(request, tmp_path) -> Case:
    c = open_case(tmp_path / "d.db", rollup=request.param == "rollup")
    yield c
    c.store.close()


@pytest.fixture
def rollup_case(tmp_path) -> Case:
    """The case with the roll-up installed (for the roll-up's own consistency tests)."""
    c = open_case(tmp_path / "d.db", rollup=True)
    yield c
    c.store.close()
