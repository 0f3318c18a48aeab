"""Stroke instruments: NIHSS (acute severity) and the modified Rankin Scale (global disability).

Both are free to use. Item ids follow the NIHSS booklet ("1a" … "11") and the single mRS grade
("score"); they are part of the registry's interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problem, ScaleError
from .model import Band, Choice, ContextField, Flag, Instrument, Item, Loinc, MeaningfulChange, Scored, Text
from .scoring import Answers, partial_sum

# --- NIHSS --------------------------------------------------------------------------------------

_UNTESTABLE_LIMB = Choice(
    "UN",
    None,
    Text(
        "Untestable: amputation or joint fusion",
        "Тексеруге келмейді: ампутация немесе буын қатаюы",
        "Не оценивается: ампутация или анкилоз сустава",
    ),
)
_UNTESTABLE_SPEECH = Choice(
    "UN",
    None,
    Text(
        "Untestable: intubated or other physical barrier",
        "Тексеруге келмейді: интубация немесе басқа физикалық кедергі",
        "Не оценивается: интубация или другое физическое препятствие",
    ),
)

_NORMAL = Text("Normal", "Қалыпты", "Норма")

_LIMB_MOTOR = (
    Choice(0, 0, Text("No drift", "Төмен түспейді", "Нет опускания")),
    Choice(1, 1, Text("Drift", "Біртіндеп төмен түседі", "Опускание (дрейф)")),
    Choice(
        2,
        2,
        Text(
            "Some effort against gravity", "Ауырлық күшіне біршама қарсы тұрады", "Некоторое усилие против силы тяжести"
        ),
    ),
    Choice(
        3, 3, Text("No effort against gravity", "Ауырлық күшіне қарсы тұра алмайды", "Нет усилия против силы тяжести")
    ),
    Choice(4, 4, Text("No movement", "Қозғалыс жоқ", "Нет движений")),
    _UNTESTABLE_LIMB,
)

# (id, LOINC item code, label, choices) in the order of the NIHSS booklet; LOINC codes as in
# spec §3.1 [V], cross-checked against the LOINC panel 70182-1 as an LForms Questionnaire.
_NIHSS_ITEMS: tuple[tuple[str, str, Text, tuple[Choice, ...]], ...] = (
    ("1a", "70184-7", Text("Level of consciousness", "Сана деңгейі", "Уровень сознания"), (
        Choice(0, 0, Text("Alert", "Сергек", "Ясное сознание")),
        Choice(1, 1, Text("Not alert, arousable by minor stimulation", "Сергек емес, аз тітіркендіргіштен оянады", "Оглушение, пробуждается при лёгкой стимуляции")),
        Choice(2, 2, Text("Not alert, needs repeated or strong stimulation", "Сергек емес, қайталанған не күшті тітіркендіргіш қажет", "Сопор, нужна повторная или сильная стимуляция")),
        Choice(3, 3, Text("Reflex responses only, or unresponsive (coma)", "Тек рефлекторлық жауаптар немесе жауап жоқ (кома)", "Только рефлекторные реакции или нет реакций (кома)")),
    )),
    ("1b", "70185-4", Text("LOC questions (month, age)", "Сана деңгейі: сұрақтар (ай, жас)", "Уровень сознания: вопросы (месяц, возраст)"), (
        Choice(0, 0, Text("Answers both correctly", "Екеуіне де дұрыс жауап береді", "Правильно отвечает на оба вопроса")),
        Choice(1, 1, Text("Answers one correctly", "Біреуіне дұрыс жауап береді", "Правильно отвечает на один вопрос")),
        Choice(2, 2, Text("Answers neither correctly", "Ешқайсысына дұрыс жауап бермейді", "Не отвечает правильно ни на один вопрос")),
    )),
    ("1c", "70186-2", Text("LOC commands (eyes, hand)", "Сана деңгейі: нұсқаулар (көз, қол)", "Уровень сознания: команды (глаза, кисть)"), (
        Choice(0, 0, Text("Performs both tasks", "Екі тапсырманы да орындайды", "Выполняет обе команды")),
        Choice(1, 1, Text("Performs one task", "Бір тапсырманы орындайды", "Выполняет одну команду")),
        Choice(2, 2, Text("Performs neither task", "Ешбір тапсырманы орындамайды", "Не выполняет ни одной команды")),
    )),
    ("2", "70187-0", Text("Best gaze", "Көз алмаларының қозғалысы", "Движения глазных яблок (взор)"), (
        Choice(0, 0, _NORMAL),
        Choice(1, 1, Text("Partial gaze palsy", "Көз қарасының жартылай салдануы", "Частичный паралич взора")),
        Choice(2, 2, Text("Forced deviation or total gaze paresis", "Мәжбүрлі ауытқу немесе толық салдану", "Насильственное отведение или полный паралич взора")),
    )),
    ("3", "70188-8", Text("Visual fields", "Көру өрістері", "Поля зрения"), (
        Choice(0, 0, Text("No visual loss", "Көру жоғалмаған", "Нет нарушений")),
        Choice(1, 1, Text("Partial hemianopia", "Жартылай гемианопсия", "Частичная гемианопсия")),
        Choice(2, 2, Text("Complete hemianopia", "Толық гемианопсия", "Полная гемианопсия")),
        Choice(3, 3, Text("Bilateral hemianopia (blindness)", "Екі жақты гемианопсия (соқырлық)", "Двусторонняя гемианопсия (слепота)")),
    )),
    ("4", "70189-6", Text("Facial palsy", "Бет бұлшықеттерінің салдануы", "Парез мимической мускулатуры"), (
        Choice(0, 0, _NORMAL),
        Choice(1, 1, Text("Minor paralysis", "Жеңіл салдану", "Минимальный парез")),
        Choice(2, 2, Text("Partial paralysis (lower face)", "Жартылай салдану (беттің төменгі бөлігі)", "Частичный паралич (нижняя часть лица)")),
        Choice(3, 3, Text("Complete paralysis", "Толық салдану", "Полный паралич")),
    )),
    ("5a", "70190-4", Text("Motor arm, left", "Қолдың қозғалысы, сол жақ", "Двигательная функция руки, левая"), _LIMB_MOTOR),
    ("5b", "70967-5", Text("Motor arm, right", "Қолдың қозғалысы, оң жақ", "Двигательная функция руки, правая"), _LIMB_MOTOR),
    ("6a", "70191-2", Text("Motor leg, left", "Аяқтың қозғалысы, сол жақ", "Двигательная функция ноги, левая"), _LIMB_MOTOR),
    ("6b", "70968-3", Text("Motor leg, right", "Аяқтың қозғалысы, оң жақ", "Двигательная функция ноги, правая"), _LIMB_MOTOR),
    ("7", "70192-0", Text("Limb ataxia", "Аяқ-қол атаксиясы", "Атаксия конечностей"), (
        Choice(0, 0, Text("Absent", "Жоқ", "Отсутствует")),
        Choice(1, 1, Text("Present in one limb", "Бір аяқ-қолда бар", "В одной конечности")),
        Choice(2, 2, Text("Present in two limbs", "Екі аяқ-қолда бар", "В двух конечностях")),
        _UNTESTABLE_LIMB,
    )),
    ("8", "70193-8", Text("Sensory", "Сезімталдық", "Чувствительность"), (
        Choice(0, 0, _NORMAL),
        Choice(1, 1, Text("Mild-to-moderate loss", "Жеңіл немесе орташа төмендеу", "Лёгкое или умеренное снижение")),
        Choice(2, 2, Text("Severe or total loss", "Ауыр немесе толық жоғалу", "Тяжёлое или полное выпадение")),
    )),
    ("9", "70194-6", Text("Best language", "Сөйлеу (афазия)", "Речь (афазия)"), (
        Choice(0, 0, Text("No aphasia", "Афазия жоқ", "Нет афазии")),
        Choice(1, 1, Text("Mild-to-moderate aphasia", "Жеңіл немесе орташа афазия", "Лёгкая или умеренная афазия")),
        Choice(2, 2, Text("Severe aphasia", "Ауыр афазия", "Тяжёлая афазия")),
        Choice(3, 3, Text("Mute, global aphasia", "Мутизм, тотальды афазия", "Мутизм, тотальная афазия")),
    )),
    ("10", "70195-3", Text("Dysarthria", "Дизартрия", "Дизартрия"), (
        Choice(0, 0, _NORMAL),
        Choice(1, 1, Text("Mild-to-moderate dysarthria", "Жеңіл немесе орташа дизартрия", "Лёгкая или умеренная дизартрия")),
        Choice(2, 2, Text("Severe dysarthria or anarthria", "Ауыр дизартрия немесе анартрия", "Тяжёлая дизартрия или анартрия")),
        _UNTESTABLE_SPEECH,
    )),
    ("11", "70196-1", Text("Extinction and inattention", "Сөну және елемеу (неглект)", "Угасание и игнорирование (неглект)"), (
        Choice(0, 0, Text("No abnormality", "Бұзылыс жоқ", "Нет нарушений")),
        Choice(1, 1, Text("Inattention in one sensory modality", "Бір сенсорлық модальдылықта елемеу", "Игнорирование в одной сенсорной модальности")),
        Choice(2, 2, Text("Profound hemi-inattention, more than one modality", "Бірнеше модальдылықта айқын жартылай елемеу", "Выраженное игнорирование более чем в одной модальности")),
    )),
)  # fmt: skip

_NIHSS_IDS = tuple(item_id for item_id, _, _, _ in _NIHSS_ITEMS)
_NIHSS_MAX_POINTS = {
    item_id: max(c.points for c in choices if c.points is not None) for item_id, _, _, choices in _NIHSS_ITEMS
}
_NIHSS_MAX = sum(_NIHSS_MAX_POINTS.values())

# NIHSS booklet, items 8 and 9: a patient in coma (1a = 3) is given 2 on sensory and 3 on language.
# Other "coma defaults" used by some calculators are not explicit in the guide (spec §3.1 [U]) and
# are therefore neither enforced nor filled in.
_COMA_RULES = (("8", 2), ("9", 3))

# LOINC answers of the assessment interval 70183-9, as listed in the LOINC panel 70182-1 (LForms
# NIHSS Questionnaire, paciowg/sample-data-fsh input/fsh/EX_other_questionnaire.fsh).
NIHSS_INTERVALS: dict[str, tuple[Text, str]] = {
    "baseline": (Text("Baseline", "Бастапқы", "Исходно"), "LA16758-7"),
    "2h_post_treatment": (Text("2 hours after treatment", "Емнен кейін 2 сағат", "Через 2 часа после лечения"), "LA18432-7"),
    "24h_after_onset": (Text("24 hours after onset (±20 min)", "Басталғаннан кейін 24 сағат (±20 мин)", "Через 24 часа от начала (±20 мин)"), "LA18433-5"),
    "7_10_days": (Text("7–10 days", "7–10 күн", "7–10 дней"), "LA18434-3"),
    "3_months": (Text("3 months", "3 ай", "3 месяца"), "LA18435-0"),
    "other": (Text("Other", "Басқа", "Другое"), "LA46-8"),
}  # fmt: skip

# The same Questionnaire gives UN a LOINC answer code (spec §11.9 had found none): LA18461-6
# "Amputation or joint fusion" on items 5a–7, LA18477-2 "Intubated or other physical barrier" on 10.
NIHSS_UN_LOINC_ANSWERS: dict[str, str] = {"5a": "LA18461-6", "5b": "LA18461-6", "6a": "LA18461-6", "6b": "LA18461-6", "7": "LA18461-6", "10": "LA18477-2"}  # fmt: skip


def score_nihss(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """NIHSS total = sum of the 15 scored entries (0–42); ``UN`` scores no points.

    ``UN`` (untestable: amputation or joint fusion on 5a–7, intubation or another physical barrier on
    10) is a valid answer, not a missing one: the total counts it as 0, which is what the NIHSS
    booklet prescribes ("UN" adds nothing), so ``total`` equals ``total_with_un_as_0``. Every UN is
    flagged and counted (``n_un``), and ``testable_maximum`` says how high the total could have
    gone. A missing item leaves no total (no proration in the booklet). A coma (1a = 3) with item 8
    other than 2 or item 9 other than 3 contradicts the booklet and is refused.

    References: Brott T et al. Stroke 1989;20:864–870; NINDS NIH Stroke Scale booklet (item
    instructions 1a, 5–7, 8, 9, 10).
    """
    _refuse_coma_contradictions(instrument, answers)
    un_items = tuple(i for i in _NIHSS_IDS if answers.get(i) == "UN")
    gaps = tuple(i for i in _NIHSS_IDS if i not in answers)
    flags: list[Flag] = []
    if un_items:
        flags.append(
            Flag("untestable_items", un_items, detail=f"{len(un_items)} item(s) UN: no points, explanation required")
        )
    derived: dict[str, Any] = {
        "n_un": len(un_items),
        "un_items": list(un_items),
        "testable_maximum": _NIHSS_MAX - sum(_NIHSS_MAX_POINTS[i] for i in un_items),
    }
    if gaps:
        answered = len(_NIHSS_IDS) - len(gaps)
        flags.append(
            Flag("partial_sum", gaps, detail=f"{partial_sum(answers, _NIHSS_IDS):g} from {answered} of 15 items")
        )
        derived["total_with_un_as_0"] = None
        return Scored(total=None, flags=flags, derived=derived)
    total = partial_sum(answers, _NIHSS_IDS)
    derived["total_with_un_as_0"] = total
    return Scored(total=total, flags=flags, derived=derived)


def _refuse_coma_contradictions(instrument: Instrument, answers: Answers) -> None:
    if answers.points.get("1a") != 3:
        return
    problems = [
        Problem("inconsistent_items", item=f"1a, {item_id}", value=f"1a = 3, {item_id} = {answers.points[item_id]}", allowed=f"1a = 3 → {item_id} = {required}", instrument=instrument.name)
        for item_id, required in _COMA_RULES
        if item_id in answers.points and answers.points[item_id] != required
    ]  # fmt: skip
    if problems:
        raise ScaleError(problems)


NIHSS = Instrument(
    code="nihss",
    name="NIHSS",
    title=Text(
        "National Institutes of Health Stroke Scale",
        "АҚШ Ұлттық денсаулық институттарының инсульт шкаласы (NIHSS)",
        "Шкала инсульта Национальных институтов здоровья США (NIHSS)",
    ),
    version="NIHSS (NINDS booklet, 15 scored entries)",
    population=Text("Adults with acute stroke", "Жедел инсульті бар ересектер", "Взрослые с острым инсультом"),
    domain="stroke",
    items=tuple(Item(item_id, label, choices=choices) for item_id, _, label, choices in _NIHSS_ITEMS),
    scorer=score_nihss,
    total_range=(0, 42),
    higher_is_better=False,
    # No primary source was found for these widely used severity bands (spec §3.1 and §11.9 [U]);
    # they are kept as the registry's convention and versioned with the rule.
    bands=(
        Band(0, 0, "no_symptoms", Text("No stroke symptoms", "Инсульт белгілері жоқ", "Нет симптомов инсульта")),
        Band(1, 4, "minor", Text("Minor stroke", "Жеңіл инсульт", "Лёгкий инсульт")),
        Band(5, 15, "moderate", Text("Moderate stroke", "Орташа ауырлықтағы инсульт", "Инсульт средней тяжести")),
        Band(
            16,
            20,
            "moderate_to_severe",
            Text("Moderate to severe stroke", "Орташа ауыр және ауыр инсульт", "Инсульт от средней до тяжёлой степени"),
        ),
        Band(21, 42, "severe", Text("Severe stroke", "Ауыр инсульт", "Тяжёлый инсульт")),
    ),
    # Not a validated MCID: a change of ≥4 points is the trial convention for "major neurological
    # improvement" (the 24-hour end point of the NINDS rt-PA trial) and, rising, for "early
    # neurological deterioration" (spec §3.1 [K/U]).
    mcid=MeaningfulChange(
        4,
        "NINDS rt-PA Stroke Study Group. N Engl J Med 1995;333:1581–1587 (≥4-point improvement as the 24-hour end point)",
        note="Trial convention, not a validated MCID; a rise of ≥4 is the usual definition of early neurological deterioration.",
    ),
    loinc=Loinc(panel="70182-1", total="72089-6", items={item_id: code for item_id, code, _, _ in _NIHSS_ITEMS}),
    licence="Public domain (NINDS); free to use. Certification of raters is recommended.",
    context=(
        ContextField(
            "interval",
            Text(
                "Assessment interval (LOINC 70183-9)",
                "Бағалау кезеңі (LOINC 70183-9)",
                "Интервал оценки (LOINC 70183-9)",
            ),
            "choice",
            choices=tuple(NIHSS_INTERVALS),
        ),
    ),
    citation="Brott T, Adams HP Jr, Olinger CP, et al. Measurements of acute cerebral infarction: a clinical examination scale. Stroke 1989;20:864–870. NINDS NIH Stroke Scale booklet.",
    scoring_rule="Sum of the 15 scored entries 1a–11 (0–42). UN (5a–7: amputation or joint fusion; 10: intubation or physical barrier) adds no points, is flagged and counted (n_un). No total if any item is missing. Coma (1a = 3) requires 8 = 2 and 9 = 3.",
    notes=(
        "UN needs a written explanation on the form; keep it with the assessment.",
        "Ataxia (7) scores 0 when the patient cannot understand or is paralysed; that judgment stays with the rater.",
        "Record the assessment interval (70183-9) so that admission, 24-hour and discharge scores are distinguishable.",
    ),
)


# --- modified Rankin Scale ----------------------------------------------------------------------

_MRS_GRADES = (
    Choice(0, 0, Text("No symptoms", "Белгілер жоқ", "Нет симптомов")),
    Choice(1, 1, Text("No significant disability despite symptoms", "Белгілер бар, бірақ елеулі мүгедектік жоқ", "Нет значимых нарушений жизнедеятельности, несмотря на симптомы")),
    Choice(2, 2, Text("Slight disability", "Жеңіл мүгедектік", "Лёгкое нарушение жизнедеятельности")),
    Choice(3, 3, Text("Moderate disability: needs some help, walks unassisted", "Орташа мүгедектік: біраз көмек қажет, өздігінен жүреді", "Умеренное нарушение: нужна некоторая помощь, ходит без посторонней помощи")),
    Choice(4, 4, Text("Moderately severe disability: cannot walk or attend to bodily needs without help", "Орташа ауыр мүгедектік: көмексіз жүре алмайды және өзін күте алмайды", "Выраженное нарушение: не может ходить и обслуживать себя без помощи")),
    Choice(5, 5, Text("Severe disability: bedbound, needs constant care", "Ауыр мүгедектік: төсек тартып жатыр, тұрақты күтім қажет", "Тяжёлое нарушение: прикован к постели, нужен постоянный уход")),
    Choice(6, 6, Text("Dead", "Қайтыс болды", "Смерть")),
)  # fmt: skip

# Dichotomies used as outcomes at 90 days (spec §3.2 [V]: HL7 FHIR EvidenceVariable examples).
_MRS_EXCELLENT_MAX = 1
_MRS_INDEPENDENT_MAX = 2


def score_mrs(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """mRS total = the grade itself (0–6), with the usual outcome dichotomies as derived values.

    ``excellent_outcome`` is mRS 0–1 and ``functional_independence`` mRS 0–2, the dichotomies
    used for 90-day outcomes beside the ordinal shift analysis.

    References: Rankin J. Scott Med J 1957;2:200–215; van Swieten JC et al. Stroke
    1988;19:604–607 (the grades as used today).
    """
    grade = answers.points.get("score")
    if grade is None:
        return Scored(total=None, flags=[Flag("partial_sum", ("score",), detail="no grade")])
    derived = {
        "excellent_outcome": grade <= _MRS_EXCELLENT_MAX,
        "functional_independence": grade <= _MRS_INDEPENDENT_MAX,
    }
    return Scored(total=grade, derived=derived)


MRS = Instrument(
    code="mrs",
    name="mRS",
    title=Text("modified Rankin Scale", "Түрлендірілген Рэнкин шкаласы (mRS)", "Модифицированная шкала Рэнкина (mRS)"),
    version="mRS (van Swieten 1988)",
    population=Text(
        "Adults after stroke; global disability",
        "Инсульттан кейінгі ересектер; жалпы тіршілік әрекетінің шектелуі",
        "Взрослые после инсульта; общее нарушение жизнедеятельности",
    ),
    domain="stroke",
    items=(Item("score", Text("mRS grade", "mRS дәрежесі", "Степень по mRS"), choices=_MRS_GRADES),),
    scorer=score_mrs,
    total_range=(0, 6),
    higher_is_better=False,
    bands=(
        Band(
            0,
            2,
            "independent",
            Text("Functionally independent (0–2)", "Функционалдық тәуелсіз (0–2)", "Функционально независим (0–2)"),
        ),
        Band(3, 5, "dependent", Text("Dependent (3–5)", "Тәуелді (3–5)", "Зависим (3–5)")),
        Band(6, 6, "dead", Text("Dead", "Қайтыс болды", "Смерть")),
    ),
    mcid=None,  # analysed as an ordinal shift or by dichotomy, not by a point threshold (spec §3.2)
    loinc=Loinc(total="75859-9", items={"score": "75859-9"}),
    licence="Free to use.",
    context=(
        ContextField(
            "method",
            Text("How the grade was obtained", "Дәреже қалай анықталды", "Способ определения степени"),
            "choice",
            choices=("unstructured", "structured_interview", "questionnaire_9q"),
        ),
        ContextField(
            "reference_period",
            Text(
                "Status graded (before the stroke or now)",
                "Бағаланған жағдай (инсультке дейін немесе қазір)",
                "Оцениваемое состояние (до инсульта или текущее)",
            ),
            "choice",
            choices=("pre_stroke", "current"),
        ),
    ),
    citation="van Swieten JC, Koudstaal PJ, Visser MC, Schouten HJ, van Gijn J. Interobserver agreement for the assessment of handicap in stroke patients. Stroke 1988;19:604–607. Rankin J. Scott Med J 1957;2:200–215.",
    scoring_rule="The grade 0–6 is the score. Derived: excellent outcome (0–1) and functional independence (0–2).",
    notes=(
        "Methods: structured interview (Wilson 2002) or the simplified questionnaire mRS-9Q (Bruno 2011); record which.",
        "A pre-stroke grade (by history) is recorded with reference_period = pre_stroke.",
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (NIHSS, MRS)
