"""An R4 Questionnaire for every instrument of the catalogue.

Layout of the items (linkIds never collide: item ids hold only letters, digits and '_'):

* one question per item, ``linkId`` = the item id, inside a group ``group:<id>`` when the item has a
  group (groups appear where their first item stands; items keep their order inside);
* a companion question ``<item id>:not-tested`` after each measured item that may be left untested
  (a number cannot carry a coded reason; choice items list the reasons among their options instead);
* a group ``context`` with one question ``context:<name>`` per context value that fits a question
  (choice, number, text; the mapping values of GAS and the contracture lists stay with the caller);
* a group ``scores`` of read-only questions ``score:total`` and ``score:<subscale>``, where a sender
  may state the scores it computed; Qadam compares them with its own on import.
"""

from __future__ import annotations

from typing import Any

from qadam import scales
from qadam.scales.model import NOT_TESTED_REASONS, ContextField, Instrument, Item, Text

from .codes import (
    DEFAULT_BASE,
    MAX_VALUE,
    MIN_VALUE,
    PUBLISHER,
    QUESTIONNAIRE_UNIT,
    answer_coding,
    computable_name,
    item_codings,
    not_tested_coding,
    ordinal_extension,
    panel_codings,
    questionnaire_url,
    resource_id,
    score_codings,
    score_label,
    scores_of,
    unit_coding,
    with_text,
)

CONTEXT_GROUP = "context"
SCORES_GROUP = "scores"
GROUP_PREFIX = "group:"
CONTEXT_PREFIX = "context:"
SCORE_PREFIX = "score:"
NOT_TESTED_SUFFIX = ":not-tested"

_CONTEXT_TEXT = Text("Administration details", "Өткізу мәліметтері", "Условия проведения")
_SCORES_TEXT = Text("Scores stated by the sender", "Жіберуші көрсеткен балдар", "Баллы, указанные отправителем")


def instrument_of(instrument: Instrument | str) -> Instrument:
    """Accept an instrument or its code (``ScaleError`` for an unknown code)."""
    return instrument if isinstance(instrument, Instrument) else scales.get(instrument)


def not_tested_link_id(item: Item) -> str:
    return f"{item.id}{NOT_TESTED_SUFFIX}"


