"""Coverage benchmark at province scale, on a server-shaped SQLite and a device store.

Run: python benchmarks/coverage.py [--rebuild]
Data: 400,000 households in 1,700 villages (69 wards), 2,000,000 visits over the Hà Tĩnh
2024 campaign (about 2 % of them superseded by corrections), ~1.3 M activity rows. The
server database is built once with bulk inserts through the server migrations and cached
in var/bench/ (git-ignored); reruns reuse it.

``--postgres [--scale S]``: the same data (built at scale S) copied into PostgreSQL
(``benchmarks/postgres_bench.py``), ward and province figures there (goal: province
overview ≤ 2 s).

Goals (issue 5): ward-level coverage <= 200 ms median; province-level <= 2 s;
device-side coverage of one team of 5 villages <= 100 ms. Goals are judged *cold*: each
cold run opens a new connection (empty SQLite page cache; the OS file cache is whatever
the previous runs left) and times its first call. Warm runs repeat on one connection.
The server reads the trigger-maintained roll-up (fieldapp/coverage/rollup.py); the device
store has no roll-up and aggregates its raw tables: the device section measures it without
and with the server's covering indexes, and with the roll-up installed (the old device
schema), and judges the goal on the schema the device ships. The last section measures
what the roll-up's triggers cost on visit inserts and corrections.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from postgres_bench import Databases
from sqlite_utils import Database

from fieldapp.coverage import CoverageService, Period
from fieldapp.coverage.rollup import install_v1
from fieldapp.store import DeviceStore
from fieldapp.text import fold, given_name_first, sort_key

VERSION = 1  # bump when the generated data changes, to force a rebuild
HOUSEHOLDS, VILLAGES, WARDS, VISITS = 400_000, 1_700, 69, 2_000_000
START, END = date(2024, 5, 9), date(2024, 9, 30)
PERIOD = Period(START, END)
TODAY = date(2024, 9, 15)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Lan", "Long",
         "Mai", "Nam", "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
         "Yến"]  # fmt: skip
ACTIVITY_KINDS = ["vneid_level2", "dossier_submitted", "fee_paid", "payment_account",
                  "digital_signature", "vneid_installed", "other"]  # fmt: skip
ACTIVITY_WEIGHTS = [25, 30, 15, 10, 5, 10, 5]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def build_server_db(path: Path, scale: float = 1.0) -> None:
    """Bulk-build the province database through the server's own migrations (``scale``
    multiplies the households and visits; villages and wards stay a province's)."""
    n_households, n_visits = int(HOUSEHOLDS * scale), int(VISITS * scale)
    from fieldapp.server.schema import migrations

    rng = random.Random(42)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    migrations.apply(Database(conn))
    now = "2024-10-01T00:00:00+00:00"
    wards = [str(18000 + 11 * i) for i in range(WARDS)]
    conn.executemany(
        "INSERT INTO wards VALUES (?, ?, 'xã', '42')", [(w, f"Xã {i}") for i, w in enumerate(wards)]
    )
    villages = [(_uuid(rng), wards[i % WARDS], f"Thôn {i}") for i in range(VILLAGES)]
    conn.executemany(
        "INSERT INTO villages (id, ward_code, name, kind, name_sort) VALUES (?, ?, ?, 'thôn', ?)",
        [(v, w, n, sort_key(n)) for v, w, n in villages],
    )
    teams = [(_uuid(rng), f"Tổ {n}", w) for _, w, n in villages]
    conn.executemany("INSERT INTO teams VALUES (?, ?, ?)", teams)
    conn.executemany(
        "INSERT INTO team_villages VALUES (?, ?)",
        [(t[0], v[0]) for t, v in zip(teams, villages, strict=True)],
    )
    members = []  # five per team
    for t in teams:
        for k in range(5):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            members.append((_uuid(rng), name, "leader" if k == 0 else "member", t[0], now))
    conn.executemany(
        "INSERT INTO members (id, name, role, team_id, created_at) VALUES (?, ?, ?, ?, ?)",
        members,
    )
    names = [f"{f} {m} {g}" for f in FAMILY for m in MIDDLE for g in GIVEN]
    keys = {n: (sort_key(n), sort_key(given_name_first(n)), fold(n)) for n in names}
    households = []
    for i in range(n_households):
        name = rng.choice(names)
        s, g, f = keys[name]
        v = villages[i % VILLAGES][0]
        households.append((_uuid(rng), v, name, s, g, f, now))
    conn.executemany(
        "INSERT INTO households (id, village_id, head_name, name_sort, given_sort, search,"
        " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
        [(*h[:6], h[6], h[6]) for h in households],
    )
    members_of = {t[0]: [m[0] for m in members if m[3] == t[0]] for t in teams}
    team_of = {v[0]: t[0] for t, v in zip(teams, villages, strict=True)}
    days = (END - START).days + 1
    visits, activities = [], []
    # ~10 % of households are never visited; the rest share the visits.
    visited = [h for h in households if rng.random() > 0.1]
    for _ in range(n_visits):
        hid, vid = rng.choice(visited)[:2]
        day = START + timedelta(days=rng.randrange(days))
        at = datetime(day.year, day.month, day.day, rng.randint(7, 20), rng.randrange(60))
        visited_at = at.isoformat() + "+07:00"
        r = rng.random()
        outcome = (
            "done" if r < 0.70 else "follow_up" if r < 0.82 else "nobody_home" if r < 0.92
            else "declined"
        )  # fmt: skip
        consent = (
            None if outcome == "nobody_home" else "declined" if outcome == "declined" else "given"
        )
        follow = (
            (day + timedelta(days=rng.randint(3, 14))).isoformat()
            if outcome == "follow_up"
            else None
        )
        vid_ = _uuid(rng)
        superseded = _uuid(rng) if rng.random() < 0.02 else None
        people = rng.randint(1, 4) if outcome in ("done", "follow_up") else 0
        member = rng.choice(members_of[team_of[vid]])
        visits.append((vid_, hid, member, visited_at, consent, outcome, people, follow,
                       superseded, vid, now))  # fmt: skip
        if people:
            for kind in set(
                rng.choices(
                    ACTIVITY_KINDS, ACTIVITY_WEIGHTS, k=rng.randint(0, 1) + rng.randint(0, 1)
                )
            ):
                level = (
                    ("full" if rng.random() < 0.8 else "partial")
                    if kind == "dossier_submitted"
                    else None
                )
                status = (
                    rng.choice(["verified", "self_reported", "unknown"])
                    if kind == "fee_paid"
                    else None
                )
                code = "1.001193" if kind in ("dossier_submitted", "fee_paid") else None
                activities.append((vid_, hid, kind, code, level, status))
    conn.executemany(
        "INSERT INTO visits (id, household_id, member_id, visited_at, consent, outcome,"
        " people_guided, follow_up_on, superseded_by, village_id, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        visits,
    )
    conn.executemany("INSERT INTO visit_activities VALUES (?, ?, ?, ?, ?, ?)", activities)
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    tmp.replace(path)


