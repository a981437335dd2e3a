"""Officers' console pages at province scale, timed server side (the real app, in process).

Run: python benchmarks/console.py [--scale 1.0] [--runs 5]
Data: the province database of benchmarks/coverage.py (400,000 households in 1,700
villages of 69 wards, 2,000,000 visits), built once and cached in var/bench/ (git-ignored);
``--scale 0.1`` builds a tenth of it (a separate cached file) for a quick look.

Each figure is one whole request through the app (session check, scope, the coverage
roll-up, templates) as a signed-in officer: the province officer's overview and a ward
officer's overview, villages, members, report and its XLSX. Goals (issue 12): province
overview <= 2 s and a ward's <= 200 ms. The first request is reported as cold (fresh
process caches), then the median of the warm runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from fieldapp.domain.model import Member, Role
from fieldapp.server.app import create_app
from fieldapp.server.sqlite_storage import SqliteStorage

HERE = Path(__file__).resolve().parent


def _coverage_bench():
    spec = importlib.util.spec_from_file_location("bench_coverage", HERE / "coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def database(scale: float) -> Path:
    bench = _coverage_bench()
    folder = HERE.parent / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    if scale == 1.0:
        path = folder / f"coverage-server-v{bench.VERSION}.db"
    else:
        path = folder / f"console-server-v{bench.VERSION}-w-x{scale:g}.db"
        # Fewer wards of the same size: a ward's page sees what it sees at full scale.
        bench.WARDS = max(1, round(bench.WARDS * scale))
        bench.HOUSEHOLDS = int(bench.HOUSEHOLDS * scale)
        bench.VILLAGES = max(bench.WARDS, int(bench.VILLAGES * scale))
        bench.VISITS = int(bench.VISITS * scale)
    if not path.exists():
        started = time.perf_counter()
        bench.build_server_db(path)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def sign_in(storage: SqliteStorage, client: TestClient, ward: str | None, key: str) -> None:
    member = storage.create_member(
        Member(f"bench-{key}", f"Cán bộ {key}", Role.OFFICER, None), ward_code=ward
    )
    code = storage.issue_code(member.id).code
    r = client.post("/console/sign-in", data={"code": code}, headers={"origin": "http://bench"})
    assert r.status_code == 303, r.text


def timed(client: TestClient, path: str, runs: int) -> tuple[float, float]:
    """(cold, warm median) seconds for one page."""
    started = time.perf_counter()
    r = client.get(path)
    cold = time.perf_counter() - started
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm)


def report(label: str, cold: float, warm: float, goal: float | None) -> bool:
    verdict = ""
    if goal is not None:
        verdict = f"  goal {goal * 1000:.0f} ms: {'ok' if warm <= goal else 'MISSED'}"
        verdict += f" (warm/goal {warm / goal:.2f})"
    print(f"{label:<44} cold {cold * 1000:8.1f} ms   warm {warm * 1000:8.1f} ms{verdict}")
    return goal is None or warm <= goal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the province data")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per page")
    args = parser.parse_args(argv)
    path = database(args.scale)
    storage = SqliteStorage(path)
    try:
        with storage.db.read() as conn:
            counts = {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("villages", "households", "visits")
            }
            ward = conn.execute("SELECT ward_code FROM villages LIMIT 1").fetchone()[0]
        print("server db:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        app = create_app(storage)
        province = TestClient(app, base_url="http://bench", follow_redirects=False)
        local = TestClient(app, base_url="http://bench", follow_redirects=False)
        sign_in(storage, province, None, f"province-{time.time_ns()}")
        sign_in(storage, local, ward, f"ward-{time.time_ns()}")
        # The campaign of the benchmark's data (2024), as a custom period.
        period = "period=custom&from=09/05/2024&to=30/09/2024"
        ok = True
        ok &= report("province overview", *timed(province, f"/console/?{period}", args.runs), 2.0)
        ok &= report("ward overview", *timed(local, f"/console/?{period}", args.runs), 0.2)
        for label, page in (
            ("ward villages table", "/console/villages"),
            ("ward members", "/console/members"),
            ("ward report (preview)", "/console/report"),
            ("ward report XLSX", "/console/report.xlsx"),
            ("ward follow-ups", "/console/follow-ups"),
        ):
            report(label, *timed(local, f"{page}?{period}", args.runs), None)
        report(
            "province: one ward's overview",
            *timed(province, f"/console/?ward={ward}&{period}", args.runs),
            None,
        )
    finally:
        storage.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
