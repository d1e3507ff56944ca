"""The layout stays true: layers, no cycles, one name per thing, no private names across modules.

The layering itself is the import-linter contract in ``pyproject.toml`` (``lint-imports``, also in
``make lint``); these tests run it, show that it catches an upward import, and check the rules
import-linter does not express.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "db")
MAX_LINES = 400  # the guide's "~400 lines": a longer module says why in its docstring
LENGTH_REASON = "Length:"  # the docstring line that gives the reason
# Function-local imports are allowed only where they buy something other than dodging a cycle:
# the CLI imports each command's dependencies inside the command so `claimscope --help` stays fast.
LAZY_IMPORT_PACKAGE = "api/cli/"
# A route module is the HTTP layer of the domain module of the same name (api/routes/__init__.py).
HTTP_MIRROR_DIR = "api/routes"


def _modules() -> list[Path]:
    return sorted(
        p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if "migrations" not in p.parts and "__pycache__" not in p.parts
    )


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """A copy of the tree with one deliberate upward import (text -> provenance) fails the check."""
    for name in (*PACKAGES, "pyproject.toml"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, tmp_path / name)
    bad = tmp_path / "api" / "text" / "normalize.py"
    bad.write_text(bad.read_text() + "\nfrom api.provenance import timeline  # noqa: E402,F401\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "api.text.normalize -> api.provenance.timeline" in result.stdout


def test_every_module_is_in_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    missing = []
    for p in _modules():
        parts = p.relative_to(ROOT).with_suffix("").parts
        top = ".".join(parts[:2]) if parts[0] == "api" and parts[1] != "__init__" else parts[0]
        if top not in named and top not in {"api", "db"}:
            missing.append(_rel(p))
    assert not missing, f"modules in no layer of the import contract: {missing}"


def test_no_private_names_imported_across_modules() -> None:
    found = []
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
                found += [
                    f"{_rel(p)}:{node.lineno} {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert not found, f"private names imported from another module: {found}"


def test_no_function_local_imports_of_project_modules() -> None:
    found = []
    for p in _modules():
        if _rel(p).startswith(LAZY_IMPORT_PACKAGE):
            continue
        for fn in ast.walk(ast.parse(p.read_text())):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                found += [f"{_rel(p)}:{node.lineno} {n}" for n in names if n.split(".")[0] in PACKAGES]
    assert not found, f"function-local imports (a cycle being dodged?): {found}"


def test_one_file_name_per_concept() -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for p in _modules():
        if p.name != "__init__.py":
            by_name[p.name].append(_rel(p))
    clashes = {
        name: paths
        for name, paths in by_name.items()
        if len([q for q in paths if not q.startswith(HTTP_MIRROR_DIR + "/")]) > 1
    }
    assert not clashes, f"one file name in several packages (rename one): {clashes}"


def test_every_package_says_what_it_owns_and_may_import() -> None:
    missing = []
    for init in sorted((ROOT / "api").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        if init.parent.name != "routes" and "May import" not in doc:
            missing.append(_rel(init))
    assert not missing, f"package docstrings without a 'May import' line: {missing}"


def test_long_modules_say_why() -> None:
    unexplained = []
    for p in _modules():
        source = p.read_text()
        lines = source.count("\n")
        if lines > MAX_LINES and LENGTH_REASON not in (ast.get_docstring(ast.parse(source)) or ""):
            unexplained.append(f"{_rel(p)} ({lines} lines)")
    assert not unexplained, (
        f"modules over {MAX_LINES} lines without a '{LENGTH_REASON}' reason: {unexplained}"
    )
