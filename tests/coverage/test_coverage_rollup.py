"""The trigger-maintained roll-up (fieldapp.coverage.rollup) stays exact under every write.

Two checks: after inserts, corrections, deletions, moves and tombstones the roll-up tables
equal a fresh fill of the same rows; and village figures over many periods (including
periods strictly inside a household's visit span) equal a brute-force count in Python.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from coverage_case import TODAY, open_case

from fieldapp.coverage import Figures, Period
from fieldapp.coverage.results import FOLLOW_THROUGH_FIELDS
from fieldapp.coverage.rollup import install_v1

TABLES = ("coverage_days", "coverage_village_days", "coverage_households", "coverage_followups")


def snapshot(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    # Rows of village-days whose counts went back to zero are harmless; compare the rest.
    out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}
    out["coverage_village_days"] = [r for r in out["coverage_village_days"] if any(r[2:])]
    return out


def fresh(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """The same rows, roll-up rebuilt from scratch in an in-memory copy."""
    copy = sqlite3.connect(":memory:")
    conn.backup(copy)
    for (name,) in copy.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'coverage%'"
    ).fetchall():
        copy.execute(f"DROP TRIGGER {name}")
    for t in TABLES:
        copy.execute(f"DROP TABLE {t}")
    install_v1(copy)
    return snapshot(copy)


def mutate(conn: sqlite3.Connection, ids: dict[str, str]) -> None:
    """Writes the app makes outside the happy path, straight in SQL."""
    mutate_portable(conn, ids)
    # Visit deleted before its activities (the other order; foreign keys would refuse).
    conn.commit()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM visits WHERE id = ?", [ids["v8"]])
    conn.execute("DELETE FROM visit_activities WHERE visit_id = ?", [ids["v8"]])
    conn.commit()
    conn.execute("PRAGMA foreign_keys = ON")


def mutate_portable(conn: Any, ids: dict[str, str]) -> None:
    """The writes of :func:`mutate` that any backend's SQL takes as they are."""
    # Household h4 moves to V2; h3 is tombstoned; h7 (deleted) is restored.
    conn.execute("UPDATE households SET village_id = ? WHERE id = ?", [ids["V2"], ids["h4"]])
    conn.execute("UPDATE households SET deleted = 1 WHERE id = ?", [ids["h3"]])
    conn.execute("UPDATE households SET deleted = 0 WHERE id = ?", [ids["h7"]])
    # A correction withdrawn (v3 effective again), an activity removed from v2.
    conn.execute("UPDATE visits SET superseded_by = NULL WHERE id = ?", [ids["v3"]])
    conn.execute(
        "DELETE FROM visit_activities WHERE visit_id = ? AND kind = 'payment_account'",
        [ids["v2"]],
    )
    # A household leaves the device's scope: activities, visits, then the household.
    for sql in (
        "DELETE FROM visit_activities WHERE household_id = ?",
        "DELETE FROM visits WHERE household_id = ?",
        "DELETE FROM households WHERE id = ?",
    ):
        conn.execute(sql, [ids["h6"]])


def test_rollup_equals_fresh_fill_after_every_kind_of_write(rollup_case):
    case = rollup_case
    conn = case.store.db.conn
    assert snapshot(conn) == fresh(conn)
    assert snapshot(conn)["coverage_days"], "the case has visits"
    mutate(conn, case.ids)
    assert snapshot(conn) == fresh(conn)
    # Household h4 now counts in V2, h3 nowhere.
    v2 = conn.execute(
        "SELECT count(*) FROM coverage_households WHERE village_id = ? AND household_id = ?",
        [case.ids["V2"], case.ids["h4"]],
    ).fetchone()[0]
    assert v2 == 1
    gone = conn.execute(
        "SELECT count(*) FROM coverage_households WHERE household_id = ?", [case.ids["h3"]]
    ).fetchone()[0]
    assert gone == 0


