"""Validation problems with stable codes and messages in English, Kazakh and Russian.

A problem carries data (``code``, ``item``, ``value``, ``allowed``) so that forms, the API and the
command line can each show it their own way; ``message(lang)`` renders the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Each template follows one pattern: what is wrong, where, what is allowed, what was received.
MESSAGES: dict[str, dict[str, str]] = {
    "unknown_instrument": {
        "en": "There is no instrument with the code '{value}'. Known codes: {allowed}.",
        "kk": "'{value}' кодымен шкала жоқ. Белгілі кодтар: {allowed}.",
        "ru": "Шкалы с кодом «{value}» нет. Известные коды: {allowed}.",
    },
    "invalid_request": {
        "en": "The input must be {allowed}. Got {value} instead.",
        "kk": "Енгізілген деректер {allowed} болуы керек. Алынғаны: {value}.",
        "ru": "Входные данные должны быть {allowed}. Получено: {value}.",
    },
    "unknown_item": {
        "en": "{instrument} has no item '{item}'. Its items are: {allowed}.",
        "kk": "{instrument} шкаласында '{item}' тармағы жоқ. Оның тармақтары: {allowed}.",
        "ru": "В шкале {instrument} нет пункта «{item}». Её пункты: {allowed}.",
    },
    "value_not_allowed": {
        "en": "Item {item} of {instrument} must be one of {allowed}. Got {value} instead.",
        "kk": "{instrument} шкаласының {item} тармағы мына мәндердің бірі болуы керек: {allowed}. Алынғаны: {value}.",
        "ru": "Пункт {item} шкалы {instrument} должен иметь одно из значений: {allowed}. Получено: {value}.",
    },
    "not_a_number": {
        "en": "Item {item} of {instrument} must be a number ({allowed}). Got {value} instead.",
        "kk": "{instrument} шкаласының {item} тармағы сан болуы керек ({allowed}). Алынғаны: {value}.",
        "ru": "Пункт {item} шкалы {instrument} должен быть числом ({allowed}). Получено: {value}.",
    },
    "not_an_integer": {
        "en": "Item {item} of {instrument} must be a whole number ({allowed}). Got {value} instead.",
        "kk": "{instrument} шкаласының {item} тармағы бүтін сан болуы керек ({allowed}). Алынғаны: {value}.",
        "ru": "Пункт {item} шкалы {instrument} должен быть целым числом ({allowed}). Получено: {value}.",
    },
    "value_out_of_range": {
        "en": "Item {item} of {instrument} must be within {allowed}. Got {value} instead.",
        "kk": "{instrument} шкаласының {item} тармағы {allowed} аралығында болуы керек. Алынғаны: {value}.",
        "ru": "Пункт {item} шкалы {instrument} должен быть в пределах {allowed}. Получено: {value}.",
    },
    "not_tested_not_allowed": {
        "en": "Item {item} of {instrument} cannot be marked as not tested; enter one of {allowed}.",
        "kk": "{instrument} шкаласының {item} тармағын «тексерілмеді» деп белгілеуге болмайды; мына мәндердің бірін енгізіңіз: {allowed}.",
        "ru": "Пункт {item} шкалы {instrument} нельзя отметить как «не проверялся»; введите одно из значений: {allowed}.",
    },
    "not_tested_reason_unknown": {
        "en": "The reason why item {item} of {instrument} was not tested must be one of {allowed}. Got {value} instead.",
        "kk": "{instrument} шкаласының {item} тармағы тексерілмеу себебі мыналардың бірі болуы керек: {allowed}. Алынғаны: {value}.",
        "ru": "Причина, по которой пункт {item} шкалы {instrument} не проверялся, должна быть одной из: {allowed}. Получено: {value}.",
    },
    "context_unknown": {
        "en": "{instrument} does not use the context value '{item}'. It uses: {allowed}.",
        "kk": "{instrument} шкаласы '{item}' контекст мәнін пайдаланбайды. Пайдаланатындары: {allowed}.",
        "ru": "Шкала {instrument} не использует параметр «{item}». Она использует: {allowed}.",
    },
    "context_missing": {
        "en": "{instrument} needs the context value '{item}' ({allowed}) to be scored.",
        "kk": "{instrument} шкаласын есептеу үшін '{item}' контекст мәні ({allowed}) қажет.",
        "ru": "Для подсчёта шкалы {instrument} нужен параметр «{item}» ({allowed}).",
    },
    "context_invalid": {
        "en": "The context value '{item}' of {instrument} must be {allowed}. Got {value} instead.",
        "kk": "{instrument} шкаласының '{item}' контекст мәні {allowed} болуы керек. Алынғаны: {value}.",
        "ru": "Параметр «{item}» шкалы {instrument} должен быть {allowed}. Получено: {value}.",
    },
    "inconsistent_items": {
        "en": "Items {item} of {instrument} contradict each other: {allowed}. Got {value}.",
        "kk": "{instrument} шкаласының {item} тармақтары бір-біріне қайшы: {allowed}. Алынғаны: {value}.",
        "ru": "Пункты {item} шкалы {instrument} противоречат друг другу: {allowed}. Получено: {value}.",
    },
    "instrument_mismatch": {
        "en": "Only results of the same instrument can be compared. Got {value}.",
        "kk": "Тек бір шкаланың нәтижелерін салыстыруға болады. Алынғаны: {value}.",
        "ru": "Сравнивать можно только результаты одной шкалы. Получено: {value}.",
    },
    "version_mismatch": {
        "en": "Results of different versions of {instrument} cannot be compared. Got {value}.",
        "kk": "{instrument} шкаласының әртүрлі нұсқаларының нәтижелерін салыстыруға болмайды. Алынғаны: {value}.",
        "ru": "Нельзя сравнивать результаты разных версий шкалы {instrument}. Получено: {value}.",
    },
    "side_mismatch": {
        "en": "Results of {instrument} for different sides cannot be compared. Got {value}.",
        "kk": "{instrument} шкаласының әртүрлі жақтағы нәтижелерін салыстыруға болмайды. Алынғаны: {value}.",
        "ru": "Нельзя сравнивать результаты шкалы {instrument} для разных сторон. Получено: {value}.",
    },
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with everything needed to explain and fix it."""

    code: str
    item: str | None = None
    value: Any = None
    allowed: str = ""
    instrument: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        templates = MESSAGES[self.code]
        template = templates.get(lang) or templates["en"]
        return template.format(
            instrument=self.instrument,
            item=self.item if self.item is not None else "",
            value=_show(self.value),
            allowed=self.allowed,
            **self.params,
        )

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "item": self.item,
            "value": self.value if _jsonable(self.value) else repr(self.value),
            "allowed": self.allowed,
            "message": self.message(lang),
        }


class ScaleError(ValueError):
    """Raised when input cannot be scored; ``problems`` lists every problem found in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message("en") for p in self.problems))

    def messages(self, lang: str = "en") -> list[str]:
        return [p.message(lang) for p in self.problems]

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))
