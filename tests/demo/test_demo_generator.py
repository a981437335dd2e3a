"""The synthetic demo dataset: deterministic, realistic in shape, and valid throughout."""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from fieldapp.demo.generator import (
    DEMO_WARD,
    DemoDataset,
    dataset_from_json,
    dataset_to_json,
    generate,
    summarize,
)
from fieldapp.domain.model import ActivityKind, Consent, Outcome, PaymentStatus, Role
from fieldapp.domain.validation import ValidationError, parse_household, parse_visit
from fieldapp.reference import load_procedures
from fieldapp.text import normalize_phone

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def ds() -> DemoDataset:
    return generate(seed=42, households=3000, weeks=4, today=TODAY)


def test_same_seed_same_json_other_seed_differs():
    a = dataset_to_json(generate(seed=7, households=300, today=TODAY))
    b = dataset_to_json(generate(seed=7, households=300, today=TODAY))
    c = dataset_to_json(generate(seed=8, households=300, today=TODAY))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["households"] != c["households"] and a["visits"] != c["visits"]
    assert {v["id"] for v in a["villages"]}.isdisjoint({v["id"] for v in c["villages"]})


def test_counts_and_structure(ds: DemoDataset):
    assert len(ds.households) == 3000
    assert len(ds.wards) == 69 and ds.ward_code == DEMO_WARD == "18754"
    assert len(ds.villages) >= 12
    assert all(v.ward_code == "18754" for v in ds.villages)
    assert len({v.name for v in ds.villages}) == len(ds.villages)
    # One team per village, each with one leader and 2–6 members.
    assert len(ds.teams) == len(ds.villages)
    assert sorted(t.village_ids[0] for t in ds.teams) == sorted(v.id for v in ds.villages)
    for team in ds.teams:
        assert team.name.startswith("Tổ CNSCĐ ")
        roles = Counter(m.role for m in ds.members if m.team_id == team.id)
        assert roles[Role.LEADER] == 1 and 2 <= roles[Role.MEMBER] <= 6
    officers = [m for m in ds.members if m.role == Role.OFFICER]
    assert len(officers) == 1 and officers[0].team_id is None
    # Households spread over every village, none empty at this size.
    per_village = Counter(h.village_id for h in ds.households)
    assert set(per_village) == {v.id for v in ds.villages}
    assert min(per_village.values()) > 3000 / len(ds.villages) * 0.3


def test_every_household_and_visit_passes_validation(ds: DemoDataset):
    procedures = load_procedures()
    for household in ds.households:
        assert parse_household(household.to_dict()) == household
    for visit in ds.visits:
        assert parse_visit(visit.to_dict(), procedures=procedures) == visit


def test_ids_are_uuid4_and_unique(ds: DemoDataset):
    ids = [
        *(v.id for v in ds.villages), *(t.id for t in ds.teams), *(m.id for m in ds.members),
        *(h.id for h in ds.households), *(v.id for v in ds.visits),
    ]  # fmt: skip
    assert len(ids) == len(set(ids))
    assert all(uuid.UUID(i).version == 4 for i in ids)


def test_references_resolve(ds: DemoDataset):
    households = {h.id: h for h in ds.households}
    members = {m.id: m for m in ds.members}
    team_of_village = {t.village_ids[0]: t.id for t in ds.teams}
    for visit in ds.visits:
        household = households[visit.household_id]
        member = members[visit.member_id]
        # Visits are made by the household's village team, or now and then the officer.
        assert (
            member.role == Role.OFFICER or member.team_id == team_of_village[household.village_id]
        )


def test_visit_times_within_window(ds: DemoDataset):
    start = TODAY - timedelta(weeks=4)
    for visit in ds.visits:
        when = datetime.fromisoformat(visit.visited_at)
        assert start <= when.date() < TODAY
        assert when.utcoffset() == timedelta(hours=7)
        assert 7 <= when.hour <= 21


