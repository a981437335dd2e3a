"""Server configuration, declared once: defaults, then environment, then command line.

>>> Settings.from_env({"FIELDAPP_PORT": "9000"}).port
9000
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "DEFAULT_TOKEN_IDLE_DAYS",
    "DEFAULT_WORKER_THREADS",
    "Settings",
    "idle_days",
    "workers",
]

# Phones work offline for weeks, so device tokens have no absolute lifetime: they expire
# only after this many days without a single authenticated request (a lost or abandoned
# phone), see :func:`fieldapp.server.accounts.authenticate`.
DEFAULT_WORKER_THREADS = 4
DEFAULT_TOKEN_IDLE_DAYS = 90


def _default_database() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "fieldapp" / "server.db")


@dataclass(frozen=True)
class Settings:
    database: str
    host: str = "127.0.0.1"
    port: int = 8765
    log_level: str = "info"
    token_idle_days: int = DEFAULT_TOKEN_IDLE_DAYS
    # Worker threads for blocking route code (sync reads, auth). Few on purpose: with
    # anyio's default of 40, threads fighting over the GIL and SQLite made 200 phones
    # syncing at once cost ~1.7x the CPU (benchmarks/sync.py (c)). Pushes do not use
    # them (one writer thread), nor do coverage reports (a pool of their own).
    worker_threads: int = DEFAULT_WORKER_THREADS
    # Server processes sharing the port and the database file. Python runs one thread
    # at a time per process; a second process lets a second core parse, authenticate
    # and serialise while the first writes (SQLite still takes one writer at a time).
    workers: int = 1
    # Officers' console sessions end after this many hours without use.
    console_idle_hours: int = 8

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``FIELDAPP_DATABASE``, ``_HOST``, ``_PORT``, ``_LOG_LEVEL``,
        ``_TOKEN_IDLE_DAYS``, ``_WORKER_THREADS``, ``_WORKERS`` and ``_CONSOLE_IDLE_HOURS``."""
        env = os.environ if env is None else env
        return cls(
            database=env.get("FIELDAPP_DATABASE") or _default_database(),
            host=env.get("FIELDAPP_HOST") or "127.0.0.1",
            port=_whole("FIELDAPP_PORT", env.get("FIELDAPP_PORT"), 8765, 1, 65535),
            log_level=env.get("FIELDAPP_LOG_LEVEL") or "info",
            token_idle_days=idle_days(env.get("FIELDAPP_TOKEN_IDLE_DAYS")),
            worker_threads=worker_threads(env.get("FIELDAPP_WORKER_THREADS")),
            workers=workers(env.get("FIELDAPP_WORKERS")),
            console_idle_hours=_whole(
                "FIELDAPP_CONSOLE_IDLE_HOURS", env.get("FIELDAPP_CONSOLE_IDLE_HOURS"), 8, 1, 24 * 30
            ),
        )

    def to_env(self) -> dict[str, str]:
        """These settings as the environment :meth:`from_env` reads (for worker processes).

        >>> s = Settings("/tmp/x.db", port=9000, workers=2)
        >>> Settings.from_env(s.to_env()) == s
        True
        """
        return {
            "FIELDAPP_DATABASE": self.database,
            "FIELDAPP_HOST": self.host,
            "FIELDAPP_PORT": str(self.port),
            "FIELDAPP_LOG_LEVEL": self.log_level,
            "FIELDAPP_TOKEN_IDLE_DAYS": str(self.token_idle_days),
            "FIELDAPP_WORKER_THREADS": str(self.worker_threads),
            "FIELDAPP_WORKERS": str(self.workers),
            "FIELDAPP_CONSOLE_IDLE_HOURS": str(self.console_idle_hours),
        }

    def override(self, **values: object) -> Settings:
        """Command-line values win over the environment; ``None`` means "not given"."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


def _whole(name: str, value: object, default: int, lowest: int, highest: int) -> int:
    if value is None or value == "":
        return default
    try:
        n = int(str(value).strip())
    except ValueError:
        n = lowest - 1
    if not lowest <= n <= highest:
        raise ValueError(f"{name} must be a whole number from {lowest} to {highest}: {value!r}")
    return n


def idle_days(value: object) -> int:
    """``FIELDAPP_TOKEN_IDLE_DAYS`` as a whole number of days, at least 1 (empty: 90).

    >>> idle_days("30"), idle_days(None)
    (30, 90)
    """
    return _whole("FIELDAPP_TOKEN_IDLE_DAYS", value, DEFAULT_TOKEN_IDLE_DAYS, 1, 36_500)


def worker_threads(value: object) -> int:
    """``FIELDAPP_WORKER_THREADS``: a whole number from 1 to 64 (empty: 4).

    >>> worker_threads("8"), worker_threads(None)
    (8, 4)
    """
    return _whole("FIELDAPP_WORKER_THREADS", value, DEFAULT_WORKER_THREADS, 1, 64)


def workers(value: object) -> int:
    """``FIELDAPP_WORKERS``: server processes, a whole number from 1 to 16 (empty: 1).

    >>> workers("2"), workers(None)
    (2, 1)
    """
    return _whole("FIELDAPP_WORKERS", value, 1, 1, 16)
