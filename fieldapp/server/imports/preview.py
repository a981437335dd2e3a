"""The dry run: every row of a list checked, matched and classified before anything is written.

Each data row ends as one of ``new`` / ``changed`` / ``unchanged`` / ``duplicate`` (the
same as an earlier row, skipped) / ``refused`` (an error in one of its cells). Nothing is
written here; :func:`fieldapp.server.imports.commit.commit` writes the :class:`ImportPlan`
the preview built, all or nothing.

**How a re-import recognises what it has** (households; members alike with name + team):

1. the *matching key* — village + head of household + address detail, folded (no accents,
   no case, spaces tidied) — is looked up among the keys earlier imports of this ward
   recorded (``import_links``): found, it is that household whatever the phones did to it
   since (renamed, corrected …);
2. otherwise a household of the village with the same folded head and address;
3. otherwise the only household of the village with that head, when the file too has just
   one such row (the address was corrected);
4. otherwise the only household of the ward with that phone number, in the same village or
   under the same head, when the file too has just one row with it.

Limits: two households of one village with the same head *and* the same address (or no
address) cannot be told apart — the file's second row is refused as a repeat, and a row
meeting several such records on the server is matched to one of them; a list that renames
a head, changes the address and drops the phone at once looks like a new household.

**What a re-import changes**: only fields the list itself changed since it was last
imported (their digests differ from the link's), and only where the server holds another
value; an empty cell never clears a value. So a correction made on a phone stands until the
commune's list changes that field.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from fieldapp.domain.model import Household, Member, Role
from fieldapp.domain.validation import ValidationError, parse_household
from fieldapp.server.import_storage import (
    ExistingHousehold,
    ExistingMember,
    ImportContext,
    ImportLink,
    ImportPlan,
    ImportStorage,
    PlannedWrite,
)
from fieldapp.server.imports.fields import FIELDS, ColumnMapping, ImportKind, field_label
from fieldapp.server.imports.messages import Issue, issue
from fieldapp.server.imports.places import PlaceIndex
from fieldapp.server.imports.sensitive import contains_full_date
from fieldapp.server.imports.table import RawRow, RawTable
from fieldapp.server.storage import Principal
from fieldapp.text import fold, nfc, normalize_phone

__all__ = ["ColumnInfo", "ImportPreview", "RowAction", "RowResult", "preview"]

RowAction = Literal["new", "changed", "unchanged", "duplicate", "refused"]
COUNT_KEYS = ("rows", "new", "changed", "unchanged", "duplicate", "refused", "skipped")

MAX_NAME = 100
MAX_ADDRESS = 200
_SEVERAL_PHONES = re.compile(r"\s*[/,;|]\s*|\s+-\s+|\s+(?:hoặc|hoac|or)\s+", re.IGNORECASE)
_LEADING_INT = re.compile(r"^\s*(\d+)(?:[.,]0+)?(?:\s|$)")
_ROLES = {
    "to truong": Role.LEADER,
    "truong": Role.LEADER,
    "leader": Role.LEADER,
    "to pho": Role.MEMBER,
    "to vien": Role.MEMBER,
    "thanh vien": Role.MEMBER,
    "member": Role.MEMBER,
    "": Role.MEMBER,
}
_OFFICER_ROLES = {"can bo", "officer", "can bo xa", "can bo phuong"}
# Household field names in the file mapping → in the domain record.
_HOUSEHOLD_RECORD = {
    "village": "village_id",
    "head_name": "head_name",
    "address_detail": "address_detail",
    "phone": "phone",
    "members_count": "members_count",
}
_MEMBER_RECORD = {"name": "name", "role": "role", "team": "team_id", "phone": "phone"}


@dataclass(frozen=True)
class ColumnInfo:
    """One column of the file as the mapping step shows it."""

    column: str
    header: str
    field: str | None
    refused: str | None  # "id_number" / "birth_date" when the column was refused


@dataclass(frozen=True)
class RowResult:
    """What becomes of one data row; ``values`` are the cleaned values by file field."""

    row: int
    action: RowAction
    values: dict[str, Any]
    changed_fields: tuple[str, ...] = ()
    record_id: str | None = None
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class ImportPreview:
    """The dry run's answer; :attr:`plan` is what a commit would write."""

    kind: ImportKind
    ward_code: str
    filename: str
    sheet: str | None
    header_row: int
    mapping: ColumnMapping
    columns: list[ColumnInfo]
    rows: list[RowResult]
    issues: list[Issue]
    counts: dict[str, int]
    plan: ImportPlan

    @property
    def blocking(self) -> list[Issue]:
        """Errors of the file or the mapping (not of one row): nothing can be imported."""
        return [i for i in self.issues if i.severity == "error" and i.row is None]

    @property
    def can_commit(self) -> bool:
        return not self.blocking

    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (for a console page or an API answer)."""
        return {
            "kind": self.kind,
            "ward_code": self.ward_code,
            "filename": self.filename,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": self.mapping.to_dict(),
            "columns": [c.__dict__ for c in self.columns],
            "counts": dict(self.counts),
            "can_commit": self.can_commit,
            "issues": [i.to_dict() for i in self.issues],
            "rows": [
                {
                    "row": r.row,
                    "action": r.action,
                    "values": r.values,
                    "changed_fields": list(r.changed_fields),
                    "issues": [i.to_dict() for i in r.issues],
                }
                for r in self.rows
            ],
        }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _field_digests(values: Mapping[str, Any]) -> dict[str, str]:
    # 64 bits per field: enough to notice a change, too short to be a copy of it.
    return {k: _digest(f"{k}\x1f{v}")[:16] for k, v in values.items() if v not in (None, "")}


class _Rows:
    """Shared bookkeeping of one preview: issues per row, duplicates, claimed records."""

    def __init__(self, kind: ImportKind, mapping: ColumnMapping):
        self.kind = kind
        self.mapping = mapping
        self.results: list[RowResult] = []
        self.writes: list[PlannedWrite] = []
        self.seen: dict[str, tuple[int, tuple[Any, ...]]] = {}
        self.claimed: dict[str, int] = {}

    def column(self, name: str) -> str | None:
        return self.mapping.columns.get(name)

    def cell(self, row: RawRow, name: str) -> str:
        letter = self.column(name)
        return row.cells.get(letter, "") if letter else ""

    def problem(self, out: list[Issue], row: RawRow, name: str, code: str, **fmt: Any) -> None:
        out.append(issue(code, row=row.number, column=self.column(name), field=name, **fmt))

    def refuse(self, row: RawRow, values: dict[str, Any], issues: list[Issue]) -> None:
        self.results.append(RowResult(row.number, "refused", values, issues=tuple(issues)))

    def repeat(
        self, row: RawRow, key: str, values: dict[str, Any], issues: list[Issue], twice: str
    ) -> bool:
        """Whether ``row`` repeats an earlier row's key (then it is recorded as such)."""
        earlier = self.seen.get(key)
        signature = tuple(sorted(values.items()))
        if earlier is None:
            self.seen[key] = (row.number, signature)
            return False
        if earlier[1] == signature:
            issues.append(issue("duplicate_row", row=row.number, other=earlier[0]))
            self.results.append(RowResult(row.number, "duplicate", values, issues=tuple(issues)))
        else:
            issues.append(issue(twice, row=row.number, other=earlier[0]))
            self.refuse(row, values, issues)
        return True

    def claim(
        self, row: RawRow, record_id: str, values: dict[str, Any], issues: list[Issue]
    ) -> bool:
        """Whether ``record_id`` is still free (an earlier row did not match it already)."""
        other = self.claimed.get(record_id)
        if other is None:
            self.claimed[record_id] = row.number
            return True
        issues.append(issue("same_record_twice", row=row.number, other=other))
        self.refuse(row, values, issues)
        return False

    def accept(
        self,
        row: RawRow,
        values: dict[str, Any],
        issues: list[Issue],
        action: Literal["new", "changed", "unchanged"],
        record: Household | Member,
        changed: tuple[str, ...],
        key: str,
        record_values: Mapping[str, Any],
        *,
        version: int | None = None,
        previous_team: str | None = None,
        before: dict[str, Any] | None = None,
    ) -> None:
        """Plan the write of an accepted row (nothing for ``unchanged`` but its link)."""
        self.writes.append(
            PlannedWrite(
                action=action,
                record=record,
                changed_fields=changed,
                match_key=key,
                field_digests=_field_digests(record_values),
                row=row.number,
                expected_version=version,
                previous_team=previous_team,
                before=before or {},
            )
        )
        self.results.append(
            RowResult(row.number, action, values, changed, record.id, tuple(issues))
        )


