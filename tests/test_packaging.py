"""Every file the app needs at run time ships in the wheel, not only in a development checkout."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import qadam

PACKAGE = Path(qadam.__file__).parent
ROOT = PACKAGE.parents[1]


def _patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["qadam"]


def _matched(patterns: list[str]) -> set[Path]:
    # setuptools expands package-data patterns as globs relative to the package folder
    return {path for pattern in patterns for path in PACKAGE.glob(pattern)}


def _tracked_data_files() -> set[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--", str(PACKAGE)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return {ROOT / name for name in listed if not name.endswith(".py")}


def test_every_tracked_data_file_matches_a_package_data_pattern():
    data_files = _tracked_data_files()
    assert data_files, "the package has templates, static files and catalogues"
    assert sorted(str(p.relative_to(PACKAGE)) for p in data_files - _matched(_patterns())) == []


def test_a_plain_pattern_would_miss_a_vendored_file_in_a_non_package_folder():
    htmx = next(PACKAGE.glob("web/static/vendor/htmx-*/htmx.min.js"))
    assert htmx in _matched(_patterns())
    assert htmx not in _matched(["*.js"])