def test_realistic_mix(ds: DemoDataset):
    s = summarize(ds)
    total = s["visits"]
    assert s["outcome_done"] > total / 2
    for key in ("outcome_follow_up", "outcome_nobody_home", "outcome_declined"):
        assert 0.02 * total < s[key] < 0.3 * total, key
    kinds = Counter(a.kind for v in ds.visits for a in v.activities)
    assert set(kinds) == set(ActivityKind)
    statuses = Counter(
        a.payment_status for v in ds.visits for a in v.activities if a.kind == "fee_paid"
    )
    assert set(statuses) == set(PaymentStatus)
    levels = {a.level for v in ds.visits for a in v.activities if a.kind == "dossier_submitted"}
    assert len(levels) == 2
    follow = [v for v in ds.visits if v.outcome == Outcome.FOLLOW_UP]
    assert all(v.follow_up_on and v.follow_up_on > v.visited_at[:10] for v in follow)
    assert 0.3 < s["households_visited"] / s["households"] < 0.9


def test_declined_consent_keeps_no_personal_details(ds: DemoDataset):
    households = {h.id: h for h in ds.households}
    declined = [v for v in ds.visits if v.consent == Consent.DECLINED]
    assert len(declined) > 10
    for visit in declined:
        assert not visit.notes and visit.gps is None
        assert not any(a.dossier_no or a.receipt_no for a in visit.activities)
        household = households[visit.household_id]
        assert household.head_name == "" and household.phone is None
        assert household.address_detail


def test_corrections_supersede_earlier_visit_of_same_household(ds: DemoDataset):
    position = {v.id: i for i, v in enumerate(ds.visits)}
    by_id = {v.id: v for v in ds.visits}
    corrections = [v for v in ds.visits if v.supersedes]
    assert len(corrections) >= 5
    for fix in corrections:
        old = by_id[fix.supersedes]
        assert old.household_id == fix.household_id
        assert position[old.id] < position[fix.id]
        assert old.visited_at <= fix.visited_at
        assert (fix.activities, fix.people_guided) != (old.activities, old.people_guided)


def test_names_phones_addresses(ds: DemoDataset):
    names = [h.head_name for h in ds.households if h.head_name] + [m.name for m in ds.members]
    for name in names:
        assert unicodedata.is_normalized("NFC", name) and len(name.split()) >= 3
    families = Counter(n.split()[0] for n in names)
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert {"Trần", "Lê", "Phan", "Võ", "Hồ"} <= set(families)
    phones = [h.phone for h in ds.households if h.phone] + [m.phone for m in ds.members if m.phone]
    assert len(phones) == len(set(phones)) > 1000
    for phone in phones:
        assert phone.startswith("+849000")
        result = normalize_phone(phone)
        assert result is not None and result.value == phone and result.kind == "mobile"
    for text in [h.address_detail for h in ds.households] + [v.name for v in ds.villages]:
        assert unicodedata.is_normalized("NFC", text)
    assert ds.households[0].address_detail.startswith("Số ")
    assert all(1 <= (h.members_count or 0) <= 8 for h in ds.households)


def test_json_round_trip(ds: DemoDataset):
    doc = json.loads(json.dumps(dataset_to_json(ds), ensure_ascii=False))
    assert doc["provenance"]["synthetic"] is True and "HƯ CẤU" in doc["provenance"]["note_vi"]
    assert dataset_from_json(doc) == ds


def test_from_json_rejects_bad_documents(ds: DemoDataset):
    with pytest.raises(ValueError, match="not a fieldapp-demo-dataset"):
        dataset_from_json({"format": "other"})
    doc = dataset_to_json(generate(seed=3, households=20, today=TODAY))
    doc["visits"][0]["outcome"] = "maybe"
    with pytest.raises(ValidationError):
        dataset_from_json(doc)
    del doc["villages"]
    with pytest.raises(ValueError, match="malformed"):
        dataset_from_json(doc)


def test_parameters_and_limits():
    small = generate(seed=1, households=40, weeks=1, today=TODAY, villages=12)
    assert len(small.households) == 40 and len(small.villages) == 12
    assert all(
        TODAY - timedelta(days=7) <= date.fromisoformat(v.visited_at[:10]) < TODAY
        for v in small.visits
    )
    with pytest.raises(ValueError):
        generate(households=0, today=TODAY)
    with pytest.raises(ValueError):
        generate(ward_code="00004", today=TODAY)


def test_default_today_is_call_time():
    ds = generate(seed=1, households=10, weeks=1)
    assert ds.today == date.today().isoformat()
