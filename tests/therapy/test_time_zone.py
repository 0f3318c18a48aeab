"""Today is the registry's day (Asia/Almaty, UTC+5), not the server's UTC day.

At 20:30 UTC on 1 January it is already 2 January in Almaty: a dose given this morning in Almaty is
not "in the future", and the screens, the worklist CSV and the report are dated 2 January.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from qadam.core.exceptions import Invalid
from qadam.therapy import services
from qadam.therapy.models import WeightRecord
from tests.web.conftest import signed_in

D = datetime.date
EVENING_UTC = datetime.datetime(2026, 1, 1, 20, 30, tzinfo=datetime.UTC)
ALMATY_DAY = D(2026, 1, 2)


@pytest.fixture
def evening_utc(monkeypatch, settings):
    settings.TIME_ZONE = "Asia/Almaty"
    monkeypatch.setattr(timezone, "now", lambda: EVENING_UTC)
    assert timezone.localdate() == ALMATY_DAY


def test_a_weight_of_the_almaty_day_is_not_in_the_future(world, patient_a, evening_utc):
    services.weight_record(by=world.clinician_a, patient=patient_a, measured_on=ALMATY_DAY, weight_kg="60")
    with pytest.raises(Invalid) as caught:
        services.weight_record(by=world.clinician_a, patient=patient_a, measured_on=D(2026, 1, 3), weight_kg="60")
    assert [m.code for m in caught.value.errors["measured_on"]] == ["date_in_future"]
    assert WeightRecord.objects.get().measured_on == ALMATY_DAY


def test_the_forms_the_worklist_and_its_csv_are_dated_by_the_almaty_day(world, patient_a, evening_utc):
    client = signed_in(world.clinician_a)
    form = client.get(reverse("therapy_course_new", args=[patient_a.registry_id])).content.decode()
    assert 'value="2026-01-02"' in form
    assert "2 January 2026" in client.get(reverse("worklist")).content.decode()
    csv = client.get(reverse("worklist_csv"))
    assert csv["Content-Disposition"].endswith('worklist-2026-01-02.csv"')


def test_the_report_file_is_named_by_the_almaty_day(world, patient_a, evening_utc):
    response = signed_in(world.clinician_a).get(reverse("patient_report_pdf", args=[patient_a.registry_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'qadam-{patient_a.registry_id}-2026-01-02.pdf"')
