"""What ``flet build apk`` puts on the phone: the closure of ``[project].dependencies``.

Checked against the installed environment (``importlib.metadata``): every distribution the
app's dependencies pull in (their ``Requires-Dist`` evaluated for Android, without extras)
is a pure-Python wheel or one Flet builds for Android at that version
(``flet_android_binaries.json``, with provenance). The app's entry module, started in a
fresh interpreter, loads nothing of the server, and no module the app can reach (imports
inside functions included) lives in a server-only package.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ALLOW = json.loads((Path(__file__).with_name("flet_android_binaries.json")).read_text("utf-8"))

# Distributions and modules that belong to the server (or to `fieldapp app --web`) only.
SERVER_DISTS = {"fastapi", "uvicorn", "starlette", "orjson", "uvloop", "httptools", "watchfiles"}
SERVER_DISTS |= {"flet-web", "websockets", "python-multipart"}
SERVER_MODULES = ("fastapi", "uvicorn", "starlette", "orjson", "uvloop", "httptools")
SERVER_MODULES += ("watchfiles", "flet_web", "fieldapp.server", "fieldapp.commands")

# An Android phone as pip sees it when `flet build` resolves the bundle.
ANDROID = {
    **default_environment(),
    "sys_platform": "android",
    "platform_system": "Android",
    "platform_machine": "aarch64",
    "os_name": "posix",
    "extra": "",
}


def _closure() -> dict[str, metadata.Distribution]:
    """Every installed distribution the phone bundle needs, by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate(ANDROID):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        dist = metadata.distribution(name)
        assert req.specifier.contains(dist.version, prereleases=True), (req, dist.version)
        found[name] = dist
        for text in dist.requires or []:
            sub = Requirement(text)
            # Only the extras the parent asked for (qrcode[pil]); none further down.
            envs = [{**ANDROID, "extra": e} for e in req.extras] or [ANDROID]
            if sub.marker is None or any(sub.marker.evaluate(env) for env in envs):
                todo.append(Requirement(str(sub).split(";")[0]))
    return found


def _wheel_tags(dist: metadata.Distribution) -> list[str]:
    text = dist.read_text("WHEEL") or ""
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")]


def _is_pure(tags: list[str]) -> bool:
    return bool(tags) and all(t.endswith("-none-any") and t.startswith("py") for t in tags)


def test_phone_closure_is_pure_python_or_built_by_flet_for_android() -> None:
    closure = _closure()
    assert {"flet", "pydantic-core", "pillow", "httpx"} <= set(closure)
    android = {canonicalize_name(k): v for k, v in ALLOW["android_binary"].items()}
    fallback = {
        canonicalize_name(k): v["version"] for k, v in ALLOW["pure_wheel_published"].items()
    }
    problems = []
    for name, dist in sorted(closure.items()):
        tags = _wheel_tags(dist)
        if _is_pure(tags):
            continue
        allowed = android.get(name) or fallback.get(name)
        if allowed != dist.version:
            problems.append(f"{name} {dist.version} ({', '.join(tags) or 'no WHEEL'})")
    assert not problems, "not pure Python and not built by Flet for Android: " + "; ".join(problems)


def test_server_packages_are_not_in_the_phone_bundle() -> None:
    assert not SERVER_DISTS & set(_closure())
    extras = PYPROJECT["project"]["optional-dependencies"]
    server = {canonicalize_name(Requirement(r).name) for r in extras["server"]}
    assert {"fastapi", "uvicorn", "orjson"} <= server


def test_entry_module_in_a_fresh_interpreter_loads_no_server_module() -> None:
    module = PYPROJECT["tool"]["flet"]["app"]["module"]
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    assert "fieldapp.ui.shell" in loaded and "flet" in loaded
    bad = [m for m in loaded if m.split(".")[0] in SERVER_MODULES or m.startswith(SERVER_MODULES)]
    assert not bad


def _imports(path: Path, name: str) -> set[str]:
    """Absolute names of every module ``path`` may import, also inside functions."""
    names: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def _source(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def test_every_module_the_app_can_reach_is_in_the_bundle() -> None:
    """Walks the app's own imports from the entry module (lazy ones too): none reaches
    the server, and every third-party module comes from a distribution of the closure."""
    entry = PYPROJECT["tool"]["flet"]["app"]["module"]
    seen: set[str] = set()
    third_party: set[str] = set()
    todo = [entry]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _source(module)
        assert path is not None, module
        for name in _imports(path, module):
            top = name.split(".")[0]
            if top == "fieldapp" or name == entry:
                if _source(name) is not None:
                    todo.append(name)
            elif top not in sys.stdlib_module_names and top != "__future__":
                third_party.add(top)
    assert "fieldapp.ui.coverage_views" in seen
    assert not [m for m in seen if m.startswith(SERVER_MODULES)]
    providers = metadata.packages_distributions()
    closure = set(_closure())
    outside = {
        top: providers.get(top)
        for top in third_party
        if not {canonicalize_name(d) for d in providers.get(top, [])} & closure
    }
    assert not outside, f"imported by the app but not in [project].dependencies: {outside}"
    excluded = PYPROJECT["tool"]["flet"]["app"]["exclude"]
    for folder in excluded:
        prefix = folder.replace("/", ".")
        assert not [m for m in seen if m == prefix or m.startswith(prefix + ".")], folder


def test_tool_flet_is_complete_for_flet_build_apk() -> None:
    flet_cfg = PYPROJECT["tool"]["flet"]
    app = flet_cfg["app"]
    assert (ROOT / app.get("path", ".") / f"{app['module']}.py").is_file()
    # data/ and assets/ are read by path (reference.py, poster.py): they must be packaged.
    assert not {"data", "assets"} & set(app["exclude"])
    assert {"tests", "fieldapp/server", "fieldapp/commands"} <= set(app["exclude"])
    android = flet_cfg["android"]
    assert android["manifest_application"]["allowBackup"] == "false"
    assert android["permission"]["android.permission.ACCESS_BACKGROUND_LOCATION"] is False
    assert android["permission"]["android.permission.INTERNET"] is True
    link = flet_cfg["deep_linking"]
    assert link["scheme"] and link["host"]


@pytest.mark.parametrize("name", ["pydantic-core", "pillow", "msgpack"])
def test_compiled_pins_match_the_allow_list(name: str) -> None:
    pins = {
        canonicalize_name(Requirement(r).name): str(Requirement(r).specifier)
        for r in PYPROJECT["project"]["dependencies"]
    }
    assert pins[name] == f"=={ALLOW['android_binary'][name]}"
