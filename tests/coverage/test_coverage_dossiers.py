"""Coverage that follows dossiers through: per village, team, member and procedure, on
the server (both backends, through the API) and on the leader's phone (the same figures
from the dossiers it derives). Every expected number is worked out by hand below.

November 2026, today 25/11/2026 (a Wednesday). Team A: v1 (H1, H2, H3), v2 (H4).

- H1: D1 khai sinh 1.001193 (full, 1 working day), 2/11 → result received 4/11 (phone).
  D0 khai sinh, 20/10: outside the period, never counted.
- H2: D2 thường trú 1.004222 (full, 7 days), 10/11 (Tue), fee asked, no news since:
  working days 11,12,13,16,17,18,19 → late from 20/11 → late on 25/11.
  D3 kết hôn 1.000894 (partial, 5 days), same visit → refused 12/11.
- H3: D4 tạm trú 1.004194 (full, 3 days), 20/11 (Fri) → processing, fee paid and
  verified by receipt 21/11: working days 23, 24, 25 → late only from 26/11.
- H4 (v2): D5 hộ nghèo 1.011607 (partial, no known time), 3/11 → needs papers 5/11.
"""

from __future__ import annotations

import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))
from fieldapp_harness import World, household, sync_until, visit

from fieldapp.coverage import CoverageService, Period
from fieldapp.coverage.export import export_report

Q = {"from": "2026-11-01", "to": "2026-11-30", "today": "2026-11-25"}
PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 11, 25)
D = {k: uuid.uuid4().hex for k in ("D0", "D1", "D2", "D3", "D4", "D5")}

FOLLOW = (
    "dossiers_online",
    "dossiers_full_online",
    "results_received",
    "dossiers_refused",
    "dossiers_needs_papers",
    "dossiers_waiting",
    "dossiers_overdue",
    "fees_awaiting",
    "dossier_fees_paid_online",
    "dossier_fees_verified",
)
#                 online full res ref pap wait late await paid ver
V1 = dict(zip(FOLLOW, (4, 3, 1, 1, 0, 2, 1, 1, 1, 1), strict=True))
V2 = dict(zip(FOLLOW, (1, 0, 0, 0, 1, 1, 0, 0, 0, 0), strict=True))
TOTAL = {k: V1[k] + V2[k] for k in FOLLOW}
PROCEDURES = {  # in catalogue order
    "1.001193": (1, 1, 1, 0, 0, 0, 0, 0, 0, 0),
    "1.000894": (1, 0, 0, 1, 0, 0, 0, 0, 0, 0),
    "1.004222": (1, 1, 0, 0, 0, 1, 1, 1, 0, 0),
    "1.004194": (1, 1, 0, 0, 0, 1, 0, 0, 1, 1),
    "1.011607": (1, 0, 0, 0, 1, 1, 0, 0, 0, 0),
}


@pytest.fixture
def world(tmp_path, database):
    w = World(tmp_path, database)
    yield w
    w.close()


def submitted(key, code, level, **extra):
    return {
        "kind": "dossier_submitted",
        "procedure_code": code,
        "level": level,
        "dossier_id": D[key],
        **extra,
    }


def update(key, **changes):
    return {"kind": "dossier_update", "dossier_id": D[key], **changes}


def build(world: World):
    a1, a2 = world.device("a1"), world.device("a2")
    h1 = household(a1, "v1", "Nguyễn Văn An")
    h2 = household(a1, "v1", "Trần Thị Bình")
    h3 = household(a1, "v1", "Lê Văn Cường")
    h4 = household(a1, "v2", "Hoàng Văn Em")

    def at(day):
        return f"2026-{day}T09:00:00+07:00"

    visit(a1, h1, visited_at=at("10-20"), activities=[submitted("D0", "1.001193", "full")])
    visit(a1, h1, visited_at=at("11-02"), activities=[submitted("D1", "1.001193", "full")])
    visit(
        a1,
        h2,
        visited_at=at("11-10"),
        activities=[
            submitted("D2", "1.004222", "full", fee_status="awaiting_payment"),
            submitted("D3", "1.000894", "partial"),
        ],
    )
    visit(a1, h3, visited_at=at("11-20"), activities=[submitted("D4", "1.004194", "full")])
    visit(a1, h4, visited_at=at("11-03"), activities=[submitted("D5", "1.011607", "partial")])
    assert world.sync(a1).ok
    sync_until(world, a2, lambda: all(a2.household(h) for h in (h1, h2, h3, h4)))
    # Follow-ups by the second member, by phone, at the desk and at the door.
    visit(
        a2,
        h1,
        visited_at=at("11-04"),
        channel="phone",
        activities=[update("D1", dossier_status="result_received")],
    )
    visit(a2, h2, visited_at=at("11-12"), activities=[update("D3", dossier_status="refused")])
    visit(
        a2,
        h3,
        visited_at=at("11-21"),
        channel="desk",
        activities=[
            update("D4", dossier_status="processing"),
            {
                "kind": "fee_paid",
                "dossier_id": D["D4"],
                "procedure_code": "1.004194",
                "payment_status": "verified",
                "receipt_no": "BL-2611-00004",
            },
        ],
    )
    visit(a2, h4, visited_at=at("11-05"), activities=[update("D5", dossier_status="needs_papers")])
    assert world.sync(a2).ok
    leader = world.device("leader_a")
    sync_until(world, leader, lambda: len(leader.dossiers()) == 6 and _followed(leader))
    return leader


