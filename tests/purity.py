"""Which modules a file imports, for the tests that keep the pure packages free of Django."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path


def imported_modules(path: Path) -> Iterable[tuple[int, str]]:
    """(relative level, module) for every import; ``from qadam import x`` yields ``qadam.x``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "qadam":
            for alias in node.names:
                yield 0, f"qadam.{alias.name}"
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""


def foreign_imports(paths: Iterable[Path], allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    """Absolute imports that are neither the standard library nor a module under ``allowed``."""
    offending = []
    for path in paths:
        for level, module in imported_modules(path):
            if level or module == "__future__" or module.split(".")[0] in sys.stdlib_module_names:
                continue
            if not any(module == prefix or module.startswith(prefix + ".") for prefix in allowed):
                offending.append((path.name, module))
    return offending
