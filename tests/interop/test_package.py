"""qadam.interop stays free of Django and the database, and its documented examples hold."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import qadam.interop
import qadam.interop.fhir
from qadam.interop import errors
from qadam.interop.errors import InteropError, InteropProblem
from qadam.scales.errors import MESSAGES as SCALE_MESSAGES
from qadam.scales.errors import Problem

from ..purity import foreign_imports

PACKAGE = Path(qadam.interop.__file__).parent


# The conversion modules; the endpoints, the export and import services and the commands beside them
# (views, urls, export, importing, commands_*) are the registry side and use Django.
PURE_MODULES = [PACKAGE / "errors.py"] + [
    PACKAGE / "fhir" / f"{name}.py"
    for name in ("__init__", "codes", "forms", "questionnaires", "responses", "validation", "resources", "outcomes")
]


def test_it_imports_only_the_standard_library_the_scales_and_fhirclient():
    allowed = ("qadam.scales", "qadam.interop.errors", "qadam.interop.fhir", "fhirclient")
    assert all(path.exists() for path in PURE_MODULES)
    assert foreign_imports(PURE_MODULES, allowed) == []


def test_importing_the_conversion_package_loads_no_django():
    import subprocess
    import sys

    code = "import sys, qadam.interop.fhir; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_package_examples_hold():
    failures, tried = doctest.testmod(qadam.interop.fhir)
    assert tried and not failures


def test_no_interop_code_shadows_a_scale_code():
    assert not set(errors.MESSAGES) & set(SCALE_MESSAGES)


@pytest.mark.parametrize("code", sorted(errors.MESSAGES))
def test_every_message_exists_in_three_languages_and_formats(code):
    problem = InteropProblem(code, item="7", value="x", allowed="y", instrument="PHQ-9")
    texts = [problem.message(lang) for lang in ("en", "kk", "ru")]
    assert all(texts) and len(set(texts)) == 3
    assert all("{" not in text for text in texts)


def test_an_error_carries_scale_problems_beside_its_own():
    error = InteropError(
        [
            InteropProblem("unknown_link_id", item="99", instrument="PHQ-9"),
            Problem("value_out_of_range", item="1", value=9, allowed="0–3", instrument="PHQ-9"),
        ]
    )
    assert error.codes == ["unknown_link_id", "value_out_of_range"]
    assert error.messages("ru")[1].startswith("Пункт 1 шкалы PHQ-9")
    assert error.problems[0].as_dict("kk")["message"].startswith("Жауап берілген '99'")
