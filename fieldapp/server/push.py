"""Applying a pushed batch: sequence check, idempotency, merge, quarantine.

Runs inside one write transaction (:meth:`ServerDB.write`): the effects and the new
high-water mark commit together or not at all. Rules (see ``docs/protocol.md``):

* ``seq <= hwm`` is a resend: ignored if its digest matches what was received, refused
  (``device_reset``) if the device reused the number for something else;
* the rest must run ``hwm+1, hwm+2, …``, otherwise 409 with the expected seq;
* an invalid or out-of-scope mutation is quarantined and still advances the mark,
  so one bad record never jams the queue.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from fieldapp import records
from fieldapp.domain.model import HOUSEHOLD_FIELDS, VISIT_FIELDS, Household, Visit
from fieldapp.domain.validation import (
    REDACTED,
    ValidationError,
    parse_household,
    redact_id_numbers,
    withhold_personal,
)
from fieldapp.messages import words
from fieldapp.reference import load_procedures
from fieldapp.server.accounts import json_dumps
from fieldapp.server.db import Writer, now_iso
from fieldapp.server.dossiers import refresh_dossiers
from fieldapp.server.errors import ApiError
from fieldapp.server.storage import Principal
from fieldapp.sync.protocol import (
    Entity,
    HouseholdCreate,
    HouseholdUpdate,
    Mutation,
    MutationResult,
    Op,
    Record,
    ResultStatus,
    VisitCreate,
    read_record,
)

__all__ = [
    "HOUSEHOLD_FIELDS",
    "REASONS",
    "REDACTED",
    "apply_batch",
    "current_household",
    "insert_visit",
    "refresh_summaries",
    "stamp_change",
    "write_household",
]

EARLIEST_PLAUSIBLE = "2024-01-01"

# reason → (Vietnamese, English): what the member sees next to the record (fieldapp.messages).
REASONS: dict[str, tuple[str, str]] = {
    code: words(code)
    for code in (
        "invalid",
        "out_of_scope",
        "unknown_household",
        "unknown_village",
        "visit_conflict",
        "member_mismatch",
        "unknown_supersedes",
        "already_superseded",
        "id_mismatch",
        "id_conflict",
    )
}


# Same text as ``accounts.json_dumps`` (sorted keys, compact, UTF-8), without building an
# encoder per call: digests logged before orjson must stay byte-identical.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
VISIT_COLUMNS = (
    *VISIT_FIELDS,
    "village_id",
    "device_id",
    "received_at",
    "clock_suspect",
)
_CONTENT = records.VISIT_CONTENT
_INSERT_VISIT = (
    f"INSERT INTO visits ({', '.join(VISIT_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(VISIT_COLUMNS))})"
)
_INSERT_ACTIVITY = records.INSERT_ACTIVITY
# Ids per ``IN (...)`` lookup: well under SQLite's bound-parameter limit.
_CHUNK = 500


@dataclass
class _Clock:
    """Bounds for :func:`clock_suspect`, computed once per batch."""

    received_at: str
    earliest: datetime
    latest: datetime

    @classmethod
    def at(cls, received_at: str) -> _Clock:
        received = datetime.fromisoformat(received_at)
        return cls(received_at, datetime(2024, 1, 1, tzinfo=UTC), received + timedelta(days=1))

    def suspect(self, device_time: str | None) -> bool:
        if not device_time:
            return False
        try:
            t = datetime.fromisoformat(device_time)
        except ValueError:
            return True
        if t.tzinfo is None:
            t = t.replace(tzinfo=UTC)
        return t < self.earliest or t > self.latest


@dataclass
class _Batch:
    w: Writer
    principal: Principal
    device_id: str
    received_at: str
    procedures: dict[str, Any]
    clock: _Clock
    touched_households: set[str] = field(default_factory=set)
    log: list[tuple[Any, ...]] = field(default_factory=list)
    # seq → (digest, status, code) of what this batch logged (for a number sent twice).
    logged: dict[int, tuple[str, str, str | None]] = field(default_factory=dict)
    # household id → village id, or None when the server has no such household. Loaded
    # in bulk for the batch's visits; entries are dropped when a household is written.
    villages: dict[str, str | None] = field(default_factory=dict)
    # visit id → stored row (VISIT_COLUMNS order) for the batch's visit ids that exist,
    # including those inserted earlier in this batch.
    visits: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # Visit and activity rows not yet inserted (one executemany each; see _flush_visits).
    visit_rows: list[tuple[Any, ...]] = field(default_factory=list)
    activity_rows: list[tuple[Any, ...]] = field(default_factory=list)


class _Quarantine(Exception):
    def __init__(
        self, reason: str, detail: dict[str, Any] | None = None, village: str | None = None
    ):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or {}
        self.village = village


# Digests written since orjson carry this prefix; older ones (bare hex) were computed
# with the standard json module and are recomputed that way when compared.
_DIGEST_V2 = "2:"


def digest(m: Mutation) -> str:
    """What makes two sends "the same mutation" (the device's created_at excluded)."""
    try:
        body = orjson.dumps(
            [str(m.entity), m.entity_id, str(m.op), m.payload, m.base_version],
            option=orjson.OPT_SORT_KEYS,
        )
    except (orjson.JSONEncodeError, TypeError):  # e.g. an integer beyond 64 bits
        return _digest_v1(m)
    return _DIGEST_V2 + hashlib.sha256(body).hexdigest()


def _digest_v1(m: Mutation) -> str:
    body = _CANONICAL.encode([str(m.entity), m.entity_id, str(m.op), m.payload, m.base_version])
    return hashlib.sha256(body.encode()).hexdigest()


def same_mutation(logged_digest: str, m: Mutation) -> bool:
    """Whether ``m`` is what was logged under its seq, whichever digest form was stored."""
    if logged_digest.startswith(_DIGEST_V2):
        return logged_digest == digest(m)
    return logged_digest == _digest_v1(m)


def stamp_change(w: Writer, entity: str, entity_id: str, village_id: str) -> int:
    """Put a record on the pull feed with a fresh, commit-ordered cursor value."""
    seq = w.next_change_seq()
    w.stamps[(entity, entity_id)] = (village_id, seq)
    return seq


def apply_batch(
    w: Writer, principal: Principal, device_id: str, batch: Sequence[Mutation]
) -> tuple[int, list[MutationResult]]:
    """Apply a batch; returns (new high-water mark, one result per mutation)."""
    row = w.conn.execute("SELECT hwm, revoked_at FROM devices WHERE id = ?", [device_id]).fetchone()
    if row[1] is not None:
        # Revoked while this push waited for the writer: refused like any later request.
        raise ApiError("unauthenticated")
    hwm: int = row[0]
    received_at = now_iso()
    ctx = _Batch(w, principal, device_id, received_at, load_procedures(), _Clock.at(received_at))
    _preload(ctx, [m for m in batch if m.seq > hwm])
    results: list[MutationResult] = []
    expected = hwm + 1
    for m in batch:
        if m.seq < expected:  # at or below the mark, counting this batch's own entries
            results.append(_resend(ctx, m))
            continue
        if m.seq != expected:
            # Nothing of this request is kept: the device resends from `hwm + 1`.
            raise ApiError("sequence_gap", expected_seq=hwm + 1, field="batch")
        results.append(_apply_one(ctx, m))
        expected += 1
    new_hwm = expected - 1
    _flush_visits(ctx)
    w.conn.executemany(
        "INSERT INTO mutation_log (device_id, seq, digest, entity, entity_id, status, code,"
        " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ctx.log,
    )
    refresh_summaries(w, ctx.touched_households)
    w.conn.execute(
        "UPDATE devices SET hwm = ?, last_seen_at = ? WHERE id = ?",
        [new_hwm, ctx.received_at, device_id],
    )
    return new_hwm, results


def _rows_by_id(w: Writer, sql: str, ids: Iterable[str]) -> Iterable[tuple[Any, ...]]:
    """Rows of ``sql`` (with one ``{}`` for the placeholders) for ``ids``, in chunks."""
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        yield from w.conn.execute(sql.format(", ".join("?" * len(chunk))), chunk)


def _preload(ctx: _Batch, batch: Sequence[Mutation]) -> None:
    """Read what the batch's visits will ask about in two queries instead of two per visit."""
    visit_ids = [m.entity_id for m in batch if m.entity == Entity.VISIT]
    if not visit_ids:
        return
    household_ids = {
        h
        for m in batch
        if m.entity == Entity.VISIT and isinstance(h := m.payload.get("household_id"), str)
    }
    ctx.villages = dict.fromkeys(household_ids)
    sql = "SELECT id, village_id FROM households WHERE id IN ({})"
    for household_id, village in _rows_by_id(ctx.w, sql, household_ids):
        ctx.villages[household_id] = village
    cols = ", ".join(VISIT_COLUMNS)
    for row in _rows_by_id(ctx.w, f"SELECT {cols} FROM visits WHERE id IN ({{}})", visit_ids):
        ctx.visits[row[0]] = row


def _flush_visits(ctx: _Batch) -> None:
    """Insert the buffered visit rows, then their activities (they reference the visits)."""
    if ctx.visit_rows:
        ctx.w.conn.executemany(_INSERT_VISIT, ctx.visit_rows)
        ctx.visit_rows.clear()
    if ctx.activity_rows:
        ctx.w.conn.executemany(_INSERT_ACTIVITY, ctx.activity_rows)
        ctx.activity_rows.clear()


def _household_village(ctx: _Batch, household_id: str) -> str | None:
    if household_id in ctx.villages:
        return ctx.villages[household_id]
    row = ctx.w.conn.execute(
        "SELECT village_id FROM households WHERE id = ?", [household_id]
    ).fetchone()
    village: str | None = row[0] if row else None
    ctx.villages[household_id] = village
    return village


def _resend(ctx: _Batch, m: Mutation) -> MutationResult:
    # The same number twice in one batch: the first copy is not in mutation_log yet.
    logged = (
        ctx.logged.get(m.seq)
        or ctx.w.conn.execute(
            "SELECT digest, status, code FROM mutation_log WHERE device_id = ? AND seq = ?",
            [ctx.device_id, m.seq],
        ).fetchone()
    )
    if logged is not None and not same_mutation(logged[0], m):
        raise ApiError("device_reset", field="batch")
    code = logged[2] if logged else None
    return MutationResult(seq=m.seq, status=ResultStatus.DUPLICATE, code=code)


def _apply_one(ctx: _Batch, m: Mutation) -> MutationResult:
    # Every quarantine decision is taken before the first write of a mutation, so a
    # quarantined mutation has written nothing (no savepoint needed).
    try:
        if m.entity == Entity.VISIT:
            conflicts: list[str] = []
            _apply_visit(ctx, m)
        else:
            # Household writes may move visits (and create households visits refer to):
            # buffered visits go in first, the village cache forgets this household.
            _flush_visits(ctx)
            ctx.villages.pop(m.entity_id, None)
            conflicts = _apply_household(ctx, m)
        # Built from values this module made (no validation needed: once per mutation).
        result = MutationResult.model_construct(
            seq=m.seq, status=ResultStatus.APPLIED, conflicts=conflicts
        )
    except _Quarantine as q:
        result = _quarantine(ctx, m, q)
    _log(ctx, m, result)
    return result


def _log(ctx: _Batch, m: Mutation, result: MutationResult) -> None:
    logged_digest = digest(m)
    ctx.logged[m.seq] = (logged_digest, str(result.status), result.code)
    ctx.log.append(
        (
            ctx.device_id,
            m.seq,
            logged_digest,
            str(m.entity),
            redact_id_numbers(m.entity_id),
            str(result.status),
            result.code,
            ctx.received_at,
        )
    )


def _quarantine(ctx: _Batch, m: Mutation, q: _Quarantine) -> MutationResult:
    vi, en = REASONS[q.reason]
    # Problem paths may name what was sent (an unknown field's name): screened too.
    detail = redact_id_numbers(q.detail)
    problems = detail.get("problems")
    if problems:
        vi = vi + " " + "; ".join(f"{p['field']}: {p['message_vi']}" for p in problems)
        en = en + " " + "; ".join(f"{p['field']}: {p['message_en']}" for p in problems)
    # Raw input, kept for review whatever the reason: nothing in it that looks like an
    # ID-card number is stored (the ID screen may not be why it was refused), nor a visit's
    # personal details when the household did not consent (that may not be why either).
    ctx.w.conn.execute(
        "INSERT INTO quarantine (device_id, member_id, team_id, seq, entity, entity_id, op,"
        " payload, base_version, reason, detail, village_id, device_created_at, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ctx.device_id,
            ctx.principal.member_id,
            ctx.principal.team_id,
            m.seq,
            str(m.entity),
            redact_id_numbers(m.entity_id),
            str(m.op),
            json_dumps(
                redact_id_numbers(
                    withhold_personal(m.payload) if m.entity == Entity.VISIT else m.payload
                )
            ),
            m.base_version,
            q.reason,
            json_dumps(detail),
            q.village,
            redact_id_numbers(m.created_at),
            ctx.received_at,
        ],
    )
    return MutationResult(
        seq=m.seq, status=ResultStatus.QUARANTINED, code=q.reason, message_vi=vi, message_en=en
    )


