"""Code systems, extensions and identifiers of the FHIR R4 resources Qadam exchanges.

Every instrument has one code system of its own, ``{base}/CodeSystem/<id>``, holding

* its items (code = the item id, e.g. ``1a``),
* the answers of each item (code = ``<item id>:<answer code>``, e.g. ``1a:2``, ``elbow_flexors_L:1+``),
  qualified by the item because the same answer code means a different thing on another item
  (NIHSS ``0`` is "alert" on 1a and "normal" on 8) and may carry different points,
* its scores (``total`` and ``subscore:<id>``),
* the interpretation bands of the total (``band:<band>``) and of each subscore
  (``band:<subscale>:<band>``), which Observations of the scores carry as their interpretation.

LOINC codes are used beside ours wherever the instrument definition has them: the panel, the item
codes and the total. LOINC answer codes (LA…) are used for an item's options only when LOINC codes
every option of that item (the PHQ-9); single LOINC answers (NIHSS "UN") are accepted on import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from qadam.scales.model import NOT_TESTED_REASONS, Choice, Instrument, Item, Text
from qadam.scales.stroke import NIHSS_UN_LOINC_ANSWERS

DEFAULT_BASE = "https://qadam.kz/fhir"
PUBLISHER = "Qadam"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

# FHIR R4 (4.0.1) core extensions. R4 names the answer weight "ordinalValue" (STU3 used
# "questionnaire-ordinalValue", R5 renames it "itemWeight"); its context in R4 is Coding,
# Questionnaire.item.answerOption, CodeSystem.concept and ValueSet.compose.include.concept.
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
QUESTIONNAIRE_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

TOTAL = "total"
SUBSCORE_PREFIX = "subscore:"
BAND_PREFIX = "band:"

# Our units as UCUM codes (the questionnaire-unit extension is bound to UCUM).
UCUM_UNITS: dict[str, str] = {
    "m": "m", "L": "L", "%": "%", "s": "s", "kg": "kg", "cm": "cm", "h": "h",
    "years": "a", "/min": "/min", "°": "deg",
}  # fmt: skip

# LOINC answer codes (code, display) per instrument, item and our answer code.
# PHQ-9: the LOINC panel 44249-1 as an R4 Questionnaire (LHNCBC lforms, test/data/R4/phq9.json,
# kept in shared/data/fhir): items 1–9 share one list; item 10 (69722-7) has its own, in which
# "Very difficult" is LA6575-0 and "Extremely difficult" LA6574-3.
# NIHSS: only "UN" has LOINC answers in the definition (qadam.scales.stroke).
_PHQ9_FREQUENCY = {
    0: ("LA6568-5", "Not at all"),
    1: ("LA6569-3", "Several days"),
    2: ("LA6570-1", "More than half the days"),
    3: ("LA6571-9", "Nearly every day"),
}
_PHQ9_DIFFICULTY = {
    0: ("LA6572-7", "Not difficult at all"),
    1: ("LA6573-5", "Somewhat difficult"),
    2: ("LA6575-0", "Very difficult"),
    3: ("LA6574-3", "Extremely difficult"),
}
_NIHSS_UN_DISPLAY = {"LA18461-6": "Amputation or joint fusion", "LA18477-2": "Intubated or other physical barrier"}
LOINC_ANSWERS: dict[str, dict[str, dict[Any, tuple[str, str]]]] = {
    "phq9": {**{str(i): _PHQ9_FREQUENCY for i in range(1, 10)}, "10": _PHQ9_DIFFICULTY},
    "nihss": {item: {"UN": (code, _NIHSS_UN_DISPLAY[code])} for item, code in NIHSS_UN_LOINC_ANSWERS.items()},
}


# --- identifiers ----------------------------------------------------------------------------------


def resource_id(instrument: Instrument) -> str:
    """The FHIR id of the instrument's resources: ids allow letters, digits, '-' and '.' only."""
    return instrument.code.replace("_", "-")


def computable_name(instrument: Instrument) -> str:
    """A name that starts with a capital and holds letters, digits and '_' only (Questionnaire que-0)."""
    parts = re.split(r"[^A-Za-z0-9]+", instrument.code)
    return "Qadam" + "".join(part[:1].upper() + part[1:] for part in parts)


def questionnaire_url(instrument: Instrument, base: str = DEFAULT_BASE) -> str:
    return f"{base}/Questionnaire/{resource_id(instrument)}"


