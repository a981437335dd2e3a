"""The sync wire protocol, defined once and used by both the server and the device.

``docs/protocol.md`` explains the rules; this module holds the message shapes, the
limits and the scope checksum both sides must compute identically.

>>> PushRequest(device_id="d", batch=[]).batch
[]
>>> scope_checksum([row_hash("visit", "a", 1)]) == scope_checksum([row_hash("visit", "a", 1)])
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from json.encoder import encode_basestring
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldapp.domain.model import Household, Procedure, Visit
from fieldapp.domain.validation import parse_household, parse_visit

__all__ = [
    "DEFAULT_PULL_LIMIT",
    "EPOCH_HEADER",
    "MAX_BATCH_BYTES",
    "MAX_BATCH_RECORDS",
    "MAX_PULL_LIMIT",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "Change",
    "DeviceState",
    "EnrolRequest",
    "EnrolResponse",
    "Entity",
    "ErrorDetail",
    "ErrorResponse",
    "HouseholdCreate",
    "HouseholdUpdate",
    "MemberOut",
    "Mutation",
    "MutationResult",
    "Op",
    "ProblemOut",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "PushRow",
    "Record",
    "ReferenceData",
    "ResultStatus",
    "TeamOut",
    "VillageOut",
    "VisitCreate",
    "encode_payload",
    "encode_push",
    "read_record",
    "row_hash",
    "scope_checksum",
]

# Bump when a message changes incompatibly; the server answers 426 to any other value.
# 2: visits carry ``channel`` and ``dossier_update`` activities (issue 15), which a
# version-1 phone cannot read back from a pull (its ActivityKind has no such member).
PROTOCOL_VERSION = "2"
PROTOCOL_HEADER = "X-Fieldapp-Protocol"
EPOCH_HEADER = "X-Fieldapp-Epoch"

MAX_BATCH_RECORDS = 500
# Bytes of (decompressed) JSON per request body; larger bodies get 413.
MAX_BATCH_BYTES = 1_048_576
DEFAULT_PULL_LIMIT = 500
MAX_PULL_LIMIT = 1000

_ID = Field(min_length=1, max_length=64)


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Entity(StrEnum):
    HOUSEHOLD = "household"
    VISIT = "visit"


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"


class ResultStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


class Mutation(_Message):
    """One outbox entry. ``seq`` is the device's own counter, 1, 2, 3, … without gaps."""

    seq: int = Field(ge=1, le=2**53)
    entity: Entity
    entity_id: str = _ID
    op: Op
    payload: dict[str, Any]
    base_version: int | None = Field(default=None, ge=0, le=2**53)
    created_at: str = Field(max_length=40)


@dataclass(frozen=True)
class VisitCreate:
    """A new visit (visits are immutable events: a correction is another visit)."""

    visit: Visit


@dataclass(frozen=True)
class HouseholdCreate:
    """A new household, whole."""

    household: Household


@dataclass(frozen=True)
class HouseholdUpdate:
    """Changed fields of a household, merged per field on the server against the stored
    household (so they are checked there, merged: see ``server/push.py``)."""

    household_id: str
    fields: dict[str, Any]


# What a mutation carries, by (entity, op). ``Mutation.payload`` stays the JSON object as
# sent: the server digests and quarantines exactly what arrived, and a bad record must be
# quarantined (the queue moves on), never refuse the whole request.
Record = VisitCreate | HouseholdCreate | HouseholdUpdate


def read_record(
    entity: str,
    op: str,
    entity_id: str,
    payload: Mapping[str, Any],
    procedures: Mapping[str, Procedure],
) -> Record | None:
    """The typed record of a mutation, checked by the domain rules (``parse_visit``,
    ``parse_household``: :class:`~fieldapp.domain.validation.ValidationError` when they
    refuse it). None for a pair (entity, op) the protocol has no record for, or an update
    that is not ``{"id": entity_id (may be left out), "fields": {…}}``.
    """
    if entity == Entity.VISIT and op == Op.CREATE:
        return VisitCreate(parse_visit(payload, procedures=procedures))
    if entity == Entity.HOUSEHOLD and op == Op.CREATE:
        return HouseholdCreate(parse_household(payload))
    if entity == Entity.HOUSEHOLD and op == Op.UPDATE:
        fields = payload.get("fields")
        if isinstance(fields, dict) and payload.get("id", entity_id) == entity_id:
            return HouseholdUpdate(entity_id, fields)
    return None


class PushRequest(_Message):
    device_id: str = _ID
    batch: list[Mutation] = Field(max_length=MAX_BATCH_RECORDS)


