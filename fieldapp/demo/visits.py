"""Drawing one household's visits for the demo dataset: outcomes, activities, revisits.

The mix mirrors what teams report: most doors done, some follow-ups with a date, some
nobody home (revisited), a few refusals, and households that decline consent are counted
without personal details. Every visit drawn here passes ``parse_visit``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from fieldapp.domain.model import (
    Activity,
    ActivityKind,
    Consent,
    GeoPoint,
    Household,
    Member,
    Outcome,
    PaymentStatus,
    Procedure,
    Visit,
)

__all__ = ["Door", "Gen", "correct", "door_visits"]

_TZ = timezone(timedelta(hours=7))
# Procedures people come to the door for most; the rest of the catalogue is rarer.
_COMMON_PROCEDURES = {
    "1.001193": 10, "1.004222": 8, "1.004194": 7, "2.000635": 6, "1.003677": 4,
    "1.004873": 4, "1.000656": 3, "2.000815": 3,
}  # fmt: skip
_OTHER_TEXTS = (
    "Hướng dẫn tra cứu tình trạng hồ sơ trên Cổng Dịch vụ công",
    "Hướng dẫn cài ứng dụng ngân hàng trên điện thoại",
    "Hướng dẫn dùng ứng dụng VssID",
    "Hướng dẫn tích hợp giấy phép lái xe vào VNeID",
)
_NOTES = (
    "Người cao tuổi, cần con cháu hỗ trợ thêm.",
    "Điện thoại đời cũ, không đọc được chip trên CCCD; hẹn mượn máy khác.",
    "Đã hướng dẫn cả gia đình.",
    "Gia đình rất hợp tác, nhờ hướng dẫn thêm hàng xóm.",
    "Con đi làm xa, chỉ có hai ông bà ở nhà.",
)
_FOLLOW_NOTES = (
    "Hẹn quay lại khi con ở nhà.",
    "Chờ kích hoạt tài khoản định danh mức 2.",
    "Chưa mang theo giấy tờ, hẹn hôm khác.",
)
_ABSENT_NOTES = ("Nhà đóng cửa.", "Cả nhà đi làm đồng.", "")


class Gen:
    """The seeded random source and running dossier/receipt counters for one dataset."""

    def __init__(self, seed: int, procedures: Mapping[str, Procedure]):
        self.rng = random.Random(seed)
        self.procedures = procedures
        self.dossiers = 0
        self.receipts = 0

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def _dossier_no(g: Gen, ward_code: str, day: date) -> str:
    g.dossiers += 1
    return f"H42.{ward_code}-{day:%y%m%d}-{g.dossiers:04d}"


def _receipt_no(g: Gen, day: date) -> str:
    """A made-up e-receipt number; no 9- or 12-digit run, which would look like an ID."""
    g.receipts += 1
    return f"BL-{day:%y%m}-{g.receipts:05d}"


def _fee(g: Gen, code: str | None, consent: bool, day: date) -> Activity:
    status = g.rng.choices(
        (PaymentStatus.UNKNOWN, PaymentStatus.SELF_REPORTED, PaymentStatus.VERIFIED),
        weights=(3, 5, 3 if consent else 0),
    )[0]
    receipt = _receipt_no(g, day) if status == PaymentStatus.VERIFIED else None
    return Activity(
        ActivityKind.FEE_PAID, procedure_code=code, payment_status=status, receipt_no=receipt
    )


def _activities(
    g: Gen, ward_code: str, day: date, consent: bool, outcome: Outcome
) -> list[Activity]:
    """What the team did at the door; a follow-up often stops before VNeID level 2."""
    acts: list[Activity] = []
    if g.chance(0.5):
        acts.append(Activity(ActivityKind.VNEID_INSTALLED))
        if outcome == Outcome.DONE and g.chance(0.7):
            acts.append(Activity(ActivityKind.VNEID_LEVEL2))
    elif g.chance(0.12):
        acts.append(Activity(ActivityKind.VNEID_LEVEL2))
    if g.chance(0.2):
        acts.append(Activity(ActivityKind.PORTAL_ACCOUNT))
    codes = list(g.procedures)
    weights = [_COMMON_PROCEDURES.get(c, 1) for c in codes]
    chosen: list[str] = []
    if g.chance(0.35):
        chosen.append(g.rng.choices(codes, weights=weights)[0])
        if chosen[0] == "1.001193" and "1.004222" in g.procedures and g.chance(0.4):
            chosen.append("1.004222")  # the birth + residence "liên thông" bundle
    for code in chosen:
        dossier = _dossier_no(g, ward_code, day) if consent and g.chance(0.6) else None
        acts.append(
            Activity(
                ActivityKind.DOSSIER_SUBMITTED,
                procedure_code=code,
                level=g.procedures[code].level,
                dossier_no=dossier,
            )
        )
    fee_codes = [c for c in chosen if g.procedures[c].fee_vnd]
    if fee_codes and g.chance(0.75):
        acts.append(_fee(g, fee_codes[0], consent, day))
    elif g.chance(0.05):
        acts.append(_fee(g, None, consent, day))  # a fee for a dossier sent earlier
    if g.chance(0.12):
        acts.append(Activity(ActivityKind.PAYMENT_ACCOUNT))
    if g.chance(0.05):
        acts.append(Activity(ActivityKind.DIGITAL_SIGNATURE))
    if g.chance(0.04):
        acts.append(Activity(ActivityKind.OTHER, text=g.rng.choice(_OTHER_TEXTS)))
    if outcome == Outcome.DONE and not acts:
        acts.append(Activity(ActivityKind.VNEID_INSTALLED))
    return acts


def _moment(g: Gen, day: date) -> str:
    """A time teams actually knock: morning, afternoon, or evening when people are home."""
    slot = g.rng.choices(((7, 30, 210), (14, 0, 210), (18, 30, 120)), weights=(4, 4, 3))[0]
    start = datetime.combine(day, time(slot[0], slot[1]), _TZ)
    return (start + timedelta(minutes=g.rng.randrange(slot[2]))).isoformat()


@dataclass(frozen=True)
class Door:
    """The context of one household while its visits are drawn."""

    household: Household
    team: Sequence[Member]
    centre: tuple[float, float]
    consent: Consent


def _visit(
    g: Gen, door: Door, day: date, outcome: Outcome, ward_code: str, officer: Member
) -> Visit:
    member = officer if g.chance(0.02) else g.rng.choice(door.team)
    consent = None if outcome == Outcome.NOBODY_HOME else door.consent
    given = consent == Consent.GIVEN
    acts: list[Activity] = []
    if outcome in (Outcome.DONE, Outcome.FOLLOW_UP):
        acts = _activities(g, ward_code, day, given, outcome)
    size = door.household.members_count or 2
    people = g.rng.randint(1, min(size, 4)) if acts else 0
    follow = (
        (day + timedelta(days=g.rng.randint(2, 10))).isoformat()
        if outcome == Outcome.FOLLOW_UP
        else None
    )
    notes = ""
    if outcome == Outcome.NOBODY_HOME:
        notes = g.rng.choice(_ABSENT_NOTES)
    elif given and g.chance(0.15):
        notes = g.rng.choice(_FOLLOW_NOTES if outcome == Outcome.FOLLOW_UP else _NOTES)
    gps = None
    if given and g.chance(0.6):
        gps = GeoPoint(
            round(door.centre[0] + g.rng.uniform(-0.002, 0.002), 6),
            round(door.centre[1] + g.rng.uniform(-0.002, 0.002), 6),
            round(g.rng.uniform(4, 35), 1),
        )
    return Visit(
        id=g.uid(),
        household_id=door.household.id,
        member_id=member.id,
        visited_at=_moment(g, day),
        consent=consent,
        outcome=outcome,
        people_guided=people,
        activities=tuple(acts),
        follow_up_on=follow,
        notes=notes,
        gps=gps,
    )


def _first_outcome(g: Gen) -> Outcome:
    return g.rng.choices(
        (Outcome.DONE, Outcome.FOLLOW_UP, Outcome.NOBODY_HOME, Outcome.DECLINED),
        weights=(64, 14, 17, 5),
    )[0]


def door_visits(
    g: Gen, door: Door, first: date, today: date, ward_code: str, officer: Member
) -> list[Visit]:
    """A household's visits: a first knock, then revisits after absences and follow-ups."""
    visits: list[Visit] = []
    day, outcome = first, _first_outcome(g)
    for _ in range(4):
        visit = _visit(g, door, day, outcome, ward_code, officer)
        visits.append(visit)
        if outcome == Outcome.NOBODY_HOME and g.chance(0.65):
            day = day + timedelta(days=g.rng.randint(1, 7))
            outcome = g.rng.choices(
                (Outcome.DONE, Outcome.FOLLOW_UP, Outcome.NOBODY_HOME, Outcome.DECLINED),
                weights=(60, 12, 24, 4),
            )[0]
        elif outcome == Outcome.FOLLOW_UP and visit.follow_up_on and g.chance(0.75):
            day = date.fromisoformat(visit.follow_up_on) + timedelta(days=g.rng.randint(0, 2))
            outcome = Outcome.DONE if g.chance(0.85) else Outcome.FOLLOW_UP
        elif outcome == Outcome.DONE and g.chance(0.06):
            day = day + timedelta(days=g.rng.randint(3, 14))  # back for another dossier
        else:
            break
        if day >= today:
            break
    return visits


def correct(g: Gen, visit: Visit) -> Visit:
    """A correction: a new visit that supersedes ``visit`` with one thing put right."""
    acts = list(visit.activities)
    fee = next((i for i, a in enumerate(acts) if a.kind == ActivityKind.FEE_PAID), None)
    people = visit.people_guided
    if (
        fee is not None
        and acts[fee].payment_status != PaymentStatus.VERIFIED
        and visit.consent == Consent.GIVEN
    ):
        day = date.fromisoformat(visit.visited_at[:10])
        acts[fee] = replace(
            acts[fee], payment_status=PaymentStatus.VERIFIED, receipt_no=_receipt_no(g, day)
        )
    elif not any(a.kind == ActivityKind.PAYMENT_ACCOUNT for a in acts) and g.chance(0.5):
        acts.append(Activity(ActivityKind.PAYMENT_ACCOUNT))
        people = max(people, 1)
    else:
        people = min(people + 1, 8)
    return replace(
        visit, id=g.uid(), activities=tuple(acts), people_guided=people, supersedes=visit.id
    )