def _changed(
    incoming: Mapping[str, Any],
    current: Mapping[str, Any],
    link: ImportLink | None,
    digests: Mapping[str, str],
) -> tuple[str, ...]:
    """Fields to write: those the list changed since its last import (all, without a
    link) whose value differs from the server's. Empty cells never clear a value."""
    out = []
    for name, value in incoming.items():
        if value in (None, ""):
            continue
        if link is not None and link.field_digests.get(name) == digests.get(name):
            continue
        if value != current.get(name):
            out.append(name)
    return tuple(out)


def _compare(
    record: Mapping[str, Any],
    existing: ExistingHousehold | ExistingMember | None,
    link: ImportLink | None,
) -> tuple[dict[str, Any], tuple[str, ...], Literal["new", "changed", "unchanged"]]:
    """(the record as it stands, the fields the row changes, the action) for one row."""
    if existing is None:
        fresh = tuple(k for k, v in record.items() if v not in (None, ""))
        return {"id": str(uuid.uuid4())}, fresh, "new"
    current = asdict(existing)
    current.pop("version", None)
    changed = _changed(record, current, link, _field_digests(record))
    return current, changed, "changed" if changed else "unchanged"


def _unique(candidates: Sequence[Any], file_count: int) -> Any | None:
    return candidates[0] if len(candidates) == 1 and file_count == 1 else None


