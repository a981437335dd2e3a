"""Fixtures for coverage tests: the hand-computed case in a real device-store file."""

from __future__ import annotations

import pytest
from coverage_case import Case, build_case

from fieldapp.store import DeviceStore


@pytest.fixture
def case(tmp_path) -> Case:
    store = DeviceStore.open(tmp_path / "d.db")
    ids = build_case(store)
    yield Case(store, ids)
    store.close()
