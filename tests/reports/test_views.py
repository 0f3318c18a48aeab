"""The patient page's treatment response and trajectory charts, and the PDF download, from inside and
outside the patient's center."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from qadam.audit.models import AuditEntry

from .pdftext import pdf_text

SVG = "{http://www.w3.org/2000/svg}"


def signed_in(user, language: str | None = None) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def page_of(client, patient) -> str:
    response = client.get(reverse("patient_detail", args=[patient.registry_id]))
    assert response.status_code == 200
    return response.content.decode()


def chart_of(page: str, key: str) -> ET.Element:
    match = re.search(rf'<svg [^>]*data-instrument-chart="chart-{key}".*?</svg>', page, re.DOTALL)
    assert match, f"no chart {key}"
    return ET.fromstring(match.group(0))


def test_patient_page_states_the_response_in_plain_words(world, sma_patient):
    page = page_of(signed_in(world.clinician_a), sma_patient)
    assert 'data-testid="treatment-response"' in page
    assert (
        "HFMSE +4 after 14 months of nusinersen: improved by at least the 3-point threshold; "
        "untreated adults with SMA type 3 lose about 0.5 points a year"
    ) in page
    assert 'data-classification="improved"' in page
    assert "Registry default derived from Wadman" in page  # the source of the expected slope
    assert "standard deviation of 2.7" in page  # and its uncertainty
    assert reverse("patient_report_pdf", args=[sma_patient.registry_id]) in page


def test_patient_page_draws_the_trajectory_with_its_table(world, sma_patient):
    page = page_of(signed_in(world.clinician_a), sma_patient)
    svg = chart_of(page, "hfmse")
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "HFMSE over time"
    assert "4 results of HFMSE" in svg.find(f"{SVG}desc").text
    assert [c.get("data-value") for c in svg.iter(f"{SVG}circle") if c.get("data-day")] == ["29", "30", "32", "34"]
    assert len(svg.findall(f".//{SVG}g[@class='q-chart__doses']/{SVG}path")) == 6
    assert svg.find(f".//{SVG}g[@data-period-start='2025-01-06']") is not None
    band = svg.find(f".//{SVG}g[@data-band-low]")
    assert (band.get("data-band-low"), band.get("data-band-high")) == ("27", "33")  # baseline 30 ± 3
    assert svg.find(f".//{SVG}g[@class='q-chart__expected']/{SVG}line").get("data-slope") == "-0.5"
    # The table alternative stays next to the chart, with the therapy of each day.
    assert 'data-instrument="hfmse"' in page
    table = page[page.index('<table class="q-table" data-instrument="hfmse"') :]
    assert "Therapy on that day" in table[: table.index("</thead>")]
    assert "Nusinersen" in table[: table.index("</table>")]


def test_chart_words_follow_the_language(world, sma_patient):
    page = page_of(signed_in(world.clinician_a, "ru"), sma_patient)
    svg = chart_of(page, "hfmse")
    ticks = [t.text for t in svg.iter(f"{SVG}text")]
    assert any(t and t.endswith("2025") and t[0] in "ЯФМАИСОНД" for t in ticks), ticks  # "Янв 2025" …
    assert "HFMSE +4 через 14 месяцев терапии (нусинерсен)" in page
    assert "Нусинерсен" in [t.text for t in svg.iter(f"{SVG}text")]


def test_kazakh_sentence(world, sma_patient):
    page = page_of(signed_in(world.clinician_a, "kk"), sma_patient)
    assert "Нусинерсен емінің 14 айынан кейін HFMSE +4" in page


def test_a_patient_without_therapy_gets_no_response_and_no_single_point_chart(world, patient_a):
    import datetime

    from .records import record_hfmse

    record_hfmse(world.clinician_a, patient_a, datetime.date(2026, 3, 2), 40)
    page = page_of(signed_in(world.clinician_a), patient_a)
    assert "No therapy course recorded, so there is no treatment response to judge." in page
    assert 'data-instrument="hfmse"' in page
    assert "<svg" not in page


def test_not_judged_yet_says_why(world, patient_a):
    import datetime

    from .records import add_nusinersen, record_hfmse

    record_hfmse(world.clinician_a, patient_a, datetime.date(2026, 10, 1), 30)
    add_nusinersen(world.clinician_a, patient_a, start=datetime.date(2026, 10, 5), doses=(datetime.date(2026, 10, 5),))
    page = page_of(signed_in(world.clinician_a), patient_a)
    assert "not judged yet" in page
    assert "No result after the course start (2026-10-05)." in page


def test_pdf_download_for_the_patients_center(world, sma_patient):
    before = AuditEntry.objects.filter(action="export").count()
    response = signed_in(world.clinician_a).get(reverse("patient_report_pdf", args=[sma_patient.registry_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="qadam-{sma_patient.registry_id}-')
    assert response["Cache-Control"] == "no-store"
    document = response.content
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")
    text = pdf_text(document)
    assert sma_patient.registry_id in text
    assert "HFMSE" in text
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    assert entry.patient_registry_id == sma_patient.registry_id and entry.actor_username == "clinician_a"


@pytest.mark.parametrize("who", ["clinician_b", "coordinator_b", "outsider"])
def test_pdf_is_404_outside_the_center(world, sma_patient, who):
    before = AuditEntry.objects.count()
    response = signed_in(getattr(world, who)).get(reverse("patient_report_pdf", args=[sma_patient.registry_id]))
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before


def test_pdf_of_an_unknown_patient_is_404(world):
    response = signed_in(world.clinician_a).get(reverse("patient_report_pdf", args=["KZ-0000-0000"]))
    assert response.status_code == 404


def test_pdf_needs_sign_in_and_get(world, sma_patient):
    url = reverse("patient_report_pdf", args=[sma_patient.registry_id])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert signed_in(world.clinician_a).post(url).status_code == 405


def test_registry_manager_gets_a_pseudonymous_pdf(world, sma_patient):
    from qadam.reports import services

    html = services.patient_report_html(by=world.manager, patient=sma_patient, lang="en")
    assert "Aigerim Sadykova" not in html and "900101300007" not in html
    assert "Pseudonymous report" in html
    own = services.patient_report_html(by=world.clinician_a, patient=sma_patient, lang="en")
    assert "Aigerim Sadykova" in own


def test_the_pdf_names_its_headings_even_without_a_pdf_tool(world, sma_patient):
    """The standard-library fallback of ``pdf_text`` reads the outline: registry id and instruments."""
    from .pdftext import document_strings

    document = signed_in(world.clinician_a).get(reverse("patient_report_pdf", args=[sma_patient.registry_id])).content
    strings = document_strings(document)
    assert sma_patient.registry_id in strings and "HFMSE" in strings


def test_the_report_lists_the_items_due_for_a_user_and_says_why_not_for_the_operator(world, sma_patient):
    import datetime

    from qadam.reports import services

    html = services.patient_report_html(
        by=world.clinician_a, patient=sma_patient, lang="en", today=datetime.date(2026, 11, 26)
    )
    due = html[html.index('data-testid="due-items"') :]
    due = due[: due.index("</table>")]
    # The maintenance dose due 10 March 2026 (4 months after 10 November 2025) was never given.
    assert "Nusinersen" in due and "overdue" in due
    operator = services.patient_report_html(by=None, patient=sma_patient, lang="en")
    assert 'data-testid="due-items"' not in operator
    assert "Items due are listed when the report is made for a user of the registry." in operator
