"""A deterministic, clearly synthetic demo dataset for phường Sông Trí (Hà Tĩnh).

Everything below the ward is invented: the tổ dân phố are numbered ("Tổ dân phố 1"…),
people's names are drawn from common Vietnamese names, phone numbers all start with
``+849000`` (a block of fake-looking but well-formed mobile numbers) and addresses are
"Số 12, ngõ 3"-style. The wards themselves are the real 2025 units of Hà Tĩnh.

The same ``seed`` and parameters always give the same dataset, ids included (UUIDs are
drawn from the seeded generator), so demos, screenshots and tests are reproducible.

>>> from datetime import date
>>> ds = generate(seed=1, households=60, weeks=2, today=date(2026, 11, 27))
>>> len(ds.households), len(ds.villages) >= 12
(60, True)
>>> dataset_from_json(dataset_to_json(ds)) == ds
True
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from fieldapp.demo.names import full_name
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
    Role,
    Team,
    Village,
    Visit,
    Ward,
)
from fieldapp.domain.validation import parse_household, parse_visit
from fieldapp.reference import load_procedures, load_wards

__all__ = [
    "DEMO_PROVINCE",
    "DEMO_WARD",
    "FORMAT",
    "DemoDataset",
    "dataset_from_json",
    "dataset_to_json",
    "generate",
    "summarize",
]

FORMAT = "fieldapp-demo-dataset"
FORMAT_VERSION = 1
DEMO_PROVINCE = "42"
DEMO_WARD = "18754"  # phường Sông Trí, the former town of Kỳ Anh
PROVENANCE: dict[str, Any] = {
    "synthetic": True,
    "note_vi": (
        "Dữ liệu mẫu HƯ CẤU để thử ứng dụng: tổ dân phố, hộ, người, số điện thoại, hồ sơ "
        "và lượt thăm đều do máy tạo, không phải người thật. Chỉ danh sách xã/phường là thật."
    ),
    "note_en": (
        "SYNTHETIC demo data: villages, households, people, phones, dossiers and visits are "
        "generated, not real. Only the ward list is real."
    ),
    "generator": "fieldapp.demo.generator",
}
_TZ = timezone(timedelta(hours=7))
# Centre of phường Sông Trí, roughly; villages are scattered around it.
_CENTRE = (18.075, 106.298)
# Household sizes 1–8, most with 3–5 people.
_SIZE_WEIGHTS = (6, 14, 20, 24, 17, 10, 6, 3)
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


@dataclass(frozen=True)
class DemoDataset:
    """Everything a demo needs, as domain objects. ``today`` is an ISO date."""

    seed: int
    today: str
    weeks: int
    ward_code: str
    wards: tuple[Ward, ...]
    villages: tuple[Village, ...]
    teams: tuple[Team, ...]
    members: tuple[Member, ...]
    households: tuple[Household, ...]
    visits: tuple[Visit, ...]


class _Gen:
    """Holds the seeded generator and the growing lists while a dataset is built."""

    def __init__(self, seed: int, procedures: Mapping[str, Procedure]):
        self.rng = random.Random(seed)
        self.procedures = procedures
        self.dossiers = 0
        self.receipts = 0

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder)."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _villages(g: _Gen, ward_code: str, count: int) -> list[Village]:
    return [
        Village(id=g.uid(), ward_code=ward_code, name=f"Tổ dân phố {i}", kind="tổ dân phố")
        for i in range(1, count + 1)
    ]


def _phone(g: _Gen, used: set[str], block: str) -> str:
    """A unique ``+849000…`` number: well-formed, obviously not a real subscriber's."""
    while True:
        number = f"+849000{block}{g.rng.randrange(10_000):04d}"
        if number not in used:
            used.add(number)
            return number


def _teams(
    g: _Gen, ward_code: str, villages: Sequence[Village], phones: set[str]
) -> tuple[list[Team], list[Member]]:
    teams: list[Team] = []
    members: list[Member] = []
    for village in villages:
        team = Team(
            id=g.uid(),
            name=f"Tổ CNSCĐ {village.name}",
            ward_code=ward_code,
            village_ids=(village.id,),
        )
        teams.append(team)
        # The village head leads the team; the rest are often Youth Union members.
        members.append(
            Member(
                g.uid(),
                full_name(g.rng, female=g.chance(0.3)),
                Role.LEADER,
                team.id,
                _phone(g, phones, "9"),
            )
        )
        for _ in range(g.rng.randint(2, 6)):
            phone = _phone(g, phones, "9") if g.chance(0.7) else None
            members.append(Member(g.uid(), full_name(g.rng), Role.MEMBER, team.id, phone))
    members.append(Member(g.uid(), full_name(g.rng), Role.OFFICER, None, _phone(g, phones, "9")))
    return teams, members


