"""Validation of visits and households from untrusted dicts (a form, a JSON body).

Every problem is returned at once, each naming its field with a Vietnamese and an
English message, so the UI can mark every field and the API can answer one 4xx.

>>> try:
...     parse_visit({"id": "x"})
... except ValidationError as exc:
...     sorted(p.field for p in exc.problems)[:3]
['consent', 'household_id', 'id']
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from fieldapp.domain.model import (
    HOUSEHOLD_FIELDS,
    VISIT_FIELDS,
    Activity,
    ActivityKind,
    Channel,
    Consent,
    DossierStatus,
    FeeStatus,
    GeoPoint,
    Household,
    Outcome,
    PaymentStatus,
    Procedure,
    ProcedureLevel,
    Visit,
)
from fieldapp.messages import words
from fieldapp.text import nfc, normalize_phone

__all__ = [
    "MAX_NOTES",
    "MESSAGES",
    "REDACTED",
    "Problem",
    "ValidationError",
    "check_place_name",
    "contains_id_number",
    "parse_household",
    "parse_visit",
    "redact_id_numbers",
    "withhold_personal",
]

MAX_NOTES = 1000
MAX_NAME = 100
MAX_SHORT = 60
MAX_ACTIVITIES = 30
MAX_PEOPLE = 50
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}$")
# The canonical text of a UUID: such ids are already what str(uuid.UUID(...)) returns,
# so the (slower) parse is only needed for other spellings.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A 9- or 12-digit run looks like a CMND/CCCD number, which we must never store.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{12}|\d{9})(?!\d)")
# Invisible format characters (zero-width spaces and joiners, word joiner, BOM, soft
# hyphen) are dropped first: "001\u200b203…" reads as one number to a person.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# The letter O typed for a zero inside a run of digits ("0O12 O3…") is a zero.
_DIGITS_WITH_O = re.compile(r"[\dOo]*\d[\dOo]*")
# Separators between digits ("001 203 004 567", "0012-0300-4567", "001/203_004,567") are
# removed before the search, so a formatted number is caught like a bare one.
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[\s.,/_\-\u2010-\u2015]{1,3}(?=\d)")


_LONG_RUN = re.compile(r"\d{13}")


# A date (dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy) is 8 digits that must not join the next
# number: "ngày 20/11/2026 3 người" is no ID number.
_DATE = re.compile(r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:19|20)\d\d(?!\d)")


def _as_digits(text: str) -> str:
    text = _DATE.sub(" ", _INVISIBLE.sub("", text))
    # Twice: a separator may hide an O from its digit ("001 O03"), and an O may hide a
    # separator from its digit ("00O/203").
    for _ in range(2):
        text = _DIGITS_WITH_O.sub(lambda m: m.group().replace("O", "0").replace("o", "0"), text)
        text = _DIGIT_SEPARATOR.sub("", text)
    return text


def contains_id_number(text: str) -> bool:
    """Whether free text holds something shaped like a CMND/CCCD number (9 or 12 digits).

    >>> contains_id_number("CCCD 001.203.004.567"), contains_id_number("SĐT 0912 345 678")
    (True, False)
    >>> contains_id_number("0O1/2O3_004,567"), contains_id_number("001\u200b203\u200b004567")
    (True, True)
    """
    joined = _as_digits(text)
    if _ID_NUMBER.search(joined):
        return True
    # Two numbers side by side ("079188123456 381927465") join into one run too long to
    # be either: then each space-separated word is looked at on its own as well.
    return _LONG_RUN.search(joined) is not None and any(
        _ID_NUMBER.search(_as_digits(word)) for word in text.split()
    )


REDACTED = "[đã xoá]"


def _id_like(value: Any) -> bool:
    if isinstance(value, str):
        # A canonical UUID is an id, not something typed; its digit groups may touch.
        return not _CANONICAL_UUID.fullmatch(value) and contains_id_number(value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return contains_id_number(str(value))
    if isinstance(value, float) and math.isfinite(value):
        # 381927465.0 holds the number in its whole part (the dot is no separator here).
        return contains_id_number(str(int(value))) or contains_id_number(repr(value))
    return False


def redact_id_numbers(value: Any) -> Any:
    """A copy of a JSON value with every string, number and key that looks like a
    CMND/CCCD number replaced by :data:`REDACTED` — for keeping raw input (a rejected
    record) without keeping such a number. Containers are walked without recursion.

    >>> redact_id_numbers({"notes": "CCCD 001 203 004 567", "n": 2, "x": [123456789]})
    {'notes': '[đã xoá]', 'n': 2, 'x': ['[đã xoá]']}
    """

    def scrub(v: Any) -> Any:
        return REDACTED if _id_like(v) else v

    def shell(v: Any) -> Any:
        return {} if isinstance(v, dict) else [] if isinstance(v, list) else scrub(v)

    root = shell(value)
    stack: list[tuple[Any, Any]] = [(value, root)] if isinstance(value, dict | list) else []
    while stack:
        src, dst = stack.pop()
        items = src.items() if isinstance(src, dict) else enumerate(src)
        for key, child in items:
            copy = shell(child)
            if isinstance(dst, dict):
                name = scrub(key)
                while name in dst:  # two redacted keys must not overwrite each other
                    name += "'"
                dst[name] = copy
            else:
                dst.append(copy)
            if isinstance(child, dict | list):
                stack.append((child, copy))
    return root


def withhold_personal(payload: Any) -> Any:
    """A copy of a raw visit with its personal details blanked when its consent is anything
    but given or unasked (declined, withdrawn, unreadable) — for keeping a refused record
    for review without keeping what the household did not agree to (notes, GPS, dossier
    and receipt numbers). Any shape is accepted: the record is raw input that failed
    validation.

    >>> withhold_personal({"consent": "declined", "notes": "nhà ông Ba", "gps": {"lat": 1},
    ...     "activities": [{"kind": "dossier_submitted", "dossier_no": "H42.1"}]})
    {'consent': 'declined', 'notes': '[đã xoá]', 'gps': None, \
'activities': [{'kind': 'dossier_submitted', 'dossier_no': '[đã xoá]'}]}
    >>> withhold_personal({"consent": "given", "notes": "ok"})["notes"]
    'ok'
    """
    if not isinstance(payload, dict) or payload.get("consent") in (str(Consent.GIVEN), None):
        return payload
    out = dict(payload)
    if out.get("notes"):
        out["notes"] = REDACTED
    if "gps" in out:
        out["gps"] = None
    activities = out.get("activities")
    if isinstance(activities, list):
        out["activities"] = [
            {k: (REDACTED if k in ("dossier_no", "receipt_no") and v else v) for k, v in a.items()}
            if isinstance(a, dict)
            else a
            for a in activities
        ]
    return out


# The problem codes validation reports → (Vietnamese, English), from the one catalogue.
MESSAGES: dict[str, tuple[str, str]] = {
    code: words(code)
    for code in (
        "required",
        "not_uuid",
        "bad_type",
        "bad_text",
        "bad_choice",
        "bad_datetime",
        "bad_date",
        "too_long",
        "out_of_range",
        "consent_required",
        "no_personal_without_consent",
        "follow_up_date_required",
        "follow_up_before_visit",
        "follow_up_only",
        "people_for_activities",
        "no_activities_when_absent",
        "bad_procedure_code",
        "unknown_procedure",
        "level_required",
        "payment_status_required",
        "verified_needs_receipt",
        "other_text_required",
        "duplicate_activity",
        "too_many",
        "id_number_forbidden",
        "field_not_allowed",
        "not_a_name",
        "name_or_address",
        "unknown_household",
        "unknown_village",
        "unknown_supersedes",
        "already_superseded",
        "supersedes_self",
        "bad_dossier_id",
        "dossier_id_required",
        "update_needs_change",
        "payment_status_needs_paid",
    )
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field (dotted path, e.g. ``activities.0.procedure_code``)."""

    field: str
    code: str
    message_vi: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


