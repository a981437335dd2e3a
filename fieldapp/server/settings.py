"""Server configuration, declared once: defaults, then environment, then command line.

>>> Settings.from_env({"FIELDAPP_PORT": "9000"}).port
9000
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Settings"]


def _default_database() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "fieldapp" / "server.db")


@dataclass(frozen=True)
class Settings:
    database: str
    host: str = "127.0.0.1"
    port: int = 8765
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``FIELDAPP_DATABASE``, ``_HOST``, ``_PORT`` and ``_LOG_LEVEL``."""
        env = os.environ if env is None else env
        return cls(
            database=env.get("FIELDAPP_DATABASE") or _default_database(),
            host=env.get("FIELDAPP_HOST") or "127.0.0.1",
            port=int(env.get("FIELDAPP_PORT") or 8765),
            log_level=env.get("FIELDAPP_LOG_LEVEL") or "info",
        )

    def override(self, **values: object) -> Settings:
        """Command-line values win over the environment; ``None`` means "not given"."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]