def system_url(instrument: Instrument, base: str = DEFAULT_BASE) -> str:
    return f"{base}/CodeSystem/{resource_id(instrument)}"


def not_tested_system(base: str = DEFAULT_BASE) -> str:
    return f"{base}/CodeSystem/not-tested-reason"


def answer_code(item: Item, choice: Choice) -> str:
    return f"{item.id}:{choice.code}"


def subscore_code(subscale_id: str) -> str:
    return f"{SUBSCORE_PREFIX}{subscale_id}"


def band_code(band: str, subscale_id: str | None = None) -> str:
    """The code of an interpretation band: ``band:<band>`` of the total, ``band:<subscale>:<band>``."""
    return f"{BAND_PREFIX}{subscale_id}:{band}" if subscale_id else f"{BAND_PREFIX}{band}"


# --- codings --------------------------------------------------------------------------------------


def translations(text: Text) -> dict[str, Any]:
    """The ``_element`` of an English string, carrying its Kazakh and Russian translations."""
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": value}],
            }
            for lang, value in (("kk", text.kk), ("ru", text.ru))
            if value
        ]
    }


def with_text(element: dict[str, Any], key: str, text: Text) -> dict[str, Any]:
    """Set ``element[key]`` to the English text and ``element['_' + key]`` to its translations."""
    element[key] = text.en
    if text.kk or text.ru:
        element[f"_{key}"] = translations(text)
    return element


def loinc_answers(instrument: Instrument, item: Item) -> Mapping[Any, tuple[str, str]]:
    return LOINC_ANSWERS.get(instrument.code, {}).get(item.id, {})


def item_is_loinc_coded(instrument: Instrument, item: Item) -> bool:
    """True when LOINC codes every option of ``item``: only then are its options emitted as LOINC."""
    table = loinc_answers(instrument, item)
    return bool(item.choices) and all(choice.code in table for choice in item.choices)