class ValidationError(ValueError):
    """Raised with every problem found; ``problems`` is never empty."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.message_en}" for p in problems))
        self.problems = problems

    @classmethod
    def single(cls, field: str, code: str, **fmt: Any) -> ValidationError:
        """One problem from the shared message catalogue."""
        vi, en = MESSAGES[code]
        return cls([Problem(field, code, vi.format(**fmt), en.format(**fmt))])

    def by_field(self, lang: str = "vi") -> dict[str, str]:
        """First message per field, for putting next to form inputs."""
        out: dict[str, str] = {}
        for p in self.problems:
            out.setdefault(p.field, p.message(lang))
        return out


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, code: str, **fmt: Any) -> None:
        vi, en = MESSAGES[code]
        self.problems.append(Problem(field, code, vi.format(**fmt), en.format(**fmt)))

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        *,
        max_len: int,
        required: bool = False,
        path: str | None = None,
        free_text: bool = False,
    ) -> str:
        """A string field, NFC. ``free_text`` fields (typed prose) are also screened for
        ID-card numbers; codes, ids and phones are not, as they are digits by nature."""
        path = path or key
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(path, "required")
            return ""
        if not isinstance(value, str):
            self.add(path, "bad_type")
            return ""
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: no file or database can hold it
                self.add(path, "bad_text")
                return ""
        clean = nfc(value)
        if required and not clean:
            self.add(path, "required")
        if len(clean) > max_len:
            self.add(path, "too_long", max=max_len)
        if free_text and contains_id_number(clean):
            self.add(path, "id_number_forbidden")
        return clean

    def uuid(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(key, "required")
            return None
        if not isinstance(value, str):
            self.add(key, "bad_type")
            return None
        if _CANONICAL_UUID.fullmatch(value):
            return value
        try:
            return str(uuid.UUID(value))
        except ValueError:
            self.add(key, "not_uuid")
            return None

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        enum: Any,
        *,
        required: bool = True,
        path: str | None = None,
    ) -> Any:
        path = path or key
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(path, "required")
            return None
        # Fast path: the member for an exact value (what enum(value) looks up first).
        try:
            member = enum._value2member_map_.get(value)
        except TypeError:  # unhashable: let enum() give the usual error below
            member = None
        if member is not None:
            return member
        try:
            return enum(value)
        except (ValueError, TypeError):
            self.add(path, "bad_choice", choices=", ".join(str(e) for e in enum))
            return None

    def integer(
        self, data: Mapping[str, Any], key: str, lo: int, hi: int, *, required: bool = False
    ) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(key, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.add(key, "bad_type")
            return None
        try:
            number = int(value)
        except ValueError:
            self.add(key, "bad_type")
            return None
        if not lo <= number <= hi:
            self.add(key, "out_of_range", min=lo, max=hi)
            return None
        return number


def _parse_datetime(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (ValueError, TypeError):
        return None


def _parse_date(value: str) -> date | None:
    """Accept ISO ``yyyy-mm-dd`` (wire) and ``dd/mm/yyyy`` (what people type)."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except (ValueError, TypeError):
            continue
    return None


