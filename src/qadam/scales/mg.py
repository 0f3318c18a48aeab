"""Myasthenia gravis instruments: MG-ADL, QMG, MG Composite and MG-QOL15r.

Item ids are ``"1"``…``"n"`` in the order of the published forms (spec §4). The QMG also accepts
the raw measurements its form asks for (seconds, count, % predicted, kg) as separate optional items
and derives the 0–3 level from them (see ``score_qmg``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .errors import Problem, ScaleError
from .model import Choice, ContextField, Flag, Instrument, Item, MeaningfulChange, Number, Scored, Text
from .scoring import Answers, additive

_NORMAL = Text("Normal", "Қалыпты", "Норма")
_NONE = Text("None", "Жоқ", "Нет")

# --- MG-ADL -------------------------------------------------------------------------------------

# Anchors paraphrased from Wolfe GI et al. Neurology 1999;52:1487–1489. Items 1–4 share their
# anchors with MGC items 4–7 (Burns 2008), which is what makes ``mgc_history_from_mg_adl`` exact.
_TALKING = (
    _NORMAL,
    Text(
        "Intermittent slurring or nasal speech",
        "Мезгіл-мезгіл бұлдыр немесе мұрыннан сөйлеу",
        "Периодически невнятная или гнусавая речь",
    ),
    Text(
        "Constant slurring or nasal speech, but can be understood",
        "Үнемі бұлдыр немесе мұрыннан сөйлеу, бірақ түсінуге болады",
        "Постоянно невнятная или гнусавая речь, но понятная",
    ),
    Text("Difficult to understand", "Сөзін түсіну қиын", "Речь трудно понять"),
)
_CHEWING = (
    _NORMAL,
    Text("Fatigue with solid food", "Қатты тағамды шайнағанда шаршау", "Утомление при жевании твёрдой пищи"),
    Text("Fatigue with soft food", "Жұмсақ тағамды шайнағанда шаршау", "Утомление при жевании мягкой пищи"),
    Text("Feeding tube", "Зонд арқылы тамақтану", "Питание через зонд"),
)
_SWALLOWING = (
    _NORMAL,
    Text("Rare episode of choking", "Сирек қақалу", "Редкие поперхивания"),
    Text("Frequent choking, diet changed", "Жиі қақалу, тамақтану өзгертілген", "Частые поперхивания, диета изменена"),
    Text("Feeding tube", "Зонд арқылы тамақтану", "Питание через зонд"),
)
_BREATHING = (
    _NORMAL,
    Text("Short of breath on exertion", "Күш түскенде ентігу", "Одышка при нагрузке"),
    Text("Short of breath at rest", "Тыныштықта ентігу", "Одышка в покое"),
    Text("Ventilator dependence", "Өкпені жасанды желдетуге тәуелділік", "Зависимость от ИВЛ"),
)
_OCULAR_FREQUENCY = (
    _NONE,
    Text("Occurs, but not daily", "Болады, бірақ күн сайын емес", "Бывает, но не ежедневно"),
    Text("Daily, but not constant", "Күн сайын, бірақ үнемі емес", "Ежедневно, но не постоянно"),
    Text("Constant", "Үнемі", "Постоянно"),
)

_MG_ADL_ITEMS = (
    ("1", Text("Talking", "Сөйлеу", "Речь"), _TALKING),
    ("2", Text("Chewing", "Шайнау", "Жевание"), _CHEWING),
    ("3", Text("Swallowing", "Жұту", "Глотание"), _SWALLOWING),
    ("4", Text("Breathing", "Тыныс алу", "Дыхание"), _BREATHING),
    (
        "5",
        Text("Brushing teeth or combing hair", "Тіс тазалау немесе шаш тарау", "Чистка зубов или расчёсывание"),
        (
            _NONE,
            Text(
                "Extra effort, no rest needed",
                "Қосымша күш қажет, демалыссыз",
                "Нужны дополнительные усилия, без отдыха",
            ),
            Text("Rest periods needed", "Демалып алу қажет", "Нужны перерывы на отдых"),
            Text(
                "Cannot do one of these", "Осылардың бірін орындай алмайды", "Не может выполнить одно из этих действий"
            ),
        ),
    ),
    (
        "6",
        Text("Rising from a chair", "Орындықтан тұру", "Вставание со стула"),
        (
            _NONE,
            Text(
                "Mild, sometimes uses arms",
                "Жеңіл, кейде қолмен көмектеседі",
                "Лёгкие затруднения, иногда помогает руками",
            ),
            Text(
                "Moderate, always uses arms", "Орташа, әрдайым қолмен көмектеседі", "Умеренные, всегда помогает руками"
            ),
            Text("Severe, needs assistance", "Ауыр, бөгде көмек қажет", "Тяжёлые, нужна посторонняя помощь"),
        ),
    ),
    ("7", Text("Double vision", "Көздің екіленуі", "Двоение в глазах"), _OCULAR_FREQUENCY),
    ("8", Text("Eyelid droop", "Қабақтың түсуі", "Опущение века"), _OCULAR_FREQUENCY),
)


def _levels(labels: tuple[Text, ...], points: tuple[Number, ...] = (0, 1, 2, 3)) -> tuple[Choice, ...]:
    """Response levels 0–3 with the points each level adds (the level itself unless weighted)."""
    return tuple(Choice(level, value, label) for level, (value, label) in enumerate(zip(points, labels, strict=True)))


MG_ADL = Instrument(
    code="mg_adl",
    name="MG-ADL",
    title=Text(
        "Myasthenia Gravis Activities of Daily Living profile",
        "Миастения кезіндегі күнделікті белсенділік шкаласы (MG-ADL)",
        "Шкала повседневной активности при миастении (MG-ADL)",
    ),
    version="MG-ADL (Wolfe 1999)",
    population=Text(
        "Adults with myasthenia gravis; reported by the patient, asked by the clinician, over the past week",
        "Миастениямен ауыратын ересектер; соңғы аптадағы жағдайды пациент айтады, дәрігер сұрайды",
        "Взрослые с миастенией; со слов пациента за последнюю неделю, опрашивает врач",
    ),
    domain="mg",
    items=tuple(Item(item_id, label, choices=_levels(anchors)) for item_id, label, anchors in _MG_ADL_ITEMS),
    scorer=additive,
    total_range=(0, 24),
    higher_is_better=False,
    mcid=MeaningfulChange(2, "Muppidi S et al. Muscle Nerve 2011;44:727–731"),
    licence="Published scale (Wolfe 1999); licence terms not recorded here.",
    citation="Wolfe GI, Herbelin L, Nations SP, et al. Myasthenia gravis activities of daily living profile. Neurology 1999;52:1487–1489.",
    scoring_rule="Sum of the 8 items, each 0–3 (0–24; higher is worse). No total when an item is missing (no missing-item rule is published).",
    notes=(
        "No interpretation bands are published. A total of 6 or more is a common trial inclusion threshold for generalised disease and defined 'refractory' in the MGFA registry (Boscoe 2019); it is not a band.",
        "Recall period: the previous week (MGFA Task Force, Ruzhansky 2025). MGNet 2023 (Guptill) standardised the instructions without changing the scoring.",
    ),
)

# --- QMG ----------------------------------------------------------------------------------------

_QMG_ONSET = (
    Text("None within 60 s", "60 с ішінде болмады", "Нет в течение 60 с"),
    Text("Onset at 11–60 s", "11–60 с аралығында басталды", "Появление на 11–60 с"),
    Text("Onset at 1–10 s", "1–10 с аралығында басталды", "Появление на 1–10 с"),
    Text("Spontaneous", "Өздігінен бар", "Спонтанно"),
)
_QMG_ARM = (
    Text("240 s", "240 с", "240 с"),
    Text("90–239 s", "90–239 с", "90–239 с"),
    Text("10–89 s", "10–89 с", "10–89 с"),
    Text("0–9 s", "0–9 с", "0–9 с"),
)
_QMG_LEG = (
    Text("100 s", "100 с", "100 с"),
    Text("31–99 s", "31–99 с", "31–99 с"),
    Text("1–30 s", "1–30 с", "1–30 с"),
    Text("0 s", "0 с", "0 с"),
)


def _grip_levels(men: tuple[str, str], women: tuple[str, str]) -> tuple[Text, ...]:
    """Grip anchors by side: levels 0 and 1 differ between right and left; all but level 3 differ by sex."""
    return (
        Text(
            f"Men {men[0]} kg, women {women[0]} kg",
            f"Ер {men[0]} кг, әйел {women[0]} кг",
            f"Муж. {men[0]} кг, жен. {women[0]} кг",
        ),
        Text(
            f"Men {men[1]} kg, women {women[1]} kg",
            f"Ер {men[1]} кг, әйел {women[1]} кг",
            f"Муж. {men[1]} кг, жен. {women[1]} кг",
        ),
        Text("Men 5–14 kg, women 5–9 kg", "Ер 5–14 кг, әйел 5–9 кг", "Муж. 5–14 кг, жен. 5–9 кг"),
        Text("0–4 kg", "0–4 кг", "0–4 кг"),
    )


def _qmg_item(item_id: str, label: Text, anchors: tuple[Text, ...], side: Literal["L", "R"] | None = None) -> Item:
    # Every QMG item is an examination item: one that cannot be done is "not tested", with a reason.
    return Item(item_id, label, choices=_levels(anchors), side=side, not_tested_allowed=True)


_QMG_LEVEL_ITEMS = (
    _qmg_item(
        "1",
        Text(
            "Double vision on lateral gaze: seconds to onset",
            "Бүйірге қарағанда көздің екіленуі: басталғанға дейінгі секунд",
            "Двоение при взгляде в сторону: секунды до появления",
        ),
        _QMG_ONSET,
    ),
    _qmg_item(
        "2",
        Text(
            "Ptosis on upward gaze: seconds to onset",
            "Жоғары қарағанда қабақтың түсуі: басталғанға дейінгі секунд",
            "Птоз при взгляде вверх: секунды до появления",
        ),
        _QMG_ONSET,
    ),
    _qmg_item(
        "3",
        Text("Facial muscles: eye closure", "Бет бұлшықеттері: көзді жұму", "Мимические мышцы: смыкание век"),
        (
            Text("Normal closure", "Қалыпты жұмады", "Нормальное смыкание"),
            Text(
                "Complete, weak, some resistance",
                "Толық жұмады, әлсіз, аздап қарсылық бар",
                "Полное, слабое, с некоторым сопротивлением",
            ),
            Text("Complete, no resistance", "Толық жұмады, қарсылықсыз", "Полное, без сопротивления"),
            Text("Incomplete closure", "Толық жұма алмайды", "Неполное смыкание"),
        ),
    ),
    _qmg_item(
        "4",
        Text("Swallowing half a cup of water", "Жарты стақан су жұту", "Глотание полстакана воды"),
        (
            _NORMAL,
            Text(
                "Minimal coughing or throat clearing",
                "Аздап жөтелу немесе тамақ кенеу",
                "Лёгкое покашливание или откашливание",
            ),
            Text(
                "Severe coughing, choking or nasal regurgitation",
                "Қатты жөтел, қақалу немесе судың мұрынға кетуі",
                "Сильный кашель, поперхивание или заброс в нос",
            ),
            Text("Cannot swallow", "Жұта алмайды", "Не может глотать"),
        ),
    ),
    _qmg_item(
        "5",
        Text(
            "Speech: counting 1 to 50, onset of dysarthria",
            "Сөйлеу: 1-ден 50-ге дейін санау, дизартрияның басталуы",
            "Речь: счёт от 1 до 50, начало дизартрии",
        ),
        (
            Text("None by 50", "50-ге дейін болмады", "Нет до 50"),
            Text("Onset at 30–49", "30–49 санында басталды", "Начало на 30–49"),
            Text("Onset at 10–29", "10–29 санында басталды", "Начало на 10–29"),
            Text("Onset at 1–9", "1–9 санында басталды", "Начало на 1–9"),
        ),
    ),
    _qmg_item(
        "6",
        Text(
            "Right arm outstretched at 90°, sitting: seconds held",
            "Оң қолды 90°-қа созып ұстау, отырып: секунд",
            "Правая рука вытянута под 90°, сидя: секунды",
        ),
        _QMG_ARM,
        "R",
    ),
    _qmg_item(
        "7",
        Text(
            "Left arm outstretched at 90°, sitting: seconds held",
            "Сол қолды 90°-қа созып ұстау, отырып: секунд",
            "Левая рука вытянута под 90°, сидя: секунды",
        ),
        _QMG_ARM,
        "L",
    ),
    _qmg_item(
        "8",
        Text(
            "Vital capacity, % predicted",
            "Өкпенің тіршілік сыйымдылығы, болжамдының %",
            "Жизненная ёмкость лёгких, % от должной",
        ),
        (
            Text("≥80%", "≥80%", "≥80%"),
            Text("65–79%", "65–79%", "65–79%"),
            Text("50–64%", "50–64%", "50–64%"),
            Text("<50%", "<50%", "<50%"),
        ),
    ),
    _qmg_item(
        "9",
        Text("Right hand grip", "Оң қолдың қысу күші", "Сила сжатия правой кисти"),
        _grip_levels(("≥45", "15–44"), ("≥30", "10–29")),
        "R",
    ),
    _qmg_item(
        "10",
        Text("Left hand grip", "Сол қолдың қысу күші", "Сила сжатия левой кисти"),
        _grip_levels(("≥35", "15–34"), ("≥25", "10–24")),
        "L",
    ),
    _qmg_item(
        "11",
        Text(
            "Head lifted 45°, supine: seconds held",
            "Басты 45°-қа көтеріп ұстау, шалқасынан жатып: секунд",
            "Голова поднята на 45°, лёжа на спине: секунды",
        ),
        (
            Text("120 s", "120 с", "120 с"),
            Text("30–119 s", "30–119 с", "30–119 с"),
            Text("1–29 s", "1–29 с", "1–29 с"),
            Text("0 s", "0 с", "0 с"),
        ),
    ),
    _qmg_item(
        "12",
        Text(
            "Right leg outstretched at 45°, supine: seconds held",
            "Оң аяқты 45°-қа созып ұстау, шалқасынан жатып: секунд",
            "Правая нога вытянута под 45°, лёжа на спине: секунды",
        ),
        _QMG_LEG,
        "R",
    ),
    _qmg_item(
        "13",
        Text(
            "Left leg outstretched at 45°, supine: seconds held",
            "Сол аяқты 45°-қа созып ұстау, шалқасынан жатып: секунд",
            "Левая нога вытянута под 45°, лёжа на спине: секунды",
        ),
        _QMG_LEG,
        "L",
    ),
)
_QMG_LEVEL_IDS = tuple(item.id for item in _QMG_LEVEL_ITEMS)

# The lowest measured value that still reaches level 0, 1 and 2 (spec §4.2, form reproductions S1
# and S2 of Jaretzki 2000); a value below the last bound is level 3. Bounds are the lower ends of
# the integer ranges printed on the form, so a fractional value that has not reached a level's
# lower end (44.5 kg for ≥45) stays in the worse level. Legs: level 1 is 31–99 s as in S1 (S2's
# 30–99 overlaps level 2 at 30 s). Grip bounds depend on sex and differ between right and left.
_QMG_MEASUREMENTS: dict[
    str, tuple[str, tuple[Number, Number, Number] | Mapping[str, tuple[Number, Number, Number]]]
] = {
    "5_count": ("5", (50, 30, 10)),
    "6_s": ("6", (240, 90, 10)),
    "7_s": ("7", (240, 90, 10)),
    "8_pct": ("8", (80, 65, 50)),
    "9_kg": ("9", {"male": (45, 15, 5), "female": (30, 10, 5)}),
    "10_kg": ("10", {"male": (35, 15, 5), "female": (25, 10, 5)}),
    "11_s": ("11", (120, 30, 1)),
    "12_s": ("12", (100, 31, 1)),
    "13_s": ("13", (100, 31, 1)),
}
_SEXES = ("male", "female")


def _measurement(
    item_id: str,
    label: Text,
    maximum: Number,
    unit: str | None,
    side: Literal["L", "R"] | None = None,
    minimum: Number = 0,
    integer: bool = False,
) -> Item:
    return Item(
        item_id,
        label,
        minimum=minimum,
        maximum=maximum,
        unit=unit,
        integer=integer,
        side=side,
        group="measurement",
        scored=False,
        required=False,
    )


_QMG_MEASUREMENT_ITEMS = (
    # The count stops at 50: 50 means the count was completed without dysarthria.
    _measurement(
        "5_count",
        Text(
            "Count at onset of dysarthria (50 = none)",
            "Дизартрия басталған сан (50 = болмады)",
            "Число, на котором началась дизартрия (50 = не было)",
        ),
        50,
        None,
        minimum=1,
        integer=True,
    ),
    _measurement(
        "6_s",
        Text(
            "Right arm: seconds held (max 240)",
            "Оң қол: ұстаған секунд (ең көбі 240)",
            "Правая рука: секунды удержания (макс. 240)",
        ),
        240,
        "s",
        "R",
    ),
    _measurement(
        "7_s",
        Text(
            "Left arm: seconds held (max 240)",
            "Сол қол: ұстаған секунд (ең көбі 240)",
            "Левая рука: секунды удержания (макс. 240)",
        ),
        240,
        "s",
        "L",
    ),
    # Plausibility bounds, not thresholds: they catch a misplaced decimal point.
    _measurement(
        "8_pct",
        Text(
            "Vital capacity, % predicted (measured)",
            "Өкпенің тіршілік сыйымдылығы, болжамдының % (өлшенген)",
            "ЖЁЛ, % от должной (измерено)",
        ),
        200,
        "%",
    ),
    _measurement(
        "9_kg", Text("Right hand grip, kg", "Оң қолдың қысу күші, кг", "Сила сжатия правой кисти, кг"), 150, "kg", "R"
    ),
    _measurement(
        "10_kg", Text("Left hand grip, kg", "Сол қолдың қысу күші, кг", "Сила сжатия левой кисти, кг"), 150, "kg", "L"
    ),
    _measurement(
        "11_s",
        Text(
            "Head lift: seconds held (max 120)",
            "Басты көтеру: ұстаған секунд (ең көбі 120)",
            "Подъём головы: секунды удержания (макс. 120)",
        ),
        120,
        "s",
    ),
    _measurement(
        "12_s",
        Text(
            "Right leg: seconds held (max 100)",
            "Оң аяқ: ұстаған секунд (ең көбі 100)",
            "Правая нога: секунды удержания (макс. 100)",
        ),
        100,
        "s",
        "R",
    ),
    _measurement(
        "13_s",
        Text(
            "Left leg: seconds held (max 100)",
            "Сол аяқ: ұстаған секунд (ең көбі 100)",
            "Левая нога: секунды удержания (макс. 100)",
        ),
        100,
        "s",
        "L",
    ),
)

_QMG_GAZE_SIDE = Item(
    "1_side",
    Text(
        "Double vision: direction of gaze tested",
        "Көздің екіленуі: тексерілген қарау бағыты",
        "Двоение: направление взгляда при проверке",
    ),
    choices=(
        Choice("R", None, Text("Right", "Оңға", "Вправо")),
        Choice("L", None, Text("Left", "Солға", "Влево")),
    ),
    scored=False,
    required=False,
)


def qmg_level_from_measurement(measurement_id: str, value: Number, sex: str | None = None) -> int:
    """The QMG level (0–3) that a raw measurement gives, by the thresholds of spec §4.2.

    ``sex`` (``"male"`` or ``"female"``) is needed for the grip items ``9_kg`` and ``10_kg``.

    >>> qmg_level_from_measurement("9_kg", 44, "male"), qmg_level_from_measurement("12_s", 30)
    (1, 2)
    """
    _, bounds = _QMG_MEASUREMENTS[measurement_id]
    if isinstance(bounds, Mapping):
        if sex not in bounds:
            raise ValueError(f"{measurement_id} needs sex 'male' or 'female', got {sex!r}")
        bounds = bounds[sex]
    for level, lowest in enumerate(bounds):
        if value >= lowest:
            return level
    return 3


def score_qmg(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """QMG total = sum of the 13 item levels (0–39; higher is worse).

    An item's level is entered directly (``"9": 1``) or derived from its raw measurement
    (``"9_kg": 44`` with ``context.sex``), by the thresholds of the MGFA form (Jaretzki 2000, spec
    §4.2). When both are entered they must agree; a not-tested item cannot have a measurement.
    ``derived["levels_from_measurements"]`` lists every level that came from a measurement. No
    total when a level is neither entered nor measurable (no missing-item rule is published); the
    partial sum is flagged instead.

    References: Barohn RJ et al. Ann N Y Acad Sci 1998;841:769–772; Jaretzki A 3rd et al.
    Neurology 2000;55:16–23 (MGFA recommendations, QMG form).
    """
    levels, derived_levels = _qmg_levels(instrument, answers, context)
    missing = tuple(i for i in _QMG_LEVEL_IDS if i not in levels and i not in answers)
    gaps = tuple(i for i in _QMG_LEVEL_IDS if i not in levels)
    flags: list[Flag] = []
    total: int | None = sum(levels.values())
    if gaps:
        flags.append(Flag("partial_sum", gaps, detail=f"{total:g} from {len(levels)} of 13 items"))
        total = None
    derived: dict[str, Any] = {"levels_from_measurements": derived_levels}
    for name in ("hours_since_pyridostigmine", "vc_reference"):
        if name in context:
            derived[name] = context[name]
    return Scored(total=total, flags=flags, derived=derived, missing=missing)


def _qmg_levels(
    instrument: Instrument, answers: Answers, context: Mapping[str, Any]
) -> tuple[dict[str, int], dict[str, int]]:
    """Levels by item, entered or derived; refuse contradictions and grips without a sex."""
    levels = {i: int(answers.points[i]) for i in _QMG_LEVEL_IDS if i in answers.points}
    derived: dict[str, int] = {}
    problems: list[Problem] = []
    sex = context.get("sex")
    for measurement_id, (level_id, bounds) in _QMG_MEASUREMENTS.items():
        value = answers.get(measurement_id)
        if value is None:
            continue
        if isinstance(bounds, Mapping) and sex is None:
            if not any(p.code == "context_missing" for p in problems):
                problems.append(
                    Problem("context_missing", item="sex", allowed=" | ".join(_SEXES), instrument=instrument.name)
                )
            continue
        level = qmg_level_from_measurement(measurement_id, value, sex)
        entered = answers.get(level_id)
        if entered is not None and entered != level:
            shown = "not tested" if not isinstance(entered, int) else f"level {entered}"
            problems.append(
                _contradiction(
                    instrument,
                    level_id,
                    measurement_id,
                    value,
                    level,
                    shown,
                    sex if isinstance(bounds, Mapping) else None,
                )
            )
            continue
        levels[level_id] = level
        derived[level_id] = level
    if problems:
        raise ScaleError(problems)
    return levels, derived


def _contradiction(
    instrument: Instrument, level_id: str, measurement_id: str, value: Number, level: int, shown: str, sex: str | None
) -> Problem:
    unit = instrument.items_by_id[measurement_id].unit
    measured = f"{value:g} {unit}" if unit else f"{value:g}"
    for_sex = f", {sex}" if sex else ""
    return Problem(
        "inconsistent_items",
        item=f"{level_id}, {measurement_id}",
        value=shown,
        allowed=f"{measurement_id} = {measured}{for_sex} → level {level}",
        instrument=instrument.name,
    )


QMG = Instrument(
    code="qmg",
    name="QMG",
    title=Text(
        "Quantitative Myasthenia Gravis score",
        "Миастенияның сандық шкаласы (QMG)",
        "Количественная шкала миастении (QMG)",
    ),
    version="QMG (MGFA, Jaretzki 2000)",
    population=Text(
        "Myasthenia gravis; clinician examination",
        "Миастения; дәрігердің тексеруі",
        "Миастения; осмотр врача",
    ),
    domain="mg",
    items=_QMG_LEVEL_ITEMS + (_QMG_GAZE_SIDE,) + _QMG_MEASUREMENT_ITEMS,
    groups={
        "measurement": Text(
            "Measured values (the item level is derived from them)",
            "Өлшенген мәндер (тармақ деңгейі солардан шығарылады)",
            "Измеренные значения (уровень пункта выводится из них)",
        )
    },
    scorer=score_qmg,
    total_range=(0, 39),
    higher_is_better=False,
    mcid=MeaningfulChange(
        3,
        "Katzberg HD et al. Muscle Nerve 2014;49:661–665 (MCID cut-offs below 3.0); ≥3 points is the common trial responder definition",
        note="Barnett's Rasch study (J Neuromuscul Dis 2015) gives a minimal detectable change of 4.3 points.",
    ),
    licence="Published examination (MGFA); licence terms not recorded here.",
    context=(
        ContextField(
            "sex",
            Text(
                "Sex (for the grip thresholds)", "Жынысы (қысу күшінің шектері үшін)", "Пол (для порогов силы сжатия)"
            ),
            "choice",
            choices=_SEXES,
        ),
        ContextField(
            "hours_since_pyridostigmine",
            Text(
                "Hours since the last pyridostigmine dose",
                "Пиридостигминнің соңғы дозасынан бергі сағат",
                "Часов после последней дозы пиридостигмина",
            ),
            "number",
            minimum=0,
            maximum=168,
            unit="h",
        ),
        ContextField(
            "vc_reference",
            Text(
                "Reference equation of the vital capacity",
                "Тіршілік сыйымдылығының анықтамалық теңдеуі",
                "Референсное уравнение ЖЁЛ",
            ),
            "text",
        ),
    ),
    citation="Barohn RJ, McIntire D, Herbelin L, et al. Reliability testing of the quantitative myasthenia gravis score. Ann N Y Acad Sci 1998;841:769–772; Jaretzki A 3rd et al. Myasthenia gravis: recommendations for clinical research standards. Neurology 2000;55:16–23.",
    scoring_rule="Sum of 13 item levels, each 0–3 (0–39; higher is worse). A level is entered, or derived from the raw measurement by the form's thresholds (speech count, arm/head/leg seconds, vital capacity % predicted, grip kg by side and sex); entered and derived levels must agree. No total when a level is missing or not tested.",
    notes=(
        "Measurement items: 5_count (count at onset of dysarthria, 50 = none), 6_s/7_s (arms, s), 8_pct (vital capacity % predicted), 9_kg/10_kg (right/left grip, kg; needs context.sex), 11_s (head, s), 12_s/13_s (legs, s).",
        "Thresholds from two reproductions of the MGFA form (spec §4.2 S1, S2); legs level 1 = 31–99 s as in S1. The primary Jaretzki 2000 table was not re-read.",
        "QMG-R (MGNet 2023) changed instructions and the performance of certain items; it is a different version and is not scored here. The optional tongue-strength row is not part of the total.",
        "No validated bands exist; the ≤4/≤9/≤14/≤19 bands of some calculators are a third-party convention and are not applied.",
    ),
)

# --- MGC ----------------------------------------------------------------------------------------

_MGC_ONSET = (
    Text("More than 45 s", "45 с-тан артық", "Более 45 с"),
    Text("11–45 s", "11–45 с", "11–45 с"),
    Text("1–10 s", "1–10 с", "1–10 с"),
    Text("Immediate", "Бірден", "Сразу"),
)
_MGC_STRENGTH = (
    _NORMAL,
    Text("Mild weakness", "Жеңіл әлсіздік", "Лёгкая слабость"),
    Text(
        "Moderate weakness (about 50% ± 15% of expected)",
        "Орташа әлсіздік (күтілгеннің шамамен 50% ± 15%)",
        "Умеренная слабость (около 50% ± 15% от ожидаемой)",
    ),
    Text("Severe weakness", "Ауыр әлсіздік", "Выраженная слабость"),
)
_MGC_EXAM = Text("examination", "тексеру", "осмотр")
_MGC_HISTORY = Text("history", "сұрау", "опрос")


def _mgc_item(
    item_id: str, label: Text, source: Text, anchors: tuple[Text, ...], weights: tuple[int, int, int, int]
) -> Item:
    # The rater enters the response level (0–3); the weight is what it adds (spec §4.3 "Storage").
    full_label = Text(f"{label.en} ({source.en})", f"{label.kk} ({source.kk})", f"{label.ru} ({source.ru})")
    return Item(item_id, full_label, choices=_levels(anchors, weights), not_tested_allowed=source is _MGC_EXAM)


# Weights: Burns TM et al. Muscle Nerve 2008;38:1553–1562, as reproduced in spec §4.3.
_MGC_ITEMS = (
    _mgc_item(
        "1",
        Text("Ptosis on upward gaze", "Жоғары қарағанда қабақтың түсуі", "Птоз при взгляде вверх"),
        _MGC_EXAM,
        _MGC_ONSET,
        (0, 1, 2, 3),
    ),
    _mgc_item(
        "2",
        Text("Double vision on lateral gaze", "Бүйірге қарағанда көздің екіленуі", "Двоение при взгляде в сторону"),
        _MGC_EXAM,
        _MGC_ONSET,
        (0, 1, 3, 4),
    ),
    _mgc_item(
        "3",
        Text("Eye closure", "Көзді жұму", "Смыкание век"),
        _MGC_EXAM,
        (
            _NORMAL,
            Text(
                "Mild weakness: opened against effort",
                "Жеңіл әлсіздік: күш салғанда ашылады",
                "Лёгкая слабость: раскрываются с усилием",
            ),
            Text(
                "Moderate weakness: easily opened",
                "Орташа әлсіздік: оңай ашылады",
                "Умеренная слабость: легко раскрываются",
            ),
            Text(
                "Severe weakness: cannot keep closed",
                "Ауыр әлсіздік: жұмулы ұстай алмайды",
                "Выраженная слабость: не удерживает сомкнутыми",
            ),
        ),
        (0, 0, 1, 2),
    ),
    _mgc_item("4", Text("Talking", "Сөйлеу", "Речь"), _MGC_HISTORY, _TALKING, (0, 2, 4, 6)),
    _mgc_item("5", Text("Chewing", "Шайнау", "Жевание"), _MGC_HISTORY, _CHEWING, (0, 2, 4, 6)),
    _mgc_item("6", Text("Swallowing", "Жұту", "Глотание"), _MGC_HISTORY, _SWALLOWING, (0, 2, 5, 6)),
    _mgc_item(
        "7",
        Text("Breathing (due to MG)", "Тыныс алу (миастенияға байланысты)", "Дыхание (из-за миастении)"),
        _MGC_HISTORY,
        _BREATHING,
        (0, 2, 4, 9),
    ),
    _mgc_item(
        "8",
        Text(
            "Neck flexion or extension, weaker of the two",
            "Мойынды бүгу немесе жазу, әлсізірегі",
            "Сгибание или разгибание шеи, более слабое",
        ),
        _MGC_EXAM,
        _MGC_STRENGTH,
        (0, 1, 3, 4),
    ),
    _mgc_item(
        "9",
        Text("Shoulder abduction", "Иықты бүйірге көтеру", "Отведение плеча"),
        _MGC_EXAM,
        _MGC_STRENGTH,
        (0, 2, 4, 5),
    ),
    _mgc_item(
        "10", Text("Hip flexion", "Санды ұршық буынында бүгу", "Сгибание бедра"), _MGC_EXAM, _MGC_STRENGTH, (0, 2, 4, 5)
    ),
)

# MG-ADL item → MGC item with the same four anchors (talking, chewing, swallowing, breathing).
_MGC_FROM_MG_ADL = {"1": "4", "2": "5", "3": "6", "4": "7"}


def mgc_history_from_mg_adl(mg_adl_responses: Mapping[str, Any]) -> dict[str, Any]:
    """MGC items 4–7 (talking, chewing, swallowing, breathing) from same-day MG-ADL items 1–4.

    The two forms share the response anchors of these four items, so the MG-ADL *level* is carried
    over unchanged and the MGC weights it (spec §4.3). Only the levels that were answered are
    returned; score the MGC with ``context={"history_source": "mg_adl"}`` so the result records
    where they came from.

    >>> mgc_history_from_mg_adl({"1": 1, "2": 0, "4": 3, "7": 2})
    {'4': 1, '5': 0, '7': 3}
    """
    return {
        mgc: mg_adl_responses[adl]
        for adl, mgc in _MGC_FROM_MG_ADL.items()
        if mg_adl_responses.get(adl) not in (None, "")
    }


def score_mgc(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """MGC total = sum of the weights of the 10 response levels (0–50; higher is worse).

    No total when an item is missing or not tested (MGNet 2023 guidance on items not performable
    for non-MG reasons was not available; the partial sum is flagged instead).

    References: Burns TM et al. Muscle Nerve 2008;38:1553–1562; Burns TM, Conaway M, Sanders DB.
    Neurology 2010;74:1434–1440.
    """
    scored = additive(instrument, answers, context)
    scored.derived["history_source"] = context.get("history_source", "interview")
    return scored


MGC = Instrument(
    code="mgc",
    name="MGC",
    title=Text("Myasthenia Gravis Composite", "Миастенияның құрама шкаласы (MGC)", "Композитная шкала миастении (MGC)"),
    version="MGC (Burns 2008)",
    population=Text(
        "Myasthenia gravis; examination and history",
        "Миастения; тексеру және сұрау",
        "Миастения; осмотр и опрос",
    ),
    domain="mg",
    items=_MGC_ITEMS,
    scorer=score_mgc,
    total_range=(0, 50),
    higher_is_better=False,
    mcid=MeaningfulChange(
        3,
        "Burns TM, Conaway M, Sanders DB. Neurology 2010;74:1434–1440",
        note="Minimal detectable change 4.9 (J Neuromuscul Dis 2015 Rasch study).",
    ),
    licence="Published scale (Burns 2008); licence terms not recorded here.",
    context=(
        ContextField(
            "history_source",
            Text(
                "Source of items 4–7 (own interview or same-day MG-ADL)",
                "4–7 тармақтардың көзі (жеке сұрау немесе сол күнгі MG-ADL)",
                "Источник пунктов 4–7 (собственный опрос или MG-ADL того же дня)",
            ),
            "choice",
            choices=("interview", "mg_adl"),
        ),
    ),
    citation="Burns TM, Conaway MR, Cutter GR, Sanders DB; Muscle Study Group. Construction of an efficient evaluative instrument for myasthenia gravis: the MG composite. Muscle Nerve 2008;38:1553–1562; Burns TM, Conaway M, Sanders DB. The MG Composite: a valid and reliable outcome measure for myasthenia gravis. Neurology 2010;74:1434–1440.",
    scoring_rule="Each item is entered as its response level 0–3 and adds its weight: ptosis 0/1/2/3, double vision 0/1/3/4, eye closure 0/0/1/2, talking 0/2/4/6, chewing 0/2/4/6, swallowing 0/2/5/6, breathing 0/2/4/9, neck 0/1/3/4, shoulder abduction 0/2/4/5, hip flexion 0/2/4/5 (0–50; higher is worse). No total when an item is missing or not tested.",
    notes=(
        "Items 4–7 may be carried over from the same-day MG-ADL items 1–4 (same anchors): mgc_history_from_mg_adl() does it, and context.history_source = 'mg_adl' records it in the result.",
        "No interpretation bands are published.",
    ),
)

# --- MG-QOL15r ----------------------------------------------------------------------------------

_QOL_LEVELS = (
    Choice(0, 0, Text("Not at all", "Мүлдем жоқ", "Совсем нет")),
    Choice(1, 1, Text("Somewhat", "Біршама", "Отчасти")),
    Choice(2, 2, Text("Very much", "Өте қатты", "Очень сильно")),
)

# Order as in the MG-QOL15 form (Burns 2008), kept by the revised version (Burns 2016); spec §4.4
# marks the order unverified [U].
_MG_QOL15R_ITEMS = (
    Text("Frustration with MG", "Миастенияға байланысты ренжу", "Огорчение из-за миастении"),
    Text("Trouble using the eyes", "Көзге байланысты қиындықтар", "Трудности со зрением"),
    Text("Trouble eating", "Тамақтанудағы қиындықтар", "Трудности при еде"),
    Text("Limited social activity", "Әлеуметтік белсенділіктің шектелуі", "Ограничение общественной активности"),
    Text("Limited hobbies and fun", "Хобби мен көңіл көтерудің шектелуі", "Ограничение хобби и развлечений"),
    Text("Trouble meeting family needs", "Отбасы қажеттерін өтеудегі қиындықтар", "Трудности с заботой о семье"),
    Text("Having to plan around MG", "Жоспарларды ауруға қарай құру", "Необходимость планировать с учётом болезни"),
    Text(
        "Work or occupational status affected",
        "Жұмысқа және кәсіби жағдайға әсер",
        "Влияние на работу и профессиональный статус",
    ),
    Text("Difficulty speaking", "Сөйлеудегі қиындықтар", "Трудности речи"),
    Text("Trouble driving", "Көлік жүргізудегі қиындықтар", "Трудности при вождении"),
    Text("Depressed about MG", "Ауруға байланысты көңіл-күйдің түсуі", "Подавленность из-за болезни"),
    Text("Trouble walking", "Жүрудегі қиындықтар", "Трудности при ходьбе"),
    Text(
        "Trouble getting around public places",
        "Қоғамдық орындарда жүрудегі қиындықтар",
        "Трудности передвижения в общественных местах",
    ),
    Text("Overwhelmed by MG", "Аурудың ауыр жүгін сезіну", "Ощущение, что болезнь подавляет"),
    Text("Trouble with personal grooming", "Өзін күтудегі қиындықтар", "Трудности с уходом за собой"),
)

MG_QOL15R = Instrument(
    code="mg_qol15r",
    name="MG-QOL15r",
    title=Text(
        "Myasthenia Gravis Quality of Life, revised 15-item scale",
        "Миастения кезіндегі өмір сапасы, қайта қаралған 15 тармақты шкала (MG-QOL15r)",
        "Шкала качества жизни при миастении, пересмотренная, 15 пунктов (MG-QOL15r)",
    ),
    version="MG-QOL15r (Burns 2016)",
    population=Text(
        "Adults with myasthenia gravis; self-report",
        "Миастениямен ауыратын ересектер; өзі толтырады",
        "Взрослые с миастенией; самоотчёт",
    ),
    domain="mg",
    items=tuple(Item(str(n), label, choices=_QOL_LEVELS) for n, label in enumerate(_MG_QOL15R_ITEMS, start=1)),
    scorer=additive,
    total_range=(0, 30),
    higher_is_better=False,
    licence="Public domain according to the author (Mapi ePROVIDE).",
    citation="Burns TM, Sadjadi R, Utsugisawa K, et al. International clinimetric evaluation of the MG-QOL15, resulting in slight revision and subsequent validation of the MG-QOL15r. Muscle Nerve 2016;54:1015–1022.",
    scoring_rule="Sum of the 15 items, each 0–2 (0–30; higher is worse). No total when an item is missing (no missing-item rule is published).",
    notes=(
        "Not interchangeable with the original MG-QOL15 (items 0–4, total 0–60): that is a different version.",
        "No meaningful-change threshold and no bands are established.",
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (MG_ADL, QMG, MGC, MG_QOL15R)
