"""qadam.scales is standard-library only, so it can be published and used anywhere on its own."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import qadam.scales

PACKAGE = Path(qadam.scales.__file__).parent


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_it_imports_only_the_standard_library():
    offending = []
    for path in PACKAGE.rglob("*.py"):
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if top == "qadam" and not module.startswith("qadam.scales"):
                offending.append((path.name, module))
            elif top != "qadam" and top not in sys.stdlib_module_names and top != "__future__":
                offending.append((path.name, module))
    assert offending == []