def _households(g: _Gen, village: Village, count: int, phones: set[str]) -> list[Household]:
    out: list[Household] = []
    lane, house, left_in_lane = 1, 0, g.rng.randint(8, 25)
    for _ in range(count):
        if left_in_lane == 0:
            lane, house, left_in_lane = lane + 1, 0, g.rng.randint(8, 25)
        house += g.rng.choice((1, 1, 1, 2))
        left_in_lane -= 1
        out.append(Household(
            id=g.uid(),
            village_id=village.id,
            head_name=full_name(g.rng, female=g.chance(0.25)),
            address_detail=f"Số {house}, ngõ {lane}",
            phone=_phone(g, phones, g.rng.choice("012345678")) if g.chance(0.55) else None,
            members_count=g.rng.choices(range(1, 9), weights=_SIZE_WEIGHTS)[0],
        ))  # fmt: skip
    return out


def _dossier_no(g: _Gen, ward_code: str, day: date) -> str:
    g.dossiers += 1
    return f"H42.{ward_code}-{day:%y%m%d}-{g.dossiers:04d}"


def _receipt_no(g: _Gen, day: date) -> str:
    """A made-up e-receipt number; no 9- or 12-digit run, which would look like an ID."""
    g.receipts += 1
    return f"BL-{day:%y%m}-{g.receipts:05d}"


def _fee(g: _Gen, code: str | None, consent: bool, day: date) -> Activity:
    status = g.rng.choices(
        (PaymentStatus.UNKNOWN, PaymentStatus.SELF_REPORTED, PaymentStatus.VERIFIED),
        weights=(3, 5, 3 if consent else 0),
    )[0]
    receipt = _receipt_no(g, day) if status == PaymentStatus.VERIFIED else None
    return Activity(
        ActivityKind.FEE_PAID, procedure_code=code, payment_status=status, receipt_no=receipt
    )


