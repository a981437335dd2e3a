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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from fieldapp.demo.dossiers import follow_ups
from fieldapp.demo.names import full_name
from fieldapp.demo.visits import Door, Gen, correct, door_visits
from fieldapp.domain.model import (
    Consent,
    Household,
    Member,
    Outcome,
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
# Centre of phường Sông Trí, roughly; villages are scattered around it.
_CENTRE = (18.075, 106.298)
# Household sizes 1–8, most with 3–5 people.
_SIZE_WEIGHTS = (6, 14, 20, 24, 17, 10, 6, 3)


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


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder)."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _villages(g: Gen, ward_code: str, count: int) -> list[Village]:
    return [
        Village(id=g.uid(), ward_code=ward_code, name=f"Tổ dân phố {i}", kind="tổ dân phố")
        for i in range(1, count + 1)
    ]


def _phone(g: Gen, used: set[str], block: str) -> str:
    """A unique ``+849000…`` number: well-formed, obviously not a real subscriber's."""
    while True:
        number = f"+849000{block}{g.rng.randrange(10_000):04d}"
        if number not in used:
            used.add(number)
            return number


def _teams(
    g: Gen, ward_code: str, villages: Sequence[Village], phones: set[str]
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


def _households(g: Gen, village: Village, count: int, phones: set[str]) -> list[Household]:
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
    g = Gen(seed, load_procedures())
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
            door = Door(household, by_team[team.id], centre, consent)
            first = g.rng.choices(days, weights=day_weights)[0]
            drawn = door_visits(g, door, first, today, ward_code, officer)
            if any(v.consent == Consent.DECLINED for v in drawn):
                # Counted without personal details: keep only the door's place and size.
                household = replace(household, head_name="", phone=None)
            all_households.append(household)
            visits.extend(drawn)
    corrections = [
        correct(g, v)
        for v in visits
        if v.outcome in (Outcome.DONE, Outcome.FOLLOW_UP) and g.chance(0.015)
    ]
    later = follow_ups(seed, visits + corrections, g.procedures, today)
    ordered = sorted(visits + corrections + later, key=lambda v: v.visited_at)
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
