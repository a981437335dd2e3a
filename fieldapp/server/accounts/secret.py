"""The server secret that keys enrolment-code digests, kept outside the database.

``FIELDAPP_SECRET`` (at least 16 characters) or, for embedded SQLite, a ``<database>.secret``
file created beside the database with owner-only permissions: a copy of the database alone
does not let anyone try codes offline. Device tokens need no secret (see
:func:`hash_secret`): losing the secret file never signs out every phone.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
import threading
from pathlib import Path

from fieldapp.server.errors import SecretError
from fieldapp.server.logs import log_event
from fieldapp.sql import Conn

__all__ = [
    "MIN_SECRET_CHARS",
    "SECRET_ENV",
    "database_file",
    "hash_secret",
    "secret_file",
    "server_secret",
]


SECRET_ENV = "FIELDAPP_SECRET"
MIN_SECRET_CHARS = 16
_secrets: dict[str, bytes] = {}
_secrets_lock = threading.Lock()


def hash_secret(secret: str) -> str:
    """Plain SHA-256: device tokens (256 random bits) and codes issued before HMAC."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_file(database: str) -> Path:
    """Where the server secret lives when ``FIELDAPP_SECRET`` is not set."""
    return Path(f"{database}.secret")


def database_file(conn: Conn) -> str:
    # A PostgreSQL connection names its database itself (see postgres.connection): its
    # secret can only come from FIELDAPP_SECRET (see server_secret).
    named = getattr(conn, "database_name", None)
    if isinstance(named, str):
        return named
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return str(file or "")
    return ""


def _short(name: str) -> SecretError:
    return SecretError(
        f"{name}: khoá bí mật của máy chủ phải có ít nhất {MIN_SECRET_CHARS} ký tự.",
        f"{name}: the server secret must have at least {MIN_SECRET_CHARS} characters.",
    )


def _read_or_create(path: Path) -> bytes:
    try:
        return _read_or_create_file(path)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise SecretError(
            f"không đọc hoặc tạo được tệp khoá bí mật {path} ({reason}).",
            f"cannot read or create the secret file {path} ({reason}).",
        ) from None


def _read_or_create_file(path: Path) -> bytes:
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        # Written under a temporary name with 0600, then linked into place: a second
        # process (``fieldapp admin``) never reads a half-written file, and if two create
        # it at once the first link wins and both use that one.
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(key + "\n")
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                key = path.read_text(encoding="ascii").strip()
        finally:
            tmp.unlink(missing_ok=True)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        log_event("secret_file_readable_by_others", file=path.name)
    if len(key) < MIN_SECRET_CHARS:
        raise _short(path.name)
    return key.encode()


def server_secret(database: str) -> bytes:
    """The HMAC key for enrolment codes, never stored in the database itself.

    ``FIELDAPP_SECRET`` wins; otherwise ``<database>.secret`` (created on first use with
    mode 0600); a PostgreSQL database needs ``FIELDAPP_SECRET``. An in-memory database
    gets a per-process key: it lives no longer.
    """
    env = os.environ.get(SECRET_ENV)
    if env:
        if len(env) < MIN_SECRET_CHARS:
            raise _short(SECRET_ENV)
        return env.encode()
    if database.startswith(("postgresql:", "postgres:")):
        # Several API processes on several machines share one PostgreSQL database and
        # no file beside it: they must share one secret, given to each of them.
        raise SecretError(
            f"Cần đặt {SECRET_ENV} khi cơ sở dữ liệu là PostgreSQL"
            " (cùng một khoá cho mọi máy chủ API).",
            f"{SECRET_ENV} must be set when the database is PostgreSQL"
            " (the same on every API process).",
        )
    memory = database in ("", ":memory:")
    with _secrets_lock:
        key = _secrets.get(database)
        if key is None:
            key = secrets.token_bytes(32) if memory else _read_or_create(secret_file(database))
            _secrets[database] = key
        return key