def device_copy(server: sqlite3.Connection, village_ids: list[str], path: Path) -> DeviceStore:
    """A device store holding one team's 5 villages, copied from the server database."""
    path.unlink(missing_ok=True)
    store = DeviceStore.open(path)
    conn = store.db.conn
    q = ",".join("?" * len(village_ids))
    conn.executemany(
        "INSERT INTO villages VALUES (?, ?, ?, ?, ?)",
        server.execute(
            f"SELECT id, ward_code, name, kind, name_sort FROM villages WHERE id IN ({q})",
            village_ids,
        ),
    )
    conn.execute(
        "INSERT INTO teams VALUES (?, ?, ?, ?)",
        ["team", "Tổ thử", "18000", json.dumps(village_ids)],
    )
    conn.executemany(
        "INSERT INTO households (id, village_id, head_name, name_sort, given_sort, search,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        server.execute(
            "SELECT id, village_id, head_name, name_sort, given_sort, search, updated_at"
            f" FROM households WHERE village_id IN ({q})",
            village_ids,
        ),
    )
    conn.executemany(
        "INSERT INTO visits (id, household_id, member_id, visited_at, consent, outcome,"
        " people_guided, follow_up_on, superseded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        server.execute(
            "SELECT v.id, v.household_id, v.member_id, v.visited_at, v.consent, v.outcome,"
            " v.people_guided, v.follow_up_on, v.superseded_by FROM visits v"
            f" JOIN households h ON h.id = v.household_id WHERE h.village_id IN ({q})",
            village_ids,
        ),
    )
    conn.executemany(
        "INSERT INTO visit_activities VALUES (?, ?, ?, ?, ?, ?)",
        server.execute(
            "SELECT a.* FROM visit_activities a JOIN households h ON h.id = a.household_id"
            f" WHERE h.village_id IN ({q})",
            village_ids,
        ),
    )
    conn.commit()  # no ANALYZE: the device store never runs it, so plans are as on a phone
    return store


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def timed_cold(
    connect: Callable[[], sqlite3.Connection],
    fn: Callable[[CoverageService], object],
    runs: int,
    village_ids: list[str] | None = None,
) -> float:
    """Median of ``runs`` first calls, each on a new connection (cold page cache)."""
    times = []
    for _ in range(runs):
        conn = connect()
        service = CoverageService(conn, village_ids=village_ids)
        t = time.perf_counter()
        fn(service)
        times.append(time.perf_counter() - t)
        conn.close()
    return statistics.median(times)