def _activities(
    g: _Gen, ward_code: str, day: date, consent: bool, outcome: Outcome
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


def _moment(g: _Gen, day: date) -> str:
    """A time teams actually knock: morning, afternoon, or evening when people are home."""
    slot = g.rng.choices(((7, 30, 210), (14, 0, 210), (18, 30, 120)), weights=(4, 4, 3))[0]
    start = datetime.combine(day, time(slot[0], slot[1]), _TZ)
    return (start + timedelta(minutes=g.rng.randrange(slot[2]))).isoformat()


@dataclass(frozen=True)
class _Door:
    """The context of one household while its visits are drawn."""

    household: Household
    team: Sequence[Member]
    centre: tuple[float, float]
    consent: Consent


def _visit(
    g: _Gen, door: _Door, day: date, outcome: Outcome, ward_code: str, officer: Member
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


def _first_outcome(g: _Gen) -> Outcome:
    return g.rng.choices(
        (Outcome.DONE, Outcome.FOLLOW_UP, Outcome.NOBODY_HOME, Outcome.DECLINED),
        weights=(64, 14, 17, 5),
    )[0]


def _door_visits(
    g: _Gen, door: _Door, first: date, today: date, ward_code: str, officer: Member
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


def _correct(g: _Gen, visit: Visit) -> Visit:
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


def generate(
    seed: int = 42,
    households: int = 3000,
    weeks: int = 4,
    today: date | None = None,
    villages: int = 14,
    ward_code: str = DEMO_WARD,
) -> DemoDataset:
    """Build the demo dataset. Visits fall in the ``weeks`` weeks before ``today``.

    Raises ``ValueError`` for counts out of range or a ward not in Hà Tĩnh's list.
    """
    if not 1 <= households <= 50_000:
        raise ValueError("households must be between 1 and 50000")
    if not 1 <= weeks <= 52:
        raise ValueError("weeks must be between 1 and 52")
    if not 1 <= villages <= 200:
        raise ValueError("villages must be between 1 and 200")
    wards = tuple(load_wards(DEMO_PROVINCE))
    if ward_code not in {w.code for w in wards}:
        raise ValueError(f"ward {ward_code} is not in province {DEMO_PROVINCE}")
    today = today or date.today()
    g = _Gen(seed, load_procedures())
    phones: set[str] = set()
    village_list = _villages(g, ward_code, villages)
    teams, members = _teams(g, ward_code, village_list, phones)
    officer = members[-1]
    by_team: dict[str | None, list[Member]] = {}
    for m in members:
        by_team.setdefault(m.team_id, []).append(m)
    sizes = _split(households, [g.rng.uniform(0.6, 1.4) for _ in village_list])
    days = [today - timedelta(days=d) for d in range(7 * weeks, 0, -1)]
    # Weekends are busier: more people at home, more Youth Union volunteers free.
    day_weights = [1.6 if d.weekday() >= 5 else 1.0 for d in days]
    all_households: list[Household] = []
    visits: list[Visit] = []
    for village, team, size in zip(village_list, teams, sizes, strict=True):
        coverage = g.rng.uniform(0.35, 0.9)
        centre = (
            _CENTRE[0] + g.rng.uniform(-0.012, 0.012),
            _CENTRE[1] + g.rng.uniform(-0.012, 0.012),
        )
        for household in _households(g, village, size, phones):
            if not g.chance(coverage):
                all_households.append(household)
                continue
            consent = Consent.DECLINED if g.chance(0.06) else Consent.GIVEN
            door = _Door(household, by_team[team.id], centre, consent)
            first = g.rng.choices(days, weights=day_weights)[0]
            door_visits = _door_visits(g, door, first, today, ward_code, officer)
            if any(v.consent == Consent.DECLINED for v in door_visits):
                # Counted without personal details: keep only the door's place and size.
                household = replace(household, head_name="", phone=None)
            all_households.append(household)
            visits.extend(door_visits)
    corrections = [
        _correct(g, v)
        for v in visits
        if v.outcome in (Outcome.DONE, Outcome.FOLLOW_UP) and g.chance(0.015)
    ]
    ordered = sorted(visits + corrections, key=lambda v: v.visited_at)
    return DemoDataset(
        seed=seed,
        today=today.isoformat(),
        weeks=weeks,
        ward_code=ward_code,
        wards=wards,
        villages=tuple(village_list),
        teams=tuple(teams),
        members=tuple(members),
        households=tuple(all_households),
        visits=tuple(ordered),
    )


def summarize(ds: DemoDataset) -> dict[str, int]:
    """Counts for a summary line: villages, households, visits by outcome, corrections…"""
    outcomes = Counter(str(v.outcome) for v in ds.visits)
    return {
        "villages": len(ds.villages),
        "teams": len(ds.teams),
        "members": len(ds.members),
        "households": len(ds.households),
        "households_visited": len({v.household_id for v in ds.visits}),
        "visits": len(ds.visits),
        **{f"outcome_{o}": outcomes.get(str(o), 0) for o in Outcome},
        "corrections": sum(1 for v in ds.visits if v.supersedes),
        "activities": sum(len(v.activities) for v in ds.visits),
    }


def dataset_to_json(ds: DemoDataset) -> dict[str, Any]:
    """The JSON file form (wire shapes from the domain model plus a provenance block)."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "provenance": {**PROVENANCE, "seed": ds.seed, "today": ds.today, "weeks": ds.weeks},
        "ward_code": ds.ward_code,
        "wards": [
            {"code": w.code, "name": w.name, "kind": w.kind, "province_code": w.province_code}
            for w in ds.wards
        ],
        "villages": [
            {"id": v.id, "ward_code": v.ward_code, "name": v.name, "kind": v.kind}
            for v in ds.villages
        ],
        "teams": [
            {"id": t.id, "name": t.name, "ward_code": t.ward_code,
             "village_ids": list(t.village_ids)}
            for t in ds.teams
        ],
        "members": [
            {"id": m.id, "name": m.name, "role": str(m.role), "team_id": m.team_id,
             "phone": m.phone}
            for m in ds.members
        ],
        "households": [h.to_dict() for h in ds.households],
        "visits": [v.to_dict() for v in ds.visits],
    }  # fmt: skip


def dataset_from_json(doc: Mapping[str, Any]) -> DemoDataset:
    """Read the JSON form back; households and visits go through the domain validators.

    Raises ``ValueError`` (a :class:`~fieldapp.domain.validation.ValidationError` for a
    bad household or visit) when the document is not a valid demo dataset.
    """
    if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    if doc.get("version") != FORMAT_VERSION:
        raise ValueError(f"unsupported {FORMAT} version: {doc.get('version')!r}")
    try:
        prov = doc["provenance"]
        procedures = load_procedures()
        return DemoDataset(
            seed=int(prov["seed"]), today=str(prov["today"]), weeks=int(prov["weeks"]),
            ward_code=str(doc["ward_code"]),
            wards=tuple(Ward(**w) for w in doc["wards"]),
            villages=tuple(Village(**v) for v in doc["villages"]),
            teams=tuple(
                Team(id=t["id"], name=t["name"], ward_code=t["ward_code"],
                     village_ids=tuple(t["village_ids"]))
                for t in doc["teams"]
            ),
            members=tuple(
                Member(id=m["id"], name=m["name"], role=Role(m["role"]), team_id=m["team_id"],
                       phone=m.get("phone"))
                for m in doc["members"]
            ),
            households=tuple(parse_household(h) for h in doc["households"]),
            visits=tuple(parse_visit(v, procedures=procedures) for v in doc["visits"]),
        )  # fmt: skip
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed {FORMAT} document: {exc!r}") from exc
