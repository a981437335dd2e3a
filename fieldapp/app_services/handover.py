"""Files made on the phone leave it: where exports and posters are saved, and what the
system share sheet is told about them.

On a phone (and any packaged Flet app) files go to the app's own storage, which no file
manager shows: the screen then offers the system share sheet (Zalo, email, Drive…; in a
browser the same button downloads the file). On a computer they go to the Downloads
folder, where people look, and the screen says the full path.

>>> mime_type("do-phu-villages-20240620.xlsx")
'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["mime_type", "output_dir"]

_MIME = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".png": "image/png",
}


def mime_type(path: str | Path) -> str:
    """The MIME type the share sheet needs to offer the right apps."""
    return _MIME.get(Path(path).suffix.lower(), "application/octet-stream")


def output_dir(kind: str) -> Path:
    """Where files of ``kind`` ("exports", "posters") are written.

    ``$FLET_APP_STORAGE_DATA/<kind>`` in a packaged app (phone); else
    ``~/Downloads/fieldapp`` when there is a Downloads folder; else ``~/fieldapp-<kind>``.
    """
    app_storage = os.environ.get("FLET_APP_STORAGE_DATA")
    if app_storage:
        return Path(app_storage) / kind
    downloads = Path.home() / "Downloads"
    if downloads.is_dir():
        return downloads / "fieldapp"
    return Path.home() / f"fieldapp-{kind}"