_VISIT_FIELDS = frozenset(VISIT_FIELDS)
# Every field of an Activity, read from the class (a new field needs no second list).
_ACTIVITY_FIELDS = frozenset(f.name for f in fields(Activity))
# A dossier made on the device is named by a uuid4 in hex; a dossier recorded before
# dossiers had ids is named "<visit id>.<index of its activity>" (fieldapp.domain.dossier).
_NEW_DOSSIER_ID = re.compile(r"[0-9a-f]{32}")
_DOSSIER_ID = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[0-9]{1,2}"
)
# The fields a dossier_update may change; it must carry at least one of them.
_UPDATE_CHANGES = ("dossier_status", "fee_status", "dossier_no", "receipt_no")


def _dossier_id(c: _Collector, raw: Mapping[str, Any], path: str, *, new: bool) -> str | None:
    """The ``dossier_id`` of an activity: a fresh one (``new``) must be a uuid4 in hex."""
    value = c.text(raw, "dossier_id", max_len=40, path=f"{path}.dossier_id") or None
    pattern = _NEW_DOSSIER_ID if new else _DOSSIER_ID
    if value and not pattern.fullmatch(value):
        c.add(f"{path}.dossier_id", "bad_dossier_id")
        return None
    return value


def _activity(
    c: _Collector, raw: Any, i: int, procedures: Mapping[str, Procedure] | None
) -> Activity | None:
    path = f"activities.{i}"
    if not isinstance(raw, Mapping):
        c.add(path, "bad_type")
        return None
    if not _ACTIVITY_FIELDS.issuperset(raw):
        for extra in sorted(set(raw) - _ACTIVITY_FIELDS):
            c.add(f"{path}.{extra}", "field_not_allowed")
    kind = c.choice(raw, "kind", ActivityKind, path=f"{path}.kind")
    if kind is None:
        return None
    code = level = dossier_no = status = receipt = text = None
    dossier_id = dossier_status = fee_status = None
    if kind in (ActivityKind.DOSSIER_SUBMITTED, ActivityKind.FEE_PAID):
        code_path = f"{path}.procedure_code"
        code = (
            c.text(
                raw,
                "procedure_code",
                max_len=10,
                path=code_path,
                required=kind == ActivityKind.DOSSIER_SUBMITTED,
            )
            or None
        )
        if code and not PROCEDURE_CODE.match(code):
            c.add(code_path, "bad_procedure_code")
        elif code and procedures is not None and code not in procedures:
            c.add(code_path, "unknown_procedure", proc=code)
    if kind == ActivityKind.DOSSIER_SUBMITTED:
        if raw.get("level") in (None, ""):
            c.add(f"{path}.level", "level_required")
        else:
            level = c.choice(raw, "level", ProcedureLevel, path=f"{path}.level")
        dossier_no = c.text(raw, "dossier_no", max_len=MAX_SHORT, path=f"{path}.dossier_no") or None
        dossier_id = _dossier_id(c, raw, path, new=True)
        fee_status = c.choice(
            raw, "fee_status", FeeStatus, required=False, path=f"{path}.fee_status"
        )
    elif kind == ActivityKind.DOSSIER_UPDATE:
        dossier_id = _dossier_id(c, raw, path, new=False)
        if dossier_id is None and raw.get("dossier_id") in (None, ""):
            c.add(f"{path}.dossier_id", "dossier_id_required")
        dossier_status = c.choice(
            raw, "dossier_status", DossierStatus, required=False, path=f"{path}.dossier_status"
        )
        fee_status = c.choice(
            raw, "fee_status", FeeStatus, required=False, path=f"{path}.fee_status"
        )
        status = c.choice(
            raw, "payment_status", PaymentStatus, required=False, path=f"{path}.payment_status"
        )
        dossier_no = c.text(raw, "dossier_no", max_len=MAX_SHORT, path=f"{path}.dossier_no") or None
        receipt = c.text(raw, "receipt_no", max_len=MAX_SHORT, path=f"{path}.receipt_no") or None
        if all(raw.get(key) in (None, "") for key in _UPDATE_CHANGES):
            c.add(path, "update_needs_change")
        if status is not None and fee_status != FeeStatus.PAID_ONLINE:
            # How a payment is known only means something for a fee that was paid.
            c.add(f"{path}.payment_status", "payment_status_needs_paid")
        if status == PaymentStatus.VERIFIED and not (receipt or dossier_no):
            c.add(f"{path}.receipt_no", "verified_needs_receipt")
    elif kind == ActivityKind.FEE_PAID:
        if raw.get("payment_status") in (None, ""):
            c.add(f"{path}.payment_status", "payment_status_required")
        else:
            status = c.choice(raw, "payment_status", PaymentStatus, path=f"{path}.payment_status")
        receipt = c.text(raw, "receipt_no", max_len=MAX_SHORT, path=f"{path}.receipt_no") or None
        dossier_no = c.text(raw, "dossier_no", max_len=MAX_SHORT, path=f"{path}.dossier_no") or None
        dossier_id = _dossier_id(c, raw, path, new=False)
        if status == PaymentStatus.VERIFIED and not (receipt or dossier_no):
            c.add(f"{path}.receipt_no", "verified_needs_receipt")
    elif kind == ActivityKind.OTHER:
        text = c.text(raw, "text", max_len=200, path=f"{path}.text", free_text=True) or None
        if not text:
            c.add(f"{path}.text", "other_text_required")
    for key in ("dossier_id", "dossier_status", "fee_status"):
        # The dossier fields belong to the dossier activities only: elsewhere they would be
        # kept on the wire but mean nothing.
        if raw.get(key) not in (None, "") and key not in _DOSSIER_KEYS.get(kind, ()):
            c.add(f"{path}.{key}", "field_not_allowed")
    for key in ("dossier_no", "receipt_no"):
        # These are codes, not prose, so they are not screened like notes; but a value that
        # is nothing but a 9- or 12-digit number is an ID-card number typed in the wrong box.
        value = raw.get(key)
        if isinstance(value, str) and _BARE_NUMBER.fullmatch(_as_digits(value).strip()):
            c.add(f"{path}.{key}", "id_number_forbidden")
    return Activity(
        kind=kind,
        procedure_code=code,
        level=level,
        dossier_no=dossier_no,
        payment_status=status,
        receipt_no=receipt,
        text=text,
        dossier_id=dossier_id,
        dossier_status=dossier_status,
        fee_status=fee_status,
    )


