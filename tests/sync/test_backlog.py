"""Case 20: 10,000 visits after weeks offline → batched, bounded memory, progress, done."""

from __future__ import annotations

import gzip
import json
import random
import tracemalloc
from itertools import pairwise

import httpx
from fieldapp_harness import World, bulk_visits

from fieldapp.sync.client import SyncClient


def _body(request: httpx.Request) -> bytes:
    if request.headers.get("content-encoding") == "gzip":
        return gzip.decompress(request.content)
    return request.content


def test_case20_ten_thousand_visit_backlog(world: World):
    a = world.device("a1")
    bulk_visits(a, 10_000)
    assert a.pending_count() == 10_050
    progress: list[tuple[int, int]] = []
    sizes: list[int] = []
    batches: list[int] = []

    def record(req: httpx.Request) -> None:
        body = _body(req)
        sizes.append(len(body))
        if req.url.path.endswith("/push"):
            batches.append(len(json.loads(body)["batch"]))

    transport = world.transport(rule=record)
    client = SyncClient(
        a,
        world.http(transport),
        on_progress=lambda d, t: progress.append((d, t)),
        sleep=lambda s: None,
        rng=random.Random(1),
    )
    tracemalloc.start()
    try:
        report = client.sync()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok, report.error
    assert report.pushed == 10_050 and a.pending_count() == 0
    assert world.count("visits") == 10_000
    pushes = [p for p, _, _ in transport.log if p.endswith("/push")]
    assert len(pushes) == len(batches) == 21  # 10,050 records in batches of ≤ 500
    assert max(batches) <= 500 and sum(batches) == 10_050, batches
    # The server's limit applies after decompression: measure what it will inflate to.
    assert max(sizes) < 1_048_576
    assert progress[0] == (0, 10_050) and progress[-1][0] == progress[-1][1]
    assert (10_050, 10_050) in progress
    assert all(d1 <= d2 for (d1, _), (d2, _) in pairwise(progress))
    # Client *and* in-process server together stay far below holding the backlog many times.
    assert peak < 80 * 1024 * 1024, peak
