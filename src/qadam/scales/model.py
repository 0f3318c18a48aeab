"""Instruments as data: items, allowed values, subscales, bands, meaningful change and sources.

Everything here is a frozen dataclass so that a definition can be shared between threads, used as
a dictionary key and never changed by accident after the catalogue is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["en", "kk", "ru"]
LANGUAGES: tuple[str, ...] = ("en", "kk", "ru")
Number = int | float


@dataclass(frozen=True)
class Text:
    """A short neutral label in the three languages of the registry."""

    en: str
    kk: str
    ru: str

    def get(self, lang: str = "en") -> str:
        return getattr(self, lang, None) or self.en

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "kk": self.kk, "ru": self.ru}


@dataclass(frozen=True)
class NotTestedReason:
    code: str
    label: Text


# Why an item was not administered. A "not tested" item never contributes points: the instrument's
# own rule decides what happens to the total (usually: no total).
NOT_TESTED_REASONS: tuple[NotTestedReason, ...] = (
    NotTestedReason(
        "contracture", Text("Limited by contracture", "Контрактураға байланысты шектелген", "Ограничено контрактурой")
    ),
    NotTestedReason("pain", Text("Pain", "Ауырсыну", "Боль")),
    NotTestedReason("fatigue", Text("Fatigue", "Шаршау", "Утомление")),
    NotTestedReason(
        "behaviour",
        Text(
            "Behavioural state (crying, sleeping, uncooperative)",
            "Мінез-құлық жағдайы (жылау, ұйқы, ынтымақтаспау)",
            "Поведенческое состояние (плач, сон, отказ от сотрудничества)",
        ),
    ),
    NotTestedReason("refused", Text("Refused", "Бас тартты", "Отказ")),
    NotTestedReason(
        "medical", Text("Medical contraindication", "Медициналық қарсы көрсетілім", "Медицинское противопоказание")
    ),
    NotTestedReason("equipment", Text("Equipment not available", "Жабдық жоқ", "Нет оборудования")),
    NotTestedReason(
        "amputation",
        Text("Amputation or joint fusion", "Ампутация немесе буын қатаюы", "Ампутация или анкилоз сустава"),
    ),
    NotTestedReason(
        "intubated",
        Text(
            "Intubated or other physical barrier",
            "Интубация немесе басқа физикалық кедергі",
            "Интубация или другое физическое препятствие",
        ),
    ),
    NotTestedReason("other", Text("Other reason", "Басқа себеп", "Другая причина")),
)
NOT_TESTED_REASON_CODES: frozenset[str] = frozenset(r.code for r in NOT_TESTED_REASONS)


@dataclass(frozen=True)
class Choice:
    """One allowed value of an ordinal item.

    ``code`` is what the rater enters and what is stored (``2``, ``"1+"``, ``"UN"``); ``points`` is
    what it adds to the total, or ``None`` for codes that carry no points (NIHSS ``UN``).
    """

    code: int | str
    points: Number | None
    label: Text | None = None


@dataclass(frozen=True)
class Item:
    """One item of an instrument: either a choice among ``choices`` or a measured number."""

    id: str
    label: Text
    choices: tuple[Choice, ...] = ()
    minimum: Number | None = None
    maximum: Number | None = None
    unit: str | None = None
    integer: bool = False
    side: Literal["L", "R"] | None = None
    group: str | None = None
    not_tested_allowed: bool = False
    scored: bool = True
    required: bool = True
    hint: Text | None = None

    @property
    def kind(self) -> Literal["choice", "number"]:
        return "choice" if self.choices else "number"

    def allowed_description(self) -> str:
        """The allowed values in a form a message can show ("0, 1, 2" or "0–660 m")."""
        if self.choices:
            return ", ".join(str(c.code) for c in self.choices)
        low = "" if self.minimum is None else _fmt(self.minimum)
        high = "" if self.maximum is None else _fmt(self.maximum)
        unit = f" {self.unit}" if self.unit else ""
        if self.maximum is None:
            return f"≥ {low}{unit}"
        return f"{low}–{high}{unit}"

    @property
    def max_points(self) -> Number | None:
        points = [c.points for c in self.choices if c.points is not None]
        return max(points) if points else None


@dataclass(frozen=True)
class Band:
    """An interpretation band, inclusive at both ends (``low <= score <= high``)."""

    low: Number
    high: Number
    code: str
    label: Text

    def contains(self, value: Number) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class MeaningfulChange:
    """The smallest change that counts as improvement or worsening, with its source.

    ``kind`` is ``"points"`` (an absolute change in score units) or ``"percent"`` (a relative change
    from baseline, e.g. 30 % for pain intensity).
    """

    value: Number
    source: str
    kind: Literal["points", "percent"] = "points"
    note: str = ""


@dataclass(frozen=True)
class Subscale:
    """A named part score; ``mcid`` overrides the instrument's threshold when it has its own."""

    id: str
    label: Text
    items: tuple[str, ...]
    minimum: Number = 0
    maximum: Number | None = None
    bands: tuple[Band, ...] = ()
    mcid: MeaningfulChange | None = None


