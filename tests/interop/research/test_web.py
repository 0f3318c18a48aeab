"""The research export page: registry managers download a ZIP; everyone else gets 403."""

from __future__ import annotations

import io
import json
import zipfile

import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.urls import reverse

from qadam.audit.models import AuditEntry

from .conftest import AIGERIM_NAME

pytestmark = pytest.mark.django_db

URL = "/research/export/"


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_url_name():
    assert reverse("research_export") == URL


def test_manager_sees_the_form_and_the_menu_link(cohort):
    response = client_of(cohort.world.manager).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Research export" in page and 'name="instruments" value="hfmse"' in page
    assert 'name="centers" value="center-a"' in page
    assert f'href="{URL}" aria-current="page"' in page
    home = client_of(cohort.world.manager).get("/").content.decode()
    assert f'href="{URL}"' in home


@pytest.mark.parametrize(
    "persona", ["clinician_a", "coordinator_a", "administrator_a", "trainer_a", "clinician_b", "outsider"]
)
def test_others_get_403_and_no_link(cohort, persona):
    client = client_of(getattr(cohort.world, persona))
    assert client.get(URL).status_code == 403
    before = AuditEntry.objects.count()
    posted = client.post(URL, {"instruments": ["phq9"], "file_format": "csv", "reason": "try"})
    assert posted.status_code == 403
    assert AuditEntry.objects.count() == before
    assert URL not in client.get("/").content.decode()


def test_anonymous_is_sent_to_sign_in(cohort):
    response = Client().get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_download_zip(cohort):
    response = client_of(cohort.world.manager).post(
        URL,
        {"instruments": ["hfmse", "phq9"], "centers": ["center-a"], "file_format": "both", "reason": "Study 14"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="qadam-research-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert "hfmse_wide.parquet" in names and "phq9_long.csv" in names and "data_dictionary.json" in names
    assert len(names) == 11
    table = pq.read_table(io.BytesIO(archive.read("hfmse_wide.parquet")))
    assert table.num_rows == 2 and set(table.column("center").to_pylist()) == {"center-a"}
    for name in names:
        assert AIGERIM_NAME.encode() not in archive.read(name)
        assert cohort.aigerim.registry_id.encode() not in archive.read(name)
    manifest = json.loads(archive.read("manifest.json"))
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_id == manifest["export_id"]
    assert entry.reason == "Study 14" and entry.changes["via"] == [None, "web"]


def test_reason_required_and_bad_choices_answer_400_with_nothing_exported(cohort):
    client = client_of(cohort.world.manager)
    before = AuditEntry.objects.count()
    response = client.post(URL, {"instruments": ["hfmse"], "file_format": "csv", "reason": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    response = client.post(URL, {"instruments": ["nope"], "file_format": "xlsx", "reason": "Study"})
    assert response.status_code == 400
    assert AuditEntry.objects.count() == before


def test_blank_reason_of_spaces_is_refused_by_the_service(cohort):
    response = client_of(cohort.world.manager).post(URL, {"file_format": "csv", "reason": "   "})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()
