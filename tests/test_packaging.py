"""Every file the app needs at run time ships in the wheel, not only in a development checkout."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import qadam

PACKAGE = Path(qadam.__file__).parent
ROOT = PACKAGE.parents[1]


def _patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["qadam"]


def _shipped(relative: str, patterns: list[str]) -> bool:
    # setuptools' "**/" also matches files at the package's top level
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.removeprefix("**/")) for p in patterns)


def test_every_data_file_matches_a_package_data_pattern():
    patterns = _patterns()
    data_files = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert data_files, "the package has templates, static files and catalogues"
    assert [f for f in data_files if not _shipped(f, patterns)] == []


def test_a_vendored_file_deep_in_a_non_package_folder_is_covered():
    assert _shipped("web/static/vendor/htmx-2.0.11/htmx.min.js", _patterns())
    assert not _shipped("web/static/vendor/htmx-2.0.11/htmx.min.js", ["*.js"])
