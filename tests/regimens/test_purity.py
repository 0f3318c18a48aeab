"""qadam.regimens is standard-library only (plus the pure qadam.scales), like qadam.scales itself."""

from __future__ import annotations

import ast
from pathlib import Path

import qadam.regimens

from ..purity import foreign_imports

PACKAGE = Path(qadam.regimens.__file__).parent


def test_it_imports_only_the_standard_library_and_qadam_scales():
    assert foreign_imports(PACKAGE.rglob("*.py"), allowed=("qadam.scales", "qadam.regimens")) == []


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
