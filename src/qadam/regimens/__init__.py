"""Qadam regimens: therapy catalogue, dose schedules, safety checks and treatment response.

Standard library only (and the pure ``qadam.scales``): no Django, no database, and no I/O beyond
reading the package's own data file. The therapy app of the registry stores courses and
administrations and calls these functions; ``qadam schedule`` calls them from the command line.

Every answer carries its rule (``Rule``: code, sentence in en/kk/ru, source) or, for a broken rule,
a ``Finding`` (code, severity ``block``/``warning``/``info``, message, source, data). Bad input
raises ``RegimenError`` listing every ``InputProblem``.

>>> from datetime import date
>>> from qadam.regimens import nusinersen_schedule
>>> [d.due.isoformat() for d in nusinersen_schedule([date(2025, 1, 6)], date(2025, 1, 6)).due]
['2025-01-20', '2025-02-03', '2025-03-10', '2025-07-10']
"""

from __future__ import annotations

from .botulinum import BotulinumSession, check_botulinum_session, earliest_next_session, units_by_product
from .catalogue import ADJUVANT_CLASSES, DRUGS, Drug, drug, drugs_in_class, product_of
from .mg import (
    check_c5_start,
    check_during_immunotherapy,
    check_fcrn_cycle_start,
    earliest_next_cycle,
    eculizumab_supplement_after_plex,
    fcrn_cycle_gap,
)
from .model import DEFAULT_JURISDICTION, JURISDICTIONS, Finding, InputProblem, RegimenError, Rule, Window
from .nusinersen import DueDose, GivenDose, Schedule, nusinersen_schedule
from .onasemnogene import check_onasemnogene_dose, expected_dose_vg, onasemnogene_plan
from .response import (
    Observation,
    Population,
    Reference,
    Response,
    assess_response,
    expected_untreated_slope,
    select_baseline,
)
from .risdiplam import check_risdiplam_dose, expected_risdiplam_dose

__all__ = [
    "ADJUVANT_CLASSES", "DEFAULT_JURISDICTION", "DRUGS", "JURISDICTIONS",
    "BotulinumSession", "Drug", "DueDose", "Finding", "GivenDose", "InputProblem", "Observation", "Population",
    "Reference", "RegimenError", "Response", "Rule", "Schedule", "Window",
    "assess_response", "check_botulinum_session", "check_c5_start", "check_during_immunotherapy",
    "check_fcrn_cycle_start", "check_onasemnogene_dose", "check_risdiplam_dose", "drug", "drugs_in_class",
    "earliest_next_cycle", "earliest_next_session", "eculizumab_supplement_after_plex", "expected_dose_vg",
    "expected_risdiplam_dose", "expected_untreated_slope", "fcrn_cycle_gap", "nusinersen_schedule",
    "onasemnogene_plan", "product_of", "select_baseline", "units_by_product",
]  # fmt: skip
