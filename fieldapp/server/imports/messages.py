"""What an import tells the officer: one catalogue of problems, each in Vietnamese and English.

A message never repeats a personal value from the file (a name, a phone, an ID number): it
names the spreadsheet cell (``C7``) instead, so the preview can be shown, logged or
e-mailed without copying personal data. Only place names (villages, teams, roles) are
quoted, as they are what the officer must correct.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fieldapp.messages import MESSAGES as CATALOGUE
from fieldapp.messages import words

__all__ = ["MESSAGES", "Issue", "Severity", "issue"]

Severity = Literal["error", "warning", "info"]

# code → severity; the words are the catalogue's ``import.*`` (fieldapp.messages), except
# for the two codes whose words come from the check that failed (phone, domain rules).
SEVERITY: dict[str, Severity] = {
    "bad_file": "error",
    "empty_file": "error",
    "no_header": "error",
    "not_utf8": "warning",
    "other_sheets": "info",
    "id_column": "warning",
    "birth_date_column": "warning",
    "unknown_field": "error",
    "unknown_column": "error",
    "refused_column": "error",
    "column_twice": "error",
    "field_missing": "error",
    "name_or_address_missing": "error",
    "no_villages": "error",
    "no_teams": "error",
    "subtotal_row": "info",
    "header_repeat": "info",
    "column_numbers": "info",
    "required": "error",
    "unknown_village": "error",
    "ambiguous_village": "error",
    "unknown_team": "error",
    "ambiguous_team": "error",
    "bad_role": "error",
    "officer_role": "error",
    "id_number_in_cell": "error",
    "birth_date_in_cell": "error",
    "phone_warning": "warning",
    "several_phones": "warning",
    "bad_count": "error",
    "too_long": "error",
    "invalid": "error",
    "duplicate_row": "warning",
    "same_household_twice": "error",
    "same_record_twice": "error",
    "same_member_twice": "error",
    "deleted_on_server": "warning",
    "not_in_ward": "error",
}
_PASS_THROUGH = ("{message_vi}", "{message_en}")


def _catalogued(code: str) -> str:
    """The catalogue's code: ``import.<code>``, or the domain rules' own for theirs."""
    return f"import.{code}" if f"import.{code}" in CATALOGUE else code


# code → (severity, Vietnamese, English), as before the catalogue moved.
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    code: (
        severity,
        *(_PASS_THROUGH if code in ("phone_warning", "invalid") else words(_catalogued(code))),
    )
    for code, severity in SEVERITY.items()
}


@dataclass(frozen=True)
class Issue:
    """One problem (or note) of an import, by spreadsheet row and column where it has one.

    ``row`` is the row number the spreadsheet shows (1-based), ``column`` its letter;
    both are None for problems of the whole file or mapping.
    """

    code: str
    severity: Severity
    message_vi: str
    message_en: str
    row: int | None = None
    column: str | None = None
    field: str | None = None

    @property
    def cell(self) -> str:
        """``C7``, ``row 7``, ``column C`` or ``""`` (the whole file)."""
        if self.row is not None and self.column:
            return f"{self.column}{self.row}"
        if self.row is not None:
            return str(self.row)
        return self.column or ""

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


def issue(
    code: str,
    *,
    row: int | None = None,
    column: str | None = None,
    field: str | None = None,
    **fmt: Any,
) -> Issue:
    """An :class:`Issue` from the catalogue, formatted with ``fmt``."""
    severity, vi, en = MESSAGES[code]
    # The cell's own column letter may appear in the text too.
    fmt.setdefault("column", column)
    return Issue(code, severity, vi.format(**fmt), en.format(**fmt), row, column, field)
