"""Case 22: several devices, random creates/edits/visits, drops, duplicates, stale
replays and server restarts; after quiescence every device equals the server for its
scope, every mutation is applied exactly once and no acknowledged one is missing."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

import httpx
from fieldapp_harness import World, device_snapshot, household, server_snapshot, visit
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule
from pg_support import SECRET, create_database, drop_database

DEVICES = ("a1", "a2", "leader_a", "b1")
SCOPES = {"a1": {"v1", "v2"}, "a2": {"v1", "v2"}, "leader_a": {"v1", "v2"}, "b1": {"v3", "v4"}}
FAULTS = (None, None, "drop_request", "drop_response", "duplicate", "error_500", "delay")


class SyncMachine(RuleBasedStateMachine):
    households = Bundle("households")
    backend = "sqlite"  # or "postgres": each example on a fresh database

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="fieldapp-sm-"))
        self.database = create_database() if self.backend == "postgres" else None
        self.world = World(self.tmp, self.database)
        self.stores = {who: self.world.device(who) for who in DEVICES}
        self.recorded: list[tuple[str, httpx.Request, bytes]] = []
        self.visits_made: dict[str, str] = {}  # visit id → device

    def teardown(self) -> None:
        self.world.close()
        if self.database:
            drop_database(self.database)
        shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(target=households, who=st.sampled_from(DEVICES), pick=st.integers(0, 1))
    def create_household(self, who, pick):
        village = sorted(SCOPES[who])[pick]
        return household(self.stores[who], village, f"Hộ {len(self.visits_made)}")

    @rule(
        who=st.sampled_from(DEVICES),
        hid=households,
        field=st.sampled_from(["head_name", "address_detail", "members_count"]),
        value=st.integers(1, 9),
    )
    def edit(self, who, hid, field, value):
        store = self.stores[who]
        current = store.household(hid)
        if current is None or current.deleted:
            return
        new = {"head_name": f"Tên {value}", "address_detail": f"Số {value}", "members_count": value}
        store.save_household({**current.to_dict(), field: new[field]})

    @rule(who=st.sampled_from(DEVICES), hid=households)
    def add_visit(self, who, hid):
        store = self.stores[who]
        current = store.household(hid)
        if current is None or current.deleted:
            return
        self.visits_made[visit(store, hid)] = who

    @rule(who=st.sampled_from(DEVICES), hid=households)
    def delete(self, who, hid):
        store = self.stores[who]
        current = store.household(hid)
        if current is not None and not current.deleted:
            store.delete_household(hid)

    @rule(
        who=st.sampled_from(DEVICES), seed=st.integers(0, 2**16), batch=st.sampled_from([1, 3, 500])
    )
    def sync_with_faults(self, who, seed, batch):
        rng = random.Random(seed)

        def fault(request: httpx.Request):
            if request.url.path.endswith("/push"):
                self.recorded.append((who, request, request.read()))
            return rng.choice(FAULTS)

        self.world.sync(
            self.stores[who], self.world.transport(rule=fault), batch_records=batch, max_attempts=3
        )

    @rule(pick=st.integers(0, 10**6))
    def replay_stale_push(self, pick):
        """An old request arrives late (reordered/duplicated by the network)."""
        if not self.recorded:
            return
        _who, request, body = self.recorded[pick % len(self.recorded)]
        response = self.world.client.post(request.url.path, content=body, headers=request.headers)
        assert response.status_code in (200, 409, 401), response.text

    @rule()
    def restart_server(self):
        self.world.restart()

    @invariant()
    def nothing_doubled(self):
        dup = self.world.server_rows(
            "SELECT count(*) FROM (SELECT visit_id, kind FROM visit_activities"
            " GROUP BY visit_id, kind HAVING count(*) > 1) AS doubled"
        )
        assert dup == [(0,)]

    def converge(self) -> None:
        for _ in range(3):
            for who in DEVICES:
                report = self.world.sync(self.stores[who])
                assert report.ok, report.error
        server_visits = {r[0] for r in self.world.server_rows("SELECT id FROM visits")}
        assert server_visits == set(self.visits_made)  # each exactly once (primary key)
        for who, store in self.stores.items():
            assert store.pending_count() == 0
            assert store.db.execute(
                "SELECT count(*) FROM outbox WHERE state = 'rejected'"
            ).fetchone() == (0,)
            assert device_snapshot(store) == server_snapshot(self.world, SCOPES[who]), who
        logged = self.world.server_rows("SELECT count(*) FROM mutation_log")[0][0]
        sent = sum(
            s.db.execute("SELECT count(*) FROM outbox").fetchone()[0] for s in self.stores.values()
        )
        assert logged == sent


def test_case22_devices_converge_under_faults(backend, monkeypatch):
    monkeypatch.setenv("FIELDAPP_SECRET", SECRET)

    class Converging(SyncMachine):
        def teardown(self) -> None:
            try:
                self.converge()
            finally:
                super().teardown()

    Converging.backend = backend
    Converging.TestCase.settings = settings(
        max_examples=int(os.environ.get("FIELDAPP_SM_EXAMPLES", "10")),
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    Converging.TestCase().runTest()
