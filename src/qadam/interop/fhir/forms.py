"""Which instrument a QuestionnaireResponse answers, and how its questions and answers map onto ours.

A response is identified by, in this order of trust: the instrument code the caller names, the
``questionnaire`` canonical it carries (ours, a LOINC panel form, or a known published form), and
the url or LOINC panel code of a Questionnaire the caller supplies with it. When two of them name
different instruments the response is refused rather than guessed.

Questions are then mapped by linkId (ours are the item ids; known forms declare theirs), by item
code (LOINC item codes and ours, read from a supplied Questionnaire or, following the LForms
convention, from the last segment of a linkId such as ``/44250-9``), and answers by code (ours,
LOINC LA codes, a known form's codes) or, failing that, by ordinal value (on the answer's Coding or
on the matching option of a supplied Questionnaire), which must single out one of our options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from qadam import scales
from qadam.scales.errors import ScaleError
from qadam.scales.model import Instrument

from ..errors import InteropError, InteropProblem
from .codes import (
    DEFAULT_BASE,
    LOINC,
    LOINC_ANSWERS,
    ORDINAL_VALUE,
    TOTAL,
    answer_code,
    questionnaire_url,
    scores_of,
    subscore_code,
    system_url,
)
from .questionnaires import CONTEXT_PREFIX, SCORE_PREFIX, not_tested_link_id, walk

TargetKind = Literal["item", "context", "score", "not_tested"]


@dataclass(frozen=True)
class Target:
    """What a question stands for: an item, a context value, a stated score, or an item's not-tested reason."""

    kind: TargetKind
    key: str


@dataclass(frozen=True)
class KnownForm:
    """A published Questionnaire of one of our instruments whose questions carry no codes we know."""

    url: str
    instrument: str
    link_ids: Mapping[str, Target]
    # item id -> (system, code) -> our answer code
    answers: Mapping[str, Mapping[tuple[str, str], Any]]
    source: str


_SDC_PHQ9_SYSTEM = "http://hl7.org/fhir/uv/sdc/CodeSystem/CSPHQ9"
_SDC_PHQ9_ANSWERS = {
    (_SDC_PHQ9_SYSTEM, "Not-at-all"): 0,
    (_SDC_PHQ9_SYSTEM, "Several-days"): 1,
    (_SDC_PHQ9_SYSTEM, "More than half the days"): 2,
    (_SDC_PHQ9_SYSTEM, "Nearly every day"): 3,
}

KNOWN_FORMS: tuple[KnownForm, ...] = (
    KnownForm(
        url="http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9",
        instrument="phq9",
        link_ids={
            **{f"H1/T1/Q{i}": Target("item", str(i)) for i in range(1, 10)},
            "H1/TS": Target("score", TOTAL),
        },
        answers={str(i): _SDC_PHQ9_ANSWERS for i in range(1, 10)},
        source=(
            "HL7 FHIR Structured Data Capture IG, example questionnaire-sdc-profile-example-PHQ9: questions "
            "H1/T1/Q1–Q9 are PHQ-9 items 1–9 in order, H1/TS the total (LOINC 44261-6); the answers of its "
            "code system CSPHQ9 carry the ordinal values 0–3 in its contained value set VSPHQ9."
        ),
    ),
)


@dataclass
class FormMap:
    """Everything needed to read one response: its instrument and the tables of questions and answers."""

    instrument: Instrument
    form: str
    base: str
    link_ids: dict[str, Target] = field(default_factory=dict)
    codes: dict[tuple[str, str], Target] = field(default_factory=dict)
    answers: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)
    # Ordinal values of the options of a supplied Questionnaire: linkId -> (system, code) -> ordinal
    ordinals: dict[str, dict[tuple[str, str], float]] = field(default_factory=dict)

    def target(self, link_id: str) -> Target | None:
        """The question's meaning: by linkId, else by the LOINC code closing an LForms-style linkId."""
        found = self.link_ids.get(link_id)
        if found is None and "/" in link_id:
            found = self.codes.get((LOINC, link_id.rstrip("/").rsplit("/", 1)[-1]))
        return found

    def ordinal(self, link_id: str, system: str | None, code: str) -> float | None:
        table = self.ordinals.get(link_id, {})
        if system:
            return table.get((system, code))
        values = {value for (_, c), value in table.items() if c == code}
        return values.pop() if len(values) == 1 else None