class MutationResult(_Message):
    seq: int
    status: ResultStatus
    code: str | None = None
    message_vi: str | None = None
    message_en: str | None = None
    # Fields of a household that met a concurrent edit (soft or hard conflict).
    conflicts: list[str] = Field(default_factory=list)


class PushResponse(_Message):
    ok: Literal[True] = True
    epoch: str
    high_water_mark: int
    results: list[MutationResult]


class Change(_Message):
    """``upsert`` carries the record's full current state (tombstones too);
    ``left_scope`` tells the device a household (and its visits) is no longer its to hold."""

    cursor: int
    kind: Literal["upsert", "left_scope"]
    entity: Entity
    entity_id: str
    version: int | None = None
    data: dict[str, Any] | None = None


class PullResponse(_Message):
    ok: Literal[True] = True
    epoch: str
    cursor: int
    has_more: bool
    changes: list[Change]
    village_ids: list[str]
    # Only on the last page: order-independent checksum of (entity, id, version) in scope.
    checksum: str | None = None
    latest_cursor: int


class VillageOut(_Message):
    id: str
    ward_code: str
    name: str
    kind: str


class TeamOut(_Message):
    id: str
    name: str
    ward_code: str
    village_ids: list[str]


class MemberOut(_Message):
    id: str
    name: str
    role: str
    team_id: str | None
    phone: str | None = None


class ReferenceData(_Message):
    ok: Literal[True] = True
    epoch: str
    villages: list[VillageOut]
    teams: list[TeamOut]
    members: list[MemberOut]


class DeviceState(_Message):
    ok: Literal[True] = True
    epoch: str
    device_id: str
    member_id: str
    role: str
    team_id: str | None
    village_ids: list[str]
    high_water_mark: int
    latest_cursor: int


class EnrolRequest(_Message):
    code: str = Field(min_length=1, max_length=32)
    device_id: str = _ID
    # The device's next outbox sequence number: a new device's counter starts there.
    next_seq: int = Field(default=1, ge=1, le=2**53)


class EnrolResponse(_Message):
    ok: Literal[True] = True
    epoch: str
    token: str
    device_id: str
    member: MemberOut
    team: TeamOut | None
    villages: list[VillageOut]
    members: list[MemberOut]
    high_water_mark: int


class ProblemOut(_Message):
    field: str
    code: str
    message_vi: str
    message_en: str


class ErrorDetail(_Message):
    code: str
    message_vi: str
    message_en: str
    field: str | None = None
    problems: list[ProblemOut] | None = None
    expected_seq: int | None = None


class ErrorResponse(_Message):
    ok: Literal[False] = False
    error: ErrorDetail
    status: int
    epoch: str | None = None


# -- the push body ------------------------------------------------------------------------

_PAYLOAD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_payload(payload: dict[str, Any]) -> str:
    """A mutation's payload as the outbox stores it and the push body carries it: compact
    JSON, UTF-8 as is (the same text :meth:`PushRequest.model_dump_json` writes).

    >>> encode_payload({"notes": "Đã hướng dẫn", "people_guided": 2})
    '{"notes":"Đã hướng dẫn","people_guided":2}'
    """
    return _PAYLOAD_JSON.encode(payload)


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


# (seq, entity, entity_id, op, payload JSON text, base_version, created_at): an outbox row.
PushRow = tuple[int, str, str, str, str, int | None, str]


def encode_push(device_id: str, rows: Iterable[PushRow]) -> bytes:
    """The one encoder of a push body (a :class:`PushRequest` as JSON).

    Payloads are spliced in as stored, so a backlog is not decoded and encoded again on
    its way out. For payloads written by :func:`encode_payload` the bytes are exactly
    ``PushRequest(...).model_dump_json()`` (tests/sync/test_push_encoding.py); older
    outbox rows (spaced JSON) give the same JSON value.
    """
    parts = [
        f'{{"seq":{int(seq)},"entity":{_text(entity)},"entity_id":{_text(entity_id)},'
        f'"op":{_text(op)},"payload":{payload},'
        f'"base_version":{"null" if base is None else int(base)},'
        f'"created_at":{_text(created)}}}'
        for seq, entity, entity_id, op, payload, base, created in rows
    ]
    return f'{{"device_id":{_text(device_id)},"batch":[{",".join(parts)}]}}'.encode()


def row_hash(entity: str, record_id: str, version: int) -> int:
    """A 64-bit hash of one record's identity and version (see :func:`scope_checksum`)."""
    digest = hashlib.blake2b(f"{entity}:{record_id}:{version}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def scope_checksum(hashes: Iterable[int]) -> str:
    """Order-independent checksum (XOR) of :func:`row_hash` values, as 16 hex digits."""
    acc = 0
    for h in hashes:
        acc ^= h
    return f"{acc:016x}"
