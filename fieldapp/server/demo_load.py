"""Load a demo dataset (``fieldapp.demo.generator.DemoDataset``) into the server.

Villages, teams and members are created if missing; households and visits are
inserted as they are (already validated by the generator) and put on the pull feed.
Running it twice adds nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldapp.domain.model import Role
from fieldapp.server.errors import ApiError
from fieldapp.server.storage import Storage

__all__ = ["DemoLoadResult", "load_demo"]


@dataclass(frozen=True)
class DemoLoadResult:
    villages: int
    teams: int
    members: int
    households: int
    visits: int


def _create(fn: Any, *args: Any, **kw: Any) -> int:
    try:
        fn(*args, **kw)
        return 1
    except ApiError as exc:
        if exc.code != "conflict":
            raise
        return 0


def load_demo(storage: Storage, dataset: Any) -> DemoLoadResult:
    """Load ``dataset`` (a DemoDataset) into ``storage``; returns what was added."""
    villages = sum(_create(storage.create_village, v) for v in dataset.villages)
    teams = sum(_create(storage.create_team, t) for t in dataset.teams)
    ward = dataset.ward_code
    members = sum(
        _create(storage.create_member, m, ward_code=ward if m.role == Role.OFFICER else None)
        for m in dataset.members
    )
    households, visits = storage.import_records(dataset.households, dataset.visits)
    return DemoLoadResult(villages, teams, members, households, visits)
