"""PostgreSQL for the benchmarks: fresh databases on a given server or a throwaway one.

``FIELDAPP_BENCH_POSTGRES`` (or ``FIELDAPP_TEST_POSTGRES``) is a URL where databases may
be created; without either, a cluster is started with ``scripts/postgres-cluster`` with
``FIELDAPP_PG_DURABLE=1`` (fsync on, commits not waited for — as SQLite's WAL with
``synchronous=NORMAL``) and removed at the end.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
from pathlib import Path

import psycopg

from fieldapp.server.open_storage import is_postgres_url

__all__ = ["Databases"]


class Databases:
    """Fresh databases for each case: SQLite files, or PostgreSQL databases."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.admin = os.environ.get("FIELDAPP_BENCH_POSTGRES") or os.environ.get(
            "FIELDAPP_TEST_POSTGRES", ""
        )
        self.cluster: Path | None = None
        if not self.admin:
            # Its own directory under the system's temp dir: the cluster's owner (not
            # root) must reach it.
            self.cluster = Path(tempfile.mkdtemp(prefix="fieldapp-bench-pg-"))
            script = Path(__file__).resolve().parent.parent / "scripts" / "postgres-cluster"
            env = {**os.environ, "FIELDAPP_PG_DURABLE": "1"}
            self.admin = subprocess.run(
                [str(script), "start", str(self.cluster)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout.strip()
        # Every server process of a PostgreSQL database shares one code secret.
        os.environ.setdefault("FIELDAPP_SECRET", secrets.token_hex(16))
        self.made: list[str] = []

    def new(self, backend: str, label: str) -> str:
        """A new empty database: an SQLite file path, or a PostgreSQL URL."""
        if backend == "sqlite":
            return str(self.tmp / f"{label}.db")
        name = f"fieldapp_bench_{secrets.token_hex(4)}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return self.admin.rsplit("/", 1)[0] + "/" + name

    def backend_cpu(self, url: str) -> float:
        """CPU seconds of PostgreSQL's processes so far (same machine; Linux /proc)."""
        if not is_postgres_url(url):
            return 0.0
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            if "(postgres)" in text:
                fields = text.rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        with psycopg.connect(self.admin, autocommit=True) as conn:
            for name in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self.cluster is not None:
            script = Path(__file__).resolve().parent.parent / "scripts" / "postgres-cluster"
            subprocess.run([str(script), "stop", str(self.cluster)], check=False)