def questionnaire_for(instrument: Instrument | str, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The R4 Questionnaire of ``instrument``: items, answer options with ordinal values, LOINC codes
    where the definition has them, our code system otherwise, labels in en with kk/ru translations."""
    instrument = instrument_of(instrument)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id(instrument),
        "language": "en",
        "url": questionnaire_url(instrument, base),
        "version": instrument.version,
        "name": computable_name(instrument),
    }
    with_text(resource, "title", instrument.title)
    resource.update(
        {
            "status": "active",
            "experimental": False,
            "subjectType": ["Patient"],
            "publisher": PUBLISHER,
            "description": f"{instrument.scoring_rule}\n\nSource: {instrument.citation}",
        }
    )
    if instrument.licence:
        resource["copyright"] = instrument.licence
    if instrument.loinc.panel:
        resource["code"] = panel_codings(instrument)
    resource["item"] = _items(instrument, base)
    _check_unique_link_ids(instrument, resource["item"])
    return resource


def _items(instrument: Instrument, base: str) -> list[dict[str, Any]]:
    top: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in instrument.items:
        questions = _questions(instrument, item, base)
        if item.group is None:
            top.extend(questions)
            continue
        group = groups.get(item.group)
        if group is None:
            label = instrument.groups.get(item.group) or Text(item.group, "", "")
            group = with_text({"linkId": f"{GROUP_PREFIX}{item.group}"}, "text", label)
            group.update({"type": "group", "item": []})
            groups[item.group] = group
            top.append(group)
        group["item"].extend(questions)
    context = [_context_question(f) for f in instrument.context if f.kind != "mapping"]
    if context:
        top.append(_group(CONTEXT_GROUP, _CONTEXT_TEXT, context))
    scores = [_score_question(instrument, score, base) for score in scores_of(instrument)]
    if scores:
        top.append(_group(SCORES_GROUP, _SCORES_TEXT, scores))
    return top


def _group(link_id: str, text: Text, items: list[dict[str, Any]]) -> dict[str, Any]:
    group = with_text({"linkId": link_id}, "text", text)
    group.update({"type": "group", "item": items})
    return group


def _questions(instrument: Instrument, item: Item, base: str) -> list[dict[str, Any]]:
    question = with_text({"linkId": item.id, "code": item_codings(instrument, item, base)}, "text", item.label)
    if item.choices:
        question["type"] = "choice"
        question["required"] = item.required
        question["answerOption"] = [_option(instrument, item, choice, base) for choice in item.choices]
        if item.not_tested_allowed:
            question["answerOption"] += [{"valueCoding": not_tested_coding(r.code, base)} for r in NOT_TESTED_REASONS]
        return [question]
    question["type"] = "integer" if item.integer else "decimal"
    # A measurement that may be left untested cannot be required: its reason goes to the companion.
    question["required"] = item.required and not item.not_tested_allowed
    extensions = _number_extensions(item.unit, item.minimum, item.maximum, item.integer)
    if extensions:
        question = {"extension": extensions, **question}
    if not item.not_tested_allowed:
        return [question]
    return [question, _not_tested_question(item, base)]


def _option(instrument: Instrument, item: Item, choice, base: str) -> dict[str, Any]:
    option: dict[str, Any] = {"valueCoding": answer_coding(instrument, item, choice, base)}
    if choice.points is not None:
        option["extension"] = [ordinal_extension(choice.points)]
    return option


def _not_tested_question(item: Item, base: str) -> dict[str, Any]:
    label = Text(
        f"{item.label.en}: reason not tested",
        f"{item.label.kk}: тексерілмеу себебі",
        f"{item.label.ru}: причина, по которой не проверялось",
    )
    question = with_text({"linkId": not_tested_link_id(item)}, "text", label)
    question.update(
        {
            "type": "choice",
            "enableWhen": [{"question": item.id, "operator": "exists", "answerBoolean": False}],
            "answerOption": [{"valueCoding": not_tested_coding(r.code, base)} for r in NOT_TESTED_REASONS],
        }
    )
    return question


def _context_question(field: ContextField) -> dict[str, Any]:
    question = with_text({"linkId": f"{CONTEXT_PREFIX}{field.name}"}, "text", field.label)
    if field.kind == "choice":
        question["type"] = "choice"
        question["answerOption"] = [{"valueString": value} for value in field.choices]
    elif field.kind == "number":
        question["type"] = "decimal"
        extensions = _number_extensions(field.unit, field.minimum, field.maximum, integer=False)
        if extensions:
            question = {"extension": extensions, **question}
    else:
        question["type"] = "string"
    question["required"] = field.required
    return question


def _score_question(instrument: Instrument, score: str, base: str) -> dict[str, Any]:
    link_id = f"{SCORE_PREFIX}{score}"
    question = with_text(
        {"linkId": link_id, "code": score_codings(instrument, score, base)}, "text", score_label(instrument, score)
    )
    question.update({"type": "decimal", "readOnly": True})
    return question


def _number_extensions(unit, minimum, maximum, integer: bool) -> list[dict[str, Any]]:
    kind = "valueInteger" if integer else "valueDecimal"
    extensions = []
    if unit:
        extensions.append({"url": QUESTIONNAIRE_UNIT, "valueCoding": unit_coding(unit)})
    if minimum is not None:
        extensions.append({"url": MIN_VALUE, kind: int(minimum) if integer else minimum})
    if maximum is not None:
        extensions.append({"url": MAX_VALUE, kind: int(maximum) if integer else maximum})
    return extensions


def walk(items: list[dict[str, Any]]):
    """Every item of a Questionnaire or QuestionnaireResponse item list, depth first, in order."""
    for item in items:
        yield item
        yield from walk(item.get("item", []))
        for answer in item.get("answer", []):
            yield from walk(answer.get("item", []))


def _check_unique_link_ids(instrument: Instrument, items: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for item in walk(items):
        if item["linkId"] in seen:
            raise ValueError(f"{instrument.code}: linkId {item['linkId']!r} is used twice")
        seen.add(item["linkId"])
