"""Mood and health-status instruments: PHQ-9, HADS and EQ-5D-5L.

Licensed instruments are stored under neutral labels only; no official item wording is embedded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Band, Choice, ContextField, Flag, Instrument, Item, Loinc, MeaningfulChange, Scored, Subscale, Text
from .scoring import Answers, partial_sum, sum_if_complete, unanswered

# --- PHQ-9 --------------------------------------------------------------------------------------

_PHQ9_FREQUENCY = (
    Choice(0, 0, Text("Not at all", "Мүлдем жоқ", "Ни разу")),
    Choice(1, 1, Text("Several days", "Бірнеше күн", "Несколько дней")),
    Choice(2, 2, Text("More than half the days", "Күндердің жартысынан көбі", "Более половины дней")),
    Choice(3, 3, Text("Nearly every day", "Күн сайын дерлік", "Почти каждый день")),
)

_PHQ9_ITEMS = (
    (
        "1",
        "44250-9",
        Text("Little interest or pleasure", "Қызығушылық пен ләззаттың аздығы", "Снижение интереса и удовольствия"),
    ),
    (
        "2",
        "44255-8",
        Text("Feeling down or hopeless", "Көңіл-күйдің түсуі, үмітсіздік", "Подавленность, безнадёжность"),
    ),
    ("3", "44259-0", Text("Sleep problems", "Ұйқының бұзылуы", "Нарушения сна")),
    ("4", "44254-1", Text("Tiredness, little energy", "Шаршау, күш-қуаттың аздығы", "Усталость, упадок сил")),
    ("5", "44251-7", Text("Appetite change", "Тәбеттің өзгеруі", "Изменение аппетита")),
    ("6", "44258-2", Text("Feeling bad about oneself", "Өзін жаман сезіну", "Негативное отношение к себе")),
    ("7", "44252-5", Text("Trouble concentrating", "Зейін қоюдың қиындығы", "Трудности сосредоточения")),
    ("8", "44253-3", Text("Slowed or restless", "Баяулау немесе мазасыздық", "Заторможенность или беспокойство")),
    ("9", "44260-8", Text("Thoughts of self-harm", "Өзіне зиян келтіру туралы ойлар", "Мысли о самоповреждении")),
)

_PHQ9_DIFFICULTY = Item(
    "10",
    Text(
        "Difficulty caused by these problems (not scored)",
        "Осы мәселелер тудырған қиындық (есептелмейді)",
        "Затруднения из-за этих проблем (не учитывается)",
    ),
    choices=(
        Choice(0, None, Text("Not difficult at all", "Мүлдем қиын емес", "Совсем не трудно")),
        Choice(1, None, Text("Somewhat difficult", "Біршама қиын", "Немного трудно")),
        Choice(2, None, Text("Very difficult", "Өте қиын", "Очень трудно")),
        Choice(3, None, Text("Extremely difficult", "Аса қиын", "Крайне трудно")),
    ),
    scored=False,
    required=False,
)

_PHQ9_SCORED = tuple(item_id for item_id, _, _ in _PHQ9_ITEMS)
# Kroenke 2001 leaves missing items undefined; prorating up to two missing items is a common
# convention (spec §6.2, [U]). It is applied only when the caller asks for it, and always flagged.
_PHQ9_MAX_PRORATED = 2


def score_phq9(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """PHQ-9 total = sum of items 1–9 (0–27); item 9 > 0 raises a safety flag whatever the total.

    References: Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med 2001;16:606–613 (total and
    bands); item 9 safety review as in the PHQ instruction manual (Pfizer).
    """
    flags: list[Flag] = []
    if answers.points.get("9", 0) > 0:
        flags.append(Flag("safety_self_harm", ("9",), detail="item 9 > 0: assess risk today"))
    total = sum_if_complete(answers, _PHQ9_SCORED)
    derived: dict[str, Any] = {}
    if total is None:
        gaps = unanswered(answers, _PHQ9_SCORED)
        answered = len(_PHQ9_SCORED) - len(gaps)
        partial = partial_sum(answers, _PHQ9_SCORED)
        if context.get("missing_rule") == "prorate" and len(gaps) <= _PHQ9_MAX_PRORATED:
            # Round half up: 9 × partial / answered is never negative.
            total = int(partial * 9 / answered + 0.5)
            flags.append(Flag("prorated", gaps, detail=f"{partial:g} × 9 / {answered}"))
            derived["prorated"] = True
            return Scored(total=total, flags=flags, derived=derived, complete=False)
        flags.append(Flag("partial_sum", gaps, detail=f"{partial:g} from {answered} of 9 items"))
    return Scored(total=total, flags=flags, derived=derived)


PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    title=Text(
        "Patient Health Questionnaire-9",
        "Пациенттің денсаулық сауалнамасы-9 (PHQ-9)",
        "Опросник здоровья пациента-9 (PHQ-9)",
    ),
    version="PHQ-9 (Kroenke 2001)",
    population=Text(
        "Adolescents and adults; depression screening and severity",
        "Жасөспірімдер мен ересектер; депрессия скринингі және ауырлығы",
        "Подростки и взрослые; скрининг и тяжесть депрессии",
    ),
    domain="mood",
    items=tuple(Item(item_id, label, choices=_PHQ9_FREQUENCY) for item_id, _, label in _PHQ9_ITEMS)
    + (_PHQ9_DIFFICULTY,),
    scorer=score_phq9,
    total_range=(0, 27),
    higher_is_better=False,
    bands=(
        Band(0, 4, "minimal", Text("Minimal", "Ең аз", "Минимальная")),
        Band(5, 9, "mild", Text("Mild", "Жеңіл", "Лёгкая")),
        Band(10, 14, "moderate", Text("Moderate", "Орташа", "Умеренная")),
        Band(15, 19, "moderately_severe", Text("Moderately severe", "Орташа ауыр", "Умеренно тяжёлая")),
        Band(20, 27, "severe", Text("Severe", "Ауыр", "Тяжёлая")),
    ),
    mcid=MeaningfulChange(5, "Löwe B et al. Med Care 2004;42:1194–1201"),
    loinc=Loinc(panel="44249-1", total="44261-6", items={**{i: code for i, code, _ in _PHQ9_ITEMS}, "10": "69722-7"}),
    licence="Free to use without permission (Pfizer).",
    context=(
        ContextField(
            "missing_rule",
            Text("Missing-item rule", "Жетіспейтін тармақтар ережесі", "Правило для пропущенных пунктов"),
            "choice",
            choices=("strict", "prorate"),
        ),
    ),
    citation="Kroenke K, Spitzer RL, Williams JB. The PHQ-9. J Gen Intern Med 2001;16:606–613.",
    scoring_rule="Sum of items 1–9 (0–27). Item 10 is recorded, not scored. No total when an item is missing, unless the 'prorate' rule is chosen (≤2 missing: sum × 9 / answered, rounded half up, flagged). Item 9 > 0 raises a safety flag.",
)


# --- HADS ---------------------------------------------------------------------------------------

_HADS_SCORED = tuple(Choice(value, value) for value in range(4))

# Short neutral themes, not the licensed item wording (GL Assessment). Odd items: anxiety.
_HADS_ITEMS = (
    ("1", Text("Tension", "Ширығу", "Напряжённость")),
    ("2", Text("Enjoyment of usual things", "Әдеттегі істерден ләззат алу", "Удовольствие от привычных занятий")),
    ("3", Text("Sense of foreboding", "Жамандықты алдын ала сезу", "Предчувствие беды")),
    ("4", Text("Sense of humour", "Әзілді түсіну", "Чувство юмора")),
    ("5", Text("Worrying thoughts", "Мазасыз ойлар", "Беспокойные мысли")),
    ("6", Text("Cheerfulness", "Көңілдің көтеріңкілігі", "Бодрость духа")),
    ("7", Text("Ability to relax", "Босаңсу қабілеті", "Способность расслабиться")),
    ("8", Text("Feeling slowed down", "Баяулау сезімі", "Ощущение заторможенности")),
    ("9", Text("Bodily sensations of anxiety", "Алаңдаушылықтың дене сезімдері", "Телесные ощущения тревоги")),
    ("10", Text("Interest in own appearance", "Өз келбетіне қызығушылық", "Интерес к своей внешности")),
    ("11", Text("Restlessness", "Тынышсыздық", "Неусидчивость")),
    ("12", Text("Looking forward to things", "Алдағы істерді қуана күту", "Радостное ожидание")),
    ("13", Text("Sudden panic", "Кенеттен болатын үрей", "Внезапная паника")),
    (
        "14",
        Text(
            "Enjoyment of reading, radio or TV",
            "Кітаптан, радиодан немесе теледидардан ләззат алу",
            "Удовольствие от книги, радио или ТВ",
        ),
    ),
)

_HADS_ANXIETY = tuple(str(i) for i in range(1, 15, 2))
_HADS_DEPRESSION = tuple(str(i) for i in range(2, 15, 2))
_HADS_SUBSCALE_ITEMS = {"anxiety": _HADS_ANXIETY, "depression": _HADS_DEPRESSION}

# Zigmond & Snaith 1983: 0–7 non-case, 8–10 doubtful (borderline), 11–21 definite case.
_HADS_BANDS = (
    Band(0, 7, "normal", Text("Normal", "Қалыпты", "Норма")),
    Band(8, 10, "borderline", Text("Borderline", "Шекаралық", "Субклинически выраженная")),
    Band(
        11,
        21,
        "abnormal",
        Text(
            "Abnormal (probable case)", "Клиникалық айқын (ықтимал жағдай)", "Клинически выраженная (вероятный случай)"
        ),
    ),
)

# No official rule for missing items. Prorating one missing item per subscale (mean of the six
# answered × 7) is a research convention (spec §6.1, [U]); Bell ML et al. BMC Res Notes
# 2016;9:479 found subscale-mean imputation acceptable for individual use. Off by default.
_HADS_MAX_PRORATED = 1


def score_hads(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """HADS: anxiety (odd items) and depression (even items), each 0–21; no single total.

    Each item carries its scored value 0–3 (reverse-keyed items already reversed on the form).
    The scale was built to give two separate scores, so ``total`` is ``None``; the 0–42 sum used in
    some research is reported as ``derived["combined_0_42"]`` when both subscales exist.

    References: Zigmond AS, Snaith RP. Acta Psychiatr Scand 1983;67:361–370 (items, subscales,
    bands); Bell ML et al. BMC Res Notes 2016;9:479 (missing items).
    """
    prorate = context.get("missing_rule") == "prorate"
    subscores: dict[str, int | None] = {}
    flags: list[Flag] = []
    for subscale_id, item_ids in _HADS_SUBSCALE_ITEMS.items():
        value, flag = _hads_subscale(answers, subscale_id, item_ids, prorate)
        subscores[subscale_id] = value
        if flag is not None:
            flags.append(flag)
    derived: dict[str, Any] = {"band_scheme": "zigmond_snaith_1983"}
    anxiety, depression = subscores["anxiety"], subscores["depression"]
    derived["combined_0_42"] = None if anxiety is None or depression is None else anxiety + depression
    prorated = any(f.code == "prorated" for f in flags)
    return Scored(total=None, subscores=subscores, flags=flags, derived=derived, complete=False if prorated else None)


def _hads_subscale(
    answers: Answers, subscale_id: str, item_ids: tuple[str, ...], prorate: bool
) -> tuple[int | None, Flag | None]:
    value = sum_if_complete(answers, item_ids)
    if value is not None:
        return int(value), None
    gaps = unanswered(answers, item_ids)
    partial = int(partial_sum(answers, item_ids))
    answered = len(item_ids) - len(gaps)
    if prorate and len(gaps) <= _HADS_MAX_PRORATED:
        # Round half up with integers only: floor(7 × partial / 6 + 1/2).
        value = (2 * partial * len(item_ids) + answered) // (2 * answered)
        return value, Flag("prorated", gaps, detail=f"{subscale_id}: {partial} × 7 / {answered}")
    return None, Flag("partial_sum", gaps, detail=f"{subscale_id}: {partial} from {answered} of 7 items")


HADS = Instrument(
    code="hads",
    name="HADS",
    title=Text(
        "Hospital Anxiety and Depression Scale",
        "Ауруханалық мазасыздық пен депрессия шкаласы (HADS)",
        "Госпитальная шкала тревоги и депрессии (HADS)",
    ),
    version="HADS (Zigmond & Snaith 1983)",
    population=Text(
        "Adults with physical illness; anxiety and depression screening",
        "Соматикалық ауруы бар ересектер; мазасыздық пен депрессия скринингі",
        "Взрослые с соматическими заболеваниями; скрининг тревоги и депрессии",
    ),
    domain="mood",
    items=tuple(
        Item(item_id, label, choices=_HADS_SCORED, group="anxiety" if int(item_id) % 2 else "depression")
        for item_id, label in _HADS_ITEMS
    ),
    groups={
        "anxiety": Text("Anxiety items", "Мазасыздық тармақтары", "Пункты тревоги"),
        "depression": Text("Depression items", "Депрессия тармақтары", "Пункты депрессии"),
    },
    scorer=score_hads,
    total_range=None,
    higher_is_better=False,
    subscales=(
        Subscale(
            "anxiety",
            Text("Anxiety (HADS-A)", "Мазасыздық (HADS-A)", "Тревога (HADS-A)"),
            _HADS_ANXIETY,
            0,
            21,
            _HADS_BANDS,
        ),
        Subscale(
            "depression",
            Text("Depression (HADS-D)", "Депрессия (HADS-D)", "Депрессия (HADS-D)"),
            _HADS_DEPRESSION,
            0,
            21,
            _HADS_BANDS,
        ),
    ),
    mcid=MeaningfulChange(
        1.5,
        "Puhan MA, Frey M, Büchi S, Schünemann HJ. Health Qual Life Outcomes 2008;6:46",
        note="Per subscale; derived in COPD (anxiety 1.32–1.57, depression 1.40).",
    ),
    licence="Licensed by GL Assessment; a licence and fee are required. Neutral labels only.",
    context=(
        ContextField(
            "missing_rule",
            Text("Missing-item rule", "Жетіспейтін тармақтар ережесі", "Правило для пропущенных пунктов"),
            "choice",
            choices=("strict", "prorate"),
        ),
    ),
    citation="Zigmond AS, Snaith RP. The hospital anxiety and depression scale. Acta Psychiatr Scand 1983;67:361–370.",
    scoring_rule="Anxiety = sum of the odd items, depression = sum of the even items (each 0–21; items hold the scored value 0–3). Bands per subscale: 0–7 normal, 8–10 borderline, 11–21 abnormal. No total; the 0–42 sum is derived only. A subscale with a missing item has no score, unless the 'prorate' rule is chosen (one missing item per subscale: sum × 7 / 6, rounded half up, flagged).",
    notes=(
        "Enter the scored value 0–3 of each item, not the position of the option on the form: several items are reverse-keyed.",
    ),
)


# --- EQ-5D-5L -----------------------------------------------------------------------------------

# Neutral level labels; the official descriptors are licensed by the EuroQol Research Foundation.
_EQ5D_LEVELS = (
    Choice(1, 1, Text("Level 1 (best)", "1-деңгей (ең жақсы)", "Уровень 1 (наилучший)")),
    Choice(2, 2, Text("Level 2", "2-деңгей", "Уровень 2")),
    Choice(3, 3, Text("Level 3", "3-деңгей", "Уровень 3")),
    Choice(4, 4, Text("Level 4", "4-деңгей", "Уровень 4")),
    Choice(5, 5, Text("Level 5 (worst)", "5-деңгей (ең нашар)", "Уровень 5 (наихудший)")),
)

_EQ5D_DIMENSIONS = (
    ("1", "MO", Text("Mobility", "Қозғалғыштық", "Подвижность")),
    ("2", "SC", Text("Self-care", "Өзін-өзі күту", "Уход за собой")),
    ("3", "UA", Text("Usual activities", "Күнделікті әрекеттер", "Повседневная деятельность")),
    ("4", "PD", Text("Pain / discomfort", "Ауырсыну / жайсыздық", "Боль / дискомфорт")),
    ("5", "AD", Text("Anxiety / depression", "Мазасыздық / депрессия", "Тревога / депрессия")),
)
_EQ5D_DIMENSION_IDS = tuple(item_id for item_id, _, _ in _EQ5D_DIMENSIONS)

_EQ5D_VAS = Item(
    "vas",
    Text(
        "Self-rated health today, 0–100", "Бүгінгі денсаулықты өзі бағалау, 0–100", "Самооценка здоровья сегодня, 0–100"
    ),
    minimum=0,
    maximum=100,
    integer=True,
)


def score_eq5d5l(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """EQ-5D-5L: the five-digit health-state profile and the VAS; no total, no sum of levels.

    The index value exists only through a country value set, which this library does not ship, so
    no index is computed: ``total`` is ``None``. ``derived`` holds ``profile`` (e.g. ``"32431"``,
    dimensions in the order MO, SC, UA, PD, AD; ``None`` when a dimension is missing) and ``vas``.

    Reference: Herdman M et al. Qual Life Res 2011;20:1727–1736.
    """
    levels = answers.points
    gaps = unanswered(answers, _EQ5D_DIMENSION_IDS)
    flags: list[Flag] = []
    if gaps:
        profile = None
        flags.append(Flag("incomplete_profile", gaps, detail=f"{5 - len(gaps)} of 5 dimensions"))
    else:
        profile = "".join(str(levels[i]) for i in _EQ5D_DIMENSION_IDS)
    derived = {"profile": profile, "vas": answers.get("vas"), "index": None, "value_set": None}
    return Scored(total=None, flags=flags, derived=derived)


EQ5D5L = Instrument(
    code="eq5d5l",
    name="EQ-5D-5L",
    title=Text(
        "EQ-5D-5L health-related quality of life",
        "EQ-5D-5L денсаулыққа байланысты өмір сапасы",
        "EQ-5D-5L качество жизни, связанное со здоровьем",
    ),
    version="EQ-5D-5L (Herdman 2011)",
    population=Text(
        "Adults and adolescents; generic health status",
        "Ересектер мен жасөспірімдер; жалпы денсаулық жағдайы",
        "Взрослые и подростки; общее состояние здоровья",
    ),
    domain="mood",
    items=tuple(Item(item_id, label, choices=_EQ5D_LEVELS) for item_id, _, label in _EQ5D_DIMENSIONS) + (_EQ5D_VAS,),
    scorer=score_eq5d5l,
    # No total: the levels are not summed and the index needs a country value set (none shipped).
    total_range=None,
    higher_is_better=None,
    licence="Registration with the EuroQol Research Foundation is required; fees may apply. Neutral labels only.",
    citation="Herdman M, Gudex C, Lloyd A, et al. Development and preliminary testing of the new five-level version of EQ-5D (EQ-5D-5L). Qual Life Res 2011;20:1727–1736.",
    scoring_rule="Five dimensions (mobility, self-care, usual activities, pain/discomfort, anxiety/depression), each level 1 (best) to 5 (worst), reported as a five-digit profile (11111–55555), and the VAS 0–100 (100 = best). No total: levels are never summed, and no index is computed because no country value set is shipped.",
    notes=("An index value requires a named country value set and its version; none is shipped.",),
)

INSTRUMENTS: tuple[Instrument, ...] = (PHQ9, HADS, EQ5D5L)
