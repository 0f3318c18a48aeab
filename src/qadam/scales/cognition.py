"""Cognition instruments: MoCA and Mini-Cog.

The MoCA is licensed and its administration restricted to certified raters: only neutral domain
labels are stored here, never the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problem, ScaleError
from .model import Band, Choice, Flag, Instrument, Item, Loinc, Scored, Text
from .scoring import Answers, additive, partial_sum, sum_if_complete, unanswered

# --- MoCA ---------------------------------------------------------------------------------------

# The seven domains and their maxima (Nasreddine 2005; spec §7.1): 5 + 3 + 6 + 3 + 2 + 5 + 6 = 30.
_MOCA_DOMAINS = (
    (
        "visuospatial_executive",
        5,
        Text(
            "Visuospatial / executive",
            "Көру-кеңістіктік / атқарушы функциялар",
            "Зрительно-пространственные / исполнительные функции",
        ),
    ),
    ("naming", 3, Text("Naming", "Атау", "Называние")),
    ("attention", 6, Text("Attention", "Зейін", "Внимание")),
    ("language", 3, Text("Language", "Сөйлеу", "Речь")),
    ("abstraction", 2, Text("Abstraction", "Абстракциялау", "Абстрагирование")),
    ("delayed_recall", 5, Text("Delayed recall", "Кешіктірілген еске түсіру", "Отсроченное воспроизведение")),
    ("orientation", 6, Text("Orientation", "Бағдарлау", "Ориентация")),
)
_MOCA_DOMAIN_IDS = tuple(domain_id for domain_id, _, _ in _MOCA_DOMAINS)
_MOCA_DOMAIN_MAX = {domain_id: maximum for domain_id, maximum, _ in _MOCA_DOMAINS}
_MOCA_MAX = 30
# "Add 1 point for an individual who has 12 years or fewer of formal education" (Nasreddine 2005).
_MOCA_EDUCATION_POINT_UP_TO_YEARS = 12

_MOCA_ITEMS = (
    Item(
        "raw_total",
        Text(
            "Raw total, before the education point",
            "Білім ұпайына дейінгі бастапқы жалпы балл",
            "Исходный суммарный балл до поправки на образование",
        ),
        minimum=0,
        maximum=_MOCA_MAX,
        integer=True,
        required=False,
    ),
    # On the form itself: the education point is part of the MoCA scoring, so the years are an item.
    Item(
        "education_years",
        Text("Years of formal education", "Ресми білім алған жылдар саны", "Число лет формального образования"),
        minimum=0,
        maximum=30,
        scored=False,
    ),
) + tuple(
    Item(domain_id, label, minimum=0, maximum=maximum, integer=True, required=False, group="domains")
    for domain_id, maximum, label in _MOCA_DOMAINS
)


def score_moca(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """MoCA total 0–30 from the raw total or the seven domain scores, plus the education point.

    Either ``raw_total`` or the seven domain scores may be entered; both together must agree. One
    point is added when formal education is 12 years or fewer, capped at 30; the band (≥26 normal)
    applies to that adjusted total. ``derived`` keeps the raw total, the years and the point.

    Reference: Nasreddine ZS, Phillips NA, Bédirian V, et al. The Montreal Cognitive Assessment,
    MoCA: a brief screening tool for mild cognitive impairment. J Am Geriatr Soc 2005;53:695–699.
    """
    points = answers.points
    _refuse_contradicting_forms(instrument, answers)
    raw = points.get("raw_total")
    if raw is None:
        raw = sum_if_complete(answers, _MOCA_DOMAIN_IDS)
    subscores = {domain_id: points.get(domain_id) for domain_id in _MOCA_DOMAIN_IDS}
    education = answers.get("education_years")
    derived: dict[str, Any] = {
        "raw_total": raw,
        "education_years": education,
        "education_point": None,
        "adjusted_total": None,
    }
    flags: list[Flag] = []
    if raw is None:
        gaps = unanswered(answers, _MOCA_DOMAIN_IDS)
        partial = partial_sum(answers, _MOCA_DOMAIN_IDS)
        flags.append(Flag("partial_sum", gaps, detail=f"no raw_total; {partial:g} from {7 - len(gaps)} of 7 domains"))
    if education is None:
        flags.append(Flag("education_missing", ("education_years",), detail="the education point cannot be decided"))
    if raw is None or education is None:
        return Scored(total=None, subscores=subscores, flags=flags, derived=derived, complete=False)
    point = 1 if education <= _MOCA_EDUCATION_POINT_UP_TO_YEARS else 0
    adjusted = min(_MOCA_MAX, raw + point)
    derived.update(education_point=point, adjusted_total=adjusted)
    return Scored(total=adjusted, subscores=subscores, flags=flags, derived=derived, complete=True)


def _refuse_contradicting_forms(instrument: Instrument, answers: Answers) -> None:
    """A raw total must be reachable from the domain scores entered beside it."""
    points = answers.points
    raw = points.get("raw_total")
    entered = [d for d in _MOCA_DOMAIN_IDS if d in points]
    if raw is None or not entered:
        return
    low = sum(points[d] for d in entered)
    high = low + sum(_MOCA_DOMAIN_MAX[d] for d in _MOCA_DOMAIN_IDS if d not in points)
    if low <= raw <= high:
        return
    # Formulas rather than prose: the message template around them is translated, these stay exact.
    rule = f"raw_total = Σ = {low}" if high == low else f"raw_total ∈ {low}–{high}"
    raise ScaleError(
        [
            Problem(
                "inconsistent_items",
                item=", ".join(("raw_total", *entered)),
                value=raw,
                allowed=rule,
                instrument=instrument.name,
            )
        ]
    )


MOCA = Instrument(
    code="moca",
    name="MoCA",
    title=Text(
        "Montreal Cognitive Assessment",
        "Монреаль когнитивтік бағалау шкаласы (MoCA)",
        "Монреальская шкала оценки когнитивных функций (MoCA)",
    ),
    version="MoCA (Nasreddine 2005)",
    population=Text(
        "Adults; screening for mild cognitive impairment",
        "Ересектер; жеңіл когнитивтік бұзылыс скринингі",
        "Взрослые; скрининг умеренных когнитивных нарушений",
    ),
    domain="cognition",
    items=_MOCA_ITEMS,
    groups={"domains": Text("Domain scores", "Домендер бойынша балдар", "Баллы по доменам")},
    scorer=score_moca,
    total_range=(0, _MOCA_MAX),
    higher_is_better=True,
    bands=(
        Band(
            0,
            25,
            "below_cutoff",
            Text(
                "Below cut-off (possible impairment)",
                "Шекті мәннен төмен (ықтимал бұзылыс)",
                "Ниже порога (возможное нарушение)",
            ),
        ),
        Band(26, 30, "normal", Text("Normal", "Қалыпты", "Норма")),
    ),
    # No meaningful-change threshold is accepted for the MoCA (spec §7.1, [U]): change is not classified.
    mcid=None,
    loinc=Loinc(panel="72133-2", total="72172-0"),
    licence="Copyright Z. Nasreddine. Administration by certified raters only (mandatory training since 1 Sept 2019); record the rater's certification. Neutral labels only.",
    citation="Nasreddine ZS, Phillips NA, Bédirian V, et al. The Montreal Cognitive Assessment, MoCA. J Am Geriatr Soc 2005;53:695–699.",
    scoring_rule="Raw total 0–30, entered directly or as the sum of seven domains (visuospatial/executive 5, naming 3, attention 6, language 3, abstraction 2, delayed recall 5, orientation 6); both forms together must agree. Plus 1 point when formal education is ≤12 years, capped at 30. Adjusted total ≥26 is normal. No total without the raw total and the years of education.",
    notes=("Many populations need lower or adjusted norms; the ≥26 cut-off is the one of the original validation.",),
)


# --- Mini-Cog -----------------------------------------------------------------------------------

MINICOG = Instrument(
    code="minicog",
    name="Mini-Cog",
    title=Text("Mini-Cog", "Mini-Cog қысқа когнитивтік скрининг", "Mini-Cog краткий когнитивный скрининг"),
    version="Mini-Cog (Borson 2000)",
    population=Text(
        "Adults; brief cognitive screening",
        "Ересектер; қысқа когнитивтік скрининг",
        "Взрослые; краткий когнитивный скрининг",
    ),
    domain="cognition",
    items=(
        Item(
            "recall",
            Text("Words recalled without cues", "Көмексіз есте қалған сөздер", "Слова, воспроизведённые без подсказки"),
            choices=tuple(Choice(value, value) for value in range(4)),
        ),
        # Universal Mini-Cog Form (mini-cog.com, 2016): "inability or refusal to draw a clock
        # (abnormal) = 0 points", so a refusal is entered as 0, not as "not tested".
        Item(
            "clock",
            Text("Clock drawing", "Сағат салу", "Рисование часов"),
            choices=(
                Choice(
                    0,
                    0,
                    Text(
                        "Abnormal, unable or refused",
                        "Қалыпты емес, сала алмады немесе бас тартты",
                        "Нарушено, не смог или отказался",
                    ),
                ),
                Choice(2, 2, Text("Normal", "Қалыпты", "Норма")),
            ),
        ),
    ),
    scorer=additive,
    total_range=(0, 5),
    higher_is_better=True,
    bands=(
        Band(
            0,
            2,
            "positive_screen",
            Text(
                "Positive screen: evaluate further",
                "Скрининг оң: қосымша тексеру қажет",
                "Положительный скрининг: нужно дообследование",
            ),
        ),
        Band(3, 5, "negative_screen", Text("Negative screen", "Скрининг теріс", "Отрицательный скрининг")),
    ),
    mcid=None,
    # LOINC 72233-0 "Total score [Mini-Cog]" confirmed on loinc.org (active; the spec marked it [U]).
    loinc=Loinc(total="72233-0"),
    licence="Copyright S. Borson. Free for clinical use in unmodified form; permission needed for other uses.",
    citation="Borson S, Scanlan J, Brush M, Vitaliano P, Dokmak A. The Mini-Cog: a cognitive 'vital signs' measure for dementia screening in multi-lingual elderly. Int J Geriatr Psychiatry 2000;15:1021–1027.",
    scoring_rule="Total = words recalled without cues (0–3) + clock drawing (normal 2, abnormal 0; inability or refusal scores 0). 0–2 positive screen, 3–5 negative screen. No total when either part is missing.",
    notes=("A negative screen does not rule out cognitive impairment.",),
)

INSTRUMENTS: tuple[Instrument, ...] = (MOCA, MINICOG)
