"""The cohort generator is pure: standard library, qadam.scales and qadam.regimens only (the loader is
the Django side)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import qadam.demo

from ..purity import imported_modules

PACKAGE = Path(qadam.demo.__file__).parent
PURE_MODULES = [
    "cohort.py",
    "people.py",
    "responses.py",
    *(f"courses/{p.name}" for p in (PACKAGE / "courses").glob("*.py")),
]
# Relative imports inside the pure modules may only reach these.
PURE_SIBLINGS = {"cohort", "people", "responses", "courses", "base", "sma", "stroke", "mg", "pain"}


def test_the_generator_imports_only_the_standard_library_the_scales_and_the_regimens():
    offending = []
    for name in PURE_MODULES:
        for level, module in imported_modules(PACKAGE / name):
            top = module.split(".")[0]
            if level:
                if top and top not in PURE_SIBLINGS:
                    offending.append((name, module))
            elif top == "qadam":
                if not module.startswith(("qadam.scales", "qadam.regimens")):
                    offending.append((name, module))
            elif top not in sys.stdlib_module_names and top != "__future__":
                offending.append((name, module))
    assert offending == []


def test_the_generator_runs_without_django_installed_in_the_process():
    code = (
        "import sys; sys.modules['django'] = None\n"
        "from datetime import date\n"
        "from qadam.demo.cohort import generate_cohort\n"
        "print(len(generate_cohort(patients=4, seed=1, as_of=date(2026, 1, 1)).patients))"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "4"