def _problems(exc: ValidationError) -> dict[str, Any]:
    return {"problems": [p.to_dict() for p in exc.problems]}


def clock_suspect(device_time: str | None, received_at: str) -> bool:
    """Device clocks are data: flag times before 2024 or more than a day ahead."""
    return _Clock.at(received_at).suspect(device_time)


# -- visits --------------------------------------------------------------------------------


def _apply_visit(ctx: _Batch, m: Mutation) -> None:
    record = _record(ctx, m)
    if not isinstance(record, VisitCreate):  # visits are never updated
        raise _Quarantine("invalid", {"problems": [_op_problem()]})
    visit = record.visit
    if visit.id != m.entity_id:
        raise _Quarantine("id_mismatch")
    village = _household_village(ctx, visit.household_id)
    if village is None:
        raise _Quarantine("unknown_household")
    if village not in ctx.principal.village_ids:
        raise _Quarantine("out_of_scope", village=village)
    if visit.member_id != ctx.principal.member_id:
        raise _Quarantine("member_mismatch", village=village)
    suspect = ctx.clock.suspect(visit.visited_at) or ctx.clock.suspect(m.created_at)
    row = visit_values(visit, village, ctx.device_id, ctx.received_at, suspect)
    existing = ctx.visits.get(visit.id)
    if existing is not None:
        if row[_CONTENT] == existing[_CONTENT]:
            return  # same id, same content: a harmless repeat
        raise _Quarantine("visit_conflict", village=village)
    if visit.supersedes:
        _flush_visits(ctx)  # the visit it corrects may be waiting in the buffer
        old = ctx.w.conn.execute(
            "SELECT household_id, superseded_by FROM visits WHERE id = ?", [visit.supersedes]
        ).fetchone()
        if old is None or old[0] != visit.household_id:
            raise _Quarantine("unknown_supersedes", village=village)
        if old[1]:
            raise _Quarantine("already_superseded", village=village)
    ctx.visit_rows.append(row)
    ctx.activity_rows.extend(records.activity_values(visit))
    ctx.visits[visit.id] = row
    if visit.supersedes:
        _flush_visits(ctx)
        _link_correction(ctx.w, visit, village)
    stamp_change(ctx.w, "visit", visit.id, village)
    ctx.touched_households.add(visit.household_id)


