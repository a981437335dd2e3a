"""Automatic syncs are spread out: phones started together do not stay in step."""

from __future__ import annotations

import random

from fieldapp.app_services.sync_service import AUTO_SYNC_SECONDS, auto_sync_delay


def test_delays_stay_near_three_minutes_and_spread_a_team_out():
    rng = random.Random(7)
    delays = [auto_sync_delay(rng) for _ in range(200)]
    assert all(0.8 * AUTO_SYNC_SECONDS <= d <= 1.2 * AUTO_SYNC_SECONDS for d in delays)
    # 200 phones that synced at the same instant: their next syncs span over a minute,
    # not one instant.
    assert max(delays) - min(delays) > 60
    assert len({round(d, 3) for d in delays}) > 190
