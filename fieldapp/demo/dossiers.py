"""Later word on the demo's dossiers: follow-ups by phone, at the support desk or the door.

Drawn from a generator of its own (seeded from the dataset's seed), after every other
visit, so adding them left the rest of the demo dataset exactly as it was. Each follow-up
is a visit with one ``dossier_update`` naming a dossier submitted earlier — the demo's
submissions carry no ``dossier_id`` (as from phones before ids), so they are named
``"<visit id>.<index>"`` — and passes ``parse_visit`` like every demo visit.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone

from fieldapp.domain.dossier import legacy_dossier_id
from fieldapp.domain.model import (
    Activity,
    ActivityKind,
    Channel,
    DossierStatus,
    FeeStatus,
    Outcome,
    Procedure,
    Visit,
)

__all__ = ["follow_ups"]

_TZ = timezone(timedelta(hours=7))
_STATUSES = (
    DossierStatus.RESULT_RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.NEEDS_PAPERS,
    DossierStatus.REFUSED,
)
_CHANNELS = (Channel.PHONE, Channel.DESK, Channel.HOME)


def follow_ups(
    seed: int, visits: Sequence[Visit], procedures: Mapping[str, Procedure], today: date
) -> list[Visit]:
    """About half the dossiers of the effective ``visits`` get one follow-up before today."""
    rng = random.Random(f"fieldapp-demo-dossiers-{seed}")
    superseded = {v.supersedes for v in visits if v.supersedes}
    out: list[Visit] = []
    for visit in visits:
        if visit.id in superseded:
            continue
        for index, act in enumerate(visit.activities):
            if act.kind != ActivityKind.DOSSIER_SUBMITTED or rng.random() >= 0.55:
                continue
            day = date.fromisoformat(visit.visited_at[:10]) + timedelta(days=rng.randint(2, 12))
            status = rng.choices(_STATUSES, weights=(50, 25, 10, 5))[0]
            proc = procedures.get(act.procedure_code or "")
            fee = None
            if proc is not None and proc.fee_vnd:
                fee = rng.choice((FeeStatus.AWAITING_PAYMENT, FeeStatus.PAID_ONLINE))
            moment = datetime.combine(day, time(8, 0), _TZ) + timedelta(minutes=rng.randrange(540))
            if day >= today:
                continue
            out.append(
                Visit(
                    id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    household_id=visit.household_id,
                    member_id=visit.member_id,
                    visited_at=moment.isoformat(),
                    consent=visit.consent,
                    outcome=Outcome.DONE,
                    people_guided=1,
                    activities=(
                        Activity(
                            ActivityKind.DOSSIER_UPDATE,
                            dossier_id=legacy_dossier_id(visit.id, index),
                            dossier_status=status,
                            fee_status=fee,
                        ),
                    ),
                    channel=rng.choice(_CHANNELS),
                )
            )
    return out
