"""Coverage on PostgreSQL: the roll-up kept by PL/pgSQL triggers (fieldapp/server/postgres/
rollup.py) equals SQLite's and a brute-force count, and every coverage query and export
gives what it gives on SQLite.

The hand-computed case is built in a device store (as in the other coverage tests) and
its rows are written into a fresh server database on PostgreSQL in the order the server
writes them (households, visits, activities), so the triggers see every insert; then
the same out-of-band writes (moves, tombstones, corrections withdrawn, deletions) run
on both.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from coverage_case import TODAY, Case, open_case
from test_coverage_rollup import TABLES, brute_force, mutate_portable

from fieldapp.cli import main
from fieldapp.coverage import CoverageService, Figures, Period
from fieldapp.coverage.export import export_report
from fieldapp.coverage.results import FOLLOW_THROUGH_FIELDS
from fieldapp.server.dossiers import refresh_all
from fieldapp.server.postgres import PostgresStorage

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)

_COPY = {
    "villages": ("id", "ward_code", "name", "kind", "name_sort"),
    "households": (
        "id, village_id, head_name, address_detail, phone, members_count, deleted, name_sort,"
        " given_sort, search, visit_count, last_visit_at, last_outcome, follow_up_on"
    ).split(", "),
    "visits": (
        "id, household_id, member_id, visited_at, consent, outcome, people_guided,"
        " activities, follow_up_on, notes, gps, supersedes, superseded_by"
    ).split(", "),
    "visit_activities": (
        "visit_id",
        "household_id",
        "kind",
        "procedure_code",
        "level",
        "payment_status",
    ),
}


def _load(storage: PostgresStorage, case: Case) -> None:
    src = case.store.db.conn
    with storage.db.write() as w:
        for table, cols in _COPY.items():
            rows = [list(r) for r in src.execute(f"SELECT {', '.join(cols)} FROM {table}")]
            extra: tuple[str, ...] = ()
            if table == "households":
                extra = ("version", "created_at", "updated_at")
                rows = [[*r, 1, "2024-06-01", "2024-06-01"] for r in rows]
            if table == "visits":
                extra = ("village_id", "received_at")
                village = dict(src.execute("SELECT id, village_id FROM households"))
                rows = [[*r, village[r[1]], "2024-06-01"] for r in rows]
            names = (*cols, *extra)
            w.conn.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                rows,
            )
        for tid, name, ward, village_ids in src.execute(
            "SELECT id, name, ward_code, village_ids FROM teams"
        ).fetchall():
            w.conn.execute(
                "INSERT INTO teams (id, name, ward_code) VALUES (?, ?, ?)", [tid, name, ward]
            )
            w.conn.executemany(
                "INSERT INTO team_villages (team_id, village_id) VALUES (?, ?)",
                [(tid, v) for v in json.loads(village_ids)],
            )
        w.conn.executemany(
            "INSERT INTO members (id, name, role, team_id, phone, created_at)"
            " VALUES (?, ?, ?, ?, ?, '2024-06-01')",
            src.execute("SELECT id, name, role, team_id, phone FROM members").fetchall(),
        )
        # The rows bypassed the push, which derives each household's dossiers: derive them
        # as the migration's backfill does.
        refresh_all(w.conn)


def _mutate_both(storage: PostgresStorage, case: Case) -> None:
    mutate_portable(case.store.db.conn, case.ids)
    case.store.db.conn.commit()
    with storage.db.write() as w:
        mutate_portable(w.conn, case.ids)
    lite = case.store.db.conn
    lite.execute("DELETE FROM visit_activities WHERE visit_id = ?", [case.ids["v8"]])
    lite.execute("DELETE FROM visits WHERE id = ?", [case.ids["v8"]])
    lite.commit()
    with storage.db.write() as w:
        w.conn.execute("DELETE FROM visit_activities WHERE visit_id = ?", [case.ids["v8"]])
        w.conn.execute("DELETE FROM visits WHERE id = ?", [case.ids["v8"]])
        refresh_all(w.conn)  # out-of-band writes: the derived table follows them here


def _rollup(conn: Any) -> dict[str, list[tuple]]:
    out = {
        t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES
    }
    out["coverage_village_days"] = [r for r in out["coverage_village_days"] if any(r[2:])]
    return out


@pytest.fixture
def both(tmp_path, database):
    """The case on SQLite (with the roll-up) and the same rows on PostgreSQL."""
    case = open_case(tmp_path / "d.db", rollup=True)
    storage = PostgresStorage(database)
    _load(storage, case)
    yield case, storage
    storage.close()
    case.store.close()


PERIODS = [
    Period(date(2024, 5, 1) + timedelta(days=d), date(2024, 5, 1) + timedelta(days=d + n))
    for d in range(0, 70, 3)
    for n in (0, 2, 9, 40)
]


def test_postgres_rollup_equals_sqlite_and_brute_force(both):
    case, storage = both
    for mutated in (False, True):
        if mutated:
            _mutate_both(storage, case)
        with storage.db.read() as pg:
            assert _rollup(pg) == _rollup(case.store.db.conn)
            assert _rollup(pg)["coverage_days"], "the case has visits"
            for period in PERIODS:
                expected = brute_force(pg, period)
                for row in CoverageService(pg).villages(period, TODAY):
                    got = Figures(
                        **{
                            **row.figures.__dict__,
                            "households_total": 0,
                            "follow_ups_due": 0,
                            "follow_ups_overdue": 0,
                            **dict.fromkeys(FOLLOW_THROUGH_FIELDS, 0),
                        }
                    )
                    assert got == expected.get(row.village_id, Figures()), period


def test_every_coverage_query_and_export_as_on_sqlite(both, tmp_path):
    case, storage = both
    for mutated in (False, True):
        if mutated:
            _mutate_both(storage, case)
        lite = case.service()
        with storage.coverage(None) as pg:
            for today in (date(2024, 6, 9), TODAY, date(2024, 7, 10)):
                for period in PERIODS[::5]:
                    assert pg.villages(period, today) == lite.villages(period, today)
                    assert pg.members(period, today) == lite.members(period, today)
                    assert pg.weekly(period) == lite.weekly(period)
                    assert pg.procedures(period, today) == lite.procedures(period, today)
                    scoped = [case.ids["V2"]]
                    assert pg.members(period, today, scoped) == lite.members(period, today, scoped)
            village = case.ids["V1"]
            assert pg.gaps(village, TODAY) == lite.gaps(village, TODAY)
            june = Period(date(2024, 6, 1), date(2024, 6, 30))
            for kind in ("villages", "members", "procedures", "visits"):
                a, b = tmp_path / f"pg-{kind}.csv", tmp_path / f"lite-{kind}.csv"
                export_report(pg, kind, "csv", a, june, TODAY)
                export_report(lite, kind, "csv", b, june, TODAY)
                assert a.read_bytes() == b.read_bytes(), kind


def test_report_command_on_postgres_writes_what_it_writes_from_sqlite(both, database, tmp_path):
    """``fieldapp report --database postgresql://…`` (the server's database): the same
    files as from the SQLite file holding the same rows."""
    assert both  # the rows on both backends
    period = ["--from", "01/06/2024", "--to", "30/06/2024", "--today", "20/06/2024"]
    for kind in ("villages", "members", "procedures", "visits"):
        outs = []
        for source in (database, str(tmp_path / "d.db")):
            out = tmp_path / f"{kind}-{len(outs)}.csv"
            args = ["report", "--database", source, "--kind", kind, *period, "--out", str(out)]
            assert main(args) == 0
            outs.append(out.read_bytes())
        assert outs[0] == outs[1], kind
    assert main(["report", "--database", database, "--kind", "villages", "--ward", "00000",
                 *period, "--out", str(tmp_path / "none.csv")]) == 2  # fmt: skip
