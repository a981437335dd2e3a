"""The work behind ``fieldapp admin import-households`` / ``import-members``.

Kept apart from :mod:`fieldapp.commands.admin_import` (the arguments) so that building the
CLI parser does not load openpyxl and the server.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from fieldapp.server.errors import ApiError
from fieldapp.server.imports import (
    ImportKind,
    ImportRefused,
    TableError,
    annotated_xlsx,
    commit,
    format_report,
    guess_mapping,
    preview,
    read_table,
)
from fieldapp.server.open_storage import open_storage
from fieldapp.server.settings import Settings

__all__ = ["run"]

EXIT_ERROR = 2
EXIT_REFUSED = 1


def run(
    args: argparse.Namespace,
    kind: ImportKind,
    overrides: dict[str, str] | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """Read, preview, and (unless ``--dry-run``) commit; print the report."""
    if overrides is None:
        print(
            "Lỗi: --map cần dạng TRƯỜNG=CỘT, ví dụ head_name=C. (Error: --map wants FIELD=COLUMN.)",
            file=err,
        )
        return EXIT_ERROR
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError:
        print(f"Lỗi: không mở được tệp {path.name}. (Error: cannot open the file.)", file=err)
        return EXIT_ERROR
    try:
        raw = read_table(data, path.name)
    except TableError as exc:
        print(f"Lỗi: {exc.issue.message_vi} (Error: {exc.issue.message_en})", file=err)
        return EXIT_ERROR
    lang = "en" if args.english else "vi"
    storage = open_storage(Settings.from_env().override(database=args.database).database)
    try:
        mapping = guess_mapping(raw, kind, storage.saved_mapping(args.ward, kind))
        if overrides:
            mapping = mapping.from_dict(kind, {**mapping.to_dict(), **overrides}, raw.headers)
        pv = preview(storage, raw, mapping, kind=kind, ward_code=args.ward)
        if args.annotated:
            Path(args.annotated).write_bytes(annotated_xlsx(raw, pv, lang=lang))
        if args.dry_run:
            print(format_report(pv, lang=lang), file=out)
            return EXIT_REFUSED if pv.errors() else 0
        try:
            report = commit(storage, pv, skip_refused=args.skip_refused)
        except ImportRefused:
            print(format_report(pv, lang=lang), file=out)
            print(
                "Chưa nhập gì: sửa các lỗi trên rồi chạy lại (hoặc thêm --skip-refused)."
                if lang == "vi"
                else "Nothing imported: fix the errors above and run again (or add"
                " --skip-refused).",
                file=err,
            )
            return EXIT_REFUSED
        print(format_report(pv, lang=lang, committed=True, batch_id=report.batch.id), file=out)
        return 0
    except ApiError as exc:
        print(f"Lỗi: {exc.message_vi}\n(Error: {exc.message_en})", file=err)
        return EXIT_ERROR
    finally:
        storage.close()