def strip_version(canonical: str) -> str:
    return canonical.split("|", 1)[0]


def form_map(
    resource: Mapping[str, Any],
    instrument_code: str | None = None,
    questionnaire: Mapping[str, Any] | None = None,
    base: str = DEFAULT_BASE,
) -> FormMap:
    """Identify the instrument a response answers and build the tables that read it."""
    canonical = resource.get("questionnaire")
    claims = _claims(canonical, instrument_code, questionnaire, base)
    codes = {code for code, _ in claims}
    if not codes and not isinstance(canonical, str) and questionnaire is None:
        raise InteropError([InteropProblem("questionnaire_not_named")])
    if not codes:
        known = ", ".join(questionnaire_url(i, base) for i in scales.INSTRUMENTS.values())
        raise InteropError([InteropProblem("unknown_questionnaire", value=canonical, allowed=known)])
    if len(codes) > 1:
        shown = ", ".join(f"{code} ({how})" for code, how in claims)
        raise InteropError([InteropProblem("questionnaire_mismatch", value=shown, allowed=claims[0][0])])
    instrument = scales.INSTRUMENTS[codes.pop()]
    how = {kind for _, kind in claims}
    mapping = FormMap(instrument, form="qadam", base=base)
    _add_definition_codes(mapping)
    known = _known_form(canonical)
    if known is not None:
        mapping.form = known.url
        mapping.link_ids.update(known.link_ids)
        for item_id, table in known.answers.items():
            mapping.answers.setdefault(item_id, {}).update(table)
    elif questionnaire is not None:
        mapping.form = "questionnaire"
        _learn_from_questionnaire(mapping, questionnaire)
    elif "loinc" in how:
        mapping.form = "loinc"
    else:
        _add_our_link_ids(mapping)
    return mapping


def _claims(
    canonical: Any, instrument_code: str | None, questionnaire: Mapping[str, Any] | None, base: str
) -> list[tuple[str, str]]:
    """(instrument code, how it was found) for every source that names an instrument."""
    claims: list[tuple[str, str]] = []
    if instrument_code is not None:
        try:
            claims.append((scales.get(instrument_code).code, "named by the caller"))
        except ScaleError as error:
            raise InteropError(error.problems) from error
    if isinstance(canonical, str):
        claims.extend(_claims_of_url(canonical, base))
    if questionnaire is not None:
        url = questionnaire.get("url")
        if isinstance(url, str) and url != canonical:
            claims.extend(_claims_of_url(url, base))
        for panel in _panel_codes(questionnaire):
            claims.extend((i.code, "loinc") for i in scales.INSTRUMENTS.values() if i.loinc.panel == panel)
    return claims


def _claims_of_url(url: str, base: str) -> list[tuple[str, str]]:
    url = strip_version(url)
    for instrument in scales.INSTRUMENTS.values():
        if url == questionnaire_url(instrument, base):
            return [(instrument.code, "qadam")]
    known = _known_form(url)
    if known is not None:
        return [(known.instrument, known.url)]
    # A LOINC panel form: LOINC's own Questionnaires are published as http://loinc.org/q/<panel>
    # [U: not confirmed in a source at hand]; any loinc.org canonical ending in a panel code counts.
    if url.startswith(LOINC + "/"):
        panel = url.rstrip("/").rsplit("/", 1)[-1]
        return [(i.code, "loinc") for i in scales.INSTRUMENTS.values() if i.loinc.panel == panel]
    return []


def _known_form(canonical: Any) -> KnownForm | None:
    if not isinstance(canonical, str):
        return None
    url = strip_version(canonical)
    return next((form for form in KNOWN_FORMS if form.url == url), None)


def _panel_codes(questionnaire: Mapping[str, Any]) -> list[str]:
    codes = [c.get("code") for c in _dicts(questionnaire.get("code")) if c.get("system") == LOINC]
    codes += [i.get("value") for i in _dicts(questionnaire.get("identifier")) if i.get("system") == LOINC]
    return [code for code in codes if isinstance(code, str)]


