"""Coverage endpoints on the real app and SQLite: role scoping and 4xx for bad params.

Reuses the server tests' world (one ward, teams A = v1, v2 and B = v3, v4).
"""

from __future__ import annotations

import pytest
from fieldapp_harness import WARD, World, household, visit

from fieldapp.coverage import DATA_LABEL_VI

Q = {"from": "2026-11-01", "to": "2026-11-30", "today": "2026-11-25"}


@pytest.fixture
def setup(world: World):
    a1, b1 = world.device("a1"), world.device("b1")
    ha1 = household(a1, "v1", "Nguyễn Văn An")
    household(a1, "v1", "Đặng Thị Bé")  # never visited: on the gap list
    household(a1, "v1", "Bùi Văn Cả")  # never visited
    hb = household(b1, "v3", "Trần Văn Dũng")
    visit(a1, ha1, people_guided=2, activities=[{"kind": "vneid_level2"}])
    visit(b1, hb, outcome="follow_up", follow_up_on="2026-11-22", activities=[])
    for store in (a1, b1, a1):
        assert world.sync(store).ok
    heads = {who: world.token_headers(world.device(who)) for who in ("leader_a", "leader_b")}
    heads["officer"] = world.token_headers(world.device("officer"))
    heads["a1"] = world.token_headers(a1)
    return world, heads


def get(world, path, headers, **params):
    return world.client.get(f"/api/v1/coverage/{path}", headers=headers, params=params)


def test_leader_sees_only_own_team(setup):
    world, h = setup
    r = get(world, "villages", h["leader_a"], **Q)
    assert r.status_code == 200
    body = r.json()
    assert body["label_vi"] == DATA_LABEL_VI and body["official"] is False
    rows = {v["village_id"]: v for v in body["villages"]}
    assert set(rows) == {"v1", "v2"}
    f = rows["v1"]["figures"]
    assert (f["households_total"], f["households_visited"], f["vneid_level2"]) == (3, 1, 1)
    assert body["total"]["people_guided"] == 2
    visited = next(i for i in body["indicators"] if i["metric"] == "visited_share")
    assert visited["value"] == pytest.approx(1 / 3) and visited["has_data"]

    b = get(world, "villages", h["leader_b"], **Q).json()
    assert {v["village_id"] for v in b["villages"]} == {"v3", "v4"}
    assert b["total"]["follow_ups_due"] == 1 and b["total"]["follow_ups_overdue"] == 1
    # A's leader naming the ward still only gets A's villages; B's gap list is hidden.
    w = get(world, "villages", h["leader_a"], ward=WARD, **Q).json()
    assert {v["village_id"] for v in w["villages"]} == {"v1", "v2"}
    assert get(world, "gaps", h["leader_a"], village_id="v3", today="2026-11-25").status_code == 404
    teams = get(world, "teams", h["leader_a"], **Q).json()["teams"]
    assert [t["team_id"] for t in teams] == ["team-a"]
    members = get(world, "members", h["leader_a"], **Q).json()["members"]
    names = {m["member_name"] for m in members}
    assert "Hoàng Văn Em" not in names and "Trần Thị Bình" in names


def test_officer_sees_the_ward_member_is_refused(setup):
    world, h = setup
    body = get(world, "villages", h["officer"], **Q).json()
    assert {v["village_id"] for v in body["villages"]} == {"v1", "v2", "v3", "v4"}
    assert body["total"]["households_total"] == 4
    teams = get(world, "teams", h["officer"], **Q).json()["teams"]
    assert {t["team_id"] for t in teams} == {"team-a", "team-b"}
    assert get(world, "villages", h["officer"], ward="99999", **Q).status_code == 403
    r = get(world, "villages", h["a1"], **Q)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert get(world, "gaps", h["a1"], village_id="v1").status_code == 403


def test_gap_list_paged_in_vietnamese_order(setup):
    world, h = setup
    first = get(world, "gaps", h["leader_a"], village_id="v1", today="2026-11-25", limit=1)
    assert first.status_code == 200
    body = first.json()
    assert [g["head_name"] for g in body["items"]] == ["Bùi Văn Cả"]
    assert body["items"][0]["reason"] == "not_visited"
    nxt = get(
        world, "gaps", h["leader_a"], village_id="v1", limit=1, cursor=body["next_cursor"]
    ).json()
    assert [g["head_name"] for g in nxt["items"]] == ["Đặng Thị Bé"]
    assert nxt["next_cursor"] is None
    b = get(world, "gaps", h["leader_b"], village_id="v3", today="2026-11-25").json()["items"]
    assert [(g["reason"], g["follow_up_on"]) for g in b] == [("follow_up_overdue", "2026-11-22")]


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("villages", {"from": "2026-11-30", "to": "2026-11-01"}, 422, "to"),
        ("villages", {"from": "30/11/2026", "to": "2026-11-30"}, 422, "from"),
        ("teams", {"to": "2026-11-30"}, 422, "from"),
        ("members", {"from": "2020-01-01", "to": "2026-11-30"}, 422, "to"),
        ("villages", {**Q, "ward": "x1"}, 422, "ward"),
        ("gaps", {}, 422, "village_id"),
        ("gaps", {"village_id": "v1", "limit": 0}, 422, "limit"),
        ("gaps", {"village_id": "v1", "cursor": "%%%"}, 422, "cursor"),
        ("gaps", {"village_id": "nope"}, 404, "village_id"),
    ],
)
def test_bad_params_are_4xx_naming_the_field(setup, path, params, status, field):
    world, h = setup
    r = get(world, path, h["leader_a"], **params)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    fields = {err.get("field")} | {p.get("field") for p in err.get("problems") or []}
    assert field in fields, err


def test_no_token_is_401(setup):
    world, h = setup
    headers = {k: v for k, v in h["officer"].items() if k != "Authorization"}
    assert get(world, "villages", headers, **Q).status_code == 401
