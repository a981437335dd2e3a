"""Coverage figures against the hand-computed case in conftest.py."""

from __future__ import annotations

from datetime import date

import pytest
from coverage_case import PERIOD, TODAY

from fieldapp.coverage import DATA_LABEL_VI, Figures, Period
from fieldapp.coverage.queries import indicator_progress
from fieldapp.domain import Indicator
from fieldapp.reference import Campaign


def by_id(rows, attr):
    return {getattr(r, attr): r for r in rows}


def test_village_figures_hand_computed(case):
    rows = case.service().villages(PERIOD, TODAY)
    ids = case.ids
    # Vietnamese order: Bắc < Đông < Nam.
    assert [r.village_name for r in rows] == ["Thôn Bắc", "Thôn Đông", "Thôn Nam"]
    v1, v2, v3 = (by_id(rows, "village_id")[ids[k]] for k in ("V1", "V2", "V3"))
    # V1: h1 h2 h3 h4 h8 (h7 deleted). June visits v1 v2 v4 v5 v7: v3 is superseded by
    # v4, v6 is in May, v8 and v11 in July (v11 is 30/06 in UTC but 01/07 locally).
    assert v1.figures == Figures(
        households_total=5,
        households_visited=3,  # h1, h2, h3 (declined still counts)
        households_nobody_home=1,  # h4
        visits=5,
        visits_declined=1,
        people_guided=5,  # 2 + 1 + 2 (corrected from 3) + 0 + 0
        dossiers_online=2,  # v1 full, v4 full (v3's partial dossier was corrected away)
        dossiers_full_online=2,
        dossier_households=2,
        fees_paid_verified=1,
        fees_paid_self_reported=1,
        fees_paid_unknown=0,
        vneid_level2=1,  # v1 only (v6 May, v8 July, v12 deleted household)
        payment_accounts=1,
        digital_signatures=0,  # v3's was corrected away, v11 is July
        follow_ups_due=0,  # h1's follow-up was closed by v2
        follow_ups_overdue=0,
        # Both dossiers still "submitted" on 20/06: the birth (1 working day) from Mon 03/06
        # is late from 05/06, the residence (7 days) from Wed 05/06 is late from 17/06.
        dossiers_waiting=2,
        dossiers_overdue=2,
    )
    assert v2.figures == Figures(
        households_total=2,
        households_visited=2,
        visits=2,
        people_guided=2,
        fees_paid_unknown=1,
        follow_ups_due=2,  # h5 (18/06) and h6 (20/06 = today)
        follow_ups_overdue=1,  # h5 only
    )
    assert v3.figures == Figures()
    assert v1.team_id == ids["A"] and v3.team_id == ids["B"]


def test_indicators_value_target_ratio_and_no_data(case):
    rows = by_id(case.service().villages(PERIOD, TODAY), "village_id")
    v1 = {i.metric: i for i in rows[case.ids["V1"]].indicators}
    assert v1["visited_share"].value == pytest.approx(3 / 5)
    assert v1["visited_share"].ratio == pytest.approx(0.6 / 1.0)
    assert (v1["visited_share"].numerator, v1["visited_share"].denominator) == (3, 5)
    assert v1["dossier_households_share"].value == pytest.approx(2 / 3)
    assert v1["full_online_share"].value == 1.0
    assert v1["full_online_share"].ratio == pytest.approx(1 / 0.9)
    assert v1["fee_paid_share"].value == 1.0  # (1 verified + 1 self-reported) / 2 dossiers
    assert v1["fee_paid_share"].value_verified == 0.5
    assert v1["fee_paid_share"].ratio == pytest.approx(2.5)

    v2 = {i.metric: i for i in rows[case.ids["V2"]].indicators}
    assert v2["dossier_households_share"].value == 0.0  # households reached, none submitted
    assert v2["dossier_households_share"].has_data
    assert v2["full_online_share"].value is None  # no dossiers: no data, not 0 %
    assert v2["full_online_share"].ratio is None
    assert v2["fee_paid_share"].value is None

    v3 = rows[case.ids["V3"]].indicators
    assert [i.value for i in v3] == [None] * 5  # a village with no households


def test_unknown_metric_and_zero_target_are_no_data():
    inds = [
        Indicator("x", "X", "X", 0.5, "no_such_metric"),
        Indicator("y", "Y", "Y", 0.0, "visited_share"),
    ]
    x, y = indicator_progress(Figures(households_total=2, households_visited=1), inds)
    assert x.value is None and x.ratio is None
    assert y.value == 0.5 and y.ratio is None


