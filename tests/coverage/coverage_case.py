"""A small hand-computed coverage case, built through the real DeviceStore API.

Period June 2024, today 20/06/2024. Expected figures are worked out by hand in
test_coverage_model.py next to each assertion.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from fieldapp.coverage import CoverageService, Period
from fieldapp.coverage.queries import has_rollup
from fieldapp.coverage.rollup import install_v1
from fieldapp.domain import Member, Role, Team, Village
from fieldapp.store import DeviceStore

WARD = "18754"
PERIOD = Period(date(2024, 6, 1), date(2024, 6, 30))
TODAY = date(2024, 6, 20)


def uid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fieldapp-coverage-test/{name}"))


@dataclass
class Case:
    store: DeviceStore
    ids: dict[str, str]

    def service(self, village_ids=None) -> CoverageService:
        return CoverageService(self.store.db, village_ids=village_ids, dossiers=self.store.dossiers)


def open_case(path, *, rollup: bool) -> Case:
    """The case in a new device store; with ``rollup``, the server's roll-up is installed
    first, so its triggers see every write (coverage then reads the roll-up)."""
    store = DeviceStore.open(path)
    if rollup:
        install_v1(store.db)
    ids = build_case(store)
    assert has_rollup(store.db) is rollup
    return Case(store, ids)


def build_case(store: DeviceStore) -> dict[str, str]:
    ids = {k: uid(k) for k in ("V1", "V2", "V3", "A", "B", "m1", "m2", "m3")}
    store.load_reference(
        villages=[
            Village(ids["V1"], WARD, "Thôn Bắc"),
            Village(ids["V2"], WARD, "Thôn Đông"),
            Village(ids["V3"], WARD, "Thôn Nam"),  # no households at all
        ],
        teams=[
            Team(ids["A"], "Tổ CNSCĐ Bắc Đông", WARD, (ids["V1"], ids["V2"])),
            Team(ids["B"], "Tổ CNSCĐ Nam", WARD, (ids["V3"],)),
        ],
        members=[
            Member(ids["m1"], "Nguyễn Thị Lan", Role.LEADER, ids["A"]),
            Member(ids["m2"], "Bùi Văn Minh", Role.MEMBER, ids["A"]),
            Member(ids["m3"], "Ông Văn Nam", Role.LEADER, ids["B"]),
        ],
    )
    households = {
        "h1": ("V1", "Nguyễn Văn An"),
        "h2": ("V1", "Trần Thị Bình"),
        "h3": ("V1", "Lê Văn Cường"),
        "h4": ("V1", "Phạm Thị Dung"),
        "h8": ("V1", "Đặng Văn Giang"),  # never visited
        "h7": ("V1", "Hộ Xóa Nhầm"),  # visited, then deleted: never counts
        "h5": ("V2", "Hoàng Văn Em"),
        "h6": ("V2", "Vũ Thị Hoa"),
    }
    for key, (village, name) in households.items():
        ids[key] = uid(key)
        store.save_household({"id": ids[key], "village_id": ids[village], "head_name": name})

    def visit(key, household, member, at, outcome, consent="given", people=0, acts=(), **kw):
        ids[key] = uid(key)
        store.save_visit(
            {
                "id": ids[key],
                "household_id": ids[household],
                "member_id": ids[member],
                "visited_at": at,
                "consent": consent,
                "outcome": outcome,
                "people_guided": people,
                "activities": list(acts),
                **kw,
            }
        )

    dossier_full = {"kind": "dossier_submitted", "procedure_code": "1.001193", "level": "full"}
    # h1: two visits in June (one asks to come back, the next closes it), one in July.
    visit(
        "v1", "h1", "m1", "2024-06-03T09:00:00+07:00", "follow_up", people=2,
        acts=[{"kind": "vneid_level2"}, dossier_full], follow_up_on="2024-06-10",
    )  # fmt: skip
    visit(
        "v2", "h1", "m2", "2024-06-10T09:00:00+07:00", "done", people=1,
        acts=[
            {"kind": "fee_paid", "procedure_code": "1.001193", "payment_status": "verified",
             "receipt_no": "BL-01"},
            {"kind": "payment_account"},
        ],
    )  # fmt: skip
    visit("v8", "h1", "m1", "2024-07-02T08:00:00+07:00", "done", people=1,
          acts=[{"kind": "vneid_level2"}])  # fmt: skip
    # h2: v3 is corrected by v4 (fewer people, one dossier fewer, no signature, a fee).
    visit(
        "v3", "h2", "m1", "2024-06-05T10:00:00+07:00", "done", people=3,
        acts=[
            {"kind": "dossier_submitted", "procedure_code": "1.004222", "level": "full"},
            {"kind": "dossier_submitted", "procedure_code": "1.000894", "level": "partial"},
            {"kind": "digital_signature"},
        ],
    )  # fmt: skip
    visit(
        "v4", "h2", "m1", "2024-06-05T10:00:00+07:00", "done", people=2,
        acts=[
            {"kind": "dossier_submitted", "procedure_code": "1.004222", "level": "full"},
            {"kind": "fee_paid", "payment_status": "self_reported"},
        ],
        supersedes=uid("v3"),
    )  # fmt: skip
    # Local day 01/07 although it is still 30/06 in UTC: outside June.
    visit("v11", "h2", "m1", "2024-07-01T06:00:00+07:00", "done", people=1,
          acts=[{"kind": "digital_signature"}])  # fmt: skip
    # h3 declined: a visit, a household reached, no personal data.
    visit("v5", "h3", "m2", "2024-06-07T15:00:00+07:00", "declined", consent="declined")
    # h4: reached in May (outside the period), only "nobody home" in June.
    visit("v6", "h4", "m1", "2024-05-20T09:00:00+07:00", "done", people=1,
          acts=[{"kind": "vneid_level2"}])  # fmt: skip
    visit("v7", "h4", "m1", "2024-06-12T18:30:00+07:00", "nobody_home", consent=None)
    # h7: a visit, then the household is deleted.
    visit("v12", "h7", "m1", "2024-06-08T09:00:00+07:00", "done", people=4,
          acts=[{"kind": "vneid_level2"}])  # fmt: skip
    store.delete_household(ids["h7"])
    # V2: one follow-up overdue (18/06 < 20/06), one due today.
    visit(
        "v9", "h5", "m2", "2024-06-15T09:00:00+07:00", "follow_up", people=1,
        acts=[{"kind": "fee_paid", "payment_status": "unknown"}], follow_up_on="2024-06-18",
    )  # fmt: skip
    visit("v10", "h6", "m2", "2024-06-19T09:00:00+07:00", "follow_up", people=1,
          follow_up_on="2024-06-20")  # fmt: skip
    return ids
