"""Committing a preview: everything it accepted, in one transaction, or nothing.

A preview with errors in the file or the mapping cannot be committed. A preview with
refused *rows* is committed only when the caller says to skip them (``skip_refused``):
by default the officer fixes the file and previews again, and nothing is half-imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.server.import_storage import ImportBatch, ImportStorage
from fieldapp.server.imports.messages import Issue
from fieldapp.server.imports.preview import ImportPreview
from fieldapp.server.storage import Principal

__all__ = ["ImportRefused", "ImportReport", "commit"]


class ImportRefused(ValueError):
    """The preview cannot be committed as it is; ``issues`` say why (nothing was written)."""

    def __init__(self, issues: list[Issue], *, refused_rows: int = 0):
        self.issues = issues
        self.refused_rows = refused_rows
        first = issues[0].message_en if issues else ""
        super().__init__(f"import refused: {refused_rows} row(s) refused; {first}")


@dataclass(frozen=True)
class ImportReport:
    """A committed import: the batch as recorded, and the preview it came from."""

    batch: ImportBatch
    preview: ImportPreview

    @property
    def counts(self) -> dict[str, int]:
        return self.batch.counts


def commit(
    storage: ImportStorage,
    preview: ImportPreview,
    *,
    by: Principal | None = None,
    skip_refused: bool = False,
) -> ImportReport:
    """Write what ``preview`` accepted; raises :class:`ImportRefused` (nothing written)
    when it cannot, and ``ApiError("conflict")`` when the ward changed since the preview
    (preview again)."""
    if preview.blocking:
        raise ImportRefused(preview.blocking)
    refused = preview.counts["refused"]
    if refused and not skip_refused:
        raise ImportRefused(preview.errors(), refused_rows=refused)
    batch = storage.commit_import(preview.plan, by=by)
    return ImportReport(batch, preview)
