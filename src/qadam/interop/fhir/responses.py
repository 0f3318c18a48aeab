"""QuestionnaireResponses: written from item responses, and read back into item responses and a score.

``response_for`` writes the answers of one administration as a response to our Questionnaire, with
the scores Qadam computed stated in the ``scores`` group. ``parse_questionnaire_response`` reads a
response to our Questionnaire or to a form of an instrument we know (see ``forms``), scores it with
``qadam.scales`` and compares every score the response states with ours.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qadam import scales
from qadam.scales.errors import Problem, ScaleError
from qadam.scales.model import Instrument, Item, NotTested, Number, Result

from ..errors import InteropError, InteropProblem
from .codes import (
    DEFAULT_BASE,
    TOTAL,
    UCUM_UNITS,
    answer_coding,
    not_tested_coding,
    not_tested_system,
    score_label,
    scores_of,
    system_url,
)
from .forms import FormMap, Target, form_map, ordinal_of
from .questionnaires import (
    CONTEXT_PREFIX,
    SCORE_PREFIX,
    instrument_of,
    not_tested_link_id,
    questionnaire_for,
)
from .validation import validate_resource

# Stated scores often carry two decimals (GAS T-scores): a difference below half a hundredth is
# rounding, not disagreement. Integer totals differ by at least 1, so nothing real is hidden.
_SCORE_TOLERANCE = 0.005


# --- writing --------------------------------------------------------------------------------------


def response_for(
    instrument: Instrument | str,
    responses: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    *,
    result: Result | None = None,
    base: str = DEFAULT_BASE,
    subject: str | None = None,
    encounter: str | None = None,
    authored: str | None = None,
    status: str = "completed",
    response_id: str | None = None,
) -> dict[str, Any]:
    """A QuestionnaireResponse to our Questionnaire holding ``responses``, ``context`` and the scores.

    ``result`` is computed from the responses when not given. ``subject`` and ``encounter`` are
    references such as ``Patient/<pseudonym>`` and ``Encounter/<id>``; ``authored`` an R4 dateTime.
    Context values that are mappings (GAS weights, contracture lists) have no question and are not
    written.
    """
    instrument, values, questionnaire = _prepared(instrument, responses, context, result, base, encode=False)
    resource = _head(
        questionnaire["url"],
        response_id=response_id,
        status=status,
        subject=subject,
        encounter=encounter,
        authored=authored,
    )
    items = _answered(questionnaire["item"], values)
    if items:
        resource["item"] = items
    return resource


def response_json(
    instrument: Instrument | str,
    responses: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    *,
    result: Result | None = None,
    base: str = DEFAULT_BASE,
    subject: str | None = None,
    encounter: str | None = None,
    authored: str | None = None,
    status: str = "completed",
    response_id: str | None = None,
) -> str:
    """``response_for`` as compact JSON text, for the bulk export: the same resource, with every
    answer option's Coding and every question's linkId and text encoded once per instrument and
    reused."""
    instrument, values, questionnaire = _prepared(instrument, responses, context, result, base, encode=True)
    head = _head(
        questionnaire["url"],
        response_id=response_id,
        status=status,
        subject=subject,
        encounter=encounter,
        authored=authored,
    )
    text = _dump(head)
    items = _answered_json(instrument.code, base, questionnaire["item"], values)
    return text[:-1] + ',"item":[' + ",".join(items) + "]}" if items else text


def _prepared(
    instrument: Instrument | str,
    responses: Mapping[str, Any],
    context: Mapping[str, Any] | None,
    result: Result | None,
    base: str,
    *,
    encode: bool,
) -> tuple[Instrument, dict[str, Any], dict[str, Any]]:
    """The instrument, every answer by linkId (scored first when ``result`` is None) and our Questionnaire."""
    instrument = instrument_of(instrument)
    context = dict(context or {})
    if result is None:
        result = _score(instrument, responses, context)
    values = _answer_values(instrument, responses, context, result, base, encode=encode)
    return instrument, values, _questionnaire(instrument.code, base)


def _head(
    questionnaire: str,
    *,
    response_id: str | None,
    status: str,
    subject: str | None,
    encounter: str | None,
    authored: str | None,
) -> dict[str, Any]:
    """The response's elements before its items, in R4's order; absent ones are left out."""
    head: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if response_id:
        head["id"] = response_id
    head.update({"questionnaire": questionnaire, "status": status})
    if subject:
        head["subject"] = {"reference": subject}
    if encounter:
        head["encounter"] = {"reference": encounter}
    if authored:
        head["authored"] = authored
    return head


def _answered_json(code: str, base: str, questions: list[dict[str, Any]], values: Mapping[str, str]) -> list[str]:
    """``_answered`` as JSON texts."""
    items = []
    for question in questions:
        link_id = question["linkId"]
        if question["type"] == "group":
            children = _answered_json(code, base, question["item"], values)
            if children:
                items.append(
                    _question_head(code, base, link_id, question["text"]) + ',"item":[' + ",".join(children) + "]}"
                )
        elif link_id in values:
            items.append(_question_head(code, base, link_id, question["text"]) + ',"answer":[' + values[link_id] + "]}")
    return items


@functools.lru_cache(maxsize=8192)
def _question_head(code: str, base: str, link_id: str, text: str) -> str:
    """The opening of a response item: ``{"linkId":…,"text":…`` (cached per instrument and question)."""
    return _dump({"linkId": link_id, "text": text})[:-1]


@functools.lru_cache(maxsize=256)
def _questionnaire(code: str, base: str) -> dict[str, Any]:
    """The Questionnaire a response follows, built once per instrument and base (only read here)."""
    return questionnaire_for(code, base)


def _answer_values(
    instrument: Instrument,
    responses: Mapping[str, Any],
    context: Mapping[str, Any],
    result: Result,
    base: str,
    *,
    encode: bool = False,
) -> dict[str, Any]:
    """The single answer of every answered question, by linkId (as JSON text when ``encode``)."""
    values: dict[str, Any] = {}
    dump = _dump if encode else _same
    items = instrument.items_by_id
    unknown = [item_id for item_id in responses if item_id not in items and not _missing(responses[item_id])]
    if unknown:
        allowed = ", ".join(items)
        raise InteropError(
            [Problem("unknown_item", item=i, allowed=allowed, instrument=instrument.name) for i in unknown]
        )
    for item in instrument.items:
        raw = responses.get(item.id)
        if _missing(raw):
            continue
        reason = _not_tested_reason(raw)
        if reason is not None:
            link_id = item.id if item.choices else not_tested_link_id(item)
            values[link_id] = (
                _not_tested_json(reason, base) if encode else {"valueCoding": not_tested_coding(reason, base)}
            )
        elif item.choices:
            value = _choice_json(instrument.code, item.id, raw, base) if encode and _hashable(raw) else None
            if value is None:
                choice = _choice_of(item, raw)
                if choice is None:  # only when the caller passed a result for responses it did not score
                    allowed = item.allowed_description()
                    problem = Problem(
                        "value_not_allowed", item=item.id, value=raw, allowed=allowed, instrument=instrument.name
                    )
                    raise InteropError([problem])
                value = dump({"valueCoding": answer_coding(instrument, item, choice, base)})
            values[item.id] = value
        else:
            values[item.id] = dump(_number_answer(_as_number(raw), item.integer))
    for field in instrument.context:
        raw = context.get(field.name)
        if field.kind == "mapping" or _missing(raw):
            continue
        key = "valueDecimal" if field.kind == "number" else "valueString"
        values[f"{CONTEXT_PREFIX}{field.name}"] = dump({key: _as_number(raw) if field.kind == "number" else raw})
    for score in scores_of(instrument):
        value = result.total if score == TOTAL else result.subscores.get(score)
        if value is not None:
            values[f"{SCORE_PREFIX}{score}"] = dump({"valueDecimal": value})
    return values


def _choice_of(item: Item, raw: Any) -> Any:
    return next((c for c in item.choices if c.code == raw or str(c.code) == str(raw)), None)


def _same(value: Any) -> Any:
    return value


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


@functools.lru_cache(maxsize=8192)
def _choice_json(code: str, item_id: str, raw: Any, base: str) -> str | None:
    """The JSON of the answer choosing ``raw`` on item ``item_id`` (None: no such option)."""
    instrument = scales.get(code)
    item = instrument.items_by_id[item_id]
    choice = _choice_of(item, raw)
    return None if choice is None else _dump({"valueCoding": answer_coding(instrument, item, choice, base)})


@functools.lru_cache(maxsize=256)
def _not_tested_json(reason: str, base: str) -> str:
    return _dump({"valueCoding": not_tested_coding(reason, base)})


def _answered(questions: list[dict[str, Any]], values: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Response items in the Questionnaire's order and grouping; groups without answers are left out."""
    items = []
    for question in questions:
        link_id = question["linkId"]
        if question["type"] == "group":
            children = _answered(question["item"], values)
            if children:
                items.append({"linkId": link_id, "text": question["text"], "item": children})
        elif link_id in values:
            items.append({"linkId": link_id, "text": question["text"], "answer": [values[link_id]]})
    return items


def _number_answer(value: Number, integer: bool) -> dict[str, Any]:
    if integer:
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def _as_number(raw: Any) -> Number:
    value = float(raw.strip().replace(",", ".")) if isinstance(raw, str) else raw
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _not_tested_reason(raw: Any) -> str | None:
    if isinstance(raw, NotTested):
        return raw.reason
    if isinstance(raw, dict):
        return raw.get("not_tested")
    return None


def _missing(raw: Any) -> bool:
    return raw is None or raw == ""


# --- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """A score the response states that differs from Qadam's (``computed`` is None: we have none)."""

    instrument: str
    score: str
    stated: Number
    computed: Number | None

    def problem(self, lang: str = "en") -> InteropProblem:
        """The disagreement as a problem; ``item`` is the score's label in ``lang``."""
        instrument = scales.get(self.instrument)
        label = score_label(instrument, self.score).get(lang)
        if self.computed is None:
            return InteropProblem(
                "stated_score_without_ours", item=label, value=self.stated, instrument=instrument.name
            )
        computed = f"{self.computed:g}"
        return InteropProblem(
            "stated_score_differs", item=label, value=self.stated, allowed=computed, instrument=instrument.name
        )

    def message(self, lang: str = "en") -> str:
        return self.problem(lang).message(lang)


@dataclass(frozen=True)
class ParsedResponse:
    """A response read into our terms: item responses and context ready for ``scales.score``, the
    scores it states, our result, and where the two disagree."""

    instrument: str
    form: str
    questionnaire: str | None
    status: str
    authored: str | None
    subject: str | None
    responses: dict[str, Any]
    context: dict[str, Any]
    stated: dict[str, Number]
    result: Result
    disagreements: tuple[Disagreement, ...]


def parse_questionnaire_response(
    resource: Any,
    instrument_code: str | None = None,
    *,
    questionnaire: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    base: str = DEFAULT_BASE,
) -> ParsedResponse:
    """Read a FHIR R4 QuestionnaireResponse, score it and compare the scores it states with ours.

    ``instrument_code`` names the instrument when the response does not; ``questionnaire`` is the
    form the response answers, when it is not ours (its item codes and ordinal values are used);
    ``context`` adds context values the response cannot carry (sex and age from the patient record,
    GAS weights). Raises ``InteropError`` listing every problem: not a valid R4 QuestionnaireResponse,
    unknown questionnaire, unmapped question or answer, wrong answer type, or a scale problem.
    """
    _check_type(resource)
    validate_resource(resource)
    mapping = form_map(resource, instrument_code, questionnaire, base)
    reading = _Reading(mapping)
    reading.read(resource.get("item", []))
    merged = reading.merge_context(context or {})
    if reading.problems:
        raise InteropError(reading.problems)
    instrument = mapping.instrument
    result = _score(instrument, reading.responses, merged)
    subject = (resource.get("subject") or {}).get("reference")
    return ParsedResponse(
        instrument=instrument.code,
        form=mapping.form,
        questionnaire=resource.get("questionnaire"),
        status=resource["status"],
        authored=resource.get("authored"),
        subject=subject,
        responses=reading.responses,
        context=merged,
        stated=reading.stated,
        result=result,
        disagreements=compare_scores(instrument, reading.stated, result),
    )


def compare_scores(instrument: Instrument, stated: Mapping[str, Number], result: Result) -> tuple[Disagreement, ...]:
    found = []
    for score, value in stated.items():
        computed = result.total if score == TOTAL else result.subscores.get(score)
        if computed is None or not math.isclose(value, computed, rel_tol=0, abs_tol=_SCORE_TOLERANCE):
            found.append(Disagreement(instrument.code, score, value, computed))
    return tuple(found)


def _check_type(resource: Any) -> None:
    if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
        if resource["resourceType"] != "QuestionnaireResponse":
            problem = InteropProblem(
                "wrong_resource_type", value=resource["resourceType"], allowed="QuestionnaireResponse"
            )
            raise InteropError([problem])


def _score(instrument: Instrument, responses: Mapping[str, Any], context: Mapping[str, Any]) -> Result:
    try:
        return scales.score(instrument.code, responses, context)
    except ScaleError as error:
        raise InteropError(error.problems) from error


class _Reading:
    """One pass over a response's items, collecting answers, context, stated scores and problems."""

    def __init__(self, mapping: FormMap):
        self.mapping = mapping
        self.instrument = mapping.instrument
        self.responses: dict[str, Any] = {}
        self.context: dict[str, Any] = {}
        self.stated: dict[str, Number] = {}
        self.problems: list[Problem] = []
        self._seen: dict[tuple[str, str], str] = {}

    def read(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            answers = item.get("answer") or []
            if answers:
                self._read_question(item["linkId"], answers)
                for answer in answers:
                    self.read(answer.get("item") or [])
            self.read(item.get("item") or [])

    def _read_question(self, link_id: str, answers: list[dict[str, Any]]) -> None:
        target = self.mapping.target(link_id)
        if target is None:
            self._problem("unknown_link_id", link_id, allowed=", ".join(self.instrument.items_by_id))
            return
        values = [_value(answer) for answer in answers if _value(answer) is not None]
        if not values:
            return
        name = target.key if target.kind != "context" else f"context '{target.key}'"
        if len(values) > 1:
            self._problem("multiple_answers", name, value=f"{len(values)} answers")
            return
        key = ("item" if target.kind == "not_tested" else target.kind, target.key)
        if key in self._seen:
            self._problem("duplicate_item", target.key, value=f"{self._seen[key]}, {link_id}")
            return
        self._seen[key] = link_id
        read = {"item": self._item, "not_tested": self._not_tested, "context": self._context, "score": self._stated}
        read[target.kind](target, link_id, *values[0])

    def _item(self, target: Target, link_id: str, kind: str, value: Any) -> None:
        item = self.instrument.items_by_id[target.key]
        not_tested = kind == "valueCoding" and value.get("system") == not_tested_system(self.mapping.base)
        if kind == "valueCoding" and (item.choices or not_tested):
            answer = self._coded_answer(item, link_id, value)
            if answer is None:
                shown = f"{value.get('system', '')}|{value.get('code')}"
                self._problem("unknown_answer_code", item.id, value=shown, allowed=item.allowed_description())
            else:
                self.responses[item.id] = answer
        elif item.choices and kind in ("valueInteger", "valueString", "valueDecimal"):
            self.responses[item.id] = value  # a bare answer code, checked by the scale
        elif not item.choices and kind in ("valueInteger", "valueDecimal", "valueQuantity"):
            number = self._number(item.id, item.unit, kind, value)
            if number is not None:
                self.responses[item.id] = number
        else:
            allowed = "Coding" if item.choices else "decimal, integer or Quantity"
            self._problem("wrong_answer_type", item.id, value=kind, allowed=allowed)

    def _coded_answer(self, item: Item, link_id: str, coding: dict[str, Any]) -> Any:
        system, code = coding.get("system"), coding.get("code")
        if system == not_tested_system(self.mapping.base):
            return {"not_tested": code}
        table = self.mapping.answers.get(item.id, {})
        if system and (system, code) in table:
            return table[(system, code)]
        if system == system_url(self.instrument, self.mapping.base):
            return next((c.code for c in item.choices if str(c.code) == code), None)
        if not system:
            matches = {ours for (_, theirs), ours in table.items() if theirs == code}
            if len(matches) == 1:
                return matches.pop()
        ordinal = ordinal_of(coding)
        if ordinal is None and isinstance(code, str):
            ordinal = self.mapping.ordinal(link_id, system, code)
        if ordinal is None:
            return None
        matches = [c.code for c in item.choices if c.points is not None and c.points == ordinal]
        return matches[0] if len(matches) == 1 else None

    def _not_tested(self, target: Target, link_id: str, kind: str, value: Any) -> None:
        if kind == "valueCoding" and value.get("system") in (None, not_tested_system(self.mapping.base)):
            self.responses[target.key] = {"not_tested": value.get("code")}
        elif kind == "valueString":
            self.responses[target.key] = {"not_tested": value}
        else:
            self._problem("wrong_answer_type", target.key, value=kind, allowed="Coding of a not-tested reason")

    def _context(self, target: Target, link_id: str, kind: str, value: Any) -> None:
        spec = self.instrument.context_by_name[target.key]
        if spec.kind == "number" and kind in ("valueInteger", "valueDecimal", "valueQuantity"):
            number = self._number(f"context '{spec.name}'", spec.unit, kind, value)
            if number is not None:
                self.context[spec.name] = number
        elif spec.kind == "choice" and kind == "valueCoding":
            self.context[spec.name] = value.get("code")
        elif spec.kind in ("choice", "text") and kind == "valueString":
            self.context[spec.name] = value
        else:
            allowed = "decimal" if spec.kind == "number" else "string"
            self._problem("wrong_answer_type", f"context '{spec.name}'", value=kind, allowed=allowed)

    def _stated(self, target: Target, link_id: str, kind: str, value: Any) -> None:
        if kind not in ("valueInteger", "valueDecimal", "valueQuantity"):
            label = score_label(self.instrument, target.key).en
            self._problem("wrong_answer_type", label, value=kind, allowed="decimal, integer or Quantity")
            return
        number = self._number(target.key, None, kind, value)
        if number is not None:
            self.stated[target.key] = number

    def _number(self, name: str, unit: str | None, kind: str, value: Any) -> Number | None:
        if kind != "valueQuantity":
            return value
        given = value.get("code") or value.get("unit")
        if unit and given and given not in (unit, UCUM_UNITS.get(unit)):
            self._problem("unit_mismatch", name, value=given, allowed=unit)
            return None
        if "value" not in value:
            self._problem("wrong_answer_type", name, value="a Quantity without a value", allowed="a number")
            return None
        return value["value"]

    def merge_context(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Context from the response and from the caller; the same value named twice must agree."""
        merged = dict(self.context)
        for name, value in given.items():
            if name in merged and merged[name] != value:
                self._problem("context_conflict", name, value=f"{merged[name]!r} / {value!r}")
            merged[name] = value
        return merged

    def _problem(self, code: str, item: str, value: Any = None, allowed: str = "") -> None:
        self.problems.append(
            InteropProblem(code, item=item, value=value, allowed=allowed, instrument=self.instrument.name)
        )


def _value(answer: dict[str, Any]) -> tuple[str, Any] | None:
    """The (type, value) of an answer's value[x]; None for an answer that only nests items."""
    found = [(key, value) for key, value in answer.items() if key.startswith("value")]
    return found[0] if found else None
