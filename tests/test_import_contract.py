"""The import contract: which layer of fieldapp may import which, read from the source.

Every module belongs to exactly one layer (longest matching prefix in ``LAYERS``); an
import of another layer must be in that layer's ``MAY_IMPORT`` row, and some third-party
packages are off limits per layer (the store knows no HTTP, views no SQL, the bottom no
I/O). Imports under ``if TYPE_CHECKING:`` count too: a type is a dependency. Read with
the standard ``ast`` module; the README's architecture section describes the same table.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "fieldapp"

# module prefix → layer. The longest prefix wins (the protocol is a leaf of its own,
# below the store, though it sits in the sync package).
LAYERS: dict[str, str] = {
    "fieldapp": "package",
    "fieldapp.text": "text",
    "fieldapp.sql": "sql",
    "fieldapp.files": "files",
    "fieldapp.domain": "domain",
    "fieldapp.reference": "reference",
    "fieldapp.admin_units": "reference",
    "fieldapp.sort_keys": "sort_keys",
    "fieldapp.records": "records",
    "fieldapp.sync.protocol": "protocol",
    "fieldapp.coverage": "coverage",
    "fieldapp.portal": "portal",
    "fieldapp.demo": "demo",
    "fieldapp.store": "store",
    "fieldapp.sync": "sync",
    "fieldapp.app_services": "app_services",
    "fieldapp.ui": "ui",
    "fieldapp.server": "server",
    "fieldapp.commands": "commands",
    "fieldapp.cli": "cli",
    "fieldapp.__main__": "cli",
}

_BOTTOM = {"package", "text"}
# layer → the other layers it may import. Bottom to top.
MAY_IMPORT: dict[str, set[str]] = {
    "package": set(),
    "text": set(),
    "sql": set(),
    "files": set(),
    "domain": _BOTTOM,
    "reference": _BOTTOM | {"domain"},
    "sort_keys": _BOTTOM | {"sql"},
    "records": _BOTTOM | {"domain"},
    "protocol": _BOTTOM | {"domain", "records"},
    "coverage": _BOTTOM | {"domain", "reference", "sql"},
    "portal": _BOTTOM | {"domain", "reference"},
    "demo": _BOTTOM | {"domain", "reference"},
    # The phone: store ← sync ← services ← views.
    "store": _BOTTOM
    | {"domain", "records", "protocol", "reference", "coverage", "sort_keys", "files", "sql"},
    "sync": _BOTTOM | {"domain", "records", "protocol", "reference", "store"},
    "app_services": _BOTTOM
    | {"domain", "protocol", "reference", "coverage", "portal", "store", "sync", "files"},
    "ui": _BOTTOM | {"domain", "reference", "coverage", "portal", "app_services"},
    # The server shares the bottom, the records, the protocol and coverage with the phone;
    # it never imports the phone's store, sync client, services or views.
    "server": _BOTTOM
    | {
        "domain",
        "records",
        "protocol",
        "reference",
        "coverage",
        "portal",
        "demo",
        "sort_keys",
        "files",
        "sql",
    },
    # The command line wires everything together.
    "commands": set(LAYERS.values()) - {"cli"},
    "cli": {"package", "commands"},
}

# layer → third-party (or stdlib) packages it must not import.
_IO = {"sqlite3", "sqlite_utils", "psycopg", "httpx", "fastapi", "starlette", "flet", "uvicorn"}
FORBIDDEN: dict[str, set[str]] = {
    "text": _IO,
    "domain": _IO,
    "records": _IO,
    "protocol": _IO,
    "store": {"httpx", "fastapi", "starlette", "flet", "uvicorn", "psycopg"},
    "sync": {"fastapi", "starlette", "flet", "uvicorn", "psycopg"},
    "app_services": {"fastapi", "starlette", "uvicorn", "psycopg", "sqlite3", "sqlite_utils"},
    "ui": {"sqlite3", "sqlite_utils", "psycopg", "httpx", "fastapi", "starlette", "uvicorn"},
    "server": {"flet"},
}

# A function-level import of a fieldapp module is a smell (usually a cycle dodged):
# at most this many, each with a comment on the line before saying why it must be lazy.
MAX_LAZY = 5


def module_name(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")


def layer_of(module: str) -> str:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        layer = LAYERS.get(".".join(parts[:n]))
        if layer is not None:
            return layer
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _is_module(name: str) -> bool:
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """(line, module) for every import in ``tree``; ``from a import b`` names ``a.b``
    when that is a module. Relative imports are resolved against ``module``."""
    out: list[tuple[int, str]] = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for a in node.names:
                full = f"{base}.{a.name}"
                out.append((node.lineno, full if _is_module(full) else base))
    return out


def contract_breaches(root: Path = ROOT) -> list[str]:
    """Every import that breaks the table, as ``importer imports imported: why``."""
    breaches = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        mine = layer_of(module)
        for line, name in imported(ast.parse(path.read_text(encoding="utf-8")), module):
            top = name.split(".")[0]
            if top == "fieldapp":
                theirs = layer_of(name)
                if theirs != mine and theirs not in MAY_IMPORT[mine]:
                    breaches.append(f"{module}:{line} imports {name} ({mine} → {theirs})")
            elif top in FORBIDDEN.get(mine, set()):
                breaches.append(f"{module}:{line} imports {name} (not in the {mine} layer)")
    return breaches


def lazy_imports(root: Path = ROOT) -> list[tuple[str, int, bool]]:
    """(module, line, has a comment saying why) for each fieldapp import inside a def."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for line, name in imported(fn, module):
                if name.startswith("fieldapp"):
                    before = lines[line - 2].strip() if line >= 2 else ""
                    found.append((module, line, before.startswith("#")))
    return sorted(set(found))


def test_every_layer_has_a_row():
    assert set(LAYERS.values()) == set(MAY_IMPORT)


def test_imports_follow_the_contract():
    assert contract_breaches() == []


def test_layers_only_import_downwards():
    """The table itself has no cycle: imports run one way."""
    seen: dict[str, int] = {}

    def depth(layer: str, path: tuple[str, ...] = ()) -> int:
        assert layer not in path, f"cycle in MAY_IMPORT: {' → '.join((*path, layer))}"
        if layer not in seen:
            below = MAY_IMPORT[layer] - {layer}
            seen[layer] = 1 + max((depth(b, (*path, layer)) for b in below), default=0)
        return seen[layer]

    for layer in MAY_IMPORT:
        depth(layer)


def test_function_level_imports_are_few_and_explained():
    found = lazy_imports()
    assert len(found) <= MAX_LAZY, found
    assert [f for f in found if not f[2]] == [], "say why each import must be lazy"


@pytest.mark.parametrize(
    ("importer", "line", "reason"),
    [
        ("server/push.py", "from fieldapp.store.device_store import DeviceStore", "server → store"),
        ("store/base.py", "import httpx", "not in the store layer"),
        ("ui/home_view.py", "import sqlite3", "not in the ui layer"),
        ("sync/protocol.py", "from fieldapp.store import DeviceStore", "protocol → store"),
        ("records.py", "from fieldapp.sync.protocol import Change", "records → protocol"),
    ],
)
def test_a_forbidden_import_is_caught(tmp_path, importer, line, reason):
    """The checker fails on a copy of the tree with one forbidden import added."""
    copy = tmp_path / "fieldapp"
    for path in ROOT.rglob("*.py"):
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    victim = copy / importer
    victim.write_text(victim.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    breaches = contract_breaches(copy)
    assert len(breaches) == 1 and reason in breaches[0], breaches
