"""Home figures over a real store: visits today/this week, never visited, due, pending."""

from datetime import date, datetime, timedelta

from app_helpers import add_household
from app_helpers import log_visit as log

from fieldapp.app_services.home import home_summary
from fieldapp.app_services.visit_form import VisitFormModel
from fieldapp.store import settings

TODAY = date(2026, 3, 11)  # a Wednesday


def test_counts_today_week_never_and_pending(store, member_id):
    a, b, _c = (add_household(store, n) for n in ("Nguyễn Thị Ánh", "Lê Văn Hùng", "Phan Đức"))
    noon = datetime(2026, 3, 11, 12, 0)
    log(store, a, member_id, noon)
    log(store, b, member_id, noon - timedelta(days=2))  # Monday: this week
    log(store, b, member_id, noon - timedelta(days=3))  # last Sunday: not this week
    s = home_summary(store, member_id=member_id, today=TODAY)
    assert (s.visits_today, s.visits_week, s.not_visited) == (1, 2, 1)
    assert s.pending == 3 + 3  # three households + three visits in the outbox
    assert s.last_sync_at is None


def test_other_members_visits_are_not_mine(store, member_id):
    a = add_household(store, "Nguyễn Văn A")
    log(store, a, "6f1c2c0e-0000-4000-8000-0000000000ff", datetime(2026, 3, 11, 9))
    assert home_summary(store, member_id=member_id, today=TODAY).visits_today == 0


def test_follow_up_due_and_correction_counted_once(store, member_id):
    a = add_household(store, "Võ Thị Mai")
    first = log(
        store, a, member_id, datetime(2026, 3, 9, 9), outcome="follow_up", follow_up_on="10/03/2026"
    )
    s = home_summary(store, member_id=member_id, today=TODAY)
    assert s.follow_ups_due == 1
    fix = VisitFormModel.correcting(first, member_id)
    fix.outcome = "done"
    fix.follow_up_on = ""
    assert fix.save(store).ok
    s = home_summary(store, member_id=member_id, today=TODAY)
    assert (s.follow_ups_due, s.visits_week) == (0, 1)


def test_last_sync_shown_from_meta(store, member_id):
    store.put(settings.LAST_SYNC_OK_AT, "2026-03-11T01:02:03+00:00")
    assert home_summary(store, member_id=member_id).last_sync_at.startswith("2026-03-11")
