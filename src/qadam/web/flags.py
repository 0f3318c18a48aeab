"""Result flags from ``qadam.scales`` as sentences in the rater's language.

The scales library gives each flag a stable code, the items it concerns and an English detail for
logs; the screens show a translated sentence per code. A code without a sentence here still shows,
as its code and detail, so a new flag is never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Beyond this many items a flag counts them instead of listing every id.
LISTED_ITEMS = 8

FLAG_SENTENCES = {
    "safety_self_harm": _("Safety item answered above 0: assess the risk of self-harm today."),
    "partial_sum": _("No total: items %(items)s are missing or not tested. The partial sum is not a score."),
    "prorated": _("Total prorated for missing items %(items)s, as the instrument's rule allows."),
    "education_missing": _("Years of education are needed to decide the education point."),
    "incomplete_profile": _("Profile incomplete: dimensions %(items)s are missing."),
    "limited_by_contracture": _("Limited by contracture: items %(items)s (recorded, the score is unchanged)."),
    "untestable_items": _("Items %(items)s could not be tested (UN): they carry no points and need an explanation."),
    "cannot_test": _("Items %(items)s could not be tested (CNT)."),
    "goal_deteriorated": _("Rated below the baseline: goals %(items)s."),
    "no_goals": _("No goal set yet."),
    "increased_fall_risk": _("Increased risk of falls: total below 45 (Berg 1992)."),
    "nothing_graded": _("No muscle group graded yet."),
    "severity_not_scored": _("No pain severity score: it needs all four severity items (missing: %(items)s)."),
    "interference_not_scored": _(
        "No pain interference score: it needs at least 4 of the 7 items (missing: %(items)s)."
    ),
    "interference_from_answered_items": _(
        "Pain interference is the mean of the answered items (missing: %(items)s), as the BPI rule allows."
    ),
    "missing_section_rule": _(
        "Sections %(items)s unanswered: the score is the percentage of the answered sections (Fairbank & Pynsent 2000)."
    ),
    "no_reference_for_age": _("No predicted distance: the reference equation (Enright 1998) is for adults only."),
    "reference_extrapolated": _(
        "Predicted distance extrapolated: the reference equation was derived in adults aged 40–80 (Enright 1998)."
    ),
    "reference_protocol_differs": _(
        "The reference equation assumes a long corridor, not the 25 m SMA course: read the percent of predicted with care."
    ),
    "reference_not_applicable": _(
        "No predicted distance: the reference equation gives no usable value for this patient."
    ),
    "percent_as_reported": _(
        "Percent of predicted as the spirometer reported it: a z-score and the lower limit need the measured FVC."
    ),
    "ethnicity_assumed": _("GLI-2012 reference values for Caucasians were used: record the patient's reference group."),
    "reported_percent_differs": _(
        "The spirometer's percent of predicted differs from the GLI-2012 value computed here."
    ),
    "stopped_early": _("The test was stopped before six minutes."),
}
# Flags whose detail is the rater's own words (the reason a test was stopped), shown after the sentence.
DETAIL_IS_NOTE = frozenset({"stopped_early"})

# Flags that call for action today are shown as warnings, not as information.
SAFETY_FLAGS = frozenset({"safety_self_harm"})


def describe_flag(flag: Mapping[str, Any]) -> str:
    """The sentence for one flag of ``Result.as_dict()["flags"]``."""
    code = str(flag.get("code", ""))
    ids = [str(i) for i in flag.get("items", ())]
    if code == "partial_sum" and len(ids) > LISTED_ITEMS:
        return ngettext(
            "No total: %(count)d item is missing or not tested. The partial sum is not a score.",
            "No total: %(count)d items are missing or not tested. The partial sum is not a score.",
            len(ids),
        ) % {"count": len(ids)}
    items = ", ".join(ids)
    sentence = FLAG_SENTENCES.get(code)
    if sentence is None:
        detail = flag.get("detail")
        return f"{code}: {detail}" if detail else code
    text = str(sentence) % {"items": items or "—"}
    detail = str(flag.get("detail") or "").strip()
    if code in DETAIL_IS_NOTE and detail:
        text = f"{text} {detail}"
    return text


def is_safety_flag(flag: Mapping[str, Any]) -> bool:
    return flag.get("code") in SAFETY_FLAGS
