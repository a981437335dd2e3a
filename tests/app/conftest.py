"""Fixtures for the app-service tests: a real SQLite store with two villages."""

import pytest

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.store import DeviceStore

MEMBER_ID = "6f1c2c0e-0000-4000-8000-000000000001"


@pytest.fixture
def store(tmp_path):
    s = DeviceStore.open(tmp_path / "device.db")
    s.load_reference(
        villages=[
            Village("v-dong", "18754", "Thôn Đông"),
            Village("v-tay", "18754", "Thôn Tây"),
        ],
        teams=[Team("t1", "Tổ CNSCĐ thôn Đông", "18754", ("v-dong", "v-tay"))],
        members=[Member(MEMBER_ID, "Trần Văn Bình", Role.MEMBER, "t1")],
    )
    yield s
    s.close()


@pytest.fixture
def member_id():
    return MEMBER_ID
