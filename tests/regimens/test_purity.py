"""qadam.regimens is standard-library only (plus the pure qadam.scales), like qadam.scales itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import qadam.regimens

PACKAGE = Path(qadam.regimens.__file__).parent


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_it_imports_only_the_standard_library_and_qadam_scales():
    offending = []
    for path in PACKAGE.rglob("*.py"):
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if top == "qadam":
                if not (module == "qadam" or module.startswith(("qadam.scales", "qadam.regimens"))):
                    offending.append((path.name, module))
            elif top not in sys.stdlib_module_names and top != "__future__":
                offending.append((path.name, module))
    assert offending == []


def test_from_qadam_imports_only_scales():
    """``from qadam import X`` must name the pure scales package and nothing else."""
    names = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "qadam":
                names.extend(alias.name for alias in node.names)
    assert set(names) <= {"scales"}


def test_the_data_file_ships_inside_the_package():
    assert (PACKAGE / "data" / "expected_untreated_slopes.json").is_file()