def insert_cost(folder: Path, households: int = 5_000, visits: int = 20_000) -> None:
    """Visit pushes with and without the roll-up triggers, on a server-shaped database.

    Same rows both times: batches of 100 visits (+ activities) per transaction, like a
    push, then 2 % of them corrected (insert the correction, mark the old one).
    """
    from fieldapp.server.schema import migrations

    rng = random.Random(7)
    now = "2024-10-01T00:00:00+00:00"
    village = _uuid(rng)
    hids = [_uuid(rng) for _ in range(households)]
    rows, acts = [], []
    for _ in range(visits):
        vid, hid = _uuid(rng), rng.choice(hids)
        day = START + timedelta(days=rng.randrange(100))
        rows.append((vid, hid, "m", f"{day.isoformat()}T09:00:00+07:00", "given", "done", 2,
                     village, now))  # fmt: skip
        for kind in rng.sample(ACTIVITY_KINDS, rng.randint(0, 2)):
            acts.append((vid, hid, kind, None, "full" if kind == "dossier_submitted" else None,
                         "verified" if kind == "fee_paid" else None))  # fmt: skip
    acts_of: dict[str, list[tuple[Any, ...]]] = {}
    for a in acts:
        acts_of.setdefault(a[0], []).append(a)
    corrected = rng.sample(rows, len(rows) // 50)
    results = {}
    for triggers in (False, True):
        path = folder / "coverage-insert-cost.db"
        path.unlink(missing_ok=True)
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        migrations.apply(Database(conn))
        if not triggers:
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'coverage%'"
            ).fetchall():
                conn.execute(f"DROP TRIGGER {name}")
        conn.executemany(
            "INSERT INTO households (id, village_id, name_sort, given_sort, search, version,"
            " created_at, updated_at) VALUES (?, ?, '', '', '', 1, ?, ?)",
            [(h, village, now, now) for h in hids],
        )
        t = time.perf_counter()
        for i in range(0, len(rows), 100):
            conn.execute("BEGIN")
            for r in rows[i : i + 100]:
                conn.execute(
                    "INSERT INTO visits (id, household_id, member_id, visited_at, consent,"
                    " outcome, people_guided, village_id, received_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    r,
                )
                conn.executemany(
                    "INSERT INTO visit_activities VALUES (?, ?, ?, ?, ?, ?)", acts_of.get(r[0], [])
                )
            conn.execute("COMMIT")
        inserted = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("BEGIN")
        for r in corrected:
            new = _uuid(rng)
            conn.execute(
                "INSERT INTO visits (id, household_id, member_id, visited_at, consent, outcome,"
                " people_guided, village_id, received_at, supersedes)"
                " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                [new, *r[1:6], r[7], r[8], r[0]],
            )
            conn.execute("UPDATE visits SET superseded_by = ? WHERE id = ?", [new, r[0]])
        conn.execute("COMMIT")
        results[triggers] = (inserted, time.perf_counter() - t)
        conn.close()
        path.unlink(missing_ok=True)
    (off_i, off_c), (on_i, on_c) = results[False], results[True]
    n_act = len(acts)
    print(f"insert cost: {visits:,} visits + {n_act:,} activities in batches of 100")
    per_visit = (off_i / visits * 1e6, on_i / visits * 1e6)
    per_fix = (off_c / len(corrected) * 1e6, on_c / len(corrected) * 1e6)
    print(
        f"  without triggers {per_visit[0]:7.1f} µs/visit   with {per_visit[1]:7.1f} µs/visit"
        f"   ratio {on_i / off_i:4.2f}"
    )
    print(
        f"  corrections ({len(corrected)}): without {per_fix[0]:7.1f} µs  with {per_fix[1]:7.1f} µs"
    )