def test_team_rows_sum_their_villages(case):
    teams = by_id(case.service().teams(PERIOD, TODAY), "team_id")
    a, b = teams[case.ids["A"]], teams[case.ids["B"]]
    assert a.team_name == "Tổ CNSCĐ Bắc Đông"
    assert a.figures.households_total == 7
    assert a.figures.households_visited == 5
    assert a.figures.visits == 7
    assert a.figures.follow_ups_due == 2
    assert set(a.village_ids) == {case.ids["V1"], case.ids["V2"]}
    assert b.figures == Figures()
    assert [i.value for i in b.indicators] == [None] * 5


def test_member_activity_hand_computed(case):
    rows = by_id(case.service().members(PERIOD, TODAY), "member_id")
    ids = case.ids
    assert set(rows) == {ids["m1"], ids["m2"], ids["m3"]}  # m3 idle but listed
    assert rows[ids["m1"]].figures == Figures(
        visits=3,  # v1, v4, v7 (v3 superseded, v12 deleted household, v6/v8/v11 outside)
        households_visited=2,
        households_nobody_home=1,
        people_guided=4,
        dossiers_online=2,
        dossiers_full_online=2,
        dossier_households=2,
        fees_paid_self_reported=1,
        vneid_level2=1,
        dossiers_waiting=2,  # m1 helped submit both of V1's dossiers (see above)
        dossiers_overdue=2,
    )
    assert rows[ids["m2"]].figures == Figures(
        visits=4,
        households_visited=4,
        visits_declined=1,
        people_guided=3,
        fees_paid_verified=1,
        fees_paid_unknown=1,
        payment_accounts=1,
        follow_ups_due=2,
        follow_ups_overdue=1,
    )
    assert rows[ids["m3"]].figures == Figures()
    assert rows[ids["m3"]].member_name == "Ông Văn Nam"


def test_scope_limits_every_query(case):
    ids = case.ids
    svc = case.service(village_ids=[ids["V2"]])
    assert [r.village_id for r in svc.villages(PERIOD, TODAY)] == [ids["V2"]]
    # Asking for a village outside the scope gives nothing rather than widening it.
    assert svc.villages(PERIOD, TODAY, village_ids=[ids["V1"]]) == []
    members = by_id(svc.members(PERIOD, TODAY), "member_id")
    assert members[ids["m1"]].figures == Figures()  # m1 did nothing in V2
    assert members[ids["m2"]].figures.visits == 2
    assert ids["m3"] not in members
    assert svc.gaps(ids["V1"], TODAY).items == ()
    assert all(r.village_id == ids["V2"] for r in svc.visit_log(PERIOD))


def test_period_edges_use_the_local_day(case):
    svc = case.service(village_ids=[case.ids["V1"]])
    july1 = svc.villages(Period(date(2024, 7, 1), date(2024, 7, 1)), TODAY)[0].figures
    assert july1.visits == 1 and july1.digital_signatures == 1  # v11 at 06:00+07:00
    june30 = svc.villages(Period(date(2024, 6, 30), date(2024, 6, 30)), TODAY)[0].figures
    assert june30.visits == 0
    with pytest.raises(ValueError):
        Period(date(2024, 6, 2), date(2024, 6, 1))


def test_weekly_trend(case):
    weeks = case.service().weekly(PERIOD)
    assert [w.week_start for w in weeks] == [
        date(2024, 5, 27),
        date(2024, 6, 3),
        date(2024, 6, 10),
        date(2024, 6, 17),
        date(2024, 6, 24),
    ]
    assert [w.figures.visits for w in weeks] == [0, 3, 3, 1, 0]
    assert [w.figures.households_visited for w in weeks] == [0, 3, 2, 1, 0]
    assert weeks[1].figures.dossiers_online == 2


