"""Pain instruments: NRS, DN4, LANSS, ODI and BPI-SF.

ODI and BPI are licensed: only neutral short labels are stored here, never the official wording.
Item ids are ``"1"``…``"n"`` in the order of spec §5 (NRS: the single item ``"score"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .model import Band, Choice, ContextField, Flag, Instrument, Item, Loinc, MeaningfulChange, Scored, Subscale, Text
from .scoring import Answers, additive, partial_sum, sum_if_complete, unanswered


def _round_half_up(value: Fraction, places: int) -> float:
    """Round an exact fraction half up (35.555… → 35.6), never by binary float rounding."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


_NO_YES = (
    Choice(0, 0, Text("No", "Жоқ", "Нет")),
    Choice(1, 1, Text("Yes", "Иә", "Да")),
)

# --- NRS ----------------------------------------------------------------------------------------


def score_nrs(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """NRS pain = the single rating 0–10 (higher is worse); no rating, no score.

    Reference: Farrar JT, Young JP Jr, LaMoreaux L, Werth JL, Poole RM. Clinical importance of
    changes in chronic pain intensity measured on an 11-point numerical pain rating scale. Pain
    2001;94:149–158.
    """
    return Scored(total=answers.points.get("score"), derived={"recall_period": context.get("recall_period")})


NRS_PAIN = Instrument(
    code="nrs_pain",
    name="NRS pain",
    title=Text(
        "Numeric Rating Scale for pain (0–10)",
        "Ауырсынудың сандық рейтинг шкаласы (0–10)",
        "Числовая рейтинговая шкала боли (0–10)",
    ),
    version="NRS 0–10",
    population=Text(
        "Adults and children able to rate pain with numbers",
        "Ауырсынуды санмен бағалай алатын ересектер мен балалар",
        "Взрослые и дети, способные оценить боль числом",
    ),
    domain="pain",
    items=(
        Item(
            "score",
            Text(
                "Pain intensity (0 no pain, 10 worst imaginable)",
                "Ауырсыну қарқындылығы (0 ауырсыну жоқ, 10 елестетуге болатын ең қатты)",
                "Интенсивность боли (0 нет боли, 10 сильнейшая мыслимая)",
            ),
            minimum=0,
            maximum=10,
            integer=True,
        ),
    ),
    scorer=score_nrs,
    total_range=(0, 10),
    higher_is_better=False,
    # Farrar 2001 gives both "about 2 points" and "about 30 %". Points are used because a change is
    # then classifiable from a baseline of 0 and symmetric for worsening; the 30 % reading is in notes.
    mcid=MeaningfulChange(2, "Farrar JT et al. Pain 2001;94:149–158"),
    loinc=Loinc(total="72514-3"),
    licence="Public domain.",
    context=(
        ContextField(
            "recall_period",
            Text(
                "Recall period: now, 24-hour average or 7-day average",
                "Еске түсіру кезеңі: қазір, 24 сағаттық орташа немесе 7 күндік орташа",
                "Период оценки: сейчас, среднее за 24 часа или за 7 дней",
            ),
            "choice",
            choices=("now", "24h_average", "7d_average"),
        ),
    ),
    citation="Farrar JT, Young JP Jr, LaMoreaux L, Werth JL, Poole RM. Clinical importance of changes in chronic pain intensity measured on an 11-point numerical pain rating scale. Pain 2001;94:149–158.",
    scoring_rule="The score is the single integer rating 0–10 (higher is worse); no score when it is missing.",
    notes=(
        "Meaningful change is classified at 2 points (Farrar 2001). The same paper equates it with a reduction of about 30 %; IMMPACT (Dworkin 2008) calls ≥30 % moderately and ≥50 % substantially important. The percent change is reported beside every classification.",
        "Record the recall period (context.recall_period) and compare only ratings with the same one.",
        "No interpretation bands are set in the spec.",
    ),
)

# --- DN4 ----------------------------------------------------------------------------------------

_DN4_ITEMS = (
    ("1", "interview", Text("Burning", "Күйдіру", "Жжение")),
    ("2", "interview", Text("Painful cold", "Ауыртатын суық сезімі", "Болезненное ощущение холода")),
    ("3", "interview", Text("Electric shocks", "Электр тогының соғуы", "Удары током")),
    ("4", "interview", Text("Tingling", "Шымырлау", "Покалывание")),
    ("5", "interview", Text("Pins and needles", "Құмырсқа жорғалағандай сезім", "Ощущение ползания мурашек")),
    ("6", "interview", Text("Numbness", "Ұю", "Онемение")),
    ("7", "interview", Text("Itching", "Қышу", "Зуд")),
    (
        "8",
        "examination",
        Text(
            "Reduced touch sensation in the painful area",
            "Ауырған аймақта жанасу сезімталдығының төмендеуі",
            "Снижение тактильной чувствительности в зоне боли",
        ),
    ),
    (
        "9",
        "examination",
        Text(
            "Reduced pin-prick sensation in the painful area",
            "Ауырған аймақта ине шаншуын сезудің төмендеуі",
            "Снижение чувствительности к уколу в зоне боли",
        ),
    ),
    (
        "10",
        "examination",
        Text(
            "Pain caused or increased by brushing",
            "Щёткамен сипағанда пайда болатын немесе күшейетін ауырсыну",
            "Боль, вызываемая или усиливаемая проведением кисточкой",
        ),
    ),
)
_DN4_IDS = tuple(item_id for item_id, _, _ in _DN4_ITEMS)
_DN4_INTERVIEW_IDS = _DN4_IDS[:7]
# Bouhassira 2005: the 7 symptom items alone (DN4-interview, 0–7) are positive from 3.
_DN4_INTERVIEW_CUTOFF = 3


def score_dn4(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """DN4 total = number of "yes" answers to the 10 items (0–10); ≥4 means neuropathic pain likely.

    ``derived`` carries the DN4-interview score (items 1–7, 0–7; positive from 3) whenever the seven
    symptom items are answered, so an interview-only administration still gives its own result. No
    DN4 total when any of the 10 items is missing.

    Reference: Bouhassira D, Attal N, Alchaar H, et al. Comparison of pain syndromes associated with
    nervous or somatic lesions and development of a new neuropathic pain diagnostic questionnaire
    (DN4). Pain 2005;114:29–36.
    """
    total = sum_if_complete(answers, _DN4_IDS)
    flags: list[Flag] = []
    if total is None:
        gaps = unanswered(answers, _DN4_IDS)
        flags.append(
            Flag("partial_sum", gaps, detail=f"{partial_sum(answers, _DN4_IDS):g} from {10 - len(gaps)} of 10 items")
        )
    interview = sum_if_complete(answers, _DN4_INTERVIEW_IDS)
    derived = {
        "interview_score": interview,
        "interview_positive": None if interview is None else interview >= _DN4_INTERVIEW_CUTOFF,
    }
    return Scored(total=total, flags=flags, derived=derived)


DN4 = Instrument(
    code="dn4",
    name="DN4",
    title=Text(
        "Douleur Neuropathique 4 questions",
        "DN4 нейропатиялық ауырсыну сауалнамасы",
        "Опросник нейропатической боли DN4",
    ),
    version="DN4 (Bouhassira 2005)",
    population=Text(
        "Adults with chronic pain; screening for a neuropathic component",
        "Созылмалы ауырсынуы бар ересектер; нейропатиялық компонентті скрининг",
        "Взрослые с хронической болью; скрининг нейропатического компонента",
    ),
    domain="pain",
    items=tuple(Item(item_id, label, choices=_NO_YES, group=group) for item_id, group, label in _DN4_ITEMS),
    groups={
        "interview": Text(
            "Interview: pain characteristics and symptoms",
            "Сұрау: ауырсыну сипаты мен симптомдар",
            "Опрос: характер боли и симптомы",
        ),
        "examination": Text("Examination of the painful area", "Ауырған аймақты тексеру", "Осмотр зоны боли"),
    },
    scorer=score_dn4,
    total_range=(0, 10),
    higher_is_better=False,
    bands=(
        Band(
            0,
            3,
            "unlikely",
            Text(
                "Neuropathic pain unlikely",
                "Нейропатиялық ауырсыну ықтималдығы төмен",
                "Нейропатическая боль маловероятна",
            ),
        ),
        Band(
            4,
            10,
            "likely",
            Text("Neuropathic pain likely", "Нейропатиялық ауырсыну ықтимал", "Нейропатическая боль вероятна"),
        ),
    ),
    licence="Published questionnaire (Bouhassira 2005); licence terms not recorded here.",
    citation="Bouhassira D, Attal N, Alchaar H, et al. Comparison of pain syndromes associated with nervous or somatic lesions and development of a new neuropathic pain diagnostic questionnaire (DN4). Pain 2005;114:29–36.",
    scoring_rule="Each item: yes = 1, no = 0; total 0–10, ≥4 neuropathic pain likely. DN4-interview (items 1–7, 0–7, ≥3 positive) is reported in derived. No total when an item is missing.",
    notes=("A screening tool, not a measure of change: no meaningful-change threshold applies.",),
)

# --- LANSS --------------------------------------------------------------------------------------

# Weights from Bennett 2001 (spec §5.3): the 2-point item is paroxysmal pain, the 1-point item the
# thermal sensation, as on the original form.
_LANSS_ITEMS = (
    (
        "1",
        "questionnaire",
        5,
        Text(
            "Dysaesthesia: strange, unpleasant sensations",
            "Дизестезия: бөгде, жағымсыз сезімдер",
            "Дизестезия: странные неприятные ощущения",
        ),
    ),
    (
        "2",
        "questionnaire",
        5,
        Text(
            "Autonomic change: skin in the painful area looks different",
            "Вегетативтік өзгеріс: ауырған жердегі терінің түсі өзгерген",
            "Вегетативные изменения: кожа в зоне боли выглядит иначе",
        ),
    ),
    (
        "3",
        "questionnaire",
        3,
        Text(
            "Evoked pain: skin abnormally sensitive to touch",
            "Туындаған ауырсыну: тері жанасуға тым сезімтал",
            "Вызванная боль: кожа повышенно чувствительна к прикосновению",
        ),
    ),
    (
        "4",
        "questionnaire",
        2,
        Text(
            "Paroxysmal pain: sudden bursts, like electric shocks",
            "Ұстамалы ауырсыну: кенеттен, электр тогы соққандай",
            "Пароксизмальная боль: внезапные приступы, как удары током",
        ),
    ),
    (
        "5",
        "questionnaire",
        1,
        Text(
            "Thermal sensation: skin feels abnormally hot or burning",
            "Температуралық сезім: тері ыстық немесе күйіп тұрғандай",
            "Температурные ощущения: кожа будто горячая или жжёт",
        ),
    ),
    ("6", "sensory", 5, Text("Allodynia on examination", "Тексеруде аллодиния", "Аллодиния при осмотре")),
    (
        "7",
        "sensory",
        3,
        Text(
            "Altered pin-prick threshold on examination",
            "Тексеруде ине шаншуын сезу шегінің өзгеруі",
            "Изменение порога чувствительности к уколу при осмотре",
        ),
    ),
)


def _weighted_yes(weight: int) -> tuple[Choice, ...]:
    # The rater answers no/yes (0/1) as on the form; "yes" adds the item's weight.
    return (
        Choice(0, 0, Text("No", "Жоқ", "Нет")),
        Choice(
            1,
            weight,
            Text(
                f"Yes ({weight} {'point' if weight == 1 else 'points'})",
                f"Иә ({weight} ұпай)",
                f"Да ({weight} {_RU_POINTS[weight]})",
            ),
        ),
    )


_RU_POINTS = {1: "балл", 2: "балла", 3: "балла", 5: "баллов"}


def score_lanss(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """LANSS total = sum of the weights of the "yes" answers (0–24); ≥12 neuropathic mechanisms likely.

    No total when an item is missing (no missing-item rule is published); the partial sum is flagged.

    Reference: Bennett M. The LANSS Pain Scale: the Leeds assessment of neuropathic symptoms and
    signs. Pain 2001;92:147–157.
    """
    return additive(instrument, answers, context)


LANSS = Instrument(
    code="lanss",
    name="LANSS",
    title=Text(
        "Leeds Assessment of Neuropathic Symptoms and Signs",
        "Нейропатиялық симптомдар мен белгілерді бағалаудың Лидс шкаласы (LANSS)",
        "Лидская шкала оценки нейропатических симптомов и признаков (LANSS)",
    ),
    version="LANSS (Bennett 2001)",
    population=Text(
        "Adults with chronic pain; clinician-administered",
        "Созылмалы ауырсынуы бар ересектер; дәрігер жүргізеді",
        "Взрослые с хронической болью; проводит врач",
    ),
    domain="pain",
    items=tuple(
        Item(item_id, label, choices=_weighted_yes(weight), group=group)
        for item_id, group, weight, label in _LANSS_ITEMS
    ),
    groups={
        "questionnaire": Text("Pain questionnaire", "Ауырсыну сауалнамасы", "Болевой опросник"),
        "sensory": Text("Sensory testing", "Сезімталдықты тексеру", "Исследование чувствительности"),
    },
    scorer=score_lanss,
    total_range=(0, 24),
    higher_is_better=False,
    bands=(
        Band(
            0,
            11,
            "unlikely",
            Text(
                "Neuropathic mechanisms unlikely",
                "Нейропатиялық механизмдер ықтималдығы төмен",
                "Нейропатические механизмы маловероятны",
            ),
        ),
        Band(
            12,
            24,
            "likely",
            Text(
                "Neuropathic mechanisms likely",
                "Нейропатиялық механизмдер ықтимал",
                "Нейропатические механизмы вероятны",
            ),
        ),
    ),
    licence="Published scale (Bennett 2001); licence terms not recorded here.",
    citation="Bennett M. The LANSS Pain Scale: the Leeds assessment of neuropathic symptoms and signs. Pain 2001;92:147–157.",
    scoring_rule="Items answered no (0) or yes (1); yes adds 5, 5, 3, 2, 1 (symptoms 1–5) and 5, 3 (examination 6–7). Total 0–24, ≥12 neuropathic mechanisms likely. No total when an item is missing.",
    notes=(
        "The self-report S-LANSS (same cut-off of 12) is a different version and is not scored here.",
        "A screening tool, not a measure of change: no meaningful-change threshold applies.",
    ),
)

# --- ODI ----------------------------------------------------------------------------------------

_ODI_SECTIONS = (
    Text("Pain intensity", "Ауырсыну қарқындылығы", "Интенсивность боли"),
    Text("Personal care", "Өзін-өзі күту", "Самообслуживание"),
    Text("Lifting", "Жүк көтеру", "Поднятие тяжестей"),
    Text("Walking", "Жүру", "Ходьба"),
    Text("Sitting", "Отыру", "Сидение"),
    Text("Standing", "Тұру", "Стояние"),
    Text("Sleeping", "Ұйқы", "Сон"),
    Text("Sex life (if applicable)", "Жыныстық өмір (қатысты болса)", "Сексуальная жизнь (если применимо)"),
    Text("Social life", "Әлеуметтік өмір", "Общественная жизнь"),
    Text("Travelling", "Сапарлар", "Поездки"),
)
_ODI_IDS = tuple(str(n) for n in range(1, 11))
# Neutral level labels only: the six statements of each section are licensed wording.
_ODI_LEVELS = (
    Choice(0, 0, Text("0 (least limitation)", "0 (ең аз шектеу)", "0 (наименьшее ограничение)")),
    *(Choice(n, n, Text(str(n), str(n), str(n))) for n in range(1, 5)),
    Choice(5, 5, Text("5 (greatest limitation)", "5 (ең көп шектеу)", "5 (наибольшее ограничение)")),
)
# Fairbank & Pynsent 2000 give the rule for one missed or not-applicable section; the AO Foundation's
# ODI 2.1a scoring algorithm (Blauth & Daigl 2012) also stops at one. More missing sections: no score.
_ODI_MAX_MISSING = 1


def score_odi(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """ODI (%) = 100 × sum of section scores / (5 × answered sections), one decimal, rounded half up.

    One section may be missing or not applicable: the denominator drops by 5 (16 / 45 → 35.6 %) and
    the result carries the ``missing_section_rule`` flag. With two or more missing sections there is
    no score. Bands: Fairbank & Pynsent 2000 (0–20 minimal … 81–100 bed-bound); on a one-decimal
    score a value above a band's upper integer belongs to the next band (20.1 is moderate).

    References: Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25:2940–2953;
    Blauth J, Daigl M. odi: ODI 2.1a scoring algorithm, AO Clinical Investigation and
    Documentation, 2012 (limit of one missing section).
    """
    gaps = unanswered(answers, _ODI_IDS)
    answered = len(_ODI_IDS) - len(gaps)
    raw = partial_sum(answers, _ODI_IDS)
    derived: dict[str, Any] = {"raw_sum": raw, "answered_sections": answered, "possible": 5 * answered}
    if len(gaps) > _ODI_MAX_MISSING:
        detail = f"{raw:g} from {answered} of 10 sections; at most {_ODI_MAX_MISSING} may be missing"
        return Scored(total=None, flags=[Flag("partial_sum", gaps, detail=detail)], derived=derived)
    total = _round_half_up(Fraction(100 * raw, 5 * answered), 1)
    flags = (
        [Flag("missing_section_rule", gaps, detail=f"100 × {raw:g} / {5 * answered} (Fairbank & Pynsent 2000)")]
        if gaps
        else []
    )
    return Scored(total=total, flags=flags, derived=derived)


ODI = Instrument(
    code="odi",
    name="ODI",
    title=Text(
        "Oswestry Disability Index",
        "Освестри бойынша тіршілік әрекетінің бұзылу индексі (ODI)",
        "Индекс нарушения жизнедеятельности Освестри (ODI)",
    ),
    version="ODI v2.1a",
    population=Text(
        "Adults with low back pain; self-report",
        "Бел ауыруы бар ересектер; өзі толтырады",
        "Взрослые с болью в пояснице; самоотчёт",
    ),
    domain="pain",
    items=tuple(
        Item(item_id, label, choices=_ODI_LEVELS) for item_id, label in zip(_ODI_IDS, _ODI_SECTIONS, strict=True)
    ),
    scorer=score_odi,
    total_range=(0, 100),
    higher_is_better=False,
    bands=(
        Band(0, 20, "minimal", Text("Minimal disability", "Ең аз бұзылу", "Минимальное нарушение")),
        Band(20.1, 40, "moderate", Text("Moderate disability", "Орташа бұзылу", "Умеренное нарушение")),
        Band(40.1, 60, "severe", Text("Severe disability", "Ауыр бұзылу", "Тяжёлое нарушение")),
        Band(60.1, 80, "crippled", Text("Crippling disability", "Мүгедек ететін бұзылу", "Инвалидизирующее нарушение")),
        Band(
            80.1,
            100,
            "bed_bound",
            Text(
                "Bed-bound or exaggerated symptoms",
                "Төсекке таңылған немесе симптомдар асыра айтылған",
                "Прикован к постели или симптомы преувеличены",
            ),
        ),
    ),
    mcid=MeaningfulChange(
        10,
        "Ostelo RW et al. Spine 2008;33:90–94",
        note="Ostelo 2008 also accepts a 30 % improvement from baseline.",
    ),
    licence="Mapi Research Trust: free for clinical and non-funded academic use; fees for funded academic, commercial and IT use. Official wording is not embedded.",
    citation="Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25:2940–2953.",
    scoring_rule="Each section 0–5. Score (%) = 100 × sum / (5 × answered sections), one decimal, rounded half up. One missing or not-applicable section is allowed (flagged); with two or more there is no score.",
    notes=(
        "Enter the highest statement when several are ticked in one section (Fairbank 2000).",
        "Fairbank's scoring sheet prints 16/45 as 35.5 % (truncated) and the AO algorithm rounds to whole percent; this score keeps one decimal rounded half up (35.6 %).",
        "Meaningful change is classified at 10 points (Ostelo 2008); 30 % is the relative alternative and the percent change is reported beside it.",
    ),
)

# --- BPI-SF -------------------------------------------------------------------------------------

_BPI_SEVERITY = (
    ("1", Text("Worst pain, last 24 h", "Ең қатты ауырсыну, соңғы 24 сағат", "Сильнейшая боль за 24 часа")),
    ("2", Text("Least pain, last 24 h", "Ең әлсіз ауырсыну, соңғы 24 сағат", "Слабейшая боль за 24 часа")),
    ("3", Text("Average pain", "Орташа ауырсыну", "Средняя боль")),
    ("4", Text("Pain right now", "Қазіргі ауырсыну", "Боль сейчас")),
)
_BPI_INTERFERENCE = (
    ("5", Text("Interference: general activity", "Кедергі: жалпы белсенділік", "Влияние: общая активность")),
    ("6", Text("Interference: mood", "Кедергі: көңіл-күй", "Влияние: настроение")),
    ("7", Text("Interference: walking", "Кедергі: жүру", "Влияние: ходьба")),
    ("8", Text("Interference: normal work", "Кедергі: күнделікті жұмыс", "Влияние: обычная работа")),
    (
        "9",
        Text(
            "Interference: relations with others", "Кедергі: басқалармен қарым-қатынас", "Влияние: отношения с людьми"
        ),
    ),
    ("10", Text("Interference: sleep", "Кедергі: ұйқы", "Влияние: сон")),
    ("11", Text("Interference: enjoyment of life", "Кедергі: өмірден қуаныш алу", "Влияние: радость жизни")),
)
_BPI_SEVERITY_IDS = tuple(item_id for item_id, _ in _BPI_SEVERITY)
_BPI_INTERFERENCE_IDS = tuple(item_id for item_id, _ in _BPI_INTERFERENCE)
# Cleeland's BPI User Guide (2009): the interference mean "can be used if more than 50%, or four of
# seven" items are completed.
_BPI_INTERFERENCE_MIN_ANSWERED = 4

# Serlin 1995 / ePPOC bands are on the integer 0–10 ratings (0–4, 5–6, 7–10). A mean is placed in
# the band of its nearest rating (4.5 → 5 → moderate); means are kept to two decimals and no mean
# of 4 to 7 ratings falls between 4.49 and 4.5 or between 6.49 and 6.5.
_BPI_BANDS = (
    Band(0, 4.49, "mild", Text("Mild", "Жеңіл", "Лёгкая")),
    Band(4.5, 6.49, "moderate", Text("Moderate", "Орташа", "Умеренная")),
    Band(6.5, 10, "severe", Text("Severe", "Ауыр", "Тяжёлая")),
)


def score_bpi_sf(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """BPI-SF: severity = mean of the 4 intensity items; interference = mean of the 7 items.

    Severity needs all four items (the developers recommend using all four). Interference is the
    mean of the answered items when at least 4 of 7 are answered, flagged when any is missing.
    Both are kept to two decimals, rounded half up. There is no total.

    Reference: Cleeland CS. The Brief Pain Inventory User Guide. Houston: MD Anderson Cancer Center,
    2009; Cleeland CS, Ryan KM. Ann Acad Med Singapore 1994;23:129–138.
    """
    flags: list[Flag] = []
    severity_sum = sum_if_complete(answers, _BPI_SEVERITY_IDS)
    severity = None if severity_sum is None else _round_half_up(Fraction(severity_sum, 4), 2)
    if severity is None:
        flags.append(
            Flag(
                "severity_not_scored",
                unanswered(answers, _BPI_SEVERITY_IDS),
                detail="the severity mean needs all 4 items",
            )
        )
    gaps = unanswered(answers, _BPI_INTERFERENCE_IDS)
    answered = len(_BPI_INTERFERENCE_IDS) - len(gaps)
    interference = None
    if answered >= _BPI_INTERFERENCE_MIN_ANSWERED:
        interference = _round_half_up(Fraction(partial_sum(answers, _BPI_INTERFERENCE_IDS), answered), 2)
        if gaps:
            flags.append(
                Flag(
                    "interference_from_answered_items",
                    gaps,
                    detail=f"mean of {answered} of 7 items (at least 4 needed, Cleeland 2009)",
                )
            )
    else:
        flags.append(Flag("interference_not_scored", gaps, detail=f"{answered} of 7 items answered; at least 4 needed"))
    derived = {"interference_items_answered": answered, "recall_period": context.get("recall_period")}
    return Scored(
        total=None, subscores={"severity": severity, "interference": interference}, flags=flags, derived=derived
    )


BPI_SF = Instrument(
    code="bpi_sf",
    name="BPI-SF",
    title=Text(
        "Brief Pain Inventory, short form",
        "Ауырсынуды қысқаша бағалау сауалнамасы, қысқа нұсқа (BPI-SF)",
        "Краткий опросник боли, короткая форма (BPI-SF)",
    ),
    version="BPI-SF (Cleeland)",
    population=Text(
        "Adults with cancer or non-cancer pain; self-report or interview",
        "Қатерлі ісікке байланысты не байланыссыз ауырсынуы бар ересектер; өзі толтырады немесе сұхбат",
        "Взрослые с онкологической и неонкологической болью; самоотчёт или интервью",
    ),
    domain="pain",
    items=tuple(
        Item(item_id, label, minimum=0, maximum=10, integer=True, group="severity") for item_id, label in _BPI_SEVERITY
    )
    + tuple(
        Item(item_id, label, minimum=0, maximum=10, integer=True, group="interference")
        for item_id, label in _BPI_INTERFERENCE
    ),
    groups={
        "severity": Text("Pain severity", "Ауырсынудың ауырлығы", "Выраженность боли"),
        "interference": Text(
            "Pain interference", "Ауырсынудың күнделікті өмірге кедергісі", "Влияние боли на жизнедеятельность"
        ),
    },
    subscales=(
        Subscale(
            "severity",
            Text("Pain severity (mean)", "Ауырсынудың ауырлығы (орташа)", "Выраженность боли (среднее)"),
            _BPI_SEVERITY_IDS,
            0,
            10,
            _BPI_BANDS,
        ),
        Subscale(
            "interference",
            Text("Pain interference (mean)", "Ауырсыну кедергісі (орташа)", "Влияние боли (среднее)"),
            _BPI_INTERFERENCE_IDS,
            0,
            10,
            _BPI_BANDS,
        ),
    ),
    scorer=score_bpi_sf,
    total_range=None,
    higher_is_better=False,
    mcid=MeaningfulChange(
        1,
        "Dworkin RH et al. (IMMPACT). J Pain 2008;9:105–121",
        note="For the interference mean. Severity follows the NRS thresholds (about 2 points or 30 %, Farrar 2001).",
    ),
    licence="Copyright C. S. Cleeland / MD Anderson Cancer Center; permission required, fees may apply. Official wording is not embedded.",
    context=(
        ContextField(
            "recall_period",
            Text(
                "Recall period: last 24 hours or last week",
                "Еске түсіру кезеңі: соңғы 24 сағат немесе соңғы апта",
                "Период оценки: последние 24 часа или неделя",
            ),
            "choice",
            choices=("24h", "7d"),
        ),
    ),
    citation="Cleeland CS, Ryan KM. Pain assessment: global use of the Brief Pain Inventory. Ann Acad Med Singapore 1994;23:129–138; Cleeland CS. The Brief Pain Inventory User Guide. 2009.",
    scoring_rule="Severity = mean of items 1–4 (all four needed). Interference = mean of the answered items 5–11 when at least 4 of 7 are answered. Means to two decimals, rounded half up; no total. Bands 0–4 mild, 5–6 moderate, 7–10 severe applied to the mean's nearest rating.",
    notes=(
        "LOINC 77565-0 is the interference score (BPI short form); no severity code was verified.",
        "The meaningful change of 1 point (IMMPACT) applies to the interference subscale: classify_change(..., subscale='interference').",
        "Body map, treatments and % relief are not scored and not stored here.",
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (NRS_PAIN, DN4, LANSS, ODI, BPI_SF)