# Which of the dossier fields each kind may carry (see Activity's docstring).
_DOSSIER_KEYS: dict[ActivityKind, tuple[str, ...]] = {
    ActivityKind.DOSSIER_SUBMITTED: ("dossier_id", "fee_status"),
    ActivityKind.DOSSIER_UPDATE: ("dossier_id", "dossier_status", "fee_status"),
    ActivityKind.FEE_PAID: ("dossier_id",),
}
_BARE_NUMBER = re.compile(r"\d{9}|\d{12}")


def parse_visit(
    data: Mapping[str, Any], *, procedures: Mapping[str, Procedure] | None = None
) -> Visit:
    """Check a visit dict and return a clean, NFC-normalised :class:`Visit`.

    Raises :class:`ValidationError` listing every problem. ``procedures`` (code →
    Procedure), when given, rejects codes missing from the catalogue.
    """
    c = _Collector()
    if not isinstance(data, Mapping):
        c.add("body", "bad_type")
        raise ValidationError(c.problems)
    if not _VISIT_FIELDS.issuperset(data):
        for extra in sorted(set(data) - _VISIT_FIELDS):
            c.add(extra, "field_not_allowed")
    visit_id = c.uuid(data, "id")
    household_id = c.uuid(data, "household_id")
    member_id = c.uuid(data, "member_id")
    supersedes = c.uuid(data, "supersedes", required=False)
    if supersedes and supersedes == visit_id:
        c.add("supersedes", "supersedes_self")

    visited_raw = data.get("visited_at")
    visited_at = _parse_datetime(visited_raw) if isinstance(visited_raw, str) else None
    if visited_raw in (None, ""):
        c.add("visited_at", "required")
    elif visited_at is None:
        c.add("visited_at", "bad_datetime")

    outcome = c.choice(data, "outcome", Outcome)
    consent = c.choice(data, "consent", Consent, required=False)
    if consent is None and data.get("consent") in (None, "") and outcome != Outcome.NOBODY_HOME:
        c.add("consent", "consent_required")
    people = c.integer(data, "people_guided", 0, MAX_PEOPLE) or 0
    notes = c.text(data, "notes", max_len=MAX_NOTES, free_text=True)

    raw_activities = data.get("activities") or []
    activities: list[Activity] = []
    if not isinstance(raw_activities, list):
        c.add("activities", "bad_type")
    elif len(raw_activities) > MAX_ACTIVITIES:
        c.add("activities", "too_many", max=MAX_ACTIVITIES)
    else:
        seen: set[tuple[str, str | None]] = set()
        for i, raw in enumerate(raw_activities):
            act = _activity(c, raw, i, procedures)
            if act is None:
                continue
            key = (str(act.kind), _activity_key(act))
            # One dossier id opens one dossier: a second submission under it (another
            # procedure) would be counted online but never followed.
            opened = ("dossier_id", act.dossier_id)
            if key in seen or (act.kind == ActivityKind.DOSSIER_SUBMITTED and opened in seen):
                c.add(f"activities.{i}", "duplicate_activity")
            seen.add(key)
            if act.kind == ActivityKind.DOSSIER_SUBMITTED and act.dossier_id:
                seen.add(opened)
            activities.append(act)
    if activities and outcome == Outcome.NOBODY_HOME:
        c.add("activities", "no_activities_when_absent")
    elif people < 1 and any(a.kind != ActivityKind.DOSSIER_UPDATE for a in activities):
        # A follow-up that only updates a dossier (often a phone call) guides nobody new;
        # counting one person would inflate the "people guided" figure.
        c.add("people_guided", "people_for_activities")

    follow_raw = data.get("follow_up_on")
    follow_up: date | None = None
    if follow_raw not in (None, ""):
        follow_up = _parse_date(follow_raw) if isinstance(follow_raw, str) else None
        if follow_up is None:
            c.add("follow_up_on", "bad_date")
        elif outcome != Outcome.FOLLOW_UP:
            c.add("follow_up_on", "follow_up_only")
        elif visited_at is not None and follow_up < visited_at.date():
            c.add("follow_up_on", "follow_up_before_visit")
    elif outcome == Outcome.FOLLOW_UP:
        c.add("follow_up_on", "follow_up_date_required")

    gps = _gps(c, data.get("gps"))
    channel = c.choice(data, "channel", Channel, required=False) or Channel.HOME

    if consent in (Consent.DECLINED, Consent.WITHDRAWN):
        personal = notes or gps or any(a.dossier_no or a.receipt_no for a in activities)
        if personal:
            c.add("consent", "no_personal_without_consent")

    if c.problems:
        raise ValidationError(c.problems)
    assert visit_id and household_id and member_id and visited_at and outcome
    return Visit(
        id=visit_id,
        household_id=household_id,
        member_id=member_id,
        visited_at=visited_at.isoformat(),
        consent=consent,
        outcome=outcome,
        people_guided=people,
        activities=tuple(activities),
        follow_up_on=follow_up.isoformat() if follow_up else None,
        notes=notes,
        gps=gps,
        supersedes=supersedes,
        channel=channel,
    )