def test_gap_list_vietnamese_order_reasons_and_paging(case):
    ids = case.ids
    svc = case.service()
    since = PERIOD.start
    page = svc.gaps(ids["V1"], TODAY, since=since)
    # Đặng before Phạm (Vietnamese order; code-point order would put Đ after P).
    assert [(g.head_name, g.reason) for g in page.items] == [
        ("Đặng Văn Giang", "not_visited"),
        ("Phạm Thị Dung", "nobody_home"),
    ]
    assert page.items[1].last_visit_at == "2024-06-12T18:30:00+07:00"
    assert page.next_after is None
    # Without ``since``, h4 counts as reached (in May) and drops off.
    assert [g.head_name for g in svc.gaps(ids["V1"], TODAY).items] == ["Đặng Văn Giang"]

    first = svc.gaps(ids["V1"], TODAY, since=since, limit=1)
    assert [g.household_id for g in first.items] == [ids["h8"]]
    second = svc.gaps(ids["V1"], TODAY, since=since, limit=1, after=first.next_after)
    assert [g.household_id for g in second.items] == [ids["h4"]]
    assert second.next_after is None

    v2 = svc.gaps(ids["V2"], TODAY).items
    assert [(g.head_name, g.reason, g.follow_up_on) for g in v2] == [
        ("Hoàng Văn Em", "follow_up_overdue", "2024-06-18"),
        ("Vũ Thị Hoa", "follow_up_due", "2024-06-20"),
    ]
    assert v2[0].reason_vi == "Quá hẹn quay lại"
    assert svc.gaps(ids["V2"], date(2024, 6, 17)).items == ()  # nothing due yet
    assert svc.gaps(ids["V3"], TODAY).items == ()


def test_visit_log_effective_visits_without_personal_data_for_declined(case):
    rows = list(case.service().visit_log(PERIOD))
    ids = case.ids
    assert [r.visit_id for r in rows] == [
        ids[k] for k in ("v1", "v4", "v5", "v2", "v7", "v9", "v10")
    ]
    declined = next(r for r in rows if r.visit_id == ids["v5"])
    assert declined.household_name == "" and declined.consent == "declined"
    v4 = next(r for r in rows if r.visit_id == ids["v4"])
    assert v4.household_name == "Trần Thị Bình"
    assert v4.member_name == "Nguyễn Thị Lan"
    assert sorted(v4.activities) == [
        ("dossier_submitted", "1.004222", "full", None),
        ("fee_paid", None, None, "self_reported"),
    ]


def test_overview_totals_and_label(case):
    svc = case.service()
    ov = svc.overview(PERIOD, TODAY)
    assert ov.total.households_total == 7 and ov.total.visits == 7
    visited = {i.metric: i for i in ov.indicators}["visited_share"]
    assert visited.value == pytest.approx(5 / 7)
    assert "không phải số liệu chính thức" in DATA_LABEL_VI


def test_campaign_period_defaults():
    from fieldapp.coverage import CoverageService

    svc = CoverageService(None, campaign=Campaign("k", "K", "K", "2024-05-09", "2024-09-30", ()))
    assert svc.campaign_period(date(2024, 6, 1)) == Period(date(2024, 5, 9), date(2024, 6, 1))
    assert svc.campaign_period(date(2025, 1, 1)) == Period(date(2024, 5, 9), date(2024, 9, 30))
    assert svc.campaign_period(date(2024, 1, 30)) == Period(date(2024, 1, 1), date(2024, 1, 30))


def test_default_period_campaign_while_it_runs_else_last_4_weeks():
    from fieldapp.coverage import CoverageService

    svc = CoverageService(None, campaign=Campaign("k", "K", "K", "2024-05-09", "2024-09-30", ()))
    assert svc.default_choice(date(2024, 6, 1)) == "campaign"
    assert svc.default_period(date(2024, 6, 1)) == Period(date(2024, 5, 9), date(2024, 6, 1))
    # Demo data in 2026: the screen opens on the last 28 days, not on 2024.
    assert svc.default_choice(date(2026, 3, 10)) == "last_4_weeks"
    assert svc.default_period(date(2026, 3, 10)) == Period(date(2026, 2, 11), date(2026, 3, 10))
    assert svc.default_period(date(2024, 1, 30)) == Period(date(2024, 1, 3), date(2024, 1, 30))
    assert svc.period_choice("this_month", date(2026, 3, 10)) == Period(
        date(2026, 3, 1), date(2026, 3, 10)
    )
    assert svc.period_choice("campaign", date(2026, 3, 10)) == Period(
        date(2024, 5, 9), date(2024, 9, 30)
    )
    with pytest.raises(ValueError):
        svc.period_choice("last_year", date(2026, 3, 10))