def brute_force(conn: Any, period: Period) -> dict[str, Figures]:
    start, end = period.start.isoformat(), period.end.isoformat()
    visits = conn.execute(
        "SELECT v.id, v.household_id, h.village_id, substr(v.visited_at, 1, 10), v.outcome,"
        " v.consent, v.people_guided FROM visits v JOIN households h ON h.id = v.household_id"
        " WHERE v.superseded_by IS NULL AND h.deleted = 0"
    ).fetchall()
    acts = defaultdict(list)
    for visit_id, kind, level, status in conn.execute(
        "SELECT visit_id, kind, level, payment_status FROM visit_activities"
    ):
        acts[visit_id].append((kind, level, status))
    per_house: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    village_of = {}
    for vid, hid, village, day, outcome, consent, people in visits:
        if not start <= day <= end:
            continue
        village_of[hid] = village
        c = per_house[hid]
        c["visits"] += 1
        c["reached"] += outcome != "nobody_home"
        c["declined"] += consent in ("declined", "withdrawn")
        c["people"] += people
        for kind, level, status in acts[vid]:
            c["dossiers"] += kind == "dossier_submitted"
            c["full"] += kind == "dossier_submitted" and level == "full"
            c["fv"] += kind == "fee_paid" and status == "verified"
            c["fs"] += kind == "fee_paid" and status == "self_reported"
            c["fu"] += kind == "fee_paid" and status not in ("verified", "self_reported")
            c["l2"] += kind == "vneid_level2"
            c["pa"] += kind == "payment_account"
            c["ds"] += kind == "digital_signature"
    out: dict[str, Figures] = defaultdict(Figures)
    for hid, c in per_house.items():
        out[village_of[hid]] = out[village_of[hid]] + Figures(
            households_visited=int(c["reached"] > 0),
            households_nobody_home=int(c["reached"] == 0),
            visits=c["visits"],
            visits_declined=c["declined"],
            people_guided=c["people"],
            dossiers_online=c["dossiers"],
            dossiers_full_online=c["full"],
            dossier_households=int(c["dossiers"] > 0),
            fees_paid_verified=c["fv"],
            fees_paid_self_reported=c["fs"],
            fees_paid_unknown=c["fu"],
            vneid_level2=c["l2"],
            payment_accounts=c["pa"],
            digital_signatures=c["ds"],
        )
    return out


def test_village_figures_equal_brute_force_over_many_periods(case):
    conn = case.store.db.conn
    for mutated in (False, True):
        if mutated:
            mutate(conn, case.ids)
        # Single days, short windows strictly inside visit spans, and long periods.
        periods = [
            Period(date(2024, 5, 1) + timedelta(days=d), date(2024, 5, 1) + timedelta(days=d + n))
            for d in range(0, 70, 3)
            for n in (0, 2, 9, 40)
        ]
        for period in periods:
            expected = brute_force(conn, period)
            for row in case.service().villages(period, TODAY):
                # households_total, follow-ups and dossiers' outcomes are not period activity.
                got = replace(
                    row.figures,
                    households_total=0,
                    follow_ups_due=0,
                    follow_ups_overdue=0,
                    **dict.fromkeys(FOLLOW_THROUGH_FIELDS, 0),
                )
                assert got == expected.get(row.village_id, Figures()), (period, row.village_name)


def test_raw_and_rollup_paths_give_identical_results(tmp_path):
    """Same rows, one store with the roll-up and one without: every query agrees."""
    raw = open_case(tmp_path / "raw.db", rollup=False)
    rolled = open_case(tmp_path / "rollup.db", rollup=True)
    assert raw.ids == rolled.ids
    periods = [
        Period(date(2024, 5, 1) + timedelta(days=d), date(2024, 5, 1) + timedelta(days=d + n))
        for d in range(0, 70, 6)
        for n in (0, 3, 40)
    ]
    for mutated in (False, True):
        if mutated:
            for c in (raw, rolled):
                mutate(c.store.db.conn, c.ids)
        for today in (date(2024, 6, 9), TODAY, date(2024, 7, 10)):
            for period in periods:
                a, b = raw.service(), rolled.service()
                assert a.villages(period, today) == b.villages(period, today), period
                assert a.members(period, today) == b.members(period, today), period
                assert a.weekly(period) == b.weekly(period), period
                scoped = [raw.ids["V2"]]
                assert a.members(period, today, scoped) == b.members(period, today, scoped)
        # Something to compare: the case has figures in June.
        june = raw.service().villages(Period(date(2024, 6, 1), date(2024, 6, 30)), TODAY)
        # Fixed case: the mutations leave June at 7 visits but one follow-up due, not 2.
        assert sum(v.figures.visits for v in june) == 7
        assert sum(v.figures.follow_ups_due for v in june) == (1 if mutated else 2)
    raw.store.close()
    rolled.store.close()