def visit_values(
    visit: Visit, village: str, device_id: str | None, received_at: str, suspect: bool
) -> tuple[Any, ...]:
    """The ``visits`` row in :data:`VISIT_COLUMNS` order (the device's codec, then the
    server's own columns)."""
    return (*records.encode_visit(visit), village, device_id, received_at, int(suspect))


def _link_correction(w: Writer, visit: Visit, village: str) -> None:
    assert visit.supersedes
    w.conn.execute("UPDATE visits SET superseded_by = ? WHERE id = ?", [visit.id, visit.supersedes])
    stamp_change(w, "visit", visit.supersedes, village)


def insert_visit(
    w: Writer, visit: Visit, village: str, device_id: str | None, received_at: str, suspect: bool
) -> None:
    """Insert one visit and its activities now (imports; pushes buffer them instead)."""
    w.conn.execute(_INSERT_VISIT, visit_values(visit, village, device_id, received_at, suspect))
    acts = records.activity_values(visit)
    if acts:
        w.conn.executemany(_INSERT_ACTIVITY, acts)
    if visit.supersedes:
        _link_correction(w, visit, village)
    stamp_change(w, "visit", visit.id, village)


def _op_problem() -> dict[str, str]:
    return {
        "field": "op",
        "code": "bad_choice",
        "message_vi": "Thao tác không hợp lệ cho loại bản ghi này.",
        "message_en": "Invalid operation for this record type.",
    }


