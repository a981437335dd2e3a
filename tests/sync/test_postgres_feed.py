"""Case 15 on PostgreSQL: two pushes on two real connections commit out of sequence
order while a pull runs, and nothing is skipped (fieldapp/server/postgres/feed.py).

Push A takes its transaction id first and stays open; push B (another team, its own
connection, through the real HTTP route) takes a later id and commits first; an officer
pulls the ward in between. A bare sequence would hand the officer B's changes and move
its cursor past A's, which then commit below it and are never pulled.
"""

from __future__ import annotations

import pytest
from fieldapp_harness import WARD, World, device_snapshot, household, server_snapshot, visit

from fieldapp.sync.protocol import Mutation

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)


def _batch(store) -> list[Mutation]:
    return [
        Mutation(
            seq=e.seq,
            entity=e.entity,
            entity_id=e.entity_id,
            op=e.op,
            payload=e.payload,
            base_version=e.base_version,
            created_at=e.created_at,
        )
        for e in store.pending_outbox()
    ]


def _feed(world: World, entity_ids: list[str]) -> list[int]:
    marks = ",".join("?" * len(entity_ids))
    rows = world.server_rows(
        f"SELECT change_seq FROM changes WHERE entity_id IN ({marks})", entity_ids
    )
    return sorted(r[0] for r in rows)


def test_case15_out_of_order_commits_while_pulling_skip_nothing(world: World):
    a, b, officer = world.device("a1"), world.device("b1"), world.device("officer")
    ha, hb = household(a, "v1", "Nguyễn Văn An"), household(b, "v3", "Trần Thị Bình")
    assert world.sync(a).ok and world.sync(b).ok and world.sync(officer).ok
    a_visits = [visit(a, ha) for _ in range(3)]
    b_visits = [visit(b, hb) for _ in range(3)]
    principal_a = world.storage.authenticate(a.meta_get("device_token"))
    assert principal_a is not None

    storage = world.storage
    with storage.db.transaction() as push_a:  # connection 1: push A, not committed yet
        answer = storage.apply_push(push_a, principal_a, a.device_id, _batch(a))
        assert [r.status for r in answer.results] == ["applied"] * 3
        # Connection 2: push B, through the real route, commits while A is open.
        assert world.sync(b).ok
        # A pull runs now: it gets B's visits only if nothing of A can land below them.
        assert world.sync(officer).ok
        seen_while_open = {v.id for h in (ha, hb) for v in officer.visits_for_household(h)}
        assert not seen_while_open & set(a_visits)
    # A commits last, yet its cursor values are below B's: out of sequence order.
    assert max(_feed(world, a_visits)) < min(_feed(world, b_visits))
    report = world.sync(officer)
    # Pulled in order, not repaired afterwards by the scope checksum's full re-download.
    assert report.ok and not report.resynced
    got = {v.id for h in (ha, hb) for v in officer.visits_for_household(h)}
    assert got >= set(a_visits) | set(b_visits), "a change committed below the cursor was skipped"
    villages = {v.id for v in world.storage.list_villages(ward=WARD)}
    assert device_snapshot(officer) == server_snapshot(world, villages)
    assert world.sync(a).ok and a.pending_count() == 0  # A's phone: a resend, no double
    assert world.count("visits") == 6


def test_long_open_write_holds_readers_back_then_releases(world: World):
    """The fence's limit, shown: while any write transaction is open, later commits are
    not pulled yet (they are not lost: the next pull after it ends brings them)."""
    a, b = world.device("a1"), world.device("b1")
    leader = world.device("leader_b")
    hb = household(b, "v3")
    with world.storage.db.transaction() as open_write:
        open_write.next_change_seq()  # takes a transaction id, like any push's first write
        visit(b, hb)
        assert world.sync(b).ok
        assert world.sync(leader).ok
        assert leader.household(hb) is None  # held back behind the open transaction
    assert world.sync(leader).ok
    assert leader.household(hb) is not None and len(leader.visits_for_household(hb)) == 1
    assert a.pending_count() == 0
