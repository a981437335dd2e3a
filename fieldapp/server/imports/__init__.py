"""Import of the commune's own lists (households, members) from XLSX or CSV.

Web-independent: the command line (``fieldapp admin import-households``) and the console
call the same four steps, and only :class:`fieldapp.server.import_storage.ImportStorage`
touches the database::

    raw = read_table(data, filename)                 # RawTable, or raises TableError
    saved = storage.saved_mapping("18754", "households", by=principal)  # last confirmed choice
    mapping = guess_mapping(raw, "households", saved)  # ColumnMapping; .to_dict() for a form
    mapping = ColumnMapping.from_dict("households", posted, raw.headers)   # officer's choice
    pv = preview(storage, raw, mapping, kind="households", ward_code="18754", by=principal)
    # pv.counts, pv.issues (by row / column, Vietnamese + English), pv.rows, pv.can_commit
    report = commit(storage, pv, by=principal, skip_refused=False)   # or raises ImportRefused
    print(format_report(pv, lang="vi", committed=True, batch_id=report.batch.id))
    annotated_xlsx(raw, pv)                           # the file back, a verdict beside each row
    storage.import_batches(ward_code="18754", by=principal); storage.undo_import(batch_id, by=…)

* ``read_table(data: bytes, filename: str) -> RawTable``
* ``guess_mapping(raw: RawTable, kind: ImportKind, saved: Mapping[str, str] | None = None)
  -> ColumnMapping``
* ``preview(storage, raw, mapping: ColumnMapping | Mapping[str, str], *, kind, ward_code,
  by=None) -> ImportPreview``
* ``commit(storage, preview, *, by=None, skip_refused=False) -> ImportReport``
* ``format_report(preview, *, lang="vi", committed=False, batch_id="") -> str``
* ``annotated_xlsx(raw, preview, *, lang="vi") -> bytes``

``kind`` is ``"households"`` (fields ``head_name``, ``address_detail``, ``village``,
``phone``, ``members_count``) or ``"members"`` (``name``, ``role``, ``team``, ``phone``).
Columns of ID numbers (CCCD/CMND) and full dates of birth are refused by
:func:`read_table` — blanked before anything else sees them — and the preview says why.
How re-imports recognise what the ward has: see :mod:`fieldapp.server.imports.preview`.
"""

from fieldapp.server.imports.annotate import annotated_xlsx
from fieldapp.server.imports.commit import ImportRefused, ImportReport, commit
from fieldapp.server.imports.fields import FIELDS, ColumnMapping, ImportKind, guess_mapping
from fieldapp.server.imports.messages import Issue
from fieldapp.server.imports.preview import ColumnInfo, ImportPreview, RowResult, preview
from fieldapp.server.imports.report import counts_line, format_report
from fieldapp.server.imports.table import RawRow, RawTable, RefusedColumn, TableError, read_table

__all__ = [
    "FIELDS",
    "ColumnInfo",
    "ColumnMapping",
    "ImportKind",
    "ImportPreview",
    "ImportRefused",
    "ImportReport",
    "Issue",
    "RawRow",
    "RawTable",
    "RefusedColumn",
    "RowResult",
    "TableError",
    "annotated_xlsx",
    "commit",
    "counts_line",
    "format_report",
    "guess_mapping",
    "preview",
    "read_table",
]
