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
}

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
    return str(sentence) % {"items": items or "—"}


def is_safety_flag(flag: Mapping[str, Any]) -> bool:
    return flag.get("code") in SAFETY_FLAGS
