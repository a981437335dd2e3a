"""Device store: atomic row + outbox writes, migrations, search, filters, paging."""

import json
import sqlite3
import unicodedata
import uuid
from datetime import date

import pytest

from fieldapp.domain import ValidationError
from fieldapp.store import DeviceStore
from fieldapp.store.schema import migrations


def uid() -> str:
    return str(uuid.uuid4())


def add_household(store, village, name, **kw):
    h, _ = store.save_household({"id": uid(), "village_id": village.id, "head_name": name, **kw})
    return h


def visit_data(household_id, **kw):
    data = {
        "id": uid(),
        "household_id": household_id,
        "member_id": uid(),
        "visited_at": "2026-11-20T09:00:00+07:00",
        "consent": "given",
        "outcome": "done",
        "people_guided": 1,
        "activities": [{"kind": "vneid_level2"}],
    }
    data.update(kw)
    return data


def count(store, table):
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_migrations_apply_to_empty_db_and_rerun_as_noop(tmp_path):
    path = tmp_path / "m.db"
    first = DeviceStore.open(path)
    device_id = first.device_id
    applied = [m.name for m in migrations.applied(first.db)]
    assert applied and not migrations.pending(first.db)
    tables = set(first.db.table_names())
    assert {"households", "visits", "outbox", "visit_activities", "meta"} <= tables
    first.close()
    again = DeviceStore.open(path)
    assert [m.name for m in migrations.applied(again.db)] == applied
    assert again.device_id == device_id  # created once per database
    again.close()
    other = DeviceStore.open(tmp_path / "wiped.db")
    assert other.device_id != device_id  # a new database gets a new device id


def test_exception_inside_save_leaves_neither_row_nor_outbox(store, villages):
    h = add_household(store, villages[0], "Nguyễn Văn An")
    before_outbox = count(store, "outbox")
    # A real failure inside the transaction: the outbox insert is refused by SQLite.
    store.db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.save_visit(visit_data(h.id))
    with pytest.raises(sqlite3.IntegrityError):
        store.save_household({"id": uid(), "village_id": villages[0].id, "head_name": "Lê B"})
    assert count(store, "visits") == 0
    assert count(store, "visit_activities") == 0
    assert count(store, "households") == 1
    assert count(store, "outbox") == before_outbox
    assert store.household(h.id).head_name == "Nguyễn Văn An"
    summary = store.db.execute("SELECT visit_count FROM households").fetchone()[0]
    assert summary == 0


def test_save_writes_row_and_outbox_together(store, villages):
    h = add_household(store, villages[0], "Trần Thị Bé")
    v = store.save_visit(visit_data(h.id))
    entries = store.pending_outbox()
    assert [(e.entity, e.op) for e in entries] == [("household", "create"), ("visit", "create")]
    assert entries[1].payload == v.to_dict()
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)
    assert store.pending_count() == 2


def test_household_edit_sends_only_changed_fields(store, villages):
    h = add_household(store, villages[0], "Trần Thị Bé", address_detail="Số 1")
    store.save_household({**h.to_dict(), "address_detail": "Số 2, ngõ 3"})
    store.save_household({**h.to_dict(), "address_detail": "Số 2, ngõ 3"})  # no change
    entries = store.pending_outbox()
    assert len(entries) == 2
    assert entries[1].op == "update"
    assert entries[1].payload == {"id": h.id, "fields": {"address_detail": "Số 2, ngõ 3"}}


def test_ack_by_high_water_mark_clears_dirty(store, villages):
    h = add_household(store, villages[0], "Lê Văn C")
    store.save_visit(visit_data(h.id))
    entries = store.pending_outbox()
    assert store.mark_acked(entries[0].seq) == 1
    assert store.pending_count() == 1
    dirty = store.db.execute("SELECT dirty FROM households").fetchone()[0]
    assert dirty == 0
    assert store.mark_acked(entries[-1].seq) == 1
    assert store.mark_acked(entries[-1].seq) == 0  # resent ack is harmless
    status = store.db.execute("SELECT sync_status FROM visits").fetchone()[0]
    assert status == "synced"


def test_outbox_batches_bounded_by_count_and_bytes(store, villages):
    h = add_household(store, villages[0], "Lê Văn C")
    for _ in range(20):
        store.save_visit(visit_data(h.id, notes="x" * 500))
    assert len(store.pending_outbox(limit=5)) == 5
    small = store.pending_outbox(max_bytes=2000)
    sizes = [len(json.dumps(e.payload, ensure_ascii=False)) for e in small]
    # The household (203) and two visits (867 each) fit; a third visit would pass 2000.
    assert len(small) == 3 and [e.entity for e in small] == ["household", "visit", "visit"]
    assert sum(sizes) <= 2000 < sum(sizes) + sizes[-1]
    first = store.pending_outbox(limit=3)
    rest = store.pending_outbox(after_seq=first[-1].seq, limit=100)
    assert rest[0].seq == first[-1].seq + 1


def test_visit_for_unknown_household_is_rejected_and_nothing_written(store, villages):
    with pytest.raises(ValidationError) as exc:
        store.save_visit(visit_data(uid()))
    assert exc.value.problems[0].field == "household_id"
    assert count(store, "visits") == 0 and count(store, "outbox") == 0


def test_household_in_unknown_village_rejected(store, villages):
    with pytest.raises(ValidationError) as exc:
        store.save_household({"id": uid(), "village_id": "nope", "head_name": "A"})
    assert exc.value.problems[0].field == "village_id"


