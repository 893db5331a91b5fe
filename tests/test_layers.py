"""The layers: domain <- store <- io <- tui/cli, and nothing below the screens imports Textual.

Two checks: a static one that reads every module's imports (including those inside functions, which a
lazy import would hide from the second), and a live one that imports every module of domain, store and
io and looks at what came with them.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import relance_tui

SRC = Path(relance_tui.__file__).parent
# what each layer may import from the package (besides itself); errors, logs and config sit beside them
ALLOWED = {
    "domain": {"domain"},
    "store": {"domain", "store", "errors", "logs"},
    "io": {"domain", "store", "io", "errors", "logs", "config", "templates"},
}
NEVER_BELOW_SCREENS = ("textual", "rich")


def _layer_modules(layer: str) -> list[Path]:
    return sorted((SRC / layer).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module name ``path`` imports, with the line, relative imports resolved."""
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((node.lineno, name))
    return out


def test_every_layer_module_is_seen():
    # the walk below must not pass on an empty list
    for layer in ALLOWED:
        assert len(_layer_modules(layer)) >= 5, layer


def test_each_layer_imports_only_what_is_below_it():
    wrong = []
    for layer, allowed in ALLOWED.items():
        for path in _layer_modules(layer):
            for line, name in _imports(path):
                parts = name.split(".")
                if parts[0] == "relance_tui" and len(parts) > 1 and parts[1] not in allowed:
                    wrong.append(f"{path.relative_to(SRC)}:{line} imports {name}")
                if parts[0] in NEVER_BELOW_SCREENS:
                    wrong.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    assert wrong == []


def test_the_static_check_sees_a_lazy_import_inside_a_function(tmp_path):
    probe = tmp_path / "relance_tui" / "io" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from relance_tui.tui import app\n    from ..cli import main\n")
    assert [n for _, n in _imports_from(probe, tmp_path)] == ["relance_tui.tui", "relance_tui.cli"]


def _imports_from(path: Path, root: Path) -> list[tuple[int, str]]:
    global SRC
    saved, SRC = SRC, root / "relance_tui"
    try:
        return _imports(path)
    finally:
        SRC = saved


def test_importing_every_lower_module_brings_no_screen():
    names = []
    for layer in ALLOWED:
        package = __import__(f"relance_tui.{layer}", fromlist=["_"])
        names += [f"relance_tui.{layer}.{m.name}" for m in pkgutil.walk_packages(package.__path__)]
    assert len(names) >= 40
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith(('relance_tui.tui', 'relance_tui.cli')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_domain_imports_nothing_of_ours_outside_domain():
    code = (
        "import sys, pkgutil, importlib, relance_tui.domain as d; "
        "[importlib.import_module('relance_tui.domain.' + m.name) for m in pkgutil.iter_modules(d.__path__)]; "
        "print(','.join(sorted(m for m in sys.modules if m.startswith('relance_tui.') "
        "and not m.startswith('relance_tui.domain'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