def answer_coding(instrument: Instrument, item: Item, choice: Choice, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The Coding of one option of ``item``: LOINC when LOINC codes the whole list, else ours."""
    label = choice.label
    if item_is_loinc_coded(instrument, item):
        code, display = loinc_answers(instrument, item)[choice.code]
        coding = {"system": LOINC, "code": code, "display": display}
    else:
        coding = {"system": system_url(instrument, base), "code": answer_code(item, choice)}
        coding["display"] = label.en if label else str(choice.code)
    if label and (label.kk or label.ru):
        coding["_display"] = translations(label)
    return coding


def item_codings(instrument: Instrument, item: Item, base: str = DEFAULT_BASE) -> list[dict[str, Any]]:
    """LOINC's item code where the definition has one, and always our own."""
    codings = []
    loinc = instrument.loinc.items.get(item.id)
    if loinc:
        codings.append({"system": LOINC, "code": loinc})
    codings.append({"system": system_url(instrument, base), "code": item.id, "display": item.label.en})
    return codings


def score_codings(instrument: Instrument, score: str, base: str = DEFAULT_BASE) -> list[dict[str, Any]]:
    """Codings of the total (LOINC's total code where known) or of a subscore (``subscore:<id>``)."""
    codings = []
    if score == TOTAL and instrument.loinc.total:
        codings.append({"system": LOINC, "code": instrument.loinc.total})
    code = TOTAL if score == TOTAL else subscore_code(score)
    codings.append({"system": system_url(instrument, base), "code": code, "display": score_label(instrument, score).en})
    return codings


def panel_codings(instrument: Instrument) -> list[dict[str, Any]]:
    return [{"system": LOINC, "code": instrument.loinc.panel}] if instrument.loinc.panel else []


def not_tested_coding(reason: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
    found = next(r for r in NOT_TESTED_REASONS if r.code == reason)
    coding = {"system": not_tested_system(base), "code": found.code, "display": found.label.en}
    coding["_display"] = translations(found.label)
    return coding


def unit_coding(unit: str) -> dict[str, Any]:
    """A UCUM Coding for our unit; a unit UCUM does not know keeps its display only."""
    code = UCUM_UNITS.get(unit)
    return {"system": UCUM, "code": code, "display": unit} if code else {"display": unit}


_TOTAL_LABEL = Text("Total score", "Жалпы балл", "Общий балл")


def score_label(instrument: Instrument, score: str) -> Text:
    return _TOTAL_LABEL if score == TOTAL else instrument.subscale(score).label


def scores_of(instrument: Instrument) -> tuple[str, ...]:
    """The scores a response can state: the total (if the instrument has one) and each subscale."""
    total = (TOTAL,) if instrument.total_range is not None else ()
    return total + tuple(s.id for s in instrument.subscales)


# --- CodeSystem resources -------------------------------------------------------------------------


def codesystem_for(instrument: Instrument, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The instrument's own CodeSystem: items with their answers nested, then the scores."""
    concepts = [_item_concept(instrument, item) for item in instrument.items]
    concepts += [_score_concept(instrument, score) for score in scores_of(instrument)]
    concepts += [_concept(band_code(band.code), band.label, "band") for band in instrument.bands]
    concepts += [
        _concept(band_code(band.code, subscale.id), band.label, "band")
        for subscale in instrument.subscales
        for band in subscale.bands
    ]
    title = Text(
        f"{instrument.name}: items, answers and scores",
        f"{instrument.name}: тармақтар, жауаптар және балдар",
        f"{instrument.name}: пункты, ответы и баллы",
    )
    resource = {
        "resourceType": "CodeSystem",
        "id": resource_id(instrument),
        "language": "en",
        "url": system_url(instrument, base),
        "version": instrument.version,
        "name": computable_name(instrument) + "Codes",
    }
    with_text(resource, "title", title)
    resource.update(
        {
            "status": "active",
            "experimental": False,
            "publisher": PUBLISHER,
            "description": f"Codes of {instrument.name} in Qadam. Source: {instrument.citation}",
            "caseSensitive": True,
            # Answers are grouped under their item; an answer is not a kind of its item.
            "hierarchyMeaning": "grouped-by",
            "content": "complete",
            "count": _count(concepts),
            "property": [{"code": "kind", "description": "item | answer | score | band", "type": "code"}],
            "concept": concepts,
        }
    )
    if instrument.licence:
        resource["copyright"] = instrument.licence
    return resource


def not_tested_codesystem(base: str = DEFAULT_BASE) -> dict[str, Any]:
    """Why an item was not administered (``qadam.scales.model.NOT_TESTED_REASONS``)."""
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem",
        "id": "not-tested-reason",
        "language": "en",
        "url": not_tested_system(base),
        "name": "QadamNotTestedReason",
    }
    with_text(
        resource,
        "title",
        Text(
            "Reason an item was not tested", "Тармақтың тексерілмеу себебі", "Причина, по которой пункт не проверялся"
        ),
    )
    resource.update(
        {
            "status": "active",
            "experimental": False,
            "publisher": PUBLISHER,
            "caseSensitive": True,
            "content": "complete",
            "count": len(NOT_TESTED_REASONS),
            "concept": [_concept(r.code, r.label) for r in NOT_TESTED_REASONS],
        }
    )
    return resource


def _concept(code: str, label: Text, kind: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"code": code, "display": label.en}
    designations = [{"language": lang, "value": value} for lang, value in (("kk", label.kk), ("ru", label.ru)) if value]
    if designations:
        concept["designation"] = designations
    if kind:
        concept["property"] = [{"code": "kind", "valueCode": kind}]
    return concept


def _item_concept(instrument: Instrument, item: Item) -> dict[str, Any]:
    concept = _concept(item.id, item.label, "item")
    answers = [_answer_concept(item, choice) for choice in item.choices]
    if answers:
        concept["concept"] = answers
    return concept


def _answer_concept(item: Item, choice: Choice) -> dict[str, Any]:
    label = choice.label or Text(str(choice.code), "", "")
    concept = _concept(answer_code(item, choice), label, "answer")
    if choice.points is not None:
        concept = {"extension": [ordinal_extension(choice.points)], **concept}
    return concept


def _score_concept(instrument: Instrument, score: str) -> dict[str, Any]:
    code = TOTAL if score == TOTAL else subscore_code(score)
    return _concept(code, score_label(instrument, score), "score")


def ordinal_extension(points: int | float) -> dict[str, Any]:
    return {"url": ORDINAL_VALUE, "valueDecimal": points}


def _count(concepts: list[dict[str, Any]]) -> int:
    return sum(1 + _count(c.get("concept", [])) for c in concepts)