def test_correction_supersedes_and_counts_once(store, villages):
    h = add_household(store, villages[0], "Phạm Văn D")
    first = store.save_visit(visit_data(h.id, outcome="follow_up", follow_up_on="2026-11-25"))
    row = store.search_households(status="follow_up").items
    assert [r.id for r in row] == [h.id]
    fix = store.save_visit(visit_data(h.id, supersedes=first.id))
    summary = store.search_households(query="pham").items[0]
    assert summary.visit_count == 1 and summary.follow_up_on is None
    assert summary.last_outcome == "done"
    history = store.visits_for_household(h.id)
    assert {v.id for v in history} == {first.id, fix.id}
    with pytest.raises(ValidationError) as exc:
        store.save_visit(visit_data(h.id, supersedes=first.id))
    assert exc.value.problems[0].code == "already_superseded"


def test_phone_normalised_and_odd_numbers_warn_but_save(store, villages):
    h, warnings = store.save_household(
        {
            "id": uid(),
            "village_id": villages[0].id,
            "head_name": "Võ Thị E",
            "phone": "0912 345 678",
        }
    )
    assert h.phone == "+84912345678" and warnings == []
    h2, warnings2 = store.save_household(
        {"id": uid(), "village_id": villages[0].id, "head_name": "Võ Thị G", "phone": "12345"}
    )
    assert h2.phone == "12345" and len(warnings2) == 1
    assert store.household(h2.id) is not None
    assert store.household(h2.id).phone == "12345"
    assert [r.id for r in store.search_households(query="0912").items] == []  # E.164 stored
    assert [r.id for r in store.search_households(query="912345678").items] == [h.id]


@pytest.mark.parametrize(
    "query",
    [
        "nguyen thi anh",
        "NGUYEN THI ANH",
        unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
        "thi anh",
        "anh nguyen",
    ],
)
def test_search_finds_accented_name(store, villages, query):
    target = add_household(store, villages[0], "Nguyễn Thị Ánh")
    add_household(store, villages[0], "Nguyễn Văn Bình")
    add_household(store, villages[1], "Trần Anh Tuấn")
    found = store.search_households(query=query).items
    assert [r.id for r in found] == [target.id]


def test_search_is_safe_with_like_wildcards(store, villages):
    add_household(store, villages[0], "Nguyễn Thị Ánh")
    assert store.search_households(query="%").items == []
    assert store.search_households(query="_").items == []


def test_filters_by_village_and_visit_status(store, villages):
    never = add_household(store, villages[0], "A Chưa Thăm")
    visited = add_household(store, villages[0], "B Đã Thăm")
    due = add_household(store, villages[0], "C Quay Lại")
    later = add_household(store, villages[1], "D Hẹn Sau")
    store.save_visit(visit_data(visited.id))
    store.save_visit(visit_data(due.id, outcome="follow_up", follow_up_on="2026-11-22"))
    store.save_visit(visit_data(later.id, outcome="follow_up", follow_up_on="2026-12-30"))
    today = date(2026, 11, 27)

    def ids(**kw):
        return {r.id for r in store.search_households(today=today, **kw).items}

    assert ids(status="never") == {never.id}
    assert ids(status="visited") == {visited.id, due.id, later.id}
    assert ids(status="follow_up") == {due.id, later.id}
    assert ids(status="due") == {due.id}
    assert ids(status="overdue") == {due.id}
    assert ids(village_id=villages[1].id) == {later.id}
    assert ids(village_ids=[villages[0].id]) == {never.id, visited.id, due.id}
    assert store.count_households(status="visited", village_id=villages[0].id) == 2


def test_vietnamese_order_and_keyset_paging(store, villages):
    names = ["Anh Ba", "Ánh", "An Bình", "Anh", "Đào Văn Tư", "Dương Thị Lụa", "Bùi Văn Ất"]
    for n in names:
        add_household(store, villages[0], n)
    seen = []
    after = None
    while True:
        page = store.search_households(limit=3, after=after)
        seen += [r.head_name for r in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == ["An Bình", "Anh", "Ánh", "Anh Ba", "Bùi Văn Ất", "Dương Thị Lụa", "Đào Văn Tư"]
    given = [r.head_name for r in store.search_households(order="given").items]
    # By given name (last word) first: Anh, Ánh, Ất, Ba, Bình, Lụa, Tư.
    assert given == ["Anh", "Ánh", "Bùi Văn Ất", "Anh Ba", "An Bình", "Dương Thị Lụa", "Đào Văn Tư"]


def test_tombstone_hides_household_and_syncs(store, villages):
    h = add_household(store, villages[0], "Hồ Văn X")
    store.delete_household(h.id)
    assert store.search_households().items == []
    assert store.pending_outbox()[-1].payload == {"id": h.id, "fields": {"deleted": True}}
    with pytest.raises(ValidationError):
        store.save_visit(visit_data(h.id))


def test_nobody_home_leaves_household_not_visited(store, villages):
    """As in coverage: only a visit that reached the household makes it 'visited'."""
    h = add_household(store, villages[0], "Lê Văn Vắng")
    store.save_visit(
        visit_data(h.id, outcome="nobody_home", consent=None, activities=[], people_guided=0)
    )
    row = store.search_households(status="never").items
    assert [r.id for r in row] == [h.id]
    assert row[0].last_outcome == "nobody_home" and row[0].last_visit_at is not None
    store.save_visit(visit_data(h.id))
    assert store.search_households(status="never").items == []
    assert store.search_households(status="visited").items[0].visit_count == 1