def device_figures(path: Path, team: list[str], label: str, goal: bool) -> bool:
    """Coverage on a device store file: cold overview (judged against the goal when
    ``goal``), then warm figures. Returns whether the goal (if judged) is met."""
    cold = timed_cold(lambda: sqlite3.connect(path), lambda svc: svc.overview(PERIOD, TODAY), 11)
    report(f"{label}: team of 5 villages, overview, cold", cold, 0.1 if goal else None)
    store = DeviceStore.open(path)
    device = CoverageService(store.db, village_ids=team)
    for name, fn in (
        ("overview", lambda: device.overview(PERIOD, TODAY)),
        ("per-member", lambda: device.members(PERIOD, TODAY)),
        ("weekly trend", lambda: device.weekly(PERIOD)),
        ("gap list page (50)", lambda: device.gaps(team[0], TODAY, limit=50)),
    ):
        s, _ = timed(fn, 11)
        report(f"{label}: {name}, warm", s, None)
    store.close()
    return not goal or cold <= 0.1


def report(label: str, seconds: float, goal: float | None) -> None:
    ms = seconds * 1000
    if goal is None:
        print(f"{label:<52} {ms:9.1f} ms")
    else:
        ratio = seconds / goal
        verdict = "OK" if ratio <= 1 else "SLOW"
        print(
            f"{label:<52} {ms:9.1f} ms  goal {goal * 1000:6.0f} ms  ratio {ratio:4.2f}  {verdict}"
        )


# Copied in this order; the roll-up tables as they are (exact), with triggers off.
_PG_TABLES = (
    "wards",
    "villages",
    "teams",
    "team_villages",
    "members",
    "households",
    "visits",
    "visit_activities",
    "coverage_days",
    "coverage_village_days",
    "coverage_households",
    "coverage_followups",
)


def copy_to_postgres(path: Path, url: str) -> None:
    """The SQLite server database's rows into a migrated PostgreSQL one, with COPY."""
    from fieldapp.server.postgres import PostgresStorage
    from fieldapp.server.postgres.connection import escape_nul

    PostgresStorage(url, max_connections=1).close()  # the migrations
    lite = sqlite3.connect(path)
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("SET session_replication_role = replica")  # no triggers: rows are exact
        for table in _PG_TABLES:
            cols = [r[1] for r in lite.execute(f"PRAGMA table_info({table})")]
            with pg.transaction(), pg.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in lite.execute(f"SELECT {', '.join(cols)} FROM {table}"):
                        copy.write_row([escape_nul(v) if isinstance(v, str) else v for v in row])
        pg.execute("ANALYZE")
    lite.close()


