"""Fixtures for device-store tests: a real SQLite file per test."""

import uuid

import pytest

from fieldapp.domain import Village
from fieldapp.store import DeviceStore


@pytest.fixture
def store(tmp_path):
    s = DeviceStore.open(tmp_path / "device.db")
    yield s
    s.close()


@pytest.fixture
def villages(store):
    vs = [Village(str(uuid.uuid4()), "18754", name) for name in ("Tổ dân phố 1", "Thôn Bắc")]
    store.load_reference(villages=vs)
    return vs