# -- households ----------------------------------------------------------------------------


FieldVersions = dict[str, list[Any]]  # field → [version it last changed at, device id]


def current_household(
    w: Writer, household_id: str
) -> tuple[dict[str, Any], int, FieldVersions] | None:
    """(fields, version, field versions) of a stored household, or None (imports too)."""
    row = w.conn.execute(
        f"SELECT {records.HOUSEHOLD_SELECT}, version, field_versions FROM households WHERE id = ?",
        [household_id],
    ).fetchone()
    if row is None:
        return None
    return records.decode_household(row), row[-2], json.loads(row[-1])


def _record(ctx: _Batch, m: Mutation) -> Record | None:
    """The mutation's typed record (the domain rules decide), or quarantine as invalid."""
    try:
        return read_record(m.entity, m.op, m.entity_id, m.payload, ctx.procedures)
    except ValidationError as exc:
        raise _Quarantine("invalid", _problems(exc)) from None


def _apply_household(ctx: _Batch, m: Mutation) -> list[str]:
    base = m.base_version
    incoming: dict[str, Any] = {}
    if m.op != Op.CREATE:
        update = _record(ctx, m)
        if not isinstance(update, HouseholdUpdate):
            raise _Quarantine("invalid", {"problems": [_fields_problem()]})
        incoming = update.fields
    current = current_household(ctx.w, m.entity_id)
    if current is None:
        if m.op != Op.CREATE:
            raise _Quarantine("unknown_household")
        return _create_household(ctx, m)
    data, version, field_versions = current
    if data["village_id"] not in ctx.principal.village_ids:
        raise _Quarantine("out_of_scope", village=data["village_id"])
    if m.op == Op.CREATE:
        return _create_existing(ctx, m, data)
    changed = {k: v for k, v in incoming.items() if k != "id"}
    unknown = sorted(set(changed) - set(HOUSEHOLD_FIELDS))
    if unknown:
        raise _Quarantine("invalid", {"problems": [_fields_problem(unknown[0])]})
    merged = {**data, **changed}
    try:
        household = parse_household(merged)
    except ValidationError as exc:
        raise _Quarantine("invalid", _problems(exc)) from None
    if household.id != m.entity_id:
        raise _Quarantine("id_mismatch")
    clean = household.to_dict()
    if clean["village_id"] != data["village_id"]:
        _check_target_village(ctx, clean["village_id"])
    return _merge(ctx, m, data, version, field_versions, clean, set(changed), base)


