"""The routes only know the ``Storage`` protocol: a PostgreSQL backend is a new class,
not an edit to any route (issue: "storage behind an interface narrow enough")."""

from __future__ import annotations

import ast
from pathlib import Path

import fieldapp.server as server_pkg
from fieldapp.server.app import ROUTER_MODULES
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.server.storage import Storage

SQLITE_ONLY = (
    "sqlite3",
    "sqlite_utils",
    "fieldapp.server.db",
    "fieldapp.server.sqlite_storage",
    "fieldapp.server.accounts",
    "fieldapp.server.push",
    "fieldapp.server.pull",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_routes_app_and_deps_import_nothing_sqlite_specific():
    folder = Path(server_pkg.__file__).parent
    modules = [m.rsplit(".", 1)[1] for m in ROUTER_MODULES] + ["app", "deps"]
    for name in modules:
        found = _imports(folder / f"{name}.py")
        assert not found & set(SQLITE_ONLY), (name, sorted(found & set(SQLITE_ONLY)))


def test_the_sqlite_storage_implements_every_method_of_the_protocol():
    wanted = {n for n, v in vars(Storage).items() if callable(v) and not n.startswith("_")} | {
        "epoch"
    }
    missing = {n for n in wanted if not hasattr(SqliteStorage, n)}
    assert not missing
