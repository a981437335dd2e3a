"""Household list (paging, accent-free search, filters, stale searches), form and detail."""

from datetime import date

import pytest
from app_helpers import add_household, log_visit

from fieldapp.app_services.households import (
    HouseholdFormModel,
    HouseholdListService,
    household_detail,
)

TODAY = date(2026, 3, 11)


@pytest.fixture
def listing(store):
    return HouseholdListService(store, page_size=2, today=TODAY)


def test_search_without_accents_finds_accented_name(store, listing):
    add_household(store, "Nguyễn Thị Ánh")
    add_household(store, "Lê Văn Hùng")
    result = listing.search(query="nguyen thi anh")
    assert [i.title for i in result.items] == ["Nguyễn Thị Ánh"]
    assert result.total == 1


def test_pages_follow_vietnamese_order_without_repeats(store, listing):
    names = ["Đào Văn Tư", "Anh Ba", "Ánh Hồng", "An Bình", "Bùi Lan"]
    for n in names:
        add_household(store, n)
    first = listing.search(village_id="v-dong")
    seen = [i.title for i in first.items]
    assert first.total == 5 and first.has_more
    while True:
        page = listing.more(first.generation)
        seen += [i.title for i in page.items]
        if not page.has_more:
            break
    assert seen == ["An Bình", "Anh Ba", "Ánh Hồng", "Bùi Lan", "Đào Văn Tư"]
    assert listing.more(first.generation).items == []


@pytest.mark.parametrize(
    ("filter_key", "expected"),
    [("all", {"A", "B", "C"}), ("never", {"C"}), ("visited", {"A", "B"}), ("follow_up", {"B"})],
)
def test_filters(store, member_id, filter_key, expected):
    listing = HouseholdListService(store, page_size=10, today=TODAY)
    a, b, _ = (add_household(store, n) for n in "ABC")
    log_visit(store, a, member_id)
    log_visit(store, b, member_id, outcome="follow_up", follow_up_on="01/01/2099")
    got = {i.title for i in listing.search(filter_key=filter_key).items}
    assert got == expected


def test_list_row_states(store, member_id):
    listing = HouseholdListService(store, page_size=10, today=TODAY)
    a = add_household(store, "A")
    add_household(store, "B", address_detail="Xóm 2", members_count=4)
    log_visit(store, a, member_id, outcome="follow_up", follow_up_on="01/01/2099")
    rows = {i.title: i for i in listing.search().items}
    assert rows["A"].state == "follow_up" and rows["A"].follow_up_on == "01/01/2099"
    assert rows["B"].state == "never" and rows["B"].subtitle == "Xóm 2"
    assert rows["B"].members_count == 4 and rows["B"].unsynced


def test_village_filter(store, listing):
    add_household(store, "Hộ Đông")
    add_household(store, "Hộ Tây", village="v-tay")
    assert [i.title for i in listing.search(village_id="v-tay").items] == ["Hộ Tây"]


def test_only_the_latest_search_is_current(listing):
    older, newer = listing.begin(), listing.begin()
    assert not listing.is_current(older) and listing.is_current(newer)


def test_household_form_saves_and_edits(store):
    form = HouseholdFormModel(village_id="v-dong", head_name="  Trần  Thị Lan ", phone="0912345678")
    result = form.save(store)
    assert result.ok and result.warnings == []
    assert store.household(form.id).head_name == "Trần Thị Lan"
    assert store.household(form.id).phone == "+84912345678"
    edit = HouseholdFormModel.for_household(store.household(form.id))
    edit.members_count = "5"
    assert edit.save(store).ok and store.household(form.id).members_count == 5


def test_household_form_odd_phone_warns_but_saves(store):
    form = HouseholdFormModel(village_id="v-dong", head_name="Lan", phone="12345")
    assert form.phone_warning() and "vẫn lưu" in form.phone_warning()
    result = form.save(store)
    assert result.ok and result.warnings and store.household(form.id).phone == "12345"


def test_household_form_errors_by_field_and_input_kept(store):
    form = HouseholdFormModel(village_id="v-dong", members_count="99", address_detail="")
    result = form.save(store)
    assert not result.ok
    assert set(result.errors) == {"head_name", "members_count"}
    assert "Nhập tên chủ hộ" in result.errors["head_name"]
    assert form.members_count == "99"  # nothing typed is lost
    english = form.save(store, lang="en")
    assert english.errors["members_count"].startswith("Must be between")


def test_detail_marks_corrections(store, member_id):
    from fieldapp.app_services.visit_form import VisitFormModel

    h = add_household(store, "Hộ Sửa")
    first = log_visit(store, h, member_id)
    fix = VisitFormModel.correcting(first, member_id)
    fix.notes = "Sửa lại"
    assert fix.save(store).ok
    detail = household_detail(store, h.id)
    assert detail.village_name == "Thôn Đông"
    assert [v.superseded for v in detail.visits] == [False, True]
    assert detail.latest_effective.notes == "Sửa lại"
    assert household_detail(store, "missing") is None
