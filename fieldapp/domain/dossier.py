"""A dossier's life, derived from visits: pure, no I/O, the same on the phone and the server.

Visits are immutable events. A ``dossier_submitted`` activity opens a dossier; later
``dossier_update`` activities (a visit at the door, a phone call, the support desk) and
``fee_paid`` activities naming its ``dossier_id`` move it on. :func:`derive_dossiers` drops
superseded visits and folds the rest in ``(visited_at, id)`` order, so every device and the
server that hold the same visits derive the same dossiers, whatever order they got them in.

An update whose submission is not (yet) among the visits — it synced first, or the phone
that made it has a clock behind the one that recorded the submission — is kept aside and
applied, in its own order, right after the submission when that arrives.

An update applies only to a dossier of its own household: the server derives one
household at a time, and the phone must reach the same answer over all of its visits.

>>> from fieldapp.domain.model import Activity, ActivityKind, Consent, Outcome, Visit
>>> sub = Visit("a" * 8 + "-0000-4000-8000-" + "0" * 12, "h", "m", "2026-11-02T09:00:00+07:00",
...             Consent.GIVEN, Outcome.DONE, 1,
...             (Activity(ActivityKind.DOSSIER_SUBMITTED, "1.001193", ProcedureLevel.FULL),))
>>> [(d.dossier_id[-2:], d.status.value) for d in derive_dossiers([sub]).values()]
[('.0', 'submitted')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone

from fieldapp.domain.model import (
    Activity,
    ActivityKind,
    Channel,
    DossierStatus,
    FeeStatus,
    PaymentStatus,
    Procedure,
    ProcedureLevel,
    Visit,
)

__all__ = [
    "DOSSIER_COLUMNS",
    "LATE_STATUSES",
    "RESULT_PENDING",
    "DossierState",
    "derive_dossiers",
    "dossier_record",
    "is_overdue",
    "late_from",
    "legacy_dossier_id",
    "submission_order",
    "waiting_days",
    "waiting_working_days",
]

# Statuses in which the household still waits for the agency's result. "needs_papers"
# waits too, but on the household: it is waiting, and never overdue.
RESULT_PENDING = frozenset(
    (DossierStatus.SUBMITTED, DossierStatus.PROCESSING, DossierStatus.NEEDS_PAPERS)
)
# Statuses in which the agency holds the dossier, so it can be late.
LATE_STATUSES = frozenset((DossierStatus.SUBMITTED, DossierStatus.PROCESSING))

# Device clocks in Vietnam: a time written without an offset is read as Vietnam time, so
# that ordering never fails on a mix of written and unwritten offsets.
_VIETNAM = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class DossierState:
    """Where one dossier stands after every visit that speaks of it.

    ``submitted_*`` and ``member_id`` come from the submission; ``updated_at``,
    ``last_visit_id`` and ``channel`` from the last visit applied to it (the submission
    itself until a follow-up comes). ``payment_status`` says how a paid fee is known.
    """

    dossier_id: str
    household_id: str
    procedure_code: str
    level: ProcedureLevel | None
    dossier_no: str | None
    submitted_at: str
    submitted_visit_id: str
    member_id: str
    status: DossierStatus
    fee_status: FeeStatus
    payment_status: PaymentStatus | None
    receipt_no: str | None
    updated_at: str
    last_visit_id: str
    channel: Channel

    @property
    def waiting_for_result(self) -> bool:
        return self.status in RESULT_PENDING

    @property
    def waiting_for_payment(self) -> bool:
        return self.fee_status == FeeStatus.AWAITING_PAYMENT


def legacy_dossier_id(visit_id: str, index: int) -> str:
    """The id of a submission recorded before dossiers had ids: its visit and position.

    >>> legacy_dossier_id("0a1b", 2)
    '0a1b.2'
    """
    return f"{visit_id}.{index}"


def _instant(visited_at: str) -> datetime:
    moment = datetime.fromisoformat(visited_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_VIETNAM)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # A clock at the calendar's edge (year 1 or 9999, its offset crossing it in UTC):
        # device clocks are data, so such a visit is stored; it sorts at that edge.
        edge = datetime.min if moment.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


def _order(visit: Visit) -> tuple[datetime, str]:
    return (_instant(visit.visited_at), visit.id)


def submission_order(state: DossierState) -> tuple[datetime, str]:
    """The order :func:`derive_dossiers` gives its result: the submitting visit's order,
    to merge the dossiers of several households derived one at a time."""
    return (_instant(state.submitted_at), state.submitted_visit_id)


def _opened(visit: Visit, index: int, act: Activity) -> DossierState:
    fee = act.fee_status or FeeStatus.NOT_DUE
    return DossierState(
        dossier_id=act.dossier_id or legacy_dossier_id(visit.id, index),
        household_id=visit.household_id,
        procedure_code=act.procedure_code or "",
        level=act.level,
        dossier_no=act.dossier_no,
        submitted_at=visit.visited_at,
        submitted_visit_id=visit.id,
        member_id=visit.member_id,
        status=DossierStatus.SUBMITTED,
        fee_status=fee,
        payment_status=PaymentStatus.SELF_REPORTED if fee == FeeStatus.PAID_ONLINE else None,
        receipt_no=None,
        updated_at=visit.visited_at,
        last_visit_id=visit.id,
        channel=visit.channel,
    )


def _applied(state: DossierState, visit: Visit, act: Activity) -> DossierState:
    """``state`` after one update or fee payment; fields the activity leaves out stay."""
    fee = state.fee_status
    payment = state.payment_status
    if act.kind == ActivityKind.FEE_PAID:
        fee = FeeStatus.PAID_ONLINE
        payment = act.payment_status or PaymentStatus.SELF_REPORTED
    elif act.fee_status is not None:
        fee = act.fee_status
        if fee == FeeStatus.PAID_ONLINE:
            # The household's word unless a receipt was checked (validation requires one).
            payment = act.payment_status or payment or PaymentStatus.SELF_REPORTED
        else:
            payment = None
    return replace(
        state,
        status=act.dossier_status or state.status,
        fee_status=fee,
        payment_status=payment,
        dossier_no=act.dossier_no or state.dossier_no,
        receipt_no=act.receipt_no or state.receipt_no,
        updated_at=visit.visited_at,
        last_visit_id=visit.id,
        channel=visit.channel,
    )


def derive_dossiers(visits: Iterable[Visit]) -> dict[str, DossierState]:
    """Every dossier the visits speak of, by ``dossier_id``, in submission order.

    Superseded visits (named by another visit's ``supersedes``) are dropped first, so a
    correction replaces what the corrected visit said. Updates without a known
    submission are kept aside until it comes; if it never does they change nothing.
    Should two households' submissions share an id (only a forged one could), the
    earlier submission keeps it, so the result is still independent of input order.
    """
    given = list(visits)
    superseded = {v.supersedes for v in given if v.supersedes}
    effective = sorted((v for v in given if v.id not in superseded), key=_order)
    found: dict[tuple[str, str], DossierState] = {}
    waiting: defaultdict[tuple[str, str], list[tuple[Visit, Activity]]] = defaultdict(list)
    for visit in effective:
        for index, act in enumerate(visit.activities):
            if act.kind == ActivityKind.DOSSIER_SUBMITTED:
                state = _opened(visit, index, act)
                key = (visit.household_id, state.dossier_id)
                if key in found:
                    continue  # the same dossier submitted twice: the first one stands
                for earlier_visit, earlier in waiting.pop(key, ()):
                    state = _applied(state, earlier_visit, earlier)
                found[key] = state
            elif act.dossier_id and act.kind in (
                ActivityKind.DOSSIER_UPDATE,
                ActivityKind.FEE_PAID,
            ):
                key = (visit.household_id, act.dossier_id)
                if key in found:
                    found[key] = _applied(found[key], visit, act)
                else:
                    waiting[key].append((visit, act))
    out: dict[str, DossierState] = {}
    for state in found.values():
        out.setdefault(state.dossier_id, state)
    return out


def _day(moment: str) -> date:
    """The calendar day a visit happened on, as the device wrote it (local time)."""
    return datetime.fromisoformat(moment).date()


def waiting_days(state: DossierState, today: date) -> int:
    """Calendar days since the dossier was submitted (what the household has waited).

    >>> s = DossierState("d", "h", "1.001193", None, None, "2026-11-02T09:00:00+07:00", "v",
    ...     "m", DossierStatus.SUBMITTED, FeeStatus.NOT_DUE, None, None, "", "v", Channel.HOME)
    >>> waiting_days(s, date(2026, 11, 12))
    10
    """
    return max(0, (today - _day(state.submitted_at)).days)


def waiting_working_days(state: DossierState, today: date) -> int:
    """Working days (Monday–Friday) from the day after submission up to ``today``.

    Public holidays are not known to the app and count as working days, so a dossier is
    called late a little early across Tết rather than never.

    >>> s = DossierState("d", "h", "1.001193", None, None, "2026-11-06T09:00:00+07:00", "v",
    ...     "m", DossierStatus.SUBMITTED, FeeStatus.NOT_DUE, None, None, "", "v", Channel.HOME)
    >>> waiting_working_days(s, date(2026, 11, 10))  # Friday → Tuesday: Monday, Tuesday
    2
    """
    submitted = _day(state.submitted_at)
    if today <= submitted:
        return 0
    start = submitted + timedelta(days=1)
    days = (today - start).days + 1
    weeks, rest = divmod(days, 7)
    # Whole weeks hold five working days each; of the rest, count those before Saturday.
    return weeks * 5 + sum(1 for i in range(rest) if (start.weekday() + i) % 7 < 5)


def late_from(state: DossierState, procedure: Procedure | None) -> date | None:
    """The first day on which the dossier is late if still with the agency: the working
    day after the procedure's last allowed one. None without a known processing time.

    Stored with each dossier on the server, so coverage counts late dossiers in SQL.

    >>> s = DossierState("d", "h", "1.004222", None, None, "2026-11-06T16:00:00+07:00", "v",
    ...     "m", DossierStatus.SUBMITTED, FeeStatus.NOT_DUE, None, None, "", "v", Channel.HOME)
    >>> late_from(s, Procedure("1.004222", "", "", ProcedureLevel.FULL, processing_days=7))
    datetime.date(2026, 11, 18)
    """
    if procedure is None or procedure.processing_days is None:
        return None
    day = _day(state.submitted_at)
    counted = 0
    try:
        while counted <= procedure.processing_days:
            day += timedelta(days=1)
            if day.weekday() < 5:
                counted += 1
    except OverflowError:
        return None  # a device clock at the end of the calendar: no day comes after it
    return day


def is_overdue(state: DossierState, procedure: Procedure | None, today: date) -> bool:
    """Whether the agency has taken longer than the procedure's statutory time: more
    working days since submission than it allows (see :func:`late_from`).

    Only a dossier still with the agency (submitted or being processed) can be late; one
    that needs papers waits on the household. Without a known processing time, never.
    """
    if state.status not in LATE_STATUSES:
        return False
    late = late_from(state, procedure)
    return late is not None and today >= late


# The flat record of a derived dossier, in column order: the server's ``dossiers`` table
# and the phone's coverage (fieldapp.coverage.queries) both use this shape.
DOSSIER_COLUMNS: tuple[str, ...] = (
    "household_id",
    "dossier_id",
    "procedure_code",
    "level",
    "dossier_no",
    "submitted_at",
    "submitted_visit_id",
    "member_id",
    "status",
    "fee_status",
    "payment_status",
    "receipt_no",
    "updated_at",
    "last_visit_id",
    "channel",
    "late_from",
)


def dossier_record(
    state: DossierState, procedures: Mapping[str, Procedure]
) -> dict[str, str | None]:
    """``state`` as text, keyed by :data:`DOSSIER_COLUMNS`, with its :func:`late_from` day
    looked up in the procedure catalogue ``procedures`` (code → Procedure)."""
    late = late_from(state, procedures.get(state.procedure_code))
    record: dict[str, str | None] = {}
    for name in DOSSIER_COLUMNS[:-1]:
        value = getattr(state, name)
        record[name] = None if value is None else str(value)
    record["late_from"] = late.isoformat() if late else None
    return record
