"""Problems with exchanged data, with stable codes and messages in English, Kazakh and Russian.

An ``InteropProblem`` carries the same data as a scale ``Problem`` (``code``, ``item``, ``value``,
``allowed``) so that the API, the import commands and the web forms show both the same way; only
its message templates live here. ``InteropError`` lists every problem found in one pass and may
also carry scale problems (a value out of range found while scoring an imported response).
"""

from __future__ import annotations

from dataclasses import dataclass

from qadam.scales.errors import MESSAGES as SCALE_MESSAGES
from qadam.scales.errors import Problem

# Each template follows the scales pattern: what is wrong, where, what is allowed, what was received.
MESSAGES: dict[str, dict[str, str]] = {
    "not_a_resource": {
        "en": "The input must be a FHIR resource: a JSON object with 'resourceType'. Got {value} instead.",
        "kk": "Енгізілген деректер FHIR ресурсы болуы керек: 'resourceType' өрісі бар JSON нысаны. Алынғаны: {value}.",
        "ru": "Входные данные должны быть ресурсом FHIR: JSON-объектом с полем 'resourceType'. Получено: {value}.",
    },
    "wrong_resource_type": {
        "en": "The resource must be a {allowed}. Got a {value} instead.",
        "kk": "Ресурс {allowed} болуы керек. Алынғаны: {value}.",
        "ru": "Ресурс должен быть {allowed}. Получено: {value}.",
    },
    "invalid_fhir": {
        "en": "The {item} does not conform to FHIR R4 (4.0.1): {value}.",
        "kk": "{item} ресурсы FHIR R4 (4.0.1) талаптарына сай емес: {value}.",
        "ru": "Ресурс {item} не соответствует FHIR R4 (4.0.1): {value}.",
    },
    "unknown_questionnaire": {
        "en": "The questionnaire {value} is not one Qadam can map to an instrument. Known: {allowed}.",
        "kk": "{value} сауалнамасын Qadam ешбір шкалаға сәйкестендіре алмайды. Белгілілері: {allowed}.",
        "ru": "Опросник {value} не удаётся сопоставить ни с одной шкалой Qadam. Известные: {allowed}.",
    },
    "questionnaire_not_named": {
        "en": "The response names no questionnaire: name the instrument or send the Questionnaire it answers.",
        "kk": "Жауапта сауалнама көрсетілмеген: шкаланы атаңыз немесе жауап берілген Questionnaire ресурсын жіберіңіз.",
        "ru": "В ответе не указан опросник: назовите шкалу или передайте Questionnaire, на который дан ответ.",
    },
    "questionnaire_mismatch": {
        "en": "The response names two different instruments: {value}. Expected only {allowed}.",
        "kk": "Жауапта екі түрлі шкала көрсетілген: {value}. Тек {allowed} күтілген.",
        "ru": "В ответе указаны две разные шкалы: {value}. Ожидалась только {allowed}.",
    },
    "unknown_link_id": {
        "en": "The answered question '{item}' matches no item of {instrument}. Its items are: {allowed}.",
        "kk": "Жауап берілген '{item}' сұрағы {instrument} шкаласының ешбір тармағына сәйкес келмейді. Оның тармақтары: {allowed}.",
        "ru": "Вопрос «{item}», на который дан ответ, не соответствует ни одному пункту шкалы {instrument}. Её пункты: {allowed}.",
    },
    "unknown_answer_code": {
        "en": "The answer {value} to item {item} of {instrument} matches none of its options: {allowed}.",
        "kk": "{instrument} шкаласының {item} тармағына берілген {value} жауабы оның ешбір нұсқасына сәйкес келмейді: {allowed}.",
        "ru": "Ответ {value} на пункт {item} шкалы {instrument} не соответствует ни одному из его вариантов: {allowed}.",
    },
    "wrong_answer_type": {
        "en": "Item {item} of {instrument} needs an answer of type {allowed}. Got {value} instead.",
        "kk": "{instrument} шкаласының {item} тармағына {allowed} түріндегі жауап қажет. Алынғаны: {value}.",
        "ru": "Для пункта {item} шкалы {instrument} нужен ответ типа {allowed}. Получено: {value}.",
    },
    "multiple_answers": {
        "en": "Item {item} of {instrument} takes one answer. Got {value}.",
        "kk": "{instrument} шкаласының {item} тармағы бір ғана жауап қабылдайды. Алынғаны: {value}.",
        "ru": "Пункт {item} шкалы {instrument} допускает один ответ. Получено: {value}.",
    },
    "duplicate_item": {
        "en": "Item {item} of {instrument} is answered more than once (questions {value}).",
        "kk": "{instrument} шкаласының {item} тармағына бірнеше рет жауап берілген ({value} сұрақтары).",
        "ru": "На пункт {item} шкалы {instrument} ответили более одного раза (вопросы {value}).",
    },
    "unit_mismatch": {
        "en": "Item {item} of {instrument} is measured in {allowed}. Got {value} instead.",
        "kk": "{instrument} шкаласының {item} тармағы {allowed} бірлігімен өлшенеді. Алынғаны: {value}.",
        "ru": "Пункт {item} шкалы {instrument} измеряется в {allowed}. Получено: {value}.",
    },
    "context_conflict": {
        "en": "The context value '{item}' of {instrument} is given twice with different values: {value}.",
        "kk": "{instrument} шкаласының '{item}' контекст мәні екі рет әртүрлі мәнмен берілген: {value}.",
        "ru": "Параметр «{item}» шкалы {instrument} задан дважды с разными значениями: {value}.",
    },
    "stated_score_differs": {
        "en": "The response states {item} = {value} for {instrument}; Qadam computes {allowed}.",
        "kk": "Жауапта {instrument} шкаласы үшін {item} = {value} көрсетілген; Qadam есебі бойынша {allowed}.",
        "ru": "В ответе для шкалы {instrument} указано {item} = {value}; по расчёту Qadam — {allowed}.",
    },
    "stated_score_without_ours": {
        "en": "The response states {item} = {value} for {instrument}, but the answers do not give that score.",
        "kk": "Жауапта {instrument} шкаласы үшін {item} = {value} көрсетілген, бірақ жауаптар бұл балды бермейді.",
        "ru": "В ответе для шкалы {instrument} указано {item} = {value}, но по ответам этот балл не вычисляется.",
    },
}


@dataclass(frozen=True)
class InteropProblem(Problem):
    """A problem with exchanged data; the same fields as a scale problem, its own messages."""

    def message(self, lang: str = "en") -> str:
        templates = MESSAGES.get(self.code) or SCALE_MESSAGES[self.code]
        template = templates.get(lang) or templates["en"]
        return template.format(
            instrument=self.instrument,
            item=self.item if self.item is not None else "",
            value=_show(self.value),
            allowed=self.allowed,
            **self.params,
        )


class InteropError(ValueError):
    """Raised when exchanged data cannot be read or scored; ``problems`` lists all found in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message("en") for p in self.problems))

    def messages(self, lang: str = "en") -> list[str]:
        return [p.message(lang) for p in self.problems]

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)