def _new_household(ctx: _Batch, m: Mutation) -> Household:
    record = _record(ctx, m)
    assert isinstance(record, HouseholdCreate)  # op is create: parsed or quarantined
    return record.household


def _create_existing(ctx: _Batch, m: Mutation, data: dict[str, Any]) -> list[str]:
    """A ``create`` for an id the server already has: same content is a harmless repeat;
    other content is two records claiming one id, kept for review (never merged)."""
    household = _new_household(ctx, m)
    if household.id != m.entity_id:
        raise _Quarantine("id_mismatch")
    if household.to_dict() != data:
        raise _Quarantine("id_conflict", village=data["village_id"])
    return []


def _check_target_village(ctx: _Batch, village_id: str) -> None:
    if not ctx.w.conn.execute("SELECT 1 FROM villages WHERE id = ?", [village_id]).fetchone():
        raise _Quarantine("unknown_village")
    if village_id not in ctx.principal.village_ids:
        raise _Quarantine("out_of_scope", village=village_id)


def _create_household(ctx: _Batch, m: Mutation) -> list[str]:
    household = _new_household(ctx, m)
    if household.id != m.entity_id:
        raise _Quarantine("id_mismatch")
    _check_target_village(ctx, household.village_id)
    versions = {k: [1, ctx.device_id] for k in HOUSEHOLD_FIELDS}
    write_household(ctx.w, household, 1, versions, ctx.device_id, new=True)
    return []