def _add_definition_codes(mapping: FormMap) -> None:
    """Our item and score codes, LOINC's item and total codes, our answer codes and LOINC's."""
    instrument, system = mapping.instrument, system_url(mapping.instrument, mapping.base)
    for item in instrument.items:
        mapping.codes[(system, item.id)] = Target("item", item.id)
        loinc = instrument.loinc.items.get(item.id)
        if loinc:
            mapping.codes[(LOINC, loinc)] = Target("item", item.id)
        table = mapping.answers.setdefault(item.id, {})
        for choice in item.choices:
            table[(system, answer_code(item, choice))] = choice.code
    for item_id, answers in LOINC_ANSWERS.get(instrument.code, {}).items():
        table = mapping.answers.setdefault(item_id, {})
        for our_code, (la_code, _) in answers.items():
            table[(LOINC, la_code)] = our_code
    for score in scores_of(instrument):
        code = TOTAL if score == TOTAL else subscore_code(score)
        mapping.codes[(system, code)] = Target("score", score)
    if instrument.loinc.total and instrument.total_range is not None:
        mapping.codes[(LOINC, instrument.loinc.total)] = Target("score", TOTAL)


def _add_our_link_ids(mapping: FormMap) -> None:
    instrument = mapping.instrument
    for item in instrument.items:
        mapping.link_ids[item.id] = Target("item", item.id)
        if item.not_tested_allowed and not item.choices:
            mapping.link_ids[not_tested_link_id(item)] = Target("not_tested", item.id)
    for context in instrument.context:
        if context.kind != "mapping":
            mapping.link_ids[f"{CONTEXT_PREFIX}{context.name}"] = Target("context", context.name)
    for score in scores_of(instrument):
        mapping.link_ids[f"{SCORE_PREFIX}{score}"] = Target("score", score)


def _learn_from_questionnaire(mapping: FormMap, questionnaire: Mapping[str, Any]) -> None:
    """Map a supplied Questionnaire's linkIds by their item codes and learn its options' ordinal values.

    The Questionnaire is read, not validated: real forms in circulation are not always valid R4
    (the LForms PHQ-9 writes a Duration value as a string), and only codes and ordinals are used.
    """
    if questionnaire.get("url") == questionnaire_url(mapping.instrument, mapping.base):
        _add_our_link_ids(mapping)
    contained = {r.get("id"): r for r in _dicts(questionnaire.get("contained"))}
    for item in walk(list(_dicts(questionnaire.get("item")))):
        link_id = item.get("linkId")
        if not isinstance(link_id, str):
            continue
        for coding in _dicts(item.get("code")):
            target = mapping.codes.get((coding.get("system"), coding.get("code")))
            if target is not None:
                mapping.link_ids.setdefault(link_id, target)
        ordinals = _option_ordinals(item, contained)
        if ordinals:
            mapping.ordinals[link_id] = ordinals


def _option_ordinals(
    item: Mapping[str, Any], contained: Mapping[Any, Mapping[str, Any]]
) -> dict[tuple[str, str], float]:
    table: dict[tuple[str, str], float] = {}
    for option in _dicts(item.get("answerOption")):
        coding = option.get("valueCoding")
        if isinstance(coding, dict):
            value = ordinal_of(option) if ordinal_of(option) is not None else ordinal_of(coding)
            if value is not None:
                table[(coding.get("system"), coding.get("code"))] = value
    value_set = item.get("answerValueSet")
    if isinstance(value_set, str) and value_set.startswith("#"):
        table.update(_value_set_ordinals(contained.get(value_set[1:]) or {}))
    return table


def _value_set_ordinals(value_set: Mapping[str, Any]) -> dict[tuple[str, str], float]:
    table: dict[tuple[str, str], float] = {}
    for include in _dicts((value_set.get("compose") or {}).get("include")):
        for concept in _dicts(include.get("concept")):
            value = ordinal_of(concept)
            if value is not None:
                table[(include.get("system"), concept.get("code"))] = value
    return table


def ordinal_of(element: Mapping[str, Any]) -> float | None:
    """The ordinalValue extension of an option, Coding or concept, if it has one."""
    for extension in _dicts(element.get("extension")):
        if extension.get("url") == ORDINAL_VALUE:
            value = extension.get("valueDecimal")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return value
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