@dataclass(frozen=True)
class Loinc:
    panel: str | None = None
    total: str | None = None
    items: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ContextField:
    """A value the scoring needs besides the items (sex, age, height, tested side, weights …)."""

    name: str
    label: Text
    kind: Literal["choice", "number", "mapping", "text"]
    choices: tuple[str, ...] = ()
    minimum: Number | None = None
    maximum: Number | None = None
    unit: str | None = None
    required: bool = False


@dataclass(frozen=True)
class NotTested:
    """An item that was deliberately not administered, and why."""

    reason: str
    note: str = ""


Answer = int | float | str | NotTested


@dataclass(frozen=True)
class Flag:
    """Something the clinician must see beside the score (a safety item, a partial sum …)."""

    code: str
    items: tuple[str, ...] = ()
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code}
        if self.items:
            out["items"] = list(self.items)
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class Scored:
    """What an instrument's scoring rule returns; the engine adds bands and bookkeeping."""

    total: Number | None
    subscores: dict[str, Number | None] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    derived: dict[str, Any] = field(default_factory=dict)
    complete: bool | None = None
    band: str | None = None
    # Items the rule needs but did not get, when that depends on other answers (Berg item 3 is
    # needed only if item 2 is below full marks); ``None`` means the declared required items.
    missing: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Result:
    """The scored assessment: the numbers and the rule version that produced them."""

    instrument: str
    version: str
    total: Number | None
    subscores: Mapping[str, Number | None]
    band: str | None
    flags: tuple[Flag, ...]
    complete: bool
    derived: Mapping[str, Any]
    missing: tuple[str, ...]
    not_tested: tuple[str, ...]
    side: str | None
    scoring_version: str
    subscore_bands: Mapping[str, str | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "subscores": dict(self.subscores),
            "band": self.band,
            "subscore_bands": dict(self.subscore_bands),
            "flags": [f.as_dict() for f in self.flags],
            "complete": self.complete,
            "derived": dict(self.derived),
            "missing": list(self.missing),
            "not_tested": list(self.not_tested),
            "side": self.side,
            "scoring_version": self.scoring_version,
        }

    def has_flag(self, code: str) -> bool:
        return any(f.code == code for f in self.flags)


Scorer = Callable[["Instrument", Mapping[str, Answer], Mapping[str, Any]], Scored]


@dataclass(frozen=True)
class Instrument:
    """A validated instrument: everything needed to enter, score, interpret and exchange it.

    ``scorer`` receives only validated answers (choice codes normalised, numbers checked against
    their range, unknown items rejected) and the validated context.
    """

    code: str
    name: str
    title: Text
    version: str
    population: Text
    items: tuple[Item, ...]
    scorer: Scorer
    citation: str
    scoring_rule: str
    total_range: tuple[Number | None, Number | None] | None
    higher_is_better: bool | None
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    mcid: MeaningfulChange | None = None
    loinc: Loinc = field(default_factory=Loinc)
    licence: str = ""
    context: tuple[ContextField, ...] = ()
    side_from_context: str | None = None
    rule_version: str = "1"
    domain: str = ""
    notes: tuple[str, ...] = ()
    groups: Mapping[str, Text] = field(default_factory=dict)
    # Instruments whose items are named by the user (GAS goals): every key of the mapping context
    # field ``item_ids_from_context`` is accepted as a further item, validated as ``item_template``.
    item_template: Item | None = None
    item_ids_from_context: str | None = None

    def __post_init__(self) -> None:
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.code}: duplicate item ids")
        object.__setattr__(self, "_items_by_id", {i.id: i for i in self.items})
        object.__setattr__(self, "_context_by_name", {c.name: c for c in self.context})

    @property
    def items_by_id(self) -> Mapping[str, Item]:
        return self._items_by_id  # type: ignore[attr-defined]

    @property
    def context_by_name(self) -> Mapping[str, ContextField]:
        return self._context_by_name  # type: ignore[attr-defined]

    @property
    def scoring_version(self) -> str:
        return f"{self.code}/{self.rule_version}"

    def band_for(self, value: Number | None) -> Band | None:
        return band_for(self.bands, value)

    def subscale(self, subscale_id: str) -> Subscale:
        for s in self.subscales:
            if s.id == subscale_id:
                return s
        raise KeyError(subscale_id)


def band_for(bands: tuple[Band, ...], value: Number | None) -> Band | None:
    if value is None:
        return None
    for band in bands:
        if band.contains(value):
            return band
    return None


def _fmt(number: Number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