def write_household(
    w: Writer,
    household: Household,
    version: int,
    field_versions: FieldVersions,
    device_id: str | None,
    *,
    new: bool,
    old_village: str | None = None,
) -> None:
    now = now_iso()
    row = records.household_row(
        household,
        version=version,
        field_versions=json_dumps(field_versions),
        updated_by_device=device_id,
        updated_at=now,
    )
    if new:
        row.update(created_by_device=device_id, created_at=now)
        cols = ", ".join(row)
        w.conn.execute(
            f"INSERT INTO households ({cols}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    else:
        sets = ", ".join(f"{k} = ?" for k in row if k != "id")
        w.conn.execute(
            f"UPDATE households SET {sets} WHERE id = ?",
            [v for k, v in row.items() if k != "id"] + [household.id],
        )
    stamp_change(w, "household", household.id, household.village_id)
    if old_village and old_village != household.village_id:
        _move_out(w, household.id, old_village, household.village_id)


def _move_out(w: Writer, household_id: str, old_village: str, new_village: str) -> None:
    """A household moved village: devices of the old village are told; visits follow it."""
    w.conn.execute(
        "INSERT INTO scope_exits (change_seq, entity, entity_id, village_id) VALUES (?, ?, ?, ?)",
        [w.next_change_seq(), "household", household_id, old_village],
    )
    w.conn.execute(
        "UPDATE visits SET village_id = ? WHERE household_id = ?", [new_village, household_id]
    )
    for (visit_id,) in w.conn.execute(
        "SELECT id FROM visits WHERE household_id = ? ORDER BY visited_at", [household_id]
    ).fetchall():
        stamp_change(w, "visit", visit_id, new_village)


def _merge(
    ctx: _Batch,
    m: Mutation,
    data: dict[str, Any],
    version: int,
    field_versions: FieldVersions,
    clean: dict[str, Any],
    sent: set[str],
    base: int | None,
) -> list[str]:
    """Per-field merge in server order. Returns the fields that met a concurrent edit.

    Only other devices' edits count as concurrent: a device's own earlier edits are always
    in its past because its outbox is FIFO. A field the device sent that another device
    changed since ``base`` to another value is
    a *hard* conflict (the later arrival wins, both values recorded); other fields changed
    since ``base`` make a *soft* conflict. Delete wins: edits to a tombstone are applied to
    its fields but the household stays deleted unless the device explicitly restores it.
    """
    base_v = base or 0
    changed = {k for k in HOUSEHOLD_FIELDS if k in sent and clean[k] != data[k]}
    if data["deleted"] and "deleted" not in sent and changed:
        clean["deleted"] = True
    concurrent = {
        k for k, (v, dev) in field_versions.items() if v > base_v and dev != ctx.device_id
    }
    hard = sorted(k for k in sent & concurrent if clean[k] != data[k])
    soft = sorted(concurrent - sent) if changed else []
    for kind, names in (("hard", hard), ("soft", soft)):
        for name in names:
            ctx.w.conn.execute(
                "INSERT INTO conflicts (household_id, village_id, kind, field, base_version,"
                " server_version, server_value, device_value, device_id, seq, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    data["id"],
                    clean["village_id"],
                    kind,
                    name,
                    base,
                    version,
                    json_dumps(data[name]),
                    json_dumps(clean[name]) if kind == "hard" else None,
                    ctx.device_id,
                    m.seq,
                    ctx.received_at,
                ],
            )
    if not changed:
        return hard
    new_version = version + 1
    for k in changed:
        field_versions[k] = [new_version, ctx.device_id]
    household = Household.from_dict(clean)
    write_household(
        ctx.w,
        household,
        new_version,
        field_versions,
        ctx.device_id,
        new=False,
        old_village=data["village_id"],
    )
    return sorted(set(hard) | set(soft))


def _fields_problem(name: str = "fields") -> dict[str, str]:
    return {
        "field": name,
        "code": "field_not_allowed",
        "message_vi": "Trường này không được phép.",
        "message_en": "This field is not allowed.",
    }


def refresh_summaries(w: Writer, household_ids: set[str]) -> None:
    """Recompute the derived visit columns (same meaning as on the device) and the
    households' dossiers (fieldapp.server.dossiers), in the caller's transaction."""
    for hid in household_ids:
        w.conn.execute(records.SUMMARY_SQL, {"h": hid})
    refresh_dossiers(w.conn, household_ids)