def _activity_key(act: Activity) -> str | None:
    """What makes two activities of one kind in one visit the same thing twice."""
    if act.kind == ActivityKind.DOSSIER_UPDATE:
        return act.dossier_id
    if act.kind == ActivityKind.FEE_PAID:
        return act.dossier_id or act.procedure_code
    if act.kind == ActivityKind.DOSSIER_SUBMITTED:
        return act.procedure_code
    return act.text


def _gps(c: _Collector, raw: Any) -> GeoPoint | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, Mapping):
        c.add("gps", "bad_type")
        return None
    values: dict[str, float | None] = {}
    for key, lo, hi in (("lat", -90, 90), ("lon", -180, 180), ("accuracy_m", 0, 100_000)):
        value = raw.get(key)
        if value is None and key == "accuracy_m":
            values[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            c.add(f"gps.{key}", "bad_type")
            continue
        if not lo <= value <= hi:
            c.add(f"gps.{key}", "out_of_range", min=lo, max=hi)
            continue
        values[key] = float(value)
    if len(values) < 3:
        return None
    return GeoPoint(
        lat=values["lat"] or 0.0, lon=values["lon"] or 0.0, accuracy_m=values["accuracy_m"]
    )


_HOUSEHOLD_FIELDS = frozenset(("id", *HOUSEHOLD_FIELDS))


# Path separators, "..", control characters: what makes a name leave a folder when it
# becomes part of a file name (a poster "ap-phich-../../x.pdf"), or break a line in a log.
_NOT_IN_NAMES = re.compile(r"[/\\\x00-\x1f\x7f-\x9f\u2028\u2029]|\.\.")


def check_place_name(value: str, field: str = "name", *, max_len: int = MAX_NAME) -> str:
    """A village or team name as typed by an officer, NFC; refused if it is not a name.

    >>> check_place_name("Thôn Đông")
    'Thôn Đông'
    >>> try:
    ...     check_place_name("../../etc")
    ... except ValidationError as exc:
    ...     exc.problems[0].code
    'not_a_name'
    """
    c = _Collector()
    clean = c.text({field: value}, field, max_len=max_len, required=True, free_text=True)
    if clean and (_NOT_IN_NAMES.search(clean) or _NOT_IN_NAMES.search(value)):
        c.add(field, "not_a_name")
    if c.problems:
        raise ValidationError(c.problems)
    return clean


def _not_a_phone(text: str) -> bool:
    result = normalize_phone(text)
    return result is not None and result.kind == "invalid"


def parse_household(data: Mapping[str, Any]) -> Household:
    """Check a household dict; the phone is kept as typed here (see ``normalize_phone``).

    Raises :class:`ValidationError` listing every problem.
    """
    c = _Collector()
    if not isinstance(data, Mapping):
        c.add("body", "bad_type")
        raise ValidationError(c.problems)
    for extra in sorted(set(data) - _HOUSEHOLD_FIELDS):
        c.add(extra, "field_not_allowed")
    household_id = c.uuid(data, "id")
    village_id = c.text(data, "village_id", max_len=MAX_SHORT, required=True)
    head_name = c.text(data, "head_name", max_len=MAX_NAME, free_text=True)
    address = c.text(data, "address_detail", max_len=200, free_text=True)
    phone = c.text(data, "phone", max_len=30) or None
    # A phone is digits by nature and is not screened as prose; but 9 or 12 digits that
    # are no phone number at all are an ID-card number typed in the phone box.
    if phone and contains_id_number(phone) and _not_a_phone(phone):
        c.add("phone", "id_number_forbidden")
    members = c.integer(data, "members_count", 1, 30)
    deleted = data.get("deleted", False)
    if not isinstance(deleted, bool):
        c.add("deleted", "bad_type")
    if (
        not head_name
        and not address
        and not any(p.field in ("head_name", "address_detail") for p in c.problems)
    ):
        c.add("head_name", "name_or_address")
    if c.problems:
        raise ValidationError(c.problems)
    assert household_id and village_id
    return Household(
        id=household_id,
        village_id=village_id,
        head_name=head_name,
        address_detail=address,
        phone=phone,
        members_count=members,
        deleted=bool(deleted),
    )
