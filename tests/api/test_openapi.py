"""The OpenAPI 3 document and the interactive docs, served without any outside address."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

import qadam.api

API = Path(qadam.api.__file__).parent
OPERATIONS = {
    ("/api/v1/patients", "get"),
    ("/api/v1/patients", "post"),
    ("/api/v1/patients/{registry_id}", "get"),
    ("/api/v1/patients/{registry_id}/diagnoses", "get"),
    ("/api/v1/patients/{registry_id}/diagnoses", "post"),
    ("/api/v1/patients/{registry_id}/visits", "get"),
    ("/api/v1/patients/{registry_id}/visits", "post"),
    ("/api/v1/patients/{registry_id}/assessments", "get"),
    ("/api/v1/patients/{registry_id}/timeline", "get"),
    ("/api/v1/visits/{visit_id}", "get"),
    ("/api/v1/visits/{visit_id}/assessments", "get"),
    ("/api/v1/visits/{visit_id}/assessments", "post"),
    ("/api/v1/assessments/{assessment_id}", "get"),
    ("/api/v1/assessments/{assessment_id}/responses", "put"),
    ("/api/v1/assessments/{assessment_id}/complete", "post"),
    ("/api/v1/assessments/{assessment_id}/sign", "post"),
    ("/api/v1/assessments/{assessment_id}/amend", "post"),
    ("/api/v1/instruments", "get"),
    ("/api/v1/instruments/{code}", "get"),
    ("/api/v1/tokens", "get"),
    ("/api/v1/tokens", "post"),
    ("/api/v1/tokens/{token_id}", "delete"),
    ("/api/v1/me", "get"),
    ("/api/v1/therapies", "get"),
    ("/api/v1/therapies", "post"),
    ("/api/v1/therapies/{course_id}", "get"),
    ("/api/v1/therapies/{course_id}/administrations", "post"),
    ("/api/v1/therapies/{course_id}/stop", "post"),
    ("/api/v1/therapies/{course_id}/adverse-events", "post"),
    ("/api/v1/therapies/vaccinations", "post"),
    ("/api/v1/therapies/weights", "post"),
    ("/api/v1/worklist", "get"),
}


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3_and_lists_every_operation(schema):
    assert schema["openapi"].startswith("3.")
    found = {(path, method) for path, operations in schema["paths"].items() for method in operations}
    assert found == OPERATIONS


def test_every_operation_documents_its_problems_and_its_security(schema):
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "404", "405", "413", "422"):
                content = operation["responses"][status]["content"]
                assert content == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            assert operation["security"], (path, method)
    assert schema["components"]["schemas"]["Problem"]["required"] == [
        "type", "title", "status", "detail", "instance", "code", "errors"
    ]  # fmt: skip


def test_the_docs_page_loads_only_files_of_the_registry(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html and '"validatorUrl": null' in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for asset in re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html):
        assert finders.find(asset), asset


def test_swagger_ui_is_vendored_with_its_licence():
    folder = API / "static" / "qadam_api" / "swagger-ui"
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "swagger-ui-dist 5.35.0" in (folder / "README.txt").read_text()
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui.css.map", "NOTICE.txt"):
        assert (folder / name).stat().st_size > 0


def test_the_api_root_leads_to_the_docs(db):
    response = Client().get("/api/v1/")
    assert (response.status_code, response["Location"]) == (302, "/api/v1/docs")


# -- the API's own message catalogues ------------------------------------------------------------------------------


def _translations(po_file: Path) -> list[tuple[str, str]]:
    entries = []
    for entry in po_file.read_text(encoding="utf-8").split("\n\n")[1:]:
        msgid = re.search(r'^msgid "(.*)"$', entry, re.M).group(1)
        msgstr = re.search(r'^msgstr "(.*)"$', entry, re.M).group(1)
        entries.append((msgid, msgstr))
    return entries


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_api_message_is_translated(lang):
    po_file = API / "locale" / lang / "LC_MESSAGES" / "django.po"
    assert "#, fuzzy" not in po_file.read_text(encoding="utf-8")
    assert [msgid for msgid, msgstr in _translations(po_file) if not msgstr] == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_committed_mo_file_is_compiled_from_the_po_file(lang, tmp_path):
    folder = API / "locale" / lang / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(folder / "django.po")], check=True)
    assert compiled.read_bytes() == (folder / "django.mo").read_bytes()
