"""Disease courses of the demo cohort: who the patient is, when they are seen, and what each
instrument's total is at each visit.

A course is planned in totals (an HFMSE of 23 on a given day); ``qadam.demo.cohort`` turns every
planned total into item-level answers. The numbers follow ``shared/spec/clinical.md``:

* SMA, untreated: HFMSE −0.56 points/year (Mercuri E et al. Neuromuscul Disord 2016;26:126–131;
  12-month SD 2.72), RULM −0.41/year (Pera MC et al. Muscle Nerve 2019;59:426–430; SD 2.93),
  6MWT −1.46 m/year (Mazzone E et al. Neuromuscul Disord 2013;23:624; SD 50.1 m), CHOP INTEND
  −1.27/year in untreated type 1 (Finkel 2014 as cited in clinical.md C.5, tagged [K]: the
  direction is verified, the magnitude is not). Children gain before about age 7 (Coratti G et al.
  Ann Neurol 2020, qualitative) — modelled as +1 point/year before age 6, a registry choice.
* SMA, treated: nusinersen HFMSE +1.73 / +2.58 / +3.12 at 6 / 10 / 14 months in adults (Hagenacker T
  et al. Lancet Neurol 2020;19:317–325), larger gains in children (CHERISH, Mercuri 2018);
  CHOP INTEND +9.0 at 6 months in type 1 on nusinersen (German expanded-access programme, J
  Neuromuscul Dis 2018); RULM +0.8–2.0 and 6MWT +17–27 m over 14–30 months (120-patient cohort,
  clinical.md C.1). Treatment replaces the untreated decline by stabilisation plus a saturating
  gain ``G·(1 − exp(−t/k))``; about one patient in seven responds little.
* Visit intervals: clinical.md A.1.2 (nusinersen loading on days 0, 14, 28, 63 per the EU SmPC,
  Qadam's default jurisdiction, then every 4 months; risdiplam every 6 months; onasemnogene at
  3, 6, 12 months then 6-monthly; untreated every 3–12 months by status and age), A.2 (MG), A.3
  (stroke), A.4 (pain), each with the ±2-week tolerance of the protocol rules (±3 days for doses).
* Stroke: recovery is front-loaded (clinical.md C.5: no linear slope): each patient recovers a
  fixed share of their initial deficit along ``1 − exp(−t/τ)``, τ ≈ 30 days, so about 95 % of the
  recovery happens by 3 months; most patients recover about 70 % of the possible motor gain, a
  minority with severe strokes very little (proportional recovery: Prabhakaran S et al.
  Neurorehabil Neural Repair 2008;22:64–71; Winters C et al. Neurorehabil Neural Repair
  2015;29:614–622).
* MG improves on therapy towards a patient-specific share of its baseline severity (weeks for
  complement and FcRn inhibitors, months for steroids and immunosuppressants), with occasional
  exacerbations (clinical.md C.5: MG has no untreated slope; responders by C.4 thresholds).
* Pain: about half the patients reach a ≥30 % NRS reduction (IMMPACT responder, clinical.md C.4).

Therapies (clinical.md §B; dates and doses as the labels give them, each planner's docstring names
its source). Every course judged on a scale starts on a visit with that scale (the baseline of
clinical.md §A rule 3) and is planned towards an improved, stable or worsened response:

* SMA: nusinersen 12 mg intrathecally on the days ``qadam.regimens.nusinersen_schedule`` gives
  (EU SmPC loading, every 4 months; a late dose or a pause follows the label's missed-dose rules),
  with the lumbar puncture recorded (approach, imaging, needle, CSF removed, attempts, sedation) and
  occasional post-lumbar-puncture headache, back pain or vomiting; risdiplam at the label's dose
  for age and weight, weighed at every visit; onasemnogene abeparvovec IV once in infants under 2,
  1.1 × 10¹⁴ vg/kg, with the steroid course in the note and, in some, raised transaminases.
* MG: pyridostigmine from diagnosis; prednisolone tapered with azathioprine, eculizumab,
  ravulizumab or zilucoplan after meningococcal ACWY and B vaccination ≥2 weeks before, efgartigimod
  or rozanolixizumab cycles, rituximab, maintenance IVIG; exacerbations rescued with IVIG 2 g/kg
  over 5 days or 5 plasma exchanges; a C5 inhibitor without benefit at the 12-week review is
  stopped.
* Stroke: about half of the patients with spasticity get botulinum toxin A sessions (product,
  muscles, side, units within the product's maximum) at least 12 weeks apart.
* Pain: an adjuvant class of clinical.md §B.4 (pregabalin, duloxetine, carbamazepine, lidocaine
  plaster …) titrated after a month; without relief at 3 months, the next class.

Pure: standard library, ``qadam.regimens`` and the demo's growth curves only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from .base import Course, PlannedAssessment, PlannedVisit, years_between
from .mg import plan_mg
from .pain import plan_pain
from .sma import plan_sma
from .stroke import plan_stroke

__all__ = ["PLANNERS", "Course", "PlannedAssessment", "PlannedVisit", "years_between"]

PLANNERS: dict[str, Callable[[random.Random, date], Course]] = {
    "sma": plan_sma,
    "stroke": plan_stroke,
    "mg": plan_mg,
    "pain": plan_pain,
}
