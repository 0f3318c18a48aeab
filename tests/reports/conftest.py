"""A patient of center A for the report tests: an adult with SMA type 3 who walks, four HFMSE results
and a nusinersen course (see ``records``)."""

from __future__ import annotations

import pytest

from qadam.patients import services as patient_services

from .records import HFMSE_RESULTS, D, add_nusinersen, record_hfmse


@pytest.fixture
def sma_patient(world, patient_a):
    """``patient_a`` (born 1 January 1990): SMA type 3 walker, HFMSE × 4, nusinersen since 6 January 2025."""
    by = world.clinician_a
    patient_services.diagnosis_add(by=by, patient=patient_a, icd10="G12.1", diagnosed_on=D(2005, 5, 1), is_primary=True)
    patient_services.sma_status_add(
        by=by, patient=patient_a, recorded_on=D(2024, 9, 2), sma_type="3", functional_status="walker"
    )
    for day, total in HFMSE_RESULTS:
        record_hfmse(by, patient_a, day, total)
    add_nusinersen(by, patient_a)
    return patient_a
