"""What the list import needs from a database: a separate, narrow protocol.

:mod:`fieldapp.server.imports` (the engine: reading, mapping, preview) never touches SQL.
It asks an :class:`ImportStorage` for what a ward already holds
(:meth:`ImportStorage.import_context`), then hands it one :class:`ImportPlan` to write in
one transaction (:meth:`ImportStorage.commit_import`). The SQLite implementation is
:class:`fieldapp.server.sqlite_imports.SqliteImportStorage`, mixed into ``SqliteStorage``.

Re-imports are recognised through *links*: for each household (or member) an import wrote
or matched, the ward keeps a digest of its matching key and a short digest of each field
as that list gave it — digests, not a second copy of names and phones.

The console keeps an upload between its preview and its commit as an :class:`ImportDraft`
in the database (several server processes share nothing else): the table as read, with
refused columns already blank — never the uploaded file — owned by one console session.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal, Protocol

from fieldapp.domain.model import Household, Member, Team, Village
from fieldapp.server.storage import Principal
from fieldapp.text import nfc

__all__ = [
    "DRAFT_LIFETIME",
    "ExistingHousehold",
    "ExistingMember",
    "ImportBatch",
    "ImportContext",
    "ImportDraft",
    "ImportLink",
    "ImportPlan",
    "ImportStorage",
    "PlannedWrite",
    "safe_filename",
]

Action = Literal["new", "changed", "unchanged"]
# A console upload not committed or cancelled within this time is forgotten.
DRAFT_LIFETIME = timedelta(hours=2)
_MAX_FILENAME = 120
_LONG_DIGITS = re.compile(r"\d{6,}")


def safe_filename(name: str) -> str:
    """A file's name as recorded or shown: no folders, bounded, and no long digit runs (a
    file named after a person's ID number must not put it in the database).

    >>> safe_filename("tai-lieu/DS 042087001234.xlsx")
    'DS ….xlsx'
    """
    base = nfc(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:_MAX_FILENAME]
    return _LONG_DIGITS.sub("…", base) or "?"


@dataclass(frozen=True)
class ExistingHousehold:
    """A household of the ward as the server holds it (tombstones included)."""

    id: str
    village_id: str
    head_name: str
    address_detail: str
    phone: str | None
    members_count: int | None
    deleted: bool
    version: int


@dataclass(frozen=True)
class ExistingMember:
    """A member or leader of one of the ward's teams."""

    id: str
    name: str
    role: str
    team_id: str | None
    phone: str | None


@dataclass(frozen=True)
class ImportLink:
    """What an earlier import recorded for one matching key (see module docstring)."""

    record_id: str
    field_digests: dict[str, str]


@dataclass(frozen=True)
class ImportContext:
    """Everything a preview compares a file against, read in one snapshot."""

    ward_code: str
    villages: list[Village]
    teams: list[Team]
    households: list[ExistingHousehold] = field(default_factory=list)
    members: list[ExistingMember] = field(default_factory=list)
    # match-key digest → link, for this ward and kind.
    links: dict[str, ImportLink] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedWrite:
    """One accepted row: what to write (nothing when unchanged) and the link to keep.

    ``record`` is the whole record after the import; ``expected_version`` the household
    version the preview saw (None for a new record or a member), checked at commit so an
    edit pushed from a phone in between is never overwritten unseen.
    """

    action: Action
    record: Household | Member
    changed_fields: tuple[str, ...]
    match_key: str
    field_digests: dict[str, str]
    row: int
    expected_version: int | None = None
    # For members: the team before the import (a change of team is a move).
    previous_team: str | None = None
    # The values the changed fields had before (kept with the batch for undo).
    before: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportPlan:
    """What :meth:`ImportStorage.commit_import` writes, all or nothing."""

    kind: Literal["households", "members"]
    ward_code: str
    filename: str
    writes: Sequence[PlannedWrite]
    counts: dict[str, int]
    # Refused columns, as {"column", "header", "reason"} (never any cell value).
    refused_columns: list[dict[str, str]] = field(default_factory=list)
    # The column choice as {field: header text}, proposed again for the next list.
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportBatch:
    """One committed import, as the console lists it."""

    id: str
    kind: str
    ward_code: str
    filename: str
    imported_by: str
    imported_at: str
    counts: dict[str, int]
    refused_columns: list[dict[str, str]]
    mapping: dict[str, str] = field(default_factory=dict)
    undone_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "ward_code": self.ward_code,
            "filename": self.filename,
            "imported_by": self.imported_by,
            "imported_at": self.imported_at,
            "counts": dict(self.counts),
            "refused_columns": list(self.refused_columns),
            "mapping": dict(self.mapping),
            "undone_at": self.undone_at,
        }


