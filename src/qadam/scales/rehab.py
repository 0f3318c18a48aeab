"""Neurorehabilitation instruments: Barthel Index, Fugl-Meyer (upper and lower extremity motor),
Modified Ashworth Scale, Berg Balance Scale and Goal Attainment Scaling.

All five are free to use. Item ids are part of the registry's interface: Barthel by activity, FMA
by movement, MAS by muscle group and side, Berg "1"…"14" in the standard order, GAS by goal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import Problem, ScaleError
from .model import (
    Band,
    Choice,
    ContextField,
    Flag,
    Instrument,
    Item,
    Loinc,
    MeaningfulChange,
    Scored,
    Subscale,
    Text,
)
from .scoring import Answers, partial_sum, sum_if_complete, unanswered

_INDEPENDENT = Text("Independent", "Тәуелсіз", "Самостоятельно")
_DEPENDENT = Text("Dependent", "Тәуелді", "Зависим от помощи")
_NEEDS_HELP = Text("Needs help", "Көмек қажет", "Нужна помощь")
_OCCASIONAL_ACCIDENT = Text("Occasional accident", "Кейде ұстай алмайды", "Эпизодическое недержание")
_CONTINENT = Text("Continent", "Толық ұстайды", "Полный контроль")

# --- Barthel Index (10 items, 0–100) ------------------------------------------------------------

# (id, LOINC item code [V, spec §3.3], label, choices as points of the 100-point form)
_BARTHEL_ITEMS: tuple[tuple[str, str, Text, tuple[Choice, ...]], ...] = (
    ("feeding", "83184-2", Text("Feeding", "Тамақтану", "Приём пищи"), (
        Choice(0, 0, Text("Unable", "Өздігінен жей алмайды", "Не может есть сам")),
        Choice(5, 5, Text("Needs help cutting or spreading", "Кесуге, жағуға көмек қажет", "Нужна помощь, чтобы нарезать или намазать")),
        Choice(10, 10, _INDEPENDENT),
    )),
    ("bathing", "83181-8", Text("Bathing", "Жуыну (ванна, душ)", "Приём ванны или душа"), (
        Choice(0, 0, _DEPENDENT),
        Choice(5, 5, _INDEPENDENT),
    )),
    ("grooming", "96767-9", Text("Grooming (face, hair, teeth, shaving)", "Жеке гигиена (бет, шаш, тіс, қырыну)", "Личная гигиена (лицо, волосы, зубы, бритьё)"), (
        Choice(0, 0, _NEEDS_HELP),
        Choice(5, 5, _INDEPENDENT),
    )),
    ("dressing", "83182-6", Text("Dressing", "Киіну", "Одевание"), (
        Choice(0, 0, _DEPENDENT),
        Choice(5, 5, Text("Needs help, does about half unaided", "Көмек қажет, жартысын өзі істейді", "Нужна помощь, половину делает сам")),
        Choice(10, 10, Text("Independent (buttons, zips, laces)", "Тәуелсіз (түйме, сырма, бау)", "Самостоятельно (пуговицы, молнии, шнурки)")),
    )),
    ("bowels", "96759-6", Text("Bowels", "Нәжісті ұстау", "Контроль дефекации"), (
        Choice(0, 0, Text("Incontinent or needs enemas", "Ұстай алмайды немесе клизма қажет", "Недержание или нужны клизмы")),
        Choice(5, 5, _OCCASIONAL_ACCIDENT),
        Choice(10, 10, _CONTINENT),
    )),
    ("bladder", "96760-4", Text("Bladder", "Несепті ұстау", "Контроль мочеиспускания"), (
        Choice(0, 0, Text("Incontinent, or catheter not self-managed", "Ұстай алмайды немесе катетерді өзі күте алмайды", "Недержание или катетер, с которым не справляется сам")),
        Choice(5, 5, _OCCASIONAL_ACCIDENT),
        Choice(10, 10, _CONTINENT),
    )),
    ("toilet", "83183-4", Text("Toilet use", "Дәретхананы пайдалану", "Пользование туалетом"), (
        Choice(0, 0, _DEPENDENT),
        Choice(5, 5, Text("Needs some help", "Біраз көмек қажет", "Нужна некоторая помощь")),
        Choice(10, 10, _INDEPENDENT),
    )),
    ("transfers", "83185-9", Text("Transfers (bed to chair and back)", "Орын ауыстыру (төсектен орындыққа және кері)", "Перемещение (кровать — кресло и обратно)"), (
        Choice(0, 0, Text("Unable, no sitting balance", "Мүмкін емес, отырғанда тепе-теңдік жоқ", "Не может, не удерживает равновесие сидя")),
        Choice(5, 5, Text("Major help (one or two people), can sit", "Үлкен көмек (бір-екі адам), отыра алады", "Значительная помощь (1–2 человека), может сидеть")),
        Choice(10, 10, Text("Minor help (verbal or physical)", "Аздаған көмек (ауызша немесе физикалық)", "Небольшая помощь (словесная или физическая)")),
        Choice(15, 15, _INDEPENDENT),
    )),
    ("mobility", "83186-7", Text("Mobility on level surfaces", "Тегіс бетте жүріп-тұру", "Передвижение по ровной поверхности"), (
        Choice(0, 0, Text("Immobile or under 50 yards (45 m)", "Қозғала алмайды немесе 45 м-ден аз", "Не передвигается или менее 45 м")),
        Choice(5, 5, Text("Wheelchair independent over 45 m", "Мүгедектер арбасымен өздігінен 45 м-ден астам", "Самостоятельно в кресле-коляске более 45 м")),
        Choice(10, 10, Text("Walks with help of one person over 45 m", "Бір адамның көмегімен 45 м-ден астам жүреді", "Ходит с помощью одного человека более 45 м")),
        Choice(15, 15, Text("Independent over 45 m (may use an aid)", "45 м-ден астам өздігінен (құралмен болуы мүмкін)", "Самостоятельно более 45 м (возможно, со средством опоры)")),
    )),
    ("stairs", "96758-8", Text("Stairs", "Баспалдақ", "Подъём по лестнице"), (
        Choice(0, 0, Text("Unable", "Мүмкін емес", "Не может")),
        Choice(5, 5, _NEEDS_HELP),
        Choice(10, 10, _INDEPENDENT),
    )),
)  # fmt: skip

_BARTHEL_IDS = tuple(item_id for item_id, _, _, _ in _BARTHEL_ITEMS)
# Collin C, Wade DT et al. Int Disabil Stud 1988: the 0–20 form scores each step 1 instead of 5.
_BARTHEL_POINTS_PER_STEP = 5


def score_barthel(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """Barthel Index total = sum of the 10 activities on the 100-point form (0–100).

    Only the point values of the 100-point form are accepted for each activity. The 0–20 version
    (Collin & Wade 1988) is derived as total ÷ 5. The manual defines no missing-item rule, so a
    missing activity leaves no total (the partial sum is flagged).

    References: Mahoney FI, Barthel DW. Md State Med J 1965;14:61–65; Collin C, Wade DT, Davies S,
    Horne V. Int Disabil Stud 1988;10:61–63.
    """
    total = sum_if_complete(answers, _BARTHEL_IDS)
    if total is None:
        gaps = unanswered(answers, _BARTHEL_IDS)
        detail = f"{partial_sum(answers, _BARTHEL_IDS):g} from {len(_BARTHEL_IDS) - len(gaps)} of 10 items"
        return Scored(total=None, flags=[Flag("partial_sum", gaps, detail=detail)], derived={"total_0_20": None})
    return Scored(total=total, derived={"total_0_20": total // _BARTHEL_POINTS_PER_STEP})


BARTHEL = Instrument(
    code="barthel",
    name="Barthel Index",
    title=Text(
        "Barthel Index of activities of daily living",
        "Бартел индексі (күнделікті тіршілік әрекеттері)",
        "Индекс Бартел (повседневная активность)",
    ),
    version="Barthel Index, 10 items, 100-point form",
    population=Text(
        "Adults with stroke or other neurological disability",
        "Инсульт немесе басқа неврологиялық бұзылысы бар ересектер",
        "Взрослые после инсульта или с другими неврологическими нарушениями",
    ),
    domain="rehabilitation",
    items=tuple(Item(item_id, label, choices=choices) for item_id, _, label, choices in _BARTHEL_ITEMS),
    scorer=score_barthel,
    total_range=(0, 100),
    higher_is_better=True,
    # Shah S, Vanclay F, Cooper B. J Clin Epidemiol 1989;42:703–709 (spec §3.3 [K]).
    bands=(
        Band(0, 20, "total", Text("Total dependency", "Толық тәуелділік", "Полная зависимость")),
        Band(21, 60, "severe", Text("Severe dependency", "Ауыр тәуелділік", "Выраженная зависимость")),
        Band(61, 90, "moderate", Text("Moderate dependency", "Орташа тәуелділік", "Умеренная зависимость")),
        Band(91, 99, "slight", Text("Slight dependency", "Жеңіл тәуелділік", "Лёгкая зависимость")),
        Band(100, 100, "independent", Text("Independent", "Тәуелсіз", "Независимость")),
    ),
    mcid=MeaningfulChange(
        9.25,
        "Hsieh YW, Wang CH, Wu SC, et al. Neurorehabil Neural Repair 2007;21:233–238 (1.85 on the 0–20 form × 5)",
        note="Scores move in steps of 5, so a change of at least 10 points is meaningful.",
    ),
    loinc=Loinc(total="96761-2", items={item_id: code for item_id, code, _, _ in _BARTHEL_ITEMS}),
    licence="Free to use.",
    citation="Mahoney FI, Barthel DW. Functional evaluation: the Barthel Index. Md State Med J 1965;14:61–65. Collin C, Wade DT, Davies S, Horne V. The Barthel ADL Index: a reliability study. Int Disabil Stud 1988;10:61–63.",
    scoring_rule="Sum of the 10 activities on the 100-point form (0–100); only the form's point values are accepted. 0–20 version = total ÷ 5 (derived). No total if an activity is missing.",
    notes=(
        "Bands by Shah, Vanclay & Cooper 1989; the spec's panel LOINC code was not found, only the total (96761-2) and item codes.",
    ),
)


# --- Fugl-Meyer Assessment, motor (upper 0–66, lower 0–34) -------------------------------------

_NONE_PARTIAL_FULL = (
    Choice(0, 0, Text("None", "Жоқ", "Не выполняет")),
    Choice(1, 1, Text("Partial", "Ішінара", "Частично")),
    Choice(2, 2, Text("Full", "Толық", "Полностью")),
)
# Part I reflexes are scored 0 or 2 only (FMA protocol, University of Gothenburg).
_REFLEX = (
    Choice(0, 0, Text("No reflex activity", "Рефлекс шақырылмайды", "Рефлекс не вызывается")),
    Choice(2, 2, Text("Reflex activity can be elicited", "Рефлекс шақырылады", "Рефлекс вызывается")),
)
# "Normal reflex activity" is 0/1/2, not 0/2: it grades hyperreflexia across three reflexes.
_NORMAL_REFLEX = (
    Choice(0, 0, Text("2 or 3 reflexes markedly hyperactive", "2 немесе 3 рефлекс айқын күшейген", "2 или 3 рефлекса резко повышены")),
    Choice(1, 1, Text("1 reflex markedly hyperactive or at least 2 lively", "1 рефлекс айқын күшейген немесе кемінде 2-еуі жанды", "1 рефлекс резко повышен или не менее 2 оживлены")),
    Choice(2, 2, Text("At most 1 lively, none hyperactive", "Ең көбі 1-еуі жанды, күшейгені жоқ", "Не более 1 оживлён, повышенных нет")),
)  # fmt: skip
_TREMOR = (
    Choice(0, 0, Text("Marked", "Айқын", "Выраженный")),
    Choice(1, 1, Text("Slight", "Болмашы", "Лёгкий")),
    Choice(2, 2, Text("None", "Жоқ", "Нет")),
)
_DYSMETRIA = (
    Choice(0, 0, Text("Pronounced or unsystematic", "Айқын немесе жүйесіз", "Выраженная или несистематическая")),
    Choice(1, 1, Text("Slight and systematic", "Болмашы және жүйелі", "Лёгкая и систематическая")),
    Choice(2, 2, Text("None", "Жоқ", "Нет")),
)
_TIME = (
    Choice(0, 0, Text("6 s or more slower than the unaffected side", "Зақымданбаған жақтан 6 с немесе одан көп баяу", "Медленнее здоровой стороны на 6 с и более")),
    Choice(1, 1, Text("2–5 s slower", "2–5 с баяу", "Медленнее на 2–5 с")),
    Choice(2, 2, Text("Less than 2 s difference", "Айырмашылық 2 с-тан аз", "Разница менее 2 с")),
)  # fmt: skip

_FMA_GROUPS = {
    "reflex": Text("I. Reflex activity", "I. Рефлекторлық белсенділік", "I. Рефлекторная активность"),
    "flexor_synergy": Text("II. Flexor synergy", "II. Бүгуші синергия", "II. Сгибательная синергия"),
    "extensor_synergy": Text("II. Extensor synergy", "II. Жазушы синергия", "II. Разгибательная синергия"),
    "mixing_synergies": Text("III. Movements mixing synergies", "III. Синергияларды үйлестіретін қозғалыстар", "III. Движения, сочетающие синергии"),
    "little_or_no_synergy": Text("IV. Movements with little or no synergy", "IV. Синергиясы аз немесе жоқ қозғалыстар", "IV. Движения с минимальной синергией или без неё"),
    "normal_reflex": Text("V. Normal reflex activity", "V. Қалыпты рефлекторлық белсенділік", "V. Нормальная рефлекторная активность"),
    "wrist": Text("B. Wrist", "B. Білезік буыны", "B. Лучезапястный сустав"),
    "hand": Text("C. Hand", "C. Қол басы", "C. Кисть"),
    "coordination": Text("Coordination / speed", "Үйлесімділік / жылдамдық", "Координация / скорость"),
}  # fmt: skip

_SIDE_CONTEXT = ContextField(
    "side",
    Text("Side assessed (affected side)", "Бағаланған жақ (зақымданған жақ)", "Оцениваемая сторона (поражённая)"),
    "choice",
    choices=("L", "R"),
    required=True,
)

# (id, group, label, choices); choices default to none/partial/full.
_FMA_UE_ITEMS: tuple[tuple[str, str, Text, tuple[Choice, ...]], ...] = (
    ("reflex_flexors", "reflex", Text("Flexor reflexes (biceps, finger flexors)", "Бүгуші рефлекстер (екі басты бұлшықет, саусақ бүгушілері)", "Рефлексы сгибателей (бицепс, сгибатели пальцев)"), _REFLEX),
    ("reflex_extensors", "reflex", Text("Extensor reflex (triceps)", "Жазушы рефлекс (үш басты бұлшықет)", "Рефлекс разгибателей (трицепс)"), _REFLEX),
    ("flexor_shoulder_retraction", "flexor_synergy", Text("Shoulder retraction", "Иықты артқа тарту", "Ретракция плеча"), _NONE_PARTIAL_FULL),
    ("flexor_shoulder_elevation", "flexor_synergy", Text("Shoulder elevation", "Иықты көтеру", "Элевация плеча"), _NONE_PARTIAL_FULL),
    ("flexor_shoulder_abduction", "flexor_synergy", Text("Shoulder abduction (90°)", "Иықты әкету (90°)", "Отведение плеча (90°)"), _NONE_PARTIAL_FULL),
    ("flexor_shoulder_external_rotation", "flexor_synergy", Text("Shoulder external rotation", "Иықты сыртқа айналдыру", "Наружная ротация плеча"), _NONE_PARTIAL_FULL),
    ("flexor_elbow_flexion", "flexor_synergy", Text("Elbow flexion", "Шынтақты бүгу", "Сгибание в локте"), _NONE_PARTIAL_FULL),
    ("flexor_forearm_supination", "flexor_synergy", Text("Forearm supination", "Білекті супинациялау", "Супинация предплечья"), _NONE_PARTIAL_FULL),
    ("extensor_shoulder_adduction", "extensor_synergy", Text("Shoulder adduction / internal rotation", "Иықты әкелу / ішке айналдыру", "Приведение / внутренняя ротация плеча"), _NONE_PARTIAL_FULL),
    ("extensor_elbow_extension", "extensor_synergy", Text("Elbow extension", "Шынтақты жазу", "Разгибание в локте"), _NONE_PARTIAL_FULL),
    ("extensor_forearm_pronation", "extensor_synergy", Text("Forearm pronation", "Білекті пронациялау", "Пронация предплечья"), _NONE_PARTIAL_FULL),
    ("mixing_hand_to_lumbar_spine", "mixing_synergies", Text("Hand to lumbar spine", "Қолды бел омыртқасына апару", "Кисть к пояснице"), _NONE_PARTIAL_FULL),
    ("mixing_shoulder_flexion_0_90", "mixing_synergies", Text("Shoulder flexion 0–90°", "Иықты бүгу 0–90°", "Сгибание плеча 0–90°"), _NONE_PARTIAL_FULL),
    ("mixing_pronation_supination_elbow_90", "mixing_synergies", Text("Pronation-supination, elbow at 90°", "Пронация-супинация, шынтақ 90°", "Пронация-супинация, локоть 90°"), _NONE_PARTIAL_FULL),
    ("isolated_shoulder_abduction_0_90", "little_or_no_synergy", Text("Shoulder abduction 0–90°", "Иықты әкету 0–90°", "Отведение плеча 0–90°"), _NONE_PARTIAL_FULL),
    ("isolated_shoulder_flexion_90_180", "little_or_no_synergy", Text("Shoulder flexion 90–180°", "Иықты бүгу 90–180°", "Сгибание плеча 90–180°"), _NONE_PARTIAL_FULL),
    ("isolated_pronation_supination_elbow_0", "little_or_no_synergy", Text("Pronation-supination, elbow at 0°", "Пронация-супинация, шынтақ 0°", "Пронация-супинация, локоть 0°"), _NONE_PARTIAL_FULL),
    ("normal_reflex_activity", "normal_reflex", Text("Normal reflex activity (biceps, finger flexors, triceps)", "Қалыпты рефлекторлық белсенділік (екі басты, саусақ бүгушілері, үш басты)", "Нормальная рефлекторная активность (бицепс, сгибатели пальцев, трицепс)"), _NORMAL_REFLEX),
    ("wrist_stability_elbow_90", "wrist", Text("Wrist stability at 15° dorsiflexion, elbow at 90°", "Білезіктің 15° жазылуда тұрақтылығы, шынтақ 90°", "Стабильность запястья при разгибании 15°, локоть 90°"), _NONE_PARTIAL_FULL),
    ("wrist_flexion_extension_elbow_90", "wrist", Text("Repeated wrist flexion/extension, elbow at 90°", "Білезікті қайталап бүгу/жазу, шынтақ 90°", "Повторное сгибание/разгибание запястья, локоть 90°"), _NONE_PARTIAL_FULL),
    ("wrist_stability_elbow_0", "wrist", Text("Wrist stability at 15° dorsiflexion, elbow at 0°", "Білезіктің 15° жазылуда тұрақтылығы, шынтақ 0°", "Стабильность запястья при разгибании 15°, локоть 0°"), _NONE_PARTIAL_FULL),
    ("wrist_flexion_extension_elbow_0", "wrist", Text("Repeated wrist flexion/extension, elbow at 0°", "Білезікті қайталап бүгу/жазу, шынтақ 0°", "Повторное сгибание/разгибание запястья, локоть 0°"), _NONE_PARTIAL_FULL),
    ("wrist_circumduction", "wrist", Text("Wrist circumduction", "Білезікті айналдыру (циркумдукция)", "Циркумдукция запястья"), _NONE_PARTIAL_FULL),
    ("hand_mass_flexion", "hand", Text("Mass flexion of the fingers", "Саусақтарды бірге бүгу", "Сгибание всех пальцев"), _NONE_PARTIAL_FULL),
    ("hand_mass_extension", "hand", Text("Mass extension of the fingers", "Саусақтарды бірге жазу", "Разгибание всех пальцев"), _NONE_PARTIAL_FULL),
    ("grasp_hook", "hand", Text("Grasp a: hook grasp", "Ұстау a: ілмек тәрізді", "Захват a: крючковой"), _NONE_PARTIAL_FULL),
    ("grasp_thumb_adduction", "hand", Text("Grasp b: thumb adduction", "Ұстау b: бас бармақты әкелу", "Захват b: приведение большого пальца"), _NONE_PARTIAL_FULL),
    ("grasp_pincer", "hand", Text("Grasp c: pincer grasp", "Ұстау c: шымшып ұстау", "Захват c: щипковый"), _NONE_PARTIAL_FULL),
    ("grasp_cylinder", "hand", Text("Grasp d: cylinder grasp", "Ұстау d: цилиндрлік", "Захват d: цилиндрический"), _NONE_PARTIAL_FULL),
    ("grasp_spherical", "hand", Text("Grasp e: spherical grasp", "Ұстау e: шар тәрізді", "Захват e: сферический"), _NONE_PARTIAL_FULL),
    ("coordination_tremor", "coordination", Text("Finger-to-nose: tremor", "Саусақ-мұрын сынамасы: тремор", "Пальценосовая проба: тремор"), _TREMOR),
    ("coordination_dysmetria", "coordination", Text("Finger-to-nose: dysmetria", "Саусақ-мұрын сынамасы: дисметрия", "Пальценосовая проба: дисметрия"), _DYSMETRIA),
    ("coordination_time", "coordination", Text("Finger-to-nose: time against the unaffected side", "Саусақ-мұрын сынамасы: зақымданбаған жақпен салыстырғандағы уақыт", "Пальценосовая проба: время в сравнении со здоровой стороной"), _TIME),
)  # fmt: skip

_FMA_LE_ITEMS: tuple[tuple[str, str, Text, tuple[Choice, ...]], ...] = (
    ("reflex_flexors", "reflex", Text("Flexor reflex (knee flexors)", "Бүгуші рефлекс (тізе бүгушілері)", "Рефлекс сгибателей (сгибатели колена)"), _REFLEX),
    ("reflex_extensors", "reflex", Text("Extensor reflexes (patellar, Achilles)", "Жазушы рефлекстер (тізе, өкше)", "Рефлексы разгибателей (коленный, ахиллов)"), _REFLEX),
    ("flexor_hip_flexion", "flexor_synergy", Text("Hip flexion", "Санды бүгу", "Сгибание бедра"), _NONE_PARTIAL_FULL),
    ("flexor_knee_flexion", "flexor_synergy", Text("Knee flexion", "Тізені бүгу", "Сгибание колена"), _NONE_PARTIAL_FULL),
    ("flexor_ankle_dorsiflexion", "flexor_synergy", Text("Ankle dorsiflexion", "Табанды сыртқа бүгу", "Тыльное сгибание стопы"), _NONE_PARTIAL_FULL),
    ("extensor_hip_extension", "extensor_synergy", Text("Hip extension", "Санды жазу", "Разгибание бедра"), _NONE_PARTIAL_FULL),
    ("extensor_hip_adduction", "extensor_synergy", Text("Hip adduction", "Санды әкелу", "Приведение бедра"), _NONE_PARTIAL_FULL),
    ("extensor_knee_extension", "extensor_synergy", Text("Knee extension", "Тізені жазу", "Разгибание колена"), _NONE_PARTIAL_FULL),
    ("extensor_ankle_plantar_flexion", "extensor_synergy", Text("Ankle plantar flexion", "Табанды төмен бүгу", "Подошвенное сгибание стопы"), _NONE_PARTIAL_FULL),
    ("mixing_knee_flexion_beyond_90", "mixing_synergies", Text("Knee flexion beyond 90° (sitting)", "Тізені 90°-тан артық бүгу (отырып)", "Сгибание колена более 90° (сидя)"), _NONE_PARTIAL_FULL),
    ("mixing_ankle_dorsiflexion", "mixing_synergies", Text("Ankle dorsiflexion (sitting)", "Табанды сыртқа бүгу (отырып)", "Тыльное сгибание стопы (сидя)"), _NONE_PARTIAL_FULL),
    ("isolated_knee_flexion", "little_or_no_synergy", Text("Knee flexion, hip at 0° (standing)", "Тізені бүгу, сан 0° (тұрып)", "Сгибание колена, бедро 0° (стоя)"), _NONE_PARTIAL_FULL),
    ("isolated_ankle_dorsiflexion", "little_or_no_synergy", Text("Ankle dorsiflexion (standing)", "Табанды сыртқа бүгу (тұрып)", "Тыльное сгибание стопы (стоя)"), _NONE_PARTIAL_FULL),
    ("normal_reflex_activity", "normal_reflex", Text("Normal reflex activity (knee flexors, patellar, Achilles)", "Қалыпты рефлекторлық белсенділік (тізе бүгушілері, тізе, өкше)", "Нормальная рефлекторная активность (сгибатели колена, коленный, ахиллов)"), _NORMAL_REFLEX),
    ("coordination_tremor", "coordination", Text("Heel to opposite knee: tremor", "Өкше-тізе сынамасы: тремор", "Пяточно-коленная проба: тремор"), _TREMOR),
    ("coordination_dysmetria", "coordination", Text("Heel to opposite knee: dysmetria", "Өкше-тізе сынамасы: дисметрия", "Пяточно-коленная проба: дисметрия"), _DYSMETRIA),
    ("coordination_time", "coordination", Text("Heel to opposite knee: time against the unaffected side", "Өкше-тізе сынамасы: зақымданбаған жақпен салыстырғандағы уақыт", "Пяточно-коленная проба: время в сравнении со здоровой стороной"), _TIME),
)  # fmt: skip

_NORMAL_REFLEX_ID = "normal_reflex_activity"


def _fma_items(rows: tuple[tuple[str, str, Text, tuple[Choice, ...]], ...]) -> tuple[Item, ...]:
    # "Normal reflex activity" is administered only after full marks in part IV, so it is not a
    # required entry; the rule below decides when it is needed.
    return tuple(
        Item(
            item_id, label, choices=choices, group=group, not_tested_allowed=True, required=item_id != _NORMAL_REFLEX_ID
        )
        for item_id, group, label, choices in rows
    )


def _ids_in(rows, *groups: str) -> tuple[str, ...]:
    return tuple(item_id for item_id, group, _, _ in rows if group in groups)


def score_fma(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """FMA motor total = sum of the motor items (upper extremity 0–66, lower extremity 0–34).

    "Normal reflex activity" (part V) is assessed only when part IV ("movements with little or no
    synergy") has full marks; otherwise it scores 0 by the protocol's rule, and a value above 0 is
    refused as a contradiction. When part IV has full marks the item is needed like any other.
    Items not tested (with a reason) or missing leave no total: the protocol defines no proration.
    Subscores follow the protocol's parts (A–D for the arm, E–F for the leg).

    References: Fugl-Meyer AR, Jääskö L, Leyman I, Olsson S, Steglind S. Scand J Rehabil Med
    1975;7:13–31; FMA-UE and FMA-LE protocols, Rehabilitation Medicine, University of Gothenburg.
    """
    part_iv = tuple(i.id for i in instrument.items if i.group == "little_or_no_synergy")
    points = dict(answers.points)
    derived: dict[str, Any] = {}
    missing = [i.id for i in instrument.items if i.required and i.id not in answers]
    iv_known = all(i in points for i in part_iv)
    if iv_known and sum(points[i] for i in part_iv) < 2 * len(part_iv):
        _refuse_reflex_above_zero(instrument, points, part_iv)
        points[_NORMAL_REFLEX_ID] = 0
        derived["normal_reflex_activity_by_rule"] = _NORMAL_REFLEX_ID not in answers
    elif _NORMAL_REFLEX_ID not in answers:
        missing.append(_NORMAL_REFLEX_ID)
    scored_ids = tuple(i.id for i in instrument.items)
    subscores = {s.id: _sum_present(points, s.items) for s in instrument.subscales}
    total = _sum_present(points, scored_ids)
    flags: list[Flag] = []
    if total is None:
        gaps = tuple(i for i in scored_ids if i not in points)
        present = sum(points[i] for i in scored_ids if i in points)
        flags.append(
            Flag(
                "partial_sum", gaps, detail=f"{present:g} from {len(scored_ids) - len(gaps)} of {len(scored_ids)} items"
            )
        )
    return Scored(total=total, subscores=subscores, flags=flags, derived=derived, missing=tuple(missing))


def _sum_present(points: Mapping[str, int], item_ids: tuple[str, ...]) -> int | None:
    if any(i not in points for i in item_ids):
        return None
    return sum(points[i] for i in item_ids)


def _refuse_reflex_above_zero(instrument: Instrument, points: Mapping[str, int], part_iv: tuple[str, ...]) -> None:
    entered = points.get(_NORMAL_REFLEX_ID)
    if not entered:
        return
    iv_sum = sum(points[i] for i in part_iv)
    raise ScaleError(
        [
            Problem(
                "inconsistent_items",
                item=", ".join((*part_iv, _NORMAL_REFLEX_ID)),
                value=f"IV = {iv_sum}, {_NORMAL_REFLEX_ID} = {entered}",
                allowed=f"IV < {2 * len(part_iv)} → {_NORMAL_REFLEX_ID} = 0",
                instrument=instrument.name,
            )
        ]
    )


_FMA_CITATION = "Fugl-Meyer AR, Jääskö L, Leyman I, Olsson S, Steglind S. The post-stroke hemiplegic patient. 1. A method for evaluation of physical performance. Scand J Rehabil Med 1975;7:13–31."
_FMA_POPULATION = Text(
    "Adults with hemiparesis after stroke",
    "Инсульттан кейінгі гемипарезі бар ересектер",
    "Взрослые с гемипарезом после инсульта",
)

FMA_UE = Instrument(
    code="fma_ue",
    name="FMA-UE",
    title=Text(
        "Fugl-Meyer Assessment, upper extremity (motor)",
        "Фугл-Мейер бағалауы, қол (қозғалыс)",
        "Шкала Фугл-Мейера, верхняя конечность (моторика)",
    ),
    version="FMA-UE motor 0–66 (Gothenburg protocol)",
    population=_FMA_POPULATION,
    domain="rehabilitation",
    items=_fma_items(_FMA_UE_ITEMS),
    scorer=score_fma,
    total_range=(0, 66),
    higher_is_better=True,
    subscales=(
        Subscale(
            "A",
            Text("A. Shoulder / elbow / forearm", "A. Иық / шынтақ / білек", "A. Плечо / локоть / предплечье"),
            _ids_in(
                _FMA_UE_ITEMS,
                "reflex",
                "flexor_synergy",
                "extensor_synergy",
                "mixing_synergies",
                "little_or_no_synergy",
                "normal_reflex",
            ),
            0,
            36,
        ),
        Subscale("B", _FMA_GROUPS["wrist"], _ids_in(_FMA_UE_ITEMS, "wrist"), 0, 10),
        Subscale("C", _FMA_GROUPS["hand"], _ids_in(_FMA_UE_ITEMS, "hand"), 0, 14),
        Subscale(
            "D",
            Text("D. Coordination / speed", "D. Үйлесімділік / жылдамдық", "D. Координация / скорость"),
            _ids_in(_FMA_UE_ITEMS, "coordination"),
            0,
            6,
        ),
    ),  # fmt: skip
    mcid=MeaningfulChange(
        9,
        "Arya KN, Verma R, Garg RK. Top Stroke Rehabil 2011;18:599–610 (subacute stroke, anchored to the mRS)",
        note="Subacute stroke: 9 (mRS anchor) to 10 (global rating). Chronic stroke: 4.25–7.25 (Page SJ et al. Phys Ther 2012).",
    ),
    licence="Free for non-profit use (University of Gothenburg).",
    context=(_SIDE_CONTEXT,),
    side_from_context="side",
    groups=_FMA_GROUPS,
    citation=_FMA_CITATION,
    scoring_rule="Sum of 33 motor items (0–66): A shoulder/elbow/forearm 0–36, B wrist 0–10, C hand 0–14, D coordination/speed 0–6. Reflex items of part I score 0 or 2. Normal reflex activity is assessed only with full marks in part IV, otherwise it scores 0. No total if an item is missing or not tested.",
    notes=(
        "Sensory, passive range-of-motion and joint-pain sections are not part of the motor score.",
        "Time items compare with the unaffected side.",
    ),
)

FMA_LE = Instrument(
    code="fma_le",
    name="FMA-LE",
    title=Text(
        "Fugl-Meyer Assessment, lower extremity (motor)",
        "Фугл-Мейер бағалауы, аяқ (қозғалыс)",
        "Шкала Фугл-Мейера, нижняя конечность (моторика)",
    ),
    version="FMA-LE motor 0–34 (Gothenburg protocol)",
    population=_FMA_POPULATION,
    domain="rehabilitation",
    items=_fma_items(_FMA_LE_ITEMS),
    scorer=score_fma,
    total_range=(0, 34),
    higher_is_better=True,
    subscales=(
        Subscale(
            "E",
            Text("E. Hip / knee / ankle", "E. Сан / тізе / тобық", "E. Бедро / колено / голеностоп"),
            _ids_in(
                _FMA_LE_ITEMS,
                "reflex",
                "flexor_synergy",
                "extensor_synergy",
                "mixing_synergies",
                "little_or_no_synergy",
                "normal_reflex",
            ),
            0,
            28,
        ),
        Subscale(
            "F",
            Text("F. Coordination / speed", "F. Үйлесімділік / жылдамдық", "F. Координация / скорость"),
            _ids_in(_FMA_LE_ITEMS, "coordination"),
            0,
            6,
        ),
    ),  # fmt: skip
    mcid=MeaningfulChange(6, "Pandian S, Arya KN, Kumar D. Top Stroke Rehabil 2016;23:233–239 (chronic stroke)"),
    licence="Free for non-profit use (University of Gothenburg).",
    context=(_SIDE_CONTEXT,),
    side_from_context="side",
    groups={k: v for k, v in _FMA_GROUPS.items() if k not in ("wrist", "hand")},
    citation=_FMA_CITATION,
    scoring_rule="Sum of 17 motor items (0–34): E hip/knee/ankle 0–28, F coordination/speed 0–6. Reflex items of part I score 0 or 2. Normal reflex activity is assessed only with full marks in part IV, otherwise it scores 0. No total if an item is missing or not tested.",
    notes=(
        "Sensory, passive range-of-motion and joint-pain sections are not part of the motor score.",
        "Time items compare with the unaffected side.",
    ),
)


# --- Modified Ashworth Scale --------------------------------------------------------------------

# Grades stored as codes, never as numbers: "1+" is not 1.5 (spec §0.2 rule 4 and §3.5).
_MAS_GRADES = (
    Choice("0", None, Text("No increase in tone", "Тонус жоғарыламаған", "Тонус не повышен")),
    Choice("1", None, Text("Slight increase: catch and release, or minimal resistance at the end of range", "Болмашы жоғарылау: қозғалыс соңында ілініп босау немесе аз кедергі", "Лёгкое повышение: «захват и отпускание» или минимальное сопротивление в конце движения")),
    Choice("1+", None, Text("Slight increase: catch, then minimal resistance through less than half the range", "Болмашы жоғарылау: ілінуден кейін қозғалыс ауқымының жартысынан азында аз кедергі", "Лёгкое повышение: «захват», затем минимальное сопротивление менее чем в половине амплитуды")),
    Choice("2", None, Text("More marked increase through most of the range, limb easily moved", "Ауқымның көп бөлігінде айқынырақ жоғарылау, аяқ-қол оңай қозғалады", "Более выраженное повышение почти во всей амплитуде, конечность легко сгибается")),
    Choice("3", None, Text("Considerable increase, passive movement difficult", "Едәуір жоғарылау, пассивті қозғалыс қиын", "Значительное повышение, пассивные движения затруднены")),
    Choice("4", None, Text("Rigid in flexion or extension", "Бүгілген немесе жазылған күйде қатып қалған", "Ригидность в положении сгибания или разгибания")),
)  # fmt: skip
# The ordinal index 0–5 for statistics (medians, proportions), never for sums or means.
MAS_ORDINAL_INDEX: dict[str, int] = {"0": 0, "1": 1, "1+": 2, "2": 3, "3": 4, "4": 5}

# Muscle groups most often graded after stroke and chosen for botulinum toxin treatment: the
# upper-limb flexor pattern (shoulder adduction/internal rotation, elbow, forearm, wrist, finger
# and thumb flexion) and the lower-limb extensor pattern with hip flexion/adduction and knee flexion.
# Bohannon & Smith 1987 validated the scale on the elbow flexors; the others follow common practice.
_MAS_MUSCLES: tuple[tuple[str, str, Text], ...] = (
    ("shoulder_adductors", "upper_limb", Text("Shoulder adductors", "Иықты әкелетін бұлшықеттер", "Приводящие мышцы плеча")),
    ("shoulder_internal_rotators", "upper_limb", Text("Shoulder internal rotators", "Иықты ішке айналдыратын бұлшықеттер", "Внутренние ротаторы плеча")),
    ("elbow_flexors", "upper_limb", Text("Elbow flexors", "Шынтақ бүгушілері", "Сгибатели локтя")),
    ("elbow_extensors", "upper_limb", Text("Elbow extensors", "Шынтақ жазушылары", "Разгибатели локтя")),
    ("forearm_pronators", "upper_limb", Text("Forearm pronators", "Білек пронаторлары", "Пронаторы предплечья")),
    ("wrist_flexors", "upper_limb", Text("Wrist flexors", "Білезік бүгушілері", "Сгибатели запястья")),
    ("finger_flexors", "upper_limb", Text("Finger flexors", "Саусақ бүгушілері", "Сгибатели пальцев кисти")),
    ("thumb_flexors", "upper_limb", Text("Thumb flexors and adductors", "Бас бармақты бүгетін және әкелетін бұлшықеттер", "Сгибатели и приводящие мышцы большого пальца")),
    ("hip_flexors", "lower_limb", Text("Hip flexors", "Сан бүгушілері", "Сгибатели бедра")),
    ("hip_adductors", "lower_limb", Text("Hip adductors", "Санды әкелетін бұлшықеттер", "Приводящие мышцы бедра")),
    ("knee_flexors", "lower_limb", Text("Knee flexors", "Тізе бүгушілері", "Сгибатели колена")),
    ("knee_extensors", "lower_limb", Text("Knee extensors", "Тізе жазушылары", "Разгибатели колена")),
    ("ankle_plantar_flexors", "lower_limb", Text("Ankle plantar flexors", "Табанды төмен бүгетін бұлшықеттер", "Подошвенные сгибатели стопы")),
    ("toe_flexors", "lower_limb", Text("Toe flexors", "Аяқ саусақтарының бүгушілері", "Сгибатели пальцев стопы")),
)  # fmt: skip
_SIDES = (
    ("L", Text("left", "сол жақ", "слева")),
    ("R", Text("right", "оң жақ", "справа")),
)


def _mas_items() -> tuple[Item, ...]:
    return tuple(
        Item(
            f"{muscle}_{side}",
            Text(f"{label.en}, {side_label.en}", f"{label.kk}, {side_label.kk}", f"{label.ru}, {side_label.ru}"),
            choices=_MAS_GRADES,
            side=side,  # type: ignore[arg-type]
            group=limb,
            not_tested_allowed=True,
            required=False,  # only the muscle groups of interest are graded
        )
        for muscle, limb, label in _MAS_MUSCLES
        for side, side_label in _SIDES
    )


def score_mas(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """MAS has no total: each muscle group keeps its own grade (0, 1, 1+, 2, 3, 4).

    Grades are ordinal codes and are never added or averaged. ``derived`` gives the ordinal index
    (0–5) of every graded muscle group for statistics, and per side the number graded, the number
    with increased tone (grade above 0) and the highest grade with the groups that have it. A form
    with no muscle group graded is not complete.

    Reference: Bohannon RW, Smith MB. Interrater reliability of a modified Ashworth scale of muscle
    spasticity. Phys Ther 1987;67:206–207.
    """
    grades = {i: a for i, a in answers.items() if isinstance(a, str)}
    by_side = {side: _side_summary(instrument, grades, side) for side, _ in _SIDES}
    derived = {"ordinal_index": {i: MAS_ORDINAL_INDEX[g] for i, g in grades.items()}, "by_side": by_side}
    if not grades:
        return Scored(
            total=None, flags=[Flag("nothing_graded", detail="no muscle group graded")], derived=derived, complete=False
        )
    return Scored(total=None, derived=derived)


def _side_summary(instrument: Instrument, grades: Mapping[str, str], side: str) -> dict[str, Any]:
    on_side = {i: g for i, g in grades.items() if instrument.items_by_id[i].side == side}
    if not on_side:
        return {"graded": 0, "increased_tone": 0, "highest": None, "highest_groups": []}
    top = max(on_side.values(), key=MAS_ORDINAL_INDEX.__getitem__)
    return {
        "graded": len(on_side),
        "increased_tone": sum(1 for g in on_side.values() if g != "0"),
        "highest": top,
        "highest_groups": [i.rsplit("_", 1)[0] for i, g in on_side.items() if g == top],
    }


MAS = Instrument(
    code="mas",
    name="MAS",
    title=Text("Modified Ashworth Scale", "Түрлендірілген Эшворт шкаласы", "Модифицированная шкала Ашворта"),
    version="MAS (Bohannon & Smith 1987)",
    population=Text(
        "Adults with spasticity (stroke, other upper motor neuron lesions)",
        "Спастикасы бар ересектер (инсульт, басқа жоғарғы мотонейрон зақымданулары)",
        "Взрослые со спастичностью (инсульт, другие поражения центрального мотонейрона)",
    ),
    domain="rehabilitation",
    items=_mas_items(),
    scorer=score_mas,
    total_range=None,
    higher_is_better=False,
    mcid=None,  # ordinal grades: report medians or proportions, not a point change
    licence="Free to use.",
    context=(
        ContextField(
            "position",
            Text("Patient position", "Пациенттің қалпы", "Положение пациента"),
            "choice",
            choices=("supine", "sitting"),
        ),
        ContextField(
            "velocity",
            Text("Speed of passive movement", "Пассивті қозғалыс жылдамдығы", "Скорость пассивного движения"),
            "choice",
            choices=("one_second", "other"),
        ),
    ),
    groups={
        "upper_limb": Text("Upper limb", "Қол", "Верхняя конечность"),
        "lower_limb": Text("Lower limb", "Аяқ", "Нижняя конечность"),
    },
    citation="Bohannon RW, Smith MB. Interrater reliability of a modified Ashworth scale of muscle spasticity. Phys Ther 1987;67:206–207.",
    scoring_rule="No total. Each muscle group and side is graded 0, 1, 1+, 2, 3 or 4 and stored as that code; an ordinal index 0–5 is derived for statistics. Grade only the groups of interest.",
    notes=("The standard movement is one passive pass through the range in about one second.",),
)


# --- Berg Balance Scale -------------------------------------------------------------------------

_BERG_LABELS = (
    Text("Sit to stand", "Отырған қалыптан тұру", "Вставание из положения сидя"),
    Text("Stand unsupported", "Тірексіз тұру", "Стояние без опоры"),
    Text("Sit unsupported", "Тірексіз отыру", "Сидение без опоры"),
    Text("Stand to sit", "Тұрған қалыптан отыру", "Переход из положения стоя в положение сидя"),
    Text("Transfers", "Орын ауыстыру", "Пересаживание"),
    Text("Stand with eyes closed", "Көзді жұмып тұру", "Стояние с закрытыми глазами"),
    Text("Stand with feet together", "Аяқтарды бірге қойып тұру", "Стояние со сдвинутыми стопами"),
    Text("Reach forward with outstretched arm", "Созылған қолмен алға ұмтылу", "Наклон вперёд с вытянутой рукой"),
    Text("Pick up an object from the floor", "Еденнен зат көтеру", "Поднятие предмета с пола"),
    Text("Look behind over each shoulder", "Әр иық арқылы артқа қарау", "Взгляд назад через каждое плечо"),
    Text("Turn 360°", "360° бұрылу", "Поворот на 360°"),
    Text("Alternate foot on a step", "Аяқты кезекпен баспалдаққа қою", "Попеременная постановка стоп на ступеньку"),
    Text("Tandem stance", "Бір аяқты екіншісінің алдына қойып тұру", "Стояние со стопой перед стопой (тандем)"),
    Text("Single-leg stance", "Бір аяқпен тұру", "Стояние на одной ноге"),
)
_BERG_IDS = tuple(str(n) for n in range(1, 15))
_BERG_LEVELS = tuple(Choice(n, n) for n in range(5))
_BERG_FULL = 4
# Berg KO et al. Can J Public Health 1992;83 Suppl 2:S7–11: below 45 predicts falls (spec §3.6 [K]).
_BERG_FALL_RISK_BELOW = 45
# The commonly cited mobility levels (spec §3.6 [K]): 0–20 wheelchair, 21–40 walks with
# assistance, 41–56 independent.
_BERG_MOBILITY = ((20, "wheelchair"), (40, "walks_with_assistance"), (56, "independent"))


def score_berg(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """Berg total = sum of the 14 items (0–56), each scored at its lowest applicable level.

    The form's one skip rule: when item 2 (standing unsupported) is done safely for the full time
    (4), item 3 (sitting unsupported) is given full marks and need not be administered. Item 3
    below 4 beside item 2 = 4 contradicts that rule and is refused. A missing item leaves no total.
    The band is the fall-risk split at 45 (Berg 1992); the three mobility levels are derived.

    References: Berg K, Wood-Dauphinee S, Williams JI, Gayton D. Physiother Can 1989;41:304–311;
    Berg KO, Wood-Dauphinee SL, Williams JI, Maki B. Can J Public Health 1992;83 Suppl 2:S7–11.
    """
    points = dict(answers.points)
    derived: dict[str, Any] = {}
    if answers.points.get("2") == _BERG_FULL:
        _refuse_item_3_below_full(instrument, answers)
        if "3" not in answers:
            points["3"] = _BERG_FULL
            derived["item_3_by_item_2_rule"] = True
    missing = tuple(i for i in _BERG_IDS if i not in answers and i not in points)
    total = _sum_present(points, _BERG_IDS)
    if total is None:
        gaps = tuple(i for i in _BERG_IDS if i not in points)
        present = sum(points.values())
        flag = Flag("partial_sum", gaps, detail=f"{present:g} from {14 - len(gaps)} of 14 items")
        return Scored(total=None, flags=[flag], derived=derived, missing=missing)
    derived["mobility_level"] = next(level for high, level in _BERG_MOBILITY if total <= high)
    flags = []
    if total < _BERG_FALL_RISK_BELOW:
        flags.append(Flag("increased_fall_risk", detail=f"total {total} < {_BERG_FALL_RISK_BELOW} (Berg 1992)"))
    return Scored(total=total, flags=flags, derived=derived, missing=missing)


def _refuse_item_3_below_full(instrument: Instrument, answers: Answers) -> None:
    item_3 = answers.points.get("3")
    if item_3 is None or item_3 == _BERG_FULL:
        return
    raise ScaleError(
        [
            Problem(
                "inconsistent_items",
                item="2, 3",
                value=f"2 = 4, 3 = {item_3}",
                allowed="2 = 4 → 3 = 4",
                instrument=instrument.name,
            )
        ]
    )


BERG = Instrument(
    code="berg",
    name="Berg Balance Scale",
    title=Text("Berg Balance Scale", "Берг тепе-теңдік шкаласы", "Шкала баланса Берг"),
    version="BBS, 14 items (Berg 1989/1992)",
    population=Text(
        "Adults with impaired balance (stroke, older adults)",
        "Тепе-теңдігі бұзылған ересектер (инсульт, егде жастағылар)",
        "Взрослые с нарушением равновесия (инсульт, пожилые)",
    ),
    domain="rehabilitation",
    items=tuple(
        Item(item_id, label, choices=_BERG_LEVELS, required=item_id != "3")
        for item_id, label in zip(_BERG_IDS, _BERG_LABELS, strict=True)
    ),
    scorer=score_berg,
    total_range=(0, 56),
    higher_is_better=True,
    bands=(
        Band(
            0,
            44,
            "increased_fall_risk",
            Text(
                "Increased fall risk (below 45)",
                "Құлау қаупі жоғары (45-тен төмен)",
                "Повышенный риск падений (менее 45)",
            ),
        ),
        Band(
            45,
            56,
            "lower_fall_risk",
            Text(
                "Lower fall risk (45 or more)",
                "Құлау қаупі төменірек (45 және одан жоғары)",
                "Более низкий риск падений (45 и более)",
            ),
        ),
    ),
    mcid=MeaningfulChange(
        6.5,
        "Hayashi S, Miyata K, Takeda R, et al. Clin Rehabil 2022;36:1512–1523 (acute stroke, anchor-based 6.5–12.5)",
        note="Lowest anchor-based value; distribution-based estimates were 2.3–4.9.",
    ),
    licence="Free to use.",
    citation="Berg K, Wood-Dauphinee S, Williams JI, Gayton D. Measuring balance in the elderly: preliminary development of an instrument. Physiother Can 1989;41:304–311. Berg KO, Wood-Dauphinee SL, Williams JI, Maki B. Measuring balance in the elderly: validation of an instrument. Can J Public Health 1992;83 Suppl 2:S7–11.",
    scoring_rule="Sum of 14 items, each 0–4 (0–56). Item 3 gets full marks when item 2 is 4. No total if an item is missing. Band: increased fall risk below 45 (Berg 1992); mobility level 0–20 / 21–40 / 41–56 derived.",
    notes=(
        "A patient unable to perform an item scores its lowest level; there is no 'not tested'.",
        "No LOINC code for the Berg Balance Scale was verified.",
    ),
)


# --- Goal Attainment Scaling --------------------------------------------------------------------

_GAS_LEVELS = (
    Choice(-2, -2, Text("Much less than expected", "Күтілгеннен әлдеқайда төмен", "Значительно хуже ожидаемого")),
    Choice(-1, -1, Text("Somewhat less than expected", "Күтілгеннен сәл төмен", "Несколько хуже ожидаемого")),
    Choice(0, 0, Text("Expected outcome", "Күтілген нәтиже", "Ожидаемый результат")),
    Choice(1, 1, Text("Somewhat better than expected", "Күтілгеннен сәл жоғары", "Несколько лучше ожидаемого")),
    Choice(2, 2, Text("Much better than expected", "Күтілгеннен әлдеқайда жоғары", "Значительно лучше ожидаемого")),
)
_GAS_SLOTS = 10
_GAS_RHO = 0.3  # expected correlation between goal scales (Kiresuk & Sherman 1968)
# |T − 50| < 20/√ρ ≈ 36.515 for any number of goals and any weights (equality needs Σwᵢ² = 0), so a T
# reported to two decimals lies within 13.49–86.51.
_GAS_T_LOW = math.ceil((50 - 20 / math.sqrt(_GAS_RHO)) * 100) / 100
_GAS_T_HIGH = math.floor((50 + 20 / math.sqrt(_GAS_RHO)) * 100) / 100
# Turner-Stokes 2009: weight = importance (0–3) × difficulty (0–3); a 0 would drop the goal, so
# only the non-zero products are weights. The 1–4 importance-only variant is used by some calculators.
_GAS_SCHEME_WEIGHTS: dict[str, frozenset[int] | None] = {
    "unweighted": frozenset({1}),
    "importance_x_difficulty": frozenset({1, 2, 3, 4, 6, 9}),
    "importance_1_4": frozenset({1, 2, 3, 4}),
    "other": None,
}
_GAS_BASELINES = frozenset({-2, -1})


def gas_t_score(attainments: Mapping[str, int], weights: Mapping[str, float] | None = None) -> float:
    """Kiresuk–Sherman T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²) with ρ = 0.3, unrounded.

    >>> round(gas_t_score({"1": 1, "2": 0}), 2)
    56.2
    """
    w = {goal: (weights or {}).get(goal, 1) for goal in attainments}
    # T is unchanged when every weight is multiplied by one factor. Weights of extreme magnitude
    # (1e308, 1e-320) are first scaled so that the largest is 1: their squares and sums would
    # overflow or vanish. Ordinary weights are used as given, so their T is computed unchanged.
    top = max(w.values(), default=1)
    if not 1e-100 <= top <= 1e100:
        w = {goal: v / top for goal, v in w.items()}
    weighted = sum(w[goal] * x for goal, x in attainments.items())
    spread = math.sqrt((1 - _GAS_RHO) * sum(v * v for v in w.values()) + _GAS_RHO * sum(w.values()) ** 2)
    return 50 + 10 * weighted / spread


def score_gas(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """GAS total = the Kiresuk–Sherman T-score of the goals' attainment (−2…+2), ρ = 0.3.

    Goals are "1"…"10" as on the follow-up sheet, or any ids listed in ``context.weights``; every
    goal that has a weight or a baseline must be rated, or there is no T (no proration). Weights
    default to 1; each must be above 0 and fit the declared ``weighting`` scheme. With
    ``context.baseline`` (−2 or −1 per goal, Turner-Stokes' GAS-light) the baseline T and the
    improvement (outcome T − baseline T) are derived, and goals rated below their baseline are
    flagged. T is reported to two decimals.

    References: Kiresuk TJ, Sherman RE. Community Ment Health J 1968;4:443–453; Turner-Stokes L.
    Clin Rehabil 2009;23:362–370 and erratum (the corrected formula).
    """
    weights = {str(g): w for g, w in (context.get("weights") or {}).items()}
    baseline = {str(g): b for g, b in (context.get("baseline") or {}).items()}
    rated = dict(answers.points)
    goals = tuple(dict.fromkeys((*rated, *weights, *baseline)))
    weighting = context.get("weighting") or ("other" if weights else "unweighted")
    problems = _weight_problems(instrument, goals, weights, weighting) + _baseline_problems(instrument, goals, baseline)
    if problems:
        raise ScaleError(problems)
    derived: dict[str, Any] = {"n_goals": len(goals), "weighting": weighting, "rho": _GAS_RHO}
    unrated = tuple(g for g in goals if g not in rated)
    if not goals:
        return Scored(total=None, flags=[Flag("no_goals", detail="no goal rated")], derived=derived, complete=False)
    if unrated:
        flag = Flag("partial_sum", unrated, detail=f"{len(rated)} of {len(goals)} goals rated")
        return Scored(total=None, flags=[flag], derived=derived, complete=False, missing=unrated)
    total = round(gas_t_score(rated, weights), 2)
    derived["goals_met"] = sum(1 for x in rated.values() if x >= 0)
    flags: list[Flag] = []
    if baseline:
        baseline_t = round(gas_t_score(baseline, weights), 2)
        derived.update(baseline_t=baseline_t, improvement=round(total - baseline_t, 2))
        worse = tuple(g for g in goals if rated[g] < baseline[g])
        if worse:
            flags.append(Flag("goal_deteriorated", worse, detail="rated below baseline"))
    return Scored(total=total, flags=flags, derived=derived)


def _weight_problems(
    instrument: Instrument, goals: tuple[str, ...], weights: Mapping[str, Any], weighting: str
) -> list[Problem]:
    """Each goal needs a weight once any is given; a weight is > 0 and fits the scheme."""
    allowed = _GAS_SCHEME_WEIGHTS[weighting]
    # Formulas rather than prose: the message template around them is translated, these stay exact.
    rule = "w > 0" if allowed is None else "w ∈ {" + ", ".join(str(w) for w in sorted(allowed)) + "}"
    problems = [
        Problem("context_invalid", item=f"weights.{goal}", value=weight, allowed=rule, instrument=instrument.name)
        for goal, weight in weights.items()
        if not _is_weight(weight, allowed)
    ]
    if weights:
        problems += [
            Problem("context_missing", item=f"weights.{goal}", allowed=rule, instrument=instrument.name)
            for goal in goals
            if goal not in weights
        ]
    return problems


def _baseline_problems(instrument: Instrument, goals: tuple[str, ...], baseline: Mapping[str, Any]) -> list[Problem]:
    """Each goal needs a baseline once any is given; a baseline is −2 or −1 (Turner-Stokes 2009)."""
    rule = "−2 | −1"
    problems = [
        Problem("context_invalid", item=f"baseline.{goal}", value=level, allowed=rule, instrument=instrument.name)
        for goal, level in baseline.items()
        if type(level) is bool or not isinstance(level, (int, float)) or level not in _GAS_BASELINES
    ]
    if baseline:
        problems += [
            Problem("context_missing", item=f"baseline.{goal}", allowed=rule, instrument=instrument.name)
            for goal in goals
            if goal not in baseline
        ]
    return problems


def _is_weight(weight: Any, allowed: frozenset[int] | None) -> bool:
    if type(weight) is bool or not isinstance(weight, (int, float)):
        return False
    try:
        as_float = float(weight)  # an integer beyond the float range is no usable weight
    except OverflowError:
        return False
    if not math.isfinite(as_float) or as_float <= 0:
        return False
    return allowed is None or weight in allowed


_GAS_GOAL = Item(
    "goal",
    Text("Goal attainment", "Мақсатқа жету деңгейі", "Степень достижения цели"),
    choices=_GAS_LEVELS,
    required=False,
)

GAS = Instrument(
    code="gas",
    name="GAS",
    title=Text("Goal Attainment Scaling", "Мақсатқа жетуді шкалалау (GAS)", "Шкала достижения целей (GAS)"),
    version="GAS T-score (Kiresuk–Sherman, ρ = 0.3; Turner-Stokes 2009)",
    population=Text(
        "Patients in goal-directed rehabilitation",
        "Мақсатқа бағытталған оңалтудағы пациенттер",
        "Пациенты в целенаправленной реабилитации",
    ),
    domain="rehabilitation",
    items=tuple(
        Item(str(n), Text(f"Goal {n}", f"{n}-мақсат", f"Цель {n}"), choices=_GAS_LEVELS, required=False)
        for n in range(1, _GAS_SLOTS + 1)
    ),
    scorer=score_gas,
    total_range=(_GAS_T_LOW, _GAS_T_HIGH),
    higher_is_better=True,
    bands=(
        Band(
            _GAS_T_LOW,
            49.99,
            "less_than_expected",
            Text(
                "Goals achieved less than expected",
                "Мақсаттарға күтілгеннен аз жетті",
                "Цели достигнуты хуже ожидаемого",
            ),
        ),
        Band(
            50,
            50,
            "as_expected",
            Text("Goals achieved as expected", "Мақсаттарға күтілгендей жетті", "Цели достигнуты, как ожидалось"),
        ),
        Band(
            50.01,
            _GAS_T_HIGH,
            "better_than_expected",
            Text(
                "Goals achieved better than expected",
                "Мақсаттарға күтілгеннен артық жетті",
                "Цели достигнуты лучше ожидаемого",
            ),
        ),
    ),  # fmt: skip
    mcid=None,  # T = 50 means goals met as expected; there is no validated change threshold
    licence="Free to use.",
    context=(
        ContextField("weights", Text("Weight of each goal", "Әр мақсаттың салмағы", "Вес каждой цели"), "mapping"),
        ContextField(
            "weighting",
            Text("Weighting scheme", "Салмақтау тәсілі", "Схема взвешивания"),
            "choice",
            choices=tuple(_GAS_SCHEME_WEIGHTS),
        ),
        ContextField(
            "baseline",
            Text(
                "Baseline level of each goal (−2 or −1)",
                "Әр мақсаттың бастапқы деңгейі (−2 немесе −1)",
                "Исходный уровень каждой цели (−2 или −1)",
            ),
            "mapping",
        ),
    ),
    item_template=_GAS_GOAL,
    item_ids_from_context="weights",
    citation="Kiresuk TJ, Sherman RE. Goal attainment scaling: a general method for evaluating comprehensive community mental health programs. Community Ment Health J 1968;4:443–453. Turner-Stokes L. Goal attainment scaling (GAS) in rehabilitation: a practical guide. Clin Rehabil 2009;23:362–370 (and erratum).",
    scoring_rule="T = 50 + 10·Σwᵢxᵢ / √(0.7·Σwᵢ² + 0.3·(Σwᵢ)²), xᵢ ∈ −2…+2, weights 1 by default (> 0; importance × difficulty per Turner-Stokes 2009), reported to 2 decimals. Every goal with a weight or baseline must be rated. With baselines: baseline T and improvement derived.",
    notes=(
        "Goals '1'…'10', or any ids listed in context.weights.",
        "T ranges within 50 ± 20/√0.3 ≈ 50 ± 36.5 whatever the number of goals and weights.",
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (BARTHEL, FMA_UE, FMA_LE, MAS, BERG, GAS)
