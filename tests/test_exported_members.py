"""Every name one fieldapp module imports from another is in that module's ``__all__``.

Like httpx's tests/test_exported_members.py, but over the whole package: ``__all__`` is
the module's public surface, so a name used across modules is declared there, and a
private name (``_x``) is never imported from another module. Read with ``ast``, nothing
is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fieldapp"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    found["fieldapp_main"] = ROOT / "fieldapp_main.py"
    return found


def _declared_all(path: Path) -> set[str] | None:
    """The literal ``__all__`` of a module, or None when it declares none."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            assert node.value is not None
            return {str(ast.literal_eval(e)) for e in node.value.elts}  # type: ignore[attr-defined]
    return None


def _cross_imports() -> list[tuple[str, str, str]]:
    """(importing module, imported module, name) for each ``from fieldapp.x import name``."""
    modules = _modules()
    found = []
    for importer, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
                continue
            if not node.module.startswith("fieldapp") or node.module == importer:
                continue
            for alias in node.names:
                if f"{node.module}.{alias.name}" in modules:
                    continue  # a submodule, not a member
                found.append((importer, node.module, alias.name))
    return found


def test_the_scan_sees_the_imports():
    assert len(_cross_imports()) > 300


def test_every_module_declares_all():
    missing = [name for name, path in _modules().items() if _declared_all(path) is None]
    assert not missing, missing


def test_every_name_imported_across_modules_is_in_its_all():
    modules = _modules()
    wrong = []
    for importer, module, name in _cross_imports():
        declared = _declared_all(modules[module]) or set()
        if name not in declared:
            wrong.append(f"{importer}: {module}.{name}")
    assert not wrong, "\n".join(sorted(wrong))
