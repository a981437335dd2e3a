"""The import report as text: what the command line prints and a console page can show.

>>> print(counts_line({"rows": 3, "new": 2, "changed": 0, "unchanged": 1, "duplicate": 0,
...                    "refused": 0, "skipped": 1}))
3 dòng: 2 mới, 0 thay đổi, 1 không đổi, 0 trùng lặp, 0 bị từ chối, 1 bỏ qua.
"""

from __future__ import annotations

from collections.abc import Mapping

from fieldapp.server.imports.fields import field_label
from fieldapp.server.imports.messages import Issue
from fieldapp.server.imports.preview import ImportPreview

__all__ = ["counts_line", "format_report", "where"]

_COUNT_WORDS = {
    "vi": ("dòng", "mới", "thay đổi", "không đổi", "trùng lặp", "bị từ chối", "bỏ qua"),
    "en": ("rows", "new", "changed", "unchanged", "duplicate", "refused", "skipped"),
}
_KEYS = ("new", "changed", "unchanged", "duplicate", "refused", "skipped")


def counts_line(counts: Mapping[str, int], lang: str = "vi") -> str:
    words = _COUNT_WORDS["en" if lang == "en" else "vi"]
    parts = ", ".join(f"{counts.get(k, 0)} {w}" for k, w in zip(_KEYS, words[1:], strict=True))
    return f"{counts.get('rows', 0)} {words[0]}: {parts}."


def where(i: Issue, en: bool = False) -> str:
    """``Ô C7`` / ``Dòng 7`` / ``Cột C`` / ``Tệp`` (English: Cell, Row, Column, File)."""
    if i.row is not None and i.column:
        return f"{'Cell' if en else 'Ô'} {i.column}{i.row}"
    if i.row is not None:
        return f"{'Row' if en else 'Dòng'} {i.row}"
    if i.column:
        return f"{'Column' if en else 'Cột'} {i.column}"
    return "File" if en else "Tệp"


def format_report(
    preview: ImportPreview, *, lang: str = "vi", committed: bool = False, batch_id: str = ""
) -> str:
    """The whole report: file, mapping, counts, then every problem by cell."""
    en = lang == "en"
    lines = []
    sheet = f" [{preview.sheet}]" if preview.sheet else ""
    lines.append(
        (f"File {preview.filename}{sheet}, header row {preview.header_row}.")
        if en
        else f"Tệp {preview.filename}{sheet}, dòng tiêu đề {preview.header_row}."
    )
    mapped = ", ".join(
        f"{field_label(preview.kind, f, lang)} ← {c}" for f, c in preview.mapping.columns.items()
    )
    lines.append(("Columns: " if en else "Cột: ") + (mapped or "—"))
    lines.append(counts_line(preview.counts, lang))
    for i in preview.issues:
        severity = {"error": "LỖI", "warning": "Chú ý", "info": "—"}[i.severity]
        if en:
            severity = {"error": "ERROR", "warning": "Note", "info": "—"}[i.severity]
        lines.append(f"  {where(i, en)}: {severity} {i.message(lang)}")
    if committed:
        lines.append(
            f"Imported (batch {batch_id})." if en else f"Đã nhập xong (đợt nhập {batch_id})."
        )
    return "\n".join(lines)
