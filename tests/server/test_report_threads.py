"""Coverage reports run on threads of their own: however many are running (a province
report takes seconds), the phones' sync requests still get the shared worker threads
(``FIELDAPP_WORKER_THREADS``)."""

from __future__ import annotations

import asyncio
import threading

import anyio
import anyio.to_thread
import httpx
import pytest
from fieldapp_harness import World

from fieldapp.server import routes_coverage
from fieldapp.server.settings import Settings

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


async def _scenario(world: World) -> None:
    phone = world.token_headers(world.device("a1"))
    leader = world.token_headers(world.device("leader_a"))
    transport = httpx.ASGITransport(app=world.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        # As in `fieldapp serve` (set by the app's lifespan, which ASGITransport skips).
        anyio.to_thread.current_default_thread_limiter().total_tokens = 4
        # Both report threads busy, as with two slow province reports.
        loop = asyncio.get_running_loop()
        reports = anyio.CapacityLimiter(routes_coverage.REPORT_THREADS)
        routes_coverage._reports[loop] = reports
        release = threading.Event()
        busy = [
            asyncio.ensure_future(anyio.to_thread.run_sync(release.wait, 10, limiter=reports))
            for _ in range(routes_coverage.REPORT_THREADS)
        ]
        while reports.borrowed_tokens < routes_coverage.REPORT_THREADS:
            await asyncio.sleep(0.01)
        # A third report waits for a report thread ...
        report = asyncio.ensure_future(
            http.get("/api/v1/coverage/villages", params=PERIOD, headers=leader)
        )
        await asyncio.sleep(0.2)
        assert not report.done()
        # ... while the phone's sync requests are answered at once.
        with anyio.fail_after(5):
            me = await http.get("/api/v1/me", headers=phone)
            pull = await http.get("/api/v1/pull", params={"cursor": 0}, headers=phone)
        assert me.status_code == 200 and pull.status_code == 200
        assert not report.done()
        release.set()
        await asyncio.gather(*busy)
        with anyio.fail_after(10):
            answer = await report
        assert answer.status_code == 200
        assert [v["village_id"] for v in answer.json()["villages"]] == ["v1", "v2"]


def test_reports_never_hold_the_threads_phones_sync_on(world: World):
    asyncio.run(_scenario(world))


def test_worker_threads_setting():
    assert Settings.from_env({}).worker_threads == 4
    assert Settings.from_env({"FIELDAPP_WORKER_THREADS": "8"}).worker_threads == 8
    for bad in ("0", "65", "many", "-1"):
        with pytest.raises(ValueError, match="FIELDAPP_WORKER_THREADS"):
            Settings.from_env({"FIELDAPP_WORKER_THREADS": bad})


def test_serve_refuses_a_bad_environment_setting_in_vietnamese(tmp_path, monkeypatch, capsys):
    from fieldapp.cli import main

    for name in ("FIELDAPP_WORKER_THREADS", "FIELDAPP_PORT"):
        monkeypatch.setenv(name, "abc")
        assert main(["serve", "--database", str(tmp_path / "s.db")]) == 2
        err = capsys.readouterr().err
        assert "Biến môi trường không hợp lệ" in err and name in err
        monkeypatch.delenv(name)
    assert not (tmp_path / "s.db").exists()  # refused before anything was created