@dataclass(frozen=True)
class ImportDraft:
    """A console upload between preview and commit (see the module docstring)."""

    id: str
    session_id: str
    ward_code: str
    kind: str
    raw: dict[str, Any]  # RawTable.to_dict(): refused columns already blank
    mapping: dict[str, str]  # {field: column letter}
    created_at: str
    expires_at: str


class ImportStorage(Protocol):
    """The import's persistence. ``by=None`` is the local command line (trusted as the
    province officer); otherwise only an officer of the ward (or the province) may import.
    """

    def import_context(
        self, ward_code: str, kind: str, *, by: Principal | None = None
    ) -> ImportContext:
        """The ward's villages, teams, households (for ``households``) or members (for
        ``members``) and the links of earlier imports of that kind. Raises ``ApiError``
        ``not_found`` for an unknown ward, ``forbidden`` out of scope."""
        ...

    def commit_import(self, plan: ImportPlan, *, by: Principal | None = None) -> ImportBatch:
        """Write the plan in one transaction and record the batch. New and changed
        households are stamped on the change feed (the team's phones get them on their
        next pull). Raises ``ApiError("conflict")`` and writes nothing when a household
        changed since the preview or a key was linked by another import meanwhile."""
        ...

    def import_batches(
        self, *, ward_code: str | None = None, by: Principal | None = None, limit: int = 50
    ) -> list[ImportBatch]:
        """Recent import batches in scope, newest first."""
        ...

    def saved_mapping(
        self, ward_code: str, kind: str, *, by: Principal | None = None
    ) -> dict[str, str]:
        """The column choice ``{field: header text}`` of the ward's last import of ``kind``
        (empty if none), for :func:`fieldapp.server.imports.guess_mapping`."""
        ...

    def undo_import(self, batch_id: str, *, by: Principal | None = None) -> ImportBatch:
        """Undo a household batch in one transaction, on the change feed like any edit:
        the households it created are deleted (tombstones, so phones drop them) unless a
        team visited them since; the fields it changed get their previous values back,
        each unless it was changed again since; its links are forgotten. Raises
        ``ApiError("conflict")`` for a batch already undone or of members."""
        ...

    # -- console drafts ---------------------------------------------------------------
    def save_import_draft(
        self,
        *,
        session_id: str,
        ward_code: str,
        kind: str,
        raw: dict[str, Any],
        mapping: dict[str, str],
        by: Principal,
        replaces: str | None = None,
    ) -> ImportDraft:
        """Keep an upload for ``session_id`` (an officer of the ward) for
        :data:`DRAFT_LIFETIME`; ``replaces`` (a draft of the same session) is deleted in the
        same transaction (a fixed file uploaded again). Expired drafts are purged."""
        ...

    def import_draft(self, draft_id: str, *, session_id: str) -> ImportDraft | None:
        """The draft, or None when unknown, expired or another session's."""
        ...

    def set_import_draft_mapping(
        self, draft_id: str, mapping: dict[str, str], *, session_id: str
    ) -> None:
        """Record the officer's column choice ``{field: column letter}`` for the draft."""
        ...

    def delete_import_draft(self, draft_id: str, *, session_id: str) -> None:
        """Forget the draft (cancel); nothing happens for another session's."""
        ...