def postgres_figures(path: Path, runs: int) -> int:
    """Ward and province coverage on PostgreSQL (goal: province overview ≤ 2 s)."""
    from fieldapp.server.postgres import PostgresStorage

    dbs = Databases(path.parent)
    try:
        url = dbs.new("postgres", "coverage")
        t = time.perf_counter()
        copy_to_postgres(path, url)
        print(f"copied {path.name} into PostgreSQL in {time.perf_counter() - t:.0f} s")
        storage = PostgresStorage(url, max_connections=2)
        try:
            with storage.db.read() as conn:
                counts = {
                    t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in ("villages", "households", "visits", "visit_activities")
                }
                print("PostgreSQL db:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
                ward = conn.execute("SELECT ward_code FROM villages LIMIT 1").fetchone()[0]
                ward_villages = [
                    r[0]
                    for r in conn.execute("SELECT id FROM villages WHERE ward_code = ?", [ward])
                ]

            def first_call(fn: Callable[[CoverageService], object]) -> float:
                # "Cold" here: a new connection (PostgreSQL's shared buffers stay warm).
                fresh = PostgresStorage(url, max_connections=1)
                try:
                    with fresh.coverage(None) as svc:
                        start = time.perf_counter()
                        fn(svc)
                        return time.perf_counter() - start
                finally:
                    fresh.close()

            ok = True
            with storage.coverage(None) as svc:
                s = statistics.median(
                    first_call(lambda v: v.overview(PERIOD, TODAY, ward_villages))
                    for _ in range(runs)
                )
                report("PostgreSQL ward: villages + teams + total, new connection", s, 0.2)
                s, _ = timed(lambda: svc.overview(PERIOD, TODAY, ward_villages), runs)
                report("PostgreSQL ward: villages + teams + total, warm", s, None)
                s, _ = timed(lambda: svc.members(PERIOD, TODAY, ward_villages), runs)
                report("PostgreSQL ward: per-member activity", s, None)
                s, _ = timed(lambda: svc.gaps(ward_villages[0], TODAY, limit=50), runs)
                report("PostgreSQL ward: gap list page (50) of one village", s, None)
                s = statistics.median(
                    first_call(lambda v: v.overview(PERIOD, TODAY)) for _ in range(3)
                )
                report("PostgreSQL province: villages + teams + total, new connection", s, 2.0)
                ok &= s <= 2.0
                s, ov = timed(lambda: svc.overview(PERIOD, TODAY), 3)
                report("PostgreSQL province: villages + teams + total, warm", s, None)
                total = ov.total  # type: ignore[attr-defined]
                print(
                    f"  province total: {total.households_visited:,}/{total.households_total:,}"
                    f" households reached, {total.visits:,} visits"
                )
        finally:
            storage.close()
    finally:
        dbs.close()
    print("all goals met" if ok else "SOME GOALS MISSED")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached database")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per ward-level figure")
    parser.add_argument(
        "--no-pragmas", action="store_true", help="leave SQLite's default cache and no mmap"
    )
    parser.add_argument(
        "--no-insert-cost", action="store_true", help="skip the trigger cost on inserts"
    )
    parser.add_argument(
        "--device-only", action="store_true", help="only the device figures (no ward/province)"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="ward and province figures on PostgreSQL (the same data, copied), then stop",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="households and visits × this (default 1)"
    )
    args = parser.parse_args(argv)
    folder = Path(__file__).resolve().parent.parent / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1.0 else f"-x{args.scale:g}"
    path = folder / f"coverage-server-v{VERSION}{suffix}.db"
    if args.rebuild or not path.exists():
        t = time.perf_counter()
        build_server_db(path, args.scale)
        print(f"built {path.name} in {time.perf_counter() - t:.0f} s")
    # Apply any newer server migrations (e.g. indexes) to the cached file.
    from fieldapp.server.schema import migrations

    conn = sqlite3.connect(path, check_same_thread=False)
    t = time.perf_counter()
    if migrations.pending(Database(conn)):
        migrations.apply(Database(conn))
        conn.execute("ANALYZE")
        conn.commit()
        print(f"applied new migrations in {time.perf_counter() - t:.0f} s")

    def connect() -> sqlite3.Connection:
        c = sqlite3.connect(path, check_same_thread=False)
        if not args.no_pragmas:
            # Recommended for the server's read connections: map the file, 256 MiB cache.
            c.execute("PRAGMA mmap_size = 4294967296")
            c.execute("PRAGMA cache_size = -262144")
        return c

    conn.close()
    if args.postgres:
        return postgres_figures(path, args.runs)
    conn = connect()
    print("pragmas:", "defaults" if args.no_pragmas else "mmap 4 GiB, cache 256 MiB")
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("villages", "households", "visits", "visit_activities")}  # fmt: skip
    print("server db:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    server = CoverageService(conn)
    ward = conn.execute("SELECT ward_code FROM villages LIMIT 1").fetchone()[0]
    ward_villages = [
        r[0] for r in conn.execute("SELECT id FROM villages WHERE ward_code = ?", [ward])
    ]
    print(f"ward {ward}: {len(ward_villages)} villages, period {PERIOD.start} … {PERIOD.end}")

    ok = True
    if not args.device_only:
        s = timed_cold(connect, lambda svc: svc.overview(PERIOD, TODAY, ward_villages), args.runs)
        report("ward: villages + teams + total + indicators, cold", s, 0.2)
        ok &= s <= 0.2
        s, ov = timed(lambda: server.overview(PERIOD, TODAY, ward_villages), args.runs)
        report("ward: villages + teams + total + indicators, warm", s, None)
        s, _ = timed(lambda: server.members(PERIOD, TODAY, ward_villages), args.runs)
        report("ward: per-member activity", s, None)
        s, _ = timed(lambda: server.weekly(PERIOD, ward_villages), args.runs)
        report("ward: weekly trend", s, None)
        s, _ = timed(lambda: server.gaps(ward_villages[0], TODAY, limit=50), args.runs)
        report("ward: gap list page (50) of one village", s, None)

        s = timed_cold(connect, lambda svc: svc.overview(PERIOD, TODAY), 3)
        report("province: villages + teams + total + indicators, cold", s, 2.0)
        ok &= s <= 2.0
        s, ov = timed(lambda: server.overview(PERIOD, TODAY), 3)
        report("province: villages + teams + total + indicators, warm", s, None)
        recent = Period(TODAY - timedelta(days=27), TODAY)
        s = timed_cold(connect, lambda svc: svc.overview(recent, TODAY), 3)
        report("province: last 4 weeks, cold", s, None)
        total = ov.total  # type: ignore[attr-defined]
        print(
            f"  province total: {total.households_visited:,}/{total.households_total:,} households"
            f" reached, {total.visits:,} visits, {total.follow_ups_due:,} follow-ups due"
        )
        s, _ = timed(lambda: server.members(PERIOD, TODAY), 3)
        report("province: per-member activity", s, None)

    team = ward_villages[:5]
    device_path = folder / "coverage-device.db"
    store = device_copy(conn, team, device_path)
    n = store.db.execute("SELECT count(*) FROM visits").fetchone()[0]
    print(f"device store: 5 villages, {store.count_households():,} households, {n:,} visits")
    indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
    store.close()
    # The server's covering indexes (m002), to measure the device with and without them.
    covering = dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE name IN ('visits_effective', 'visit_activities_coverage')"
        ).fetchall()
    )
    shipped = "with" if set(covering) <= indexes else "without"
    print(f"device schema ships {shipped} the covering indexes")
    for variant in ("without", "with", "roll-up"):
        c = sqlite3.connect(device_path)
        for name, sql in covering.items():
            if variant == "without":
                c.execute(f"DROP INDEX IF EXISTS {name}")
            else:
                c.execute(sql.replace("INDEX", "INDEX IF NOT EXISTS", 1))
        if variant == "roll-up":
            install_v1(c)  # the old device schema: covering indexes + roll-up
        c.commit()
        c.close()
        label = "device (+ roll-up)" if variant == "roll-up" else f"device ({variant} covering idx)"
        ok &= device_figures(device_path, team, label, goal=variant == shipped)
    conn.close()
    if not args.no_insert_cost:
        insert_cost(folder)
    print("all goals met" if ok else "SOME GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