def _followed(store) -> bool:
    """Whether the phone holds all four follow-ups (each moved a dossier on)."""
    return sum(1 for d in store.dossiers() if d.last_visit_id != d.submitted_visit_id) == 4


def follow(figures: dict) -> dict:
    return {k: figures[k] for k in FOLLOW}


def test_follow_through_per_village_team_procedure_on_server_and_phone(world: World):
    leader = build(world)
    heads = world.token_headers(leader)

    body = world.client.get("/api/v1/coverage/villages", headers=heads, params=Q).json()
    rows = {v["village_id"]: v for v in body["villages"]}
    assert follow(rows["v1"]["figures"]) == V1
    assert follow(rows["v2"]["figures"]) == V2
    assert follow(body["total"]) == TOTAL
    result = next(i for i in body["indicators"] if i["metric"] == "result_share")
    assert (result["numerator"], result["denominator"], result["value"]) == (1, 5, 0.2)
    assert body["official"] is False and body["label_vi"]

    teams = world.client.get("/api/v1/coverage/teams", headers=heads, params=Q).json()["teams"]
    (team_a,) = [t for t in teams if t["team_id"] == "team-a"]
    assert follow(team_a["figures"]) == TOTAL

    procs = world.client.get("/api/v1/coverage/procedures", headers=heads, params=Q).json()
    got = {p["procedure_code"]: tuple(follow(p["figures"]).values()) for p in procs["procedures"]}
    assert list(got) == list(PROCEDURES)
    assert got == PROCEDURES
    (d2,) = [p for p in procs["procedures"] if p["procedure_code"] == "1.004222"]
    assert d2["processing_days"] == 7 and d2["name_vi"] == "Đăng ký thường trú"
    assert procs["label_vi"] and procs["official"] is False

    members = world.client.get("/api/v1/coverage/members", headers=heads, params=Q).json()
    by_id = {m["member_id"]: m["figures"] for m in members["members"]}
    # Dossiers count for the member who helped submit them (a1), not who followed up.
    assert by_id[world.members["a1"].id]["results_received"] == 1
    assert by_id[world.members["a2"].id]["results_received"] == 0

    # The leader's phone: the same figures from the dossiers it derives itself.
    svc = CoverageService(leader.db, dossiers=leader.dossiers)
    overview = svc.overview(PERIOD, TODAY)
    phone_rows = {v.village_id: v.figures.to_dict() for v in overview.villages}
    assert follow(phone_rows["v1"]) == V1 and follow(phone_rows["v2"]) == V2
    assert {
        p.procedure_code: tuple(follow(p.figures.to_dict()).values()) for p in overview.procedures
    } == PROCEDURES
    # A day later D4 is late too (26/11 is its first late day).
    later = CoverageService(leader.db, dossiers=leader.dossiers).villages(
        PERIOD, date(2026, 11, 26)
    )
    assert {v.village_id: v.figures.dossiers_overdue for v in later} == {
        "v1": 2,
        "v2": 0,
        **{v.village_id: 0 for v in later if v.village_id not in ("v1", "v2")},
    }


def test_the_result_rate_moves_when_a_result_is_recorded(world: World):
    leader = build(world)
    heads = world.token_headers(leader)

    def rate():
        body = world.client.get("/api/v1/coverage/villages", headers=heads, params=Q).json()
        (v1,) = [v for v in body["villages"] if v["village_id"] == "v1"]
        return next(i for i in v1["indicators"] if i["metric"] == "result_share")["value"]

    assert rate() == 0.25  # 1 of v1's 4 November dossiers
    a1 = world.device("a1")
    ((h2,),) = world.server_rows(
        "SELECT household_id FROM dossiers WHERE dossier_id = ?", [D["D2"]]
    )
    sync_until(world, a1, lambda: a1.household(h2) is not None)  # a new phone of a1's
    visit(
        a1,
        h2,
        visited_at="2026-11-24T09:00:00+07:00",
        activities=[update("D2", dossier_status="result_received", fee_status="paid_online")],
    )
    assert world.sync(a1).ok
    assert rate() == 0.5  # the server's table changed in the push's own transaction


def test_procedure_export_from_the_leaders_phone(world: World, tmp_path):
    leader = build(world)
    svc = CoverageService(leader.db, dossiers=leader.dossiers)
    out = tmp_path / "thu-tuc.xlsx"
    assert export_report(svc, "procedures", "xlsx", out, PERIOD, TODAY) == 5
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Hồ sơ theo thủ tục"
    assert "không phải số liệu chính thức" in rows[1][0]
    header = rows[4]
    body = {r[0]: dict(zip(header, r, strict=True)) for r in rows[5:]}
    assert list(body) == list(PROCEDURES)
    residence = body["1.004222"]
    assert residence["Thủ tục"] == "Đăng ký thường trú"
    assert residence["Thời hạn giải quyết (ngày làm việc)"] == 7
    assert residence["Hồ sơ quá hạn giải quyết"] == 1 and residence["Hồ sơ chờ nộp phí"] == 1
    assert body["1.001193"]["Tỷ lệ có kết quả"] == 1.0
    assert body["1.000894"]["Tỷ lệ toàn trình"] == 0.0