def _phone(rows: _Rows, row: RawRow, out: list[Issue]) -> str | None:
    text = rows.cell(row, "phone")
    if not text:
        return None
    numbers = [p for p in _SEVERAL_PHONES.split(text) if p.strip()]
    if len(numbers) > 1:
        rows.problem(out, row, "phone", "several_phones")
    result = normalize_phone(numbers[0] if numbers else text)
    if result is None:
        return None
    if not result.ok:
        rows.problem(
            out,
            row,
            "phone",
            "phone_warning",
            message_vi=result.warning_vi,
            message_en=result.warning_en,
        )
    return result.value


def _free_text(rows: _Rows, row: RawRow, name: str, limit: int, out: list[Issue]) -> str:
    text = nfc(rows.cell(row, name))
    if len(text) > limit:
        rows.problem(out, row, name, "too_long", max=limit)
    if contains_full_date(text):
        rows.problem(out, row, name, "birth_date_in_cell")
    return text


# -- households ----------------------------------------------------------------------------


class _HouseholdIndex:
    def __init__(self, ctx: ImportContext):
        self.by_id = {h.id: h for h in ctx.households}
        self.exact: dict[tuple[str, str, str], list[ExistingHousehold]] = {}
        self.by_name: dict[tuple[str, str], list[ExistingHousehold]] = {}
        self.by_phone: dict[str, list[ExistingHousehold]] = {}
        for h in ctx.households:
            if h.deleted:
                continue
            name = fold(h.head_name)
            self.exact.setdefault((h.village_id, name, fold(h.address_detail)), []).append(h)
            self.by_name.setdefault((h.village_id, name), []).append(h)
            if h.phone:
                self.by_phone.setdefault(h.phone, []).append(h)


