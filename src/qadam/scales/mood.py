"""Mood instruments: PHQ-9 (and, beside it, HADS and EQ-5D-5L).

Licensed instruments are stored under neutral labels only; no official item wording is embedded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Band, Choice, ContextField, Flag, Instrument, Item, Loinc, MeaningfulChange, Scored, Text
from .scoring import Answers, partial_sum, sum_if_complete, unanswered

# --- PHQ-9 --------------------------------------------------------------------------------------

_PHQ9_FREQUENCY = (
    Choice(0, 0, Text("Not at all", "Мүлдем жоқ", "Ни разу")),
    Choice(1, 1, Text("Several days", "Бірнеше күн", "Несколько дней")),
    Choice(2, 2, Text("More than half the days", "Күндердің жартысынан көбі", "Более половины дней")),
    Choice(3, 3, Text("Nearly every day", "Күн сайын дерлік", "Почти каждый день")),
)

_PHQ9_ITEMS = (
    ("1", "44250-9", Text("Little interest or pleasure", "Қызығушылық пен ләззаттың аздығы", "Снижение интереса и удовольствия")),
    ("2", "44255-8", Text("Feeling down or hopeless", "Көңіл-күйдің түсуі, үмітсіздік", "Подавленность, безнадёжность")),
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
    Text("Difficulty caused by these problems (not scored)", "Осы мәселелер тудырған қиындық (есептелмейді)", "Затруднения из-за этих проблем (не учитывается)"),
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
    title=Text("Patient Health Questionnaire-9", "Пациенттің денсаулық сауалнамасы-9 (PHQ-9)", "Опросник здоровья пациента-9 (PHQ-9)"),
    version="PHQ-9 (Kroenke 2001)",
    population=Text("Adolescents and adults; depression screening and severity", "Жасөспірімдер мен ересектер; депрессия скринингі және ауырлығы", "Подростки и взрослые; скрининг и тяжесть депрессии"),
    domain="mood",
    items=tuple(Item(item_id, label, choices=_PHQ9_FREQUENCY) for item_id, _, label in _PHQ9_ITEMS) + (_PHQ9_DIFFICULTY,),
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

INSTRUMENTS: tuple[Instrument, ...] = (PHQ9,)
