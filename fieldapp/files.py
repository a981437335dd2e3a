"""Database files for their owner only: the server's ``server.db`` and the phone's
``device.db`` hold names and phone numbers, so neither they nor their folders are
readable by other accounts on the machine.

SQLite creates a database's ``-wal`` and ``-shm`` files with the permissions of the
database file itself, so creating the file 0600 before SQLite opens it covers all three.
Only folders created here are made 0700; an existing folder (``/tmp``, a home folder)
is left as it is.

>>> import tempfile, stat
>>> folder = Path(tempfile.mkdtemp()) / "a" / "b"
>>> db = private_file(folder / "x.db")
>>> oct(stat.S_IMODE(db.stat().st_mode)), oct(stat.S_IMODE(folder.stat().st_mode))
('0o600', '0o700')
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["private_dir", "private_file"]

# A database file and the files SQLite keeps next to it.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_dir(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700 (existing ones untouched)."""
    missing = []
    for p in (folder, *folder.parents):
        if p.exists():
            break
        missing.append(p)
    for p in reversed(missing):
        try:
            p.mkdir(mode=0o700)
        except FileExistsError:  # created meanwhile by another process
            pass


def private_file(path: str | Path) -> Path:
    """Create the file if missing (0600) and make it and its SQLite companions owner-only."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            mode = stat.S_IMODE(companion.stat().st_mode)
            if mode & 0o077:  # made before this rule: tighten it
                companion.chmod(mode & 0o700)
        except (FileNotFoundError, PermissionError):
            pass
    return path