def _household_values(
    rows: _Rows, row: RawRow, places: PlaceIndex, out: list[Issue]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if rows.column("village"):
        text = rows.cell(row, "village")
        if not text:
            rows.problem(out, row, "village", "required")
        else:
            village, candidates = places.village(text)
            if village is None:
                code = "ambiguous_village" if candidates else "unknown_village"
                rows.problem(out, row, "village", code, value=text, choices=", ".join(candidates))
            values["village"] = village
    if rows.column("head_name"):
        values["head_name"] = _free_text(rows, row, "head_name", MAX_NAME, out)
    if rows.column("address_detail"):
        values["address_detail"] = _free_text(rows, row, "address_detail", MAX_ADDRESS, out)
    if rows.column("phone"):
        values["phone"] = _phone(rows, row, out)
    if rows.column("members_count"):
        text = rows.cell(row, "members_count")
        count = None
        if text:
            found = _LEADING_INT.match(text)
            count = int(found.group(1)) if found else None
            if count is None or not 1 <= count <= 30:
                rows.problem(out, row, "members_count", "bad_count")
        values["members_count"] = count
    if not values.get("head_name") and not values.get("address_detail"):
        name = "head_name" if rows.column("head_name") else "address_detail"
        rows.problem(out, row, name, "required")
    return values


def _match_household(
    index: _HouseholdIndex,
    ctx: ImportContext,
    key: str,
    record: Mapping[str, Any],
    name_rows: Counter[tuple[str, str]],
    phone_rows: Counter[str],
) -> tuple[ExistingHousehold | None, ImportLink | None]:
    link = ctx.links.get(key)
    if link is not None and link.record_id in index.by_id:
        return index.by_id[link.record_id], link
    village, name = record["village_id"], fold(record.get("head_name"))
    exact = index.exact.get((village, name, fold(record.get("address_detail"))), [])
    if exact:
        # Several records the key cannot tell apart (made on phones): the row is one of
        # them, and which one does not matter — it is never a reason to make another.
        return min(exact, key=lambda h: h.id), None
    if name:
        found = _unique(index.by_name.get((village, name), []), name_rows[(village, name)])
        if found is not None:
            return found, None
    phone = record.get("phone")
    if phone:
        same = [
            h
            for h in index.by_phone.get(phone, [])
            if h.village_id == village or fold(h.head_name) == name
        ]
        return _unique(same, phone_rows[phone]), None
    return None, None


def _household_issues(exc: ValidationError, rows: _Rows, row: RawRow) -> list[Issue]:
    """Domain validation problems (rare here: the cells were checked) by cell."""
    back = {v: k for k, v in _HOUSEHOLD_RECORD.items()}
    out = []
    for p in exc.problems:
        name = back.get(p.field, p.field)
        code = "id_number_in_cell" if p.code == "id_number_forbidden" else "invalid"
        out.append(
            issue(
                code,
                row=row.number,
                column=rows.column(name),
                field=name,
                message_vi=p.message_vi,
                message_en=p.message_en,
            )
        )
    return out


def _households(raw: RawTable, ctx: ImportContext, rows: _Rows) -> None:
    places = PlaceIndex(ctx.villages)
    index = _HouseholdIndex(ctx)
    parsed: list[tuple[RawRow, dict[str, Any], list[Issue]]] = []
    name_rows: Counter[tuple[str, str]] = Counter()
    phone_rows: Counter[str] = Counter()
    for row in raw.rows:
        out = _row_notes(raw, row, rows.mapping)
        values = _household_values(rows, row, places, out)
        parsed.append((row, values, out))
        if values.get("village") and values.get("head_name"):
            name_rows[(values["village"], fold(values["head_name"]))] += 1
        if values.get("phone"):
            phone_rows[values["phone"]] += 1
    for row, values, out in parsed:
        if any(i.severity == "error" for i in out):
            rows.refuse(row, values, out)
            continue
        record = {_HOUSEHOLD_RECORD[k]: v for k, v in values.items()}
        key = _digest(
            "\x1f".join(
                (
                    record["village_id"],
                    fold(record.get("head_name")),
                    fold(record.get("address_detail")),
                )
            )
        )
        if rows.repeat(row, key, values, out, "same_household_twice"):
            continue
        existing, link = _match_household(index, ctx, key, record, name_rows, phone_rows)
        if existing is not None and not rows.claim(row, existing.id, values, out):
            continue
        current, changed, action = _compare(record, existing, link)
        if existing is not None and existing.deleted:
            out.append(issue("deleted_on_server", row=row.number))
            changed, action = (), "unchanged"
        try:
            household = parse_household({**current, **{k: record[k] for k in changed}})
        except ValidationError as exc:
            rows.refuse(row, values, out + _household_issues(exc, rows, row))
            continue
        version = existing.version if existing is not None else None
        before = {k: current.get(k) for k in changed} if existing is not None else {}
        rows.accept(
            row,
            values,
            out,
            action,
            household,
            changed,
            key,
            record,
            version=version,
            before=before,
        )


# -- members -------------------------------------------------------------------------------


def _member_values(
    rows: _Rows, row: RawRow, places: PlaceIndex, out: list[Issue]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = _free_text(rows, row, "name", MAX_NAME, out)
    if not name:
        rows.problem(out, row, "name", "required")
    values["name"] = name
    if rows.column("role"):
        text = rows.cell(row, "role")
        key = fold(text)
        if key in _OFFICER_ROLES:
            rows.problem(out, row, "role", "officer_role")
        elif key not in _ROLES:
            rows.problem(out, row, "role", "bad_role", value=text)
        values["role"] = str(_ROLES.get(key, Role.MEMBER))
    else:
        values["role"] = str(Role.MEMBER)
    text = rows.cell(row, "team")
    if not text:
        rows.problem(out, row, "team", "required")
        values["team"] = None
    else:
        team, candidates = places.team(text)
        if team is None:
            code = "ambiguous_team" if candidates else "unknown_team"
            rows.problem(out, row, "team", code, value=text, choices=", ".join(candidates))
        values["team"] = team
    if rows.column("phone"):
        values["phone"] = _phone(rows, row, out)
    return values


def _match_member(
    ctx: ImportContext,
    by_id: dict[str, ExistingMember],
    key: str,
    record: Mapping[str, Any],
    name_rows: Counter[str],
) -> tuple[ExistingMember | None, ImportLink | None]:
    link = ctx.links.get(key)
    if link is not None and link.record_id in by_id:
        return by_id[link.record_id], link
    name = fold(record["name"])
    same_name = [m for m in ctx.members if fold(m.name) == name]
    in_team = [m for m in same_name if m.team_id == record["team_id"]]
    if len(in_team) == 1:
        return in_team[0], None
    phone = record.get("phone")
    if phone:
        with_phone = [m for m in same_name if m.phone == phone]
        if len(with_phone) == 1:
            return with_phone[0], None
    return _unique(same_name, name_rows[name]), None


def _members(raw: RawTable, ctx: ImportContext, rows: _Rows) -> None:
    places = PlaceIndex(ctx.villages, ctx.teams)
    by_id = {m.id: m for m in ctx.members}
    parsed = []
    name_rows: Counter[str] = Counter()
    for row in raw.rows:
        out = _row_notes(raw, row, rows.mapping)
        values = _member_values(rows, row, places, out)
        parsed.append((row, values, out))
        name_rows[fold(values["name"])] += 1
    for row, values, out in parsed:
        if any(i.severity == "error" for i in out):
            rows.refuse(row, values, out)
            continue
        record = {_MEMBER_RECORD[k]: v for k, v in values.items()}
        key = _digest(f"{fold(record['name'])}\x1f{record['team_id']}")
        if rows.repeat(row, key, values, out, "same_member_twice"):
            continue
        existing, link = _match_member(ctx, by_id, key, record, name_rows)
        if existing is not None and not rows.claim(row, existing.id, values, out):
            continue
        current, changed, action = _compare(record, existing, link)
        merged = {**current, **{k: record[k] for k in changed}}
        member = Member(
            id=merged["id"],
            name=merged["name"],
            role=Role(merged["role"]),
            team_id=merged["team_id"],
            phone=merged.get("phone"),
        )
        team = existing.team_id if existing is not None else None
        rows.accept(row, values, out, action, member, changed, key, record, previous_team=team)


# -- the whole preview ---------------------------------------------------------------------


def _row_notes(raw: RawTable, row: RawRow, mapping: ColumnMapping) -> list[Issue]:
    """Cells the reader blanked as ID-shaped: an error where the column is imported."""
    used = set(mapping.columns.values())
    return [
        n
        for n in raw.notes
        if n.row == row.number and n.code == "id_number_in_cell" and n.column in used
    ]


def _mapping_issues(raw: RawTable, mapping: ColumnMapping, ctx: ImportContext) -> list[Issue]:
    kind = mapping.kind
    out: list[Issue] = []
    fields = FIELDS[kind]
    used: dict[str, str] = {}
    for name, letter in mapping.columns.items():
        label = field_label(kind, name)
        if name not in fields:
            out.append(issue("unknown_field", field=name, label=name))
        elif letter not in raw.headers:
            out.append(issue("unknown_column", column=letter, field=name))
        elif letter in raw.refused_columns:
            out.append(issue("refused_column", column=letter, field=name, label=label))
        elif letter in used:
            other = field_label(kind, used[letter])
            out.append(issue("column_twice", column=letter, field=name, label=label, other=other))
        used.setdefault(letter, name)
    required = ("village",) if kind == "households" else ("name", "team")
    for name in required:
        if name not in mapping.columns:
            out.append(issue("field_missing", field=name, label=field_label(kind, name)))
    if kind == "households":
        if not {"head_name", "address_detail"} & set(mapping.columns):
            out.append(issue("name_or_address_missing"))
        if not ctx.villages:
            out.append(issue("no_villages"))
    elif not ctx.teams:
        out.append(issue("no_teams"))
    return out


def preview(
    storage: ImportStorage,
    raw: RawTable,
    mapping: ColumnMapping | Mapping[str, str],
    *,
    kind: ImportKind,
    ward_code: str,
    by: Principal | None = None,
) -> ImportPreview:
    """Check ``raw`` against what ``ward_code`` already holds; writes nothing.

    ``mapping`` is a :class:`ColumnMapping` or the ``{field: column letter}`` dict a form
    posts back. Raises ``ApiError`` for an unknown ward or a caller out of scope.
    """
    if not isinstance(mapping, ColumnMapping):
        mapping = ColumnMapping.from_dict(kind, mapping, raw.headers)
    elif mapping.kind != kind:
        mapping = ColumnMapping.from_dict(kind, mapping.columns, raw.headers)
    ctx = storage.import_context(ward_code, kind, by=by)
    blocking = _mapping_issues(raw, mapping, ctx)
    rows = _Rows(kind, mapping)
    if not blocking:
        run: Callable[[RawTable, ImportContext, _Rows], None] = (
            _households if kind == "households" else _members
        )
        run(raw, ctx, rows)
    results = rows.results
    counts = dict.fromkeys(COUNT_KEYS, 0)
    counts["rows"] = len(raw.rows)
    for r in results:
        counts[r.action] += 1
    skipped = [
        n for n in raw.notes if n.code in ("subtotal_row", "header_repeat", "column_numbers")
    ]
    counts["skipped"] = len(skipped)
    by_column = {c: f for f, c in mapping.columns.items()}
    refused = {r.column: r.reason for r in raw.refused}
    columns = [
        ColumnInfo(letter, header, by_column.get(letter), refused.get(letter))
        for letter, header in raw.headers.items()
        if header or letter in by_column
    ]
    row_issues = [i for r in results for i in r.issues]
    file_notes = [n for n in raw.notes if n.row is None or n.code != "id_number_in_cell"]
    issues = blocking + raw.column_issues() + file_notes + row_issues
    issues.sort(key=lambda i: (i.row or 0, i.column or ""))
    plan = ImportPlan(
        kind=kind,
        ward_code=ward_code,
        filename=raw.filename,
        writes=rows.writes,
        counts=counts,
        refused_columns=[
            {"column": r.column, "header": r.header, "reason": r.reason} for r in raw.refused
        ],
        mapping={f: raw.headers.get(c, "") for f, c in mapping.columns.items()},
    )
    return ImportPreview(
        kind=kind,
        ward_code=ward_code,
        filename=raw.filename,
        sheet=raw.sheet,
        header_row=raw.header_row,
        mapping=mapping,
        columns=columns,
        rows=sorted(results, key=lambda r: r.row),
        issues=issues,
        counts=counts,
        plan=plan,
    )
