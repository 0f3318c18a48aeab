"""SMA and neuromuscular instruments: HFMSE, RULM, 6MWT, CHOP INTEND and FVC % predicted.

Every total follows the instrument's published rule; where a source leaves a rule open (missing
items, CHOP INTEND "cannot test"), the total is withheld and the partial sum is shown as a flag.
Facts the specification marks as unverified are kept as data next to the decision and its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problem, ScaleError
from .model import (
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
from .reference import (
    ENRIGHT_1998_DERIVATION_AGES,
    GLI_2012_AGE_RANGE,
    GLI_2012_ETHNICITIES,
    LLN_Z,
    enright_1998,
    gli_2012,
)
from .scoring import Answers, partial_sum, sum_if_complete, unanswered

_YES_NO = ("yes", "no")
_SEX = ContextField("sex", Text("Sex", "Жынысы", "Пол"), "choice", choices=("male", "female"))
_AGE = ContextField(
    "age", Text("Age (years)", "Жасы (жыл)", "Возраст (лет)"), "number", minimum=0, maximum=120, unit="years"
)
_HEIGHT = ContextField(
    "height_cm", Text("Height (cm)", "Бойы (см)", "Рост (см)"), "number", minimum=40, maximum=250, unit="cm"
)
_WEIGHT = ContextField(
    "weight_kg", Text("Weight (kg)", "Салмағы (кг)", "Масса тела (кг)"), "number", minimum=5, maximum=300, unit="kg"
)
_LIMITED_BY_CONTRACTURE = ContextField(
    "limited_by_contracture",
    Text(
        "Items whose performance was limited by contracture (item id → true)",
        "Орындалуы контрактурамен шектелген тармақтар (тармақ → true)",
        "Пункты, выполнение которых ограничено контрактурой (пункт → true)",
    ),
    "mapping",
)
_COMMENTS = ContextField("comments", Text("Comments", "Түсініктемелер", "Комментарии"), "text")


def _partial_flag(answers: Answers, item_ids: tuple[str, ...]) -> Flag:
    """The partial sum shown beside a withheld total: never a total, always with its gaps."""
    gaps = unanswered(answers, item_ids)
    answered = len(item_ids) - len(gaps)
    return Flag(
        "partial_sum", gaps, detail=f"{partial_sum(answers, item_ids):g} from {answered} of {len(item_ids)} items"
    )


def _contracture_flags(instrument: Instrument, context: Mapping[str, Any]) -> list[Flag]:
    """Per-item "limited by contracture" marks (TrakCare HFMSE and RULM dictionaries): recorded
    beside the score, never changing it. Keys must be item ids and values true or false."""
    marked = context.get("limited_by_contracture")
    if not marked:
        return []
    items = instrument.items_by_id
    problems = [
        Problem(
            "context_invalid",
            item="limited_by_contracture",
            value=f"{key}={value!r}",
            allowed=f"an object mapping item ids ({instrument.items[0].id}–{instrument.items[-1].id}) to true or false",
            instrument=instrument.name,
        )
        for key, value in marked.items()
        if key not in items or type(value) is not bool
    ]
    if problems:
        raise ScaleError(problems)
    limited = tuple(i.id for i in instrument.items if marked.get(i.id) is True)
    return [Flag("limited_by_contracture", limited)] if limited else []


def _numbers(*values: int) -> tuple[Choice, ...]:
    return tuple(Choice(v, v) for v in values)


# --- HFMSE ---------------------------------------------------------------------------------------

_HFMSE_CHOICES = (
    Choice(0, 0, Text("Unable", "Орындай алмайды", "Не может выполнить")),
    Choice(
        1,
        1,
        Text(
            "Performs with modification or compensation",
            "Бейімдеумен немесе компенсациямен орындайды",
            "Выполняет с модификацией или компенсацией",
        ),
    ),
    Choice(
        2,
        2,
        Text(
            "Performs without help or compensation",
            "Көмексіз және компенсациясыз орындайды",
            "Выполняет без помощи и компенсации",
        ),
    ),
)

# Numbering of items 1–33, including 11–13 and the side order of 23–26, as in the TrakCare HFMSE
# dictionary (spec §2.1); labels are short paraphrases.
_HFMSE_LABELS = (
    Text(
        "Sitting on a plinth or chair, legs over the edge",
        "Кушеткада немесе орындықта аяқты салбыратып отыру",
        "Сидение на кушетке или стуле, ноги свешены",
    ),
    Text("Long sitting on the floor", "Еденде аяқты созып отыру", "Сидение на полу с вытянутыми ногами"),
    Text("One hand to head while sitting", "Отырып бір қолды басқа апару", "Одна рука к голове сидя"),
    Text("Both hands to head while sitting", "Отырып екі қолды басқа апару", "Обе руки к голове сидя"),
    Text("Supine to side-lying", "Шалқасынан бүйірге аунау", "Из положения на спине на бок"),
    Text(
        "Roll prone to supine over the right",
        "Етпетінен шалқасына оң жақ арқылы аунау",
        "Переворот с живота на спину через правый бок",
    ),
    Text(
        "Roll prone to supine over the left",
        "Етпетінен шалқасына сол жақ арқылы аунау",
        "Переворот с живота на спину через левый бок",
    ),
    Text(
        "Roll supine to prone over the right",
        "Шалқасынан етпетіне оң жақ арқылы аунау",
        "Переворот со спины на живот через правый бок",
    ),
    Text(
        "Roll supine to prone over the left",
        "Шалқасынан етпетіне сол жақ арқылы аунау",
        "Переворот со спины на живот через левый бок",
    ),
    Text("Sitting to lying", "Отырған қалыптан жатуға", "Из положения сидя в положение лёжа"),
    Text("Prone, propped on forearms", "Етпетінен білекке сүйеніп жату", "Лёжа на животе с опорой на предплечья"),
    Text(
        "Head lift in prone, arms by the sides",
        "Етпетінен жатып басты көтеру, қолдар бүйірде",
        "Подъём головы лёжа на животе, руки вдоль туловища",
    ),
    Text(
        "Prone, propped on extended arms",
        "Етпетінен түзу қолдарға сүйеніп жату",
        "Лёжа на животе с опорой на выпрямленные руки",
    ),
    Text("Lying to sitting", "Жатқан қалыптан отыруға", "Из положения лёжа в положение сидя"),
    Text("Four-point kneeling", "Төрт тағанда тұру", "Стояние на четвереньках"),
    Text("Crawling", "Еңбектеу", "Ползание на четвереньках"),
    Text("Head lift from supine", "Шалқасынан жатып басты көтеру", "Подъём головы лёжа на спине"),
    Text("Standing with one-hand support", "Бір қолмен сүйеніп тұру", "Стояние с опорой на одну руку"),
    Text("Standing without support", "Сүйенбей тұру", "Стояние без опоры"),
    Text("Stepping (walking without aids)", "Адымдау (көмекші құралсыз жүру)", "Ходьба без вспомогательных средств"),
    Text("Right hip flexion in supine", "Шалқасынан жатып оң жамбасты бүгу", "Сгибание правого бедра лёжа на спине"),
    Text("Left hip flexion in supine", "Шалқасынан жатып сол жамбасты бүгу", "Сгибание левого бедра лёжа на спине"),
    Text(
        "High kneel to half-kneel on the right knee (left foot forward)",
        "Тізерлеп тұрудан оң тізеге түсу (сол аяқ алда)",
        "Из стойки на коленях на правое колено (левая стопа впереди)",
    ),
    Text(
        "High kneel to half-kneel on the left knee (right foot forward)",
        "Тізерлеп тұрудан сол тізеге түсу (оң аяқ алда)",
        "Из стойки на коленях на левое колено (правая стопа впереди)",
    ),
    Text(
        "High kneel to standing, leading with the left leg",
        "Тізерлеп тұрудан сол аяқтан бастап тұру",
        "Из стойки на коленях встать, начиная с левой ноги",
    ),
    Text(
        "High kneel to standing, leading with the right leg",
        "Тізерлеп тұрудан оң аяқтан бастап тұру",
        "Из стойки на коленях встать, начиная с правой ноги",
    ),
    Text(
        "Standing to sitting on the floor, controlled",
        "Тұрған қалыптан еденге бақылаумен отыру",
        "Из положения стоя контролируемо сесть на пол",
    ),
    Text("Squat", "Жүресінен отыру", "Приседание на корточки"),
    Text("Jump forward about 30 cm", "Алға шамамен 30 см секіру", "Прыжок вперёд примерно на 30 см"),
    Text(
        "Up stairs holding one rail",
        "Бір тұтқаны ұстап баспалдақпен көтерілу",
        "Подъём по лестнице с опорой на поручень",
    ),
    Text("Down stairs holding a rail", "Тұтқаны ұстап баспалдақпен түсу", "Спуск по лестнице с опорой на поручень"),
    Text(
        "Up stairs without arm support", "Қолмен сүйенбей баспалдақпен көтерілу", "Подъём по лестнице без опоры на руки"
    ),
    Text("Down stairs without arm support", "Қолмен сүйенбей баспалдақпен түсу", "Спуск по лестнице без опоры на руки"),
)
_HFMSE_IDS = tuple(str(n) for n in range(1, 34))
_HFMS_IDS = _HFMSE_IDS[:20]


def score_hfmse(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """HFMSE total = sum of items 1–33 (each 0/1/2), 0–66; HFMS subtotal = items 1–20, 0–40.

    O'Hagen JM et al. Neuromuscul Disord 2007;17:693–697 (HFMSE); Main M et al. Eur J Paediatr
    Neurol 2003;7:155–159 (HFMS, items 1–20). No proration rule is published, so a total exists only
    when all 33 items carry a value; an item not tested (with its reason) withholds it.
    """
    flags = _contracture_flags(instrument, context)
    total = sum_if_complete(answers, _HFMSE_IDS)
    if total is None:
        flags.append(_partial_flag(answers, _HFMSE_IDS))
    return Scored(total=total, subscores={"hfms": sum_if_complete(answers, _HFMS_IDS)}, flags=flags)


HFMSE = Instrument(
    code="hfmse",
    name="HFMSE",
    title=Text(
        "Hammersmith Functional Motor Scale – Expanded",
        "Хаммерсмиттің кеңейтілген функционалдық қозғалыс шкаласы",
        "Расширенная функциональная двигательная шкала Хаммерсмит",
    ),
    version="HFMSE (O'Hagen 2007; manual 2009/2019)",
    population=Text(
        "SMA types 2 and 3 (sitters and walkers), from about 2 years, and adults",
        "2 және 3 типті СМА (отыратын және жүретін), шамамен 2 жастан бастап, және ересектер",
        "СМА 2 и 3 типов (сидящие и ходящие), примерно с 2 лет, и взрослые",
    ),
    domain="neuromuscular",
    items=tuple(
        Item(
            item_id,
            label,
            choices=_HFMSE_CHOICES,
            group="hfms" if int(item_id) <= 20 else "expanded",
            not_tested_allowed=True,
        )
        for item_id, label in zip(_HFMSE_IDS, _HFMSE_LABELS, strict=True)
    ),
    groups={
        "hfms": Text("Original HFMS (items 1–20)", "Бастапқы HFMS (1–20 тармақтар)", "Исходная HFMS (пункты 1–20)"),
        "expanded": Text(
            "Expanded module (items 21–33)", "Кеңейтілген модуль (21–33 тармақтар)", "Расширенный модуль (пункты 21–33)"
        ),
    },
    scorer=score_hfmse,
    total_range=(0, 66),
    higher_is_better=True,
    subscales=(
        Subscale(
            "hfms",
            Text(
                "HFMS subtotal (items 1–20)",
                "HFMS аралық қосындысы (1–20 тармақтар)",
                "Промежуточная сумма HFMS (пункты 1–20)",
            ),
            _HFMS_IDS,
            0,
            40,
        ),
    ),
    mcid=MeaningfulChange(
        3,
        "Mercuri E et al. N Engl J Med 2018;378:625–635 (CHERISH); Hagenacker T et al. Lancet Neurol 2020;19:317–325; SMArtCARE",
        note="≥3 points is the responder threshold used in SMA trials and registries; worsening is ≤ −3.",
    ),
    licence="Free for clinical and research use; the manual and proforma come from iSMAC/PNCR/SMA REACH UK.",
    context=(
        ContextField(
            "manual",
            Text("Manual version", "Нұсқаулық нұсқасы", "Версия руководства"),
            "choice",
            choices=("2009", "2019"),
        ),
        _LIMITED_BY_CONTRACTURE,
        ContextField(
            "spine_posture",
            Text(
                "Items 1–2: predominant spinal posture",
                "1–2 тармақтар: омыртқаның басым қалпы",
                "Пункты 1–2: преобладающая поза позвоночника",
            ),
            "text",
        ),
        ContextField(
            "leg_posture",
            Text(
                "Items 1–2: predominant leg posture",
                "1–2 тармақтар: аяқтардың басым қалпы",
                "Пункты 1–2: преобладающее положение ног",
            ),
            "text",
        ),
        _COMMENTS,
    ),
    citation="O'Hagen JM et al. An expanded version of the Hammersmith Functional Motor Scale for SMA II and III patients. Neuromuscul Disord 2007;17:693–697. Glanzman AM et al. J Child Neurol 2011;26:1499–1507.",
    scoring_rule="Sum of items 1–33, each 0/1/2 (0–66); HFMS subtotal = items 1–20 (0–40). No total unless all 33 items carry a value; a not-tested item (with its reason) withholds the total and the partial sum is flagged. 'Limited by contracture' is recorded per item and does not change the score.",
    notes=(
        "The 2019 manual clarifies administration without changing scoring criteria, so 2009 and 2019 administrations share one scoring rule; the manual used is stored in the context.",
        "Missing or refused items: no proration rule was found in the public material (spec §2.1 [U]); registry policy withholds the total.",
    ),
)


# --- RULM ----------------------------------------------------------------------------------------

# Per-item maximum as data. 18 of B–T are scored 0/1/2 and exactly one 0/1 (18 × 2 + 1 = 37; POD-NMD,
# TrakCare). Which letter is the 0/1 item is unverified (spec §2.2, §11.2): no retrievable copy of
# the scoresheet settled it. Decision: item B, "hands from lap to table", recorded as achieved or not,
# following the RULM scoresheet of Mazzone ES et al. Muscle Nerve 2017;55:869–874 and the RULM
# generic manual (Mazzone, 16 Dec 2014). It is not re-checked against the primary text; if the
# official scoresheet names another letter, move the 1 in this table.
_RULM_ITEMS: tuple[tuple[str, int, Text], ...] = (
    ("B", 1, Text("Hands from lap to table", "Қолдарды тізеден үстелге қою", "Руки с колен на стол")),
    ("C", 2, Text("Trace a path", "Жолды бойлай сызу", "Провести линию по дорожке")),
    ("D", 2, Text("Pick up small tokens", "Кішкентай жетондарды алу", "Взять мелкие жетоны")),
    ("E", 2, Text("Place a token into a cup", "Жетонды стақанға салу", "Положить жетон в стаканчик")),
    (
        "F",
        2,
        Text(
            "Reach sideways and touch a token",
            "Бүйірге созылып жетонды ұстау",
            "Дотянуться в сторону и коснуться жетона",
        ),
    ),
    ("G", 2, Text("Press a button light", "Жарық түймесін басу", "Нажать на световую кнопку")),
    ("H", 2, Text("Tear paper", "Қағазды жырту", "Разорвать бумагу")),
    (
        "I",
        2,
        Text(
            "Open a zip-lock container", "Сырғымалы бекіткіші бар контейнерді ашу", "Открыть контейнер с зип-застёжкой"
        ),
    ),
    (
        "J",
        2,
        Text("Lift a 200 g cup to the mouth", "200 г стақанды ауызға көтеру", "Поднести ко рту стакан весом 200 г"),
    ),
    (
        "K",
        2,
        Text(
            "Move a 200 g weight across the table",
            "200 г жүкті үстел үстімен жылжыту",
            "Переместить груз 200 г по столу",
        ),
    ),
    (
        "L",
        2,
        Text(
            "Move a 500 g weight across the table",
            "500 г жүкті үстел үстімен жылжыту",
            "Переместить груз 500 г по столу",
        ),
    ),
    (
        "M",
        2,
        Text(
            "Move a weight diagonally across the table",
            "Жүкті үстел үстімен диагональ бойынша жылжыту",
            "Переместить груз по столу по диагонали",
        ),
    ),
    (
        "N",
        2,
        Text(
            "Lift a 500 g weight from lap to table",
            "500 г жүкті тізеден үстелге көтеру",
            "Поднять груз 500 г с колен на стол",
        ),
    ),
    (
        "O",
        2,
        Text(
            "Both arms above the head (shoulder abduction)",
            "Екі қолды бастан жоғары көтеру (иықты әкету)",
            "Обе руки над головой (отведение в плечевом суставе)",
        ),
    ),
    (
        "P",
        2,
        Text(
            "500 g above shoulder height, arm straight (abduction)",
            "500 г жүкті иықтан жоғары көтеру, қол түзу (әкету)",
            "Груз 500 г выше уровня плеча, рука прямая (отведение)",
        ),
    ),
    (
        "Q",
        2,
        Text(
            "1 kg above shoulder height, arm straight (abduction)",
            "1 кг жүкті иықтан жоғары көтеру, қол түзу (әкету)",
            "Груз 1 кг выше уровня плеча, рука прямая (отведение)",
        ),
    ),
    (
        "R",
        2,
        Text(
            "Hand above shoulder height, arm straight (flexion)",
            "Қолды иықтан жоғары көтеру, қол түзу (бүгу)",
            "Кисть выше уровня плеча, рука прямая (сгибание)",
        ),
    ),
    (
        "S",
        2,
        Text(
            "500 g above shoulder height, arm straight (flexion)",
            "500 г жүкті иықтан жоғары көтеру, қол түзу (бүгу)",
            "Груз 500 г выше уровня плеча, рука прямая (сгибание)",
        ),
    ),
    (
        "T",
        2,
        Text(
            "1 kg above shoulder height, arm straight (flexion)",
            "1 кг жүкті иықтан жоғары көтеру, қол түзу (бүгу)",
            "Груз 1 кг выше уровня плеча, рука прямая (сгибание)",
        ),
    ),
)
RULM_ITEM_MAXIMA: dict[str, int] = {letter: maximum for letter, maximum, _ in _RULM_ITEMS}
_RULM_SCORED = tuple(RULM_ITEM_MAXIMA)

_RULM_ENTRY = Item(
    "A",
    Text(
        "Entry item: upper-limb functional class (0–6, not summed)",
        "Кіріс тармағы: қолдың функционалдық класы (0–6, қосылмайды)",
        "Входной пункт: функциональный класс руки (0–6, не суммируется)",
    ),
    choices=_numbers(0, 1, 2, 3, 4, 5, 6),
    scored=False,
    not_tested_allowed=True,
)


def score_rulm(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """RULM total = sum of items B–T for the tested arm, 0–37; entry item A (0–6) is not summed.

    Mazzone ES et al. Revised upper limb module for spinal muscular atrophy: development of a new
    module. Muscle Nerve 2017;55:869–874. One administration scores one arm (context ``side``);
    left and right are two results and are never added. No missing-item rule is published: any
    missing or not-tested item of B–T withholds the total.
    """
    flags = _contracture_flags(instrument, context)
    total = sum_if_complete(answers, _RULM_SCORED)
    if total is None:
        flags.append(_partial_flag(answers, _RULM_SCORED))
    entry = answers.get("A")
    return Scored(total=total, flags=flags, derived={"entry_item": entry if type(entry) is int else None})


RULM = Instrument(
    code="rulm",
    name="RULM",
    title=Text(
        "Revised Upper Limb Module",
        "Қол функциясының қайта қаралған модулі",
        "Пересмотренный модуль для верхних конечностей",
    ),
    version="RULM (Mazzone 2017)",
    population=Text(
        "SMA, ambulant and non-ambulant, from about 30 months, and adults",
        "СМА, жүретін және жүрмейтін, шамамен 30 айдан бастап, және ересектер",
        "СМА, ходячие и неходячие, примерно с 30 месяцев, и взрослые",
    ),
    domain="neuromuscular",
    items=(_RULM_ENTRY,)
    + tuple(
        Item(letter, label, choices=_numbers(*range(maximum + 1)), not_tested_allowed=True)
        for letter, maximum, label in _RULM_ITEMS
    ),
    scorer=score_rulm,
    total_range=(0, 37),
    higher_is_better=True,
    mcid=MeaningfulChange(
        2,
        "Hagenacker T et al. Lancet Neurol 2020;19:317–325; SMArtCARE registry",
        note="≥2 points is the convention used in SMA cohorts; compare the same arm only.",
    ),
    licence="Free for clinical and research use; the manual and scoresheet come from the RULM working group.",
    context=(
        ContextField(
            "side",
            Text("Tested side", "Тексерілген жақ", "Оцениваемая сторона"),
            "choice",
            choices=("L", "R"),
            required=True,
        ),
        ContextField(
            "dominant_hand",
            Text("Dominant hand", "Басым қол", "Доминирующая рука"),
            "choice",
            choices=("right", "left", "ambidextrous"),
        ),
        ContextField(
            "spinal_brace",
            Text("Spinal brace worn", "Омыртқа ортезі киілген", "Ношение ортеза позвоночника"),
            "choice",
            choices=_YES_NO,
        ),
        ContextField(
            "spinal_brace_type",
            Text("Type of spinal brace", "Омыртқа ортезінің түрі", "Тип ортеза позвоночника"),
            "text",
        ),
        ContextField(
            "elbow_contracture_right",
            Text(
                "Right elbow contracture", "Оң шынтақ буынының контрактурасы", "Контрактура правого локтевого сустава"
            ),
            "choice",
            choices=_YES_NO,
        ),
        ContextField(
            "elbow_contracture_left",
            Text("Left elbow contracture", "Сол шынтақ буынының контрактурасы", "Контрактура левого локтевого сустава"),
            "choice",
            choices=_YES_NO,
        ),
        ContextField(
            "elbow_contracture_right_deg",
            Text(
                "Right elbow contracture (degrees)",
                "Оң шынтақ контрактурасы (градус)",
                "Контрактура правого локтя (градусы)",
            ),
            "number",
            minimum=0,
            maximum=180,
            unit="°",
        ),
        ContextField(
            "elbow_contracture_left_deg",
            Text(
                "Left elbow contracture (degrees)",
                "Сол шынтақ контрактурасы (градус)",
                "Контрактура левого локтя (градусы)",
            ),
            "number",
            minimum=0,
            maximum=180,
            unit="°",
        ),
        ContextField(
            "salbutamol",
            Text("Salbutamol use", "Сальбутамол қабылдау", "Приём сальбутамола"),
            "choice",
            choices=_YES_NO,
        ),
        ContextField(
            "spinal_surgery",
            Text("Previous spinal surgery", "Омыртқаға бұрын жасалған ота", "Операция на позвоночнике в анамнезе"),
            "choice",
            choices=_YES_NO,
        ),
        ContextField(
            "item_e_placement",
            Text("Item E: where the cup stood", "E тармағы: стақанның орны", "Пункт E: положение стаканчика"),
            "choice",
            choices=("table", "shoulder_height"),
        ),
        _LIMITED_BY_CONTRACTURE,
        _COMMENTS,
    ),
    side_from_context="side",
    citation="Mazzone ES et al. Revised upper limb module for spinal muscular atrophy: development of a new module. Muscle Nerve 2017;55:869–874.",
    scoring_rule="Sum of items B–T for one tested arm (0–37): item B is scored 0/1, items C–T 0/1/2. Entry item A (0–6) is recorded, not summed. No total unless all of B–T carry a value. Left and right are separate results; change is compared on the same side only.",
    notes=(
        "Which single item is scored 0/1 is unverified in the specification (§2.2); item B is used, per the RULM scoresheet (Mazzone 2017). The per-item maximum is data (RULM_ITEM_MAXIMA).",
        "The abduction/flexion planes of items P–T are inferred from the item pairing (spec §2.2 [U]).",
    ),
)


# --- 6MWT ----------------------------------------------------------------------------------------

_MINUTES = tuple(f"minute_{n}_m" for n in range(1, 7))
_MINUTE_MAX_M = 250
# A walk, not a run: 250 m in one minute is 15 km/h, beyond any six-minute walk on record.
_DISTANCE_MAX_M = 6 * _MINUTE_MAX_M
# Minute distances are measured to the nearest metre or better; a larger gap is a recording error.
_MINUTE_SUM_TOLERANCE_M = 1.0
_ADULT_AGE = 18


def fatigue_index_pct(minute_1_m: float | None, minute_6_m: float | None) -> float | None:
    """Fatigue index = 100 × (d6 − d1) / d1, in %; negative means decline from minute 1 to 6.

    Registry definition (spec §2.3) after Montes J et al. Neurology 2010;74:833–838, who compared
    the distances of minute 1 and minute 6. ``None`` when minute 1 is 0 or either is missing.

    >>> fatigue_index_pct(57.5, 48)
    -16.5
    """
    if minute_1_m is None or minute_6_m is None or minute_1_m == 0:
        return None
    return round(100 * (minute_6_m - minute_1_m) / minute_1_m, 1)


def _check_minute_sum(instrument: Instrument, distance: float | None, minutes: list[float | None]) -> None:
    present = [m for m in minutes if m is not None]
    if distance is None or not present:
        return
    walked = sum(present)
    all_minutes = len(present) == len(minutes)
    if (
        all_minutes and abs(walked - distance) > _MINUTE_SUM_TOLERANCE_M
    ) or walked > distance + _MINUTE_SUM_TOLERANCE_M:
        raise ScaleError(
            [
                Problem(
                    "inconsistent_items",
                    item="distance_m, " + ", ".join(_MINUTES),
                    value=f"{walked:g} m over the minutes, {distance:g} m in total",
                    allowed="the minute distances (each minute on its own) add up to the total distance (±1 m)",
                    instrument=instrument.name,
                )
            ]
        )


def _walk_prediction(distance: float | None, context: Mapping[str, Any]) -> tuple[dict[str, Any], list[Flag]]:
    """Enright 1998 predicted distance, lower limit and % predicted, with the caveats as flags."""
    derived: dict[str, Any] = {
        "predicted_m": None,
        "lower_limit_m": None,
        "percent_predicted": None,
        "below_lower_limit": None,
        "reference_equation": None,
    }
    needed = ("sex", "age", "height_cm", "weight_kg")
    if any(context.get(name) is None for name in needed):
        return derived, []
    age = context["age"]
    if age < _ADULT_AGE:
        return derived, [
            Flag("no_reference_for_age", detail="Enright 1998 is an adult equation; no paediatric equation is included")
        ]
    flags: list[Flag] = []
    low, high = ENRIGHT_1998_DERIVATION_AGES
    if not low <= age <= high:
        flags.append(
            Flag("reference_extrapolated", detail=f"Enright 1998 was derived in healthy adults aged {low}–{high}")
        )
    if context.get("protocol") == "sma_25m":
        flags.append(
            Flag(
                "reference_protocol_differs",
                detail="Enright 1998 assumes an ATS-style corridor, not the 25 m SMA course",
            )
        )
    prediction = enright_1998(context["sex"], age, context["height_cm"], context["weight_kg"])
    if prediction.predicted_m <= 0:
        return derived, [Flag("reference_not_applicable", detail=f"predicted distance {prediction.predicted_m:g} m")]
    derived.update(
        predicted_m=prediction.predicted_m,
        lower_limit_m=prediction.lower_limit_m,
        reference_equation=prediction.equation,
    )
    if distance is not None:
        derived["percent_predicted"] = round(100 * distance / prediction.predicted_m, 1)
        derived["below_lower_limit"] = distance < prediction.lower_limit_m
    return derived, flags


def score_6mwt(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """6MWT total = distance walked in six minutes (m); a test stopped early keeps the distance
    achieved and is flagged (spec §2.3; ATS statement, Am J Respir Crit Care Med 2002;166:111–117).

    Derived: the fatigue index (minute 6 vs minute 1, Montes 2010) and, for adults with sex, age,
    height and weight, the Enright & Sherrill 1998 predicted distance, lower limit and % predicted.
    """
    points = answers.points
    distance = points.get("distance_m")
    minutes = [points.get(item_id) for item_id in _MINUTES]
    _check_minute_sum(instrument, distance, minutes)
    flags: list[Flag] = []
    stopped = context.get("stopped_early") == "yes"
    if stopped:
        flags.append(Flag("stopped_early", detail=context.get("stopped_early_reason", "")))
    derived, prediction_flags = _walk_prediction(distance, context)
    flags.extend(prediction_flags)
    # A test cut short has no true sixth minute, so no fatigue index is computed for it.
    derived["fatigue_index_pct"] = None if stopped else fatigue_index_pct(minutes[0], minutes[5])
    return Scored(total=distance, flags=flags, derived=derived)


def _minute_label(n: int) -> Text:
    return Text(
        f"Distance walked in minute {n} (m)", f"{n}-минутта жүрілген қашықтық (м)", f"Дистанция за {n}-ю минуту (м)"
    )


SIX_MWT = Instrument(
    code="6mwt",
    name="6MWT",
    title=Text("Six-minute walk test", "Алты минуттық жүріс сынағы", "Тест шестиминутной ходьбы"),
    version="6MWT (ATS 2002; SMA 25 m protocol, Montes 2010)",
    population=Text(
        "Ambulant SMA (types 3 and 4) from about 5 years; other ambulant adults",
        "Жүре алатын СМА (3 және 4 типтер) шамамен 5 жастан; жүре алатын басқа ересектер",
        "Ходячие пациенты со СМА (3 и 4 типы) примерно с 5 лет; другие ходячие взрослые",
    ),
    domain="neuromuscular",
    items=(
        Item(
            "distance_m",
            Text("Total distance walked (m)", "Жүрілген жалпы қашықтық (м)", "Общая пройденная дистанция (м)"),
            minimum=0,
            maximum=_DISTANCE_MAX_M,
            unit="m",
            not_tested_allowed=True,
        ),
    )
    + tuple(
        Item(item_id, _minute_label(n), minimum=0, maximum=_MINUTE_MAX_M, unit="m", required=False)
        for n, item_id in enumerate(_MINUTES, start=1)
    ),
    scorer=score_6mwt,
    total_range=(0, _DISTANCE_MAX_M),
    higher_is_better=True,
    mcid=MeaningfulChange(
        30, "SMArtCARE registry (Pechmann A et al. 2023); convention in SMA registries, not anchor-based"
    ),
    loinc=Loinc(total="64098-7"),
    licence="Public domain test procedure.",
    context=(
        _SEX,
        _AGE,
        _HEIGHT,
        _WEIGHT,
        ContextField(
            "protocol",
            Text("Test protocol", "Тест хаттамасы", "Протокол теста"),
            "choice",
            choices=("sma_25m", "ats_2002", "other"),
        ),
        ContextField(
            "course_length_m",
            Text("Course length (m)", "Жүріс жолының ұзындығы (м)", "Длина дорожки (м)"),
            "number",
            minimum=5,
            maximum=100,
            unit="m",
        ),
        ContextField(
            "stopped_early",
            Text(
                "Test stopped before six minutes",
                "Тест алты минуттан бұрын тоқтатылды",
                "Тест прекращён до истечения шести минут",
            ),
            "choice",
            choices=_YES_NO,
        ),
        ContextField(
            "stopped_early_reason",
            Text("Reason for stopping early", "Ерте тоқтату себебі", "Причина досрочного прекращения"),
            "text",
        ),
        ContextField("assistive_device", Text("Assistive device", "Көмекші құрал", "Вспомогательное средство"), "text"),
        ContextField("orthoses", Text("Orthoses", "Ортездер", "Ортезы"), "text"),
        ContextField(
            "heart_rate_pre",
            Text("Heart rate before (/min)", "Тесттен бұрынғы жүрек соғу жиілігі (/мин)", "ЧСС до теста (уд/мин)"),
            "number",
            minimum=20,
            maximum=250,
            unit="/min",
        ),
        ContextField(
            "heart_rate_post",
            Text("Heart rate after (/min)", "Тесттен кейінгі жүрек соғу жиілігі (/мин)", "ЧСС после теста (уд/мин)"),
            "number",
            minimum=20,
            maximum=250,
            unit="/min",
        ),
        ContextField(
            "borg_pre",
            Text(
                "Borg dyspnoea before (0–10)",
                "Тесттен бұрынғы Борг бойынша ентігу (0–10)",
                "Одышка по Боргу до теста (0–10)",
            ),
            "number",
            minimum=0,
            maximum=10,
        ),
        ContextField(
            "borg_post",
            Text(
                "Borg dyspnoea after (0–10)",
                "Тесттен кейінгі Борг бойынша ентігу (0–10)",
                "Одышка по Боргу после теста (0–10)",
            ),
            "number",
            minimum=0,
            maximum=10,
        ),
        _COMMENTS,
    ),
    citation="ATS statement: guidelines for the six-minute walk test. Am J Respir Crit Care Med 2002;166:111–117. Montes J et al. Neurology 2010;74:833–838 (SMA protocol, fatigue). Enright PL, Sherrill DL. Am J Respir Crit Care Med 1998;158:1384–1387.",
    scoring_rule="Total = distance walked (m); a test stopped early keeps the distance achieved, flagged. Minute distances are per minute, not cumulative, and must add up to the total (±1 m). Fatigue index = 100 × (minute 6 − minute 1) / minute 1 (negative = decline; none when minute 1 is 0 or missing, or the test stopped early). Adults: Enright & Sherrill 1998 predicted distance, lower limit (−153 m men, −139 m women) and % predicted.",
    notes=(
        "Fatigue index sign: negative means decline (spec §2.3); no validated threshold for fatigue exists.",
        "Enright 1998 was derived in adults aged 40–80; it is applied from 18 years with a flag outside 40–80. Paediatric equations (Geiger 2007) are not included: their coefficients were not verified.",
        "The lower-limit offsets (153 m, 139 m) are from the original paper and were not re-checked (spec §2.3 [K]).",
    ),
)


# --- CHOP INTEND ---------------------------------------------------------------------------------

CNT = "CNT"
_CNT_CHOICE = Choice(
    CNT,
    None,
    Text(
        "Cannot test (behavioural state)",
        "Тексеру мүмкін емес (мінез-құлық жағдайы)",
        "Невозможно оценить (поведенческое состояние)",
    ),
)

# (item number, tested on both sides, label); order and sides as in spec §2.4.
_CHOP_ITEMS: tuple[tuple[int, bool, Text], ...] = (
    (1, False, Text("Spontaneous upper-limb movement", "Қолдардың өздігінен қозғалысы", "Спонтанные движения рук")),
    (2, False, Text("Spontaneous lower-limb movement", "Аяқтардың өздігінен қозғалысы", "Спонтанные движения ног")),
    (3, True, Text("Hand grip", "Қолмен қысып ұстау", "Захват кистью")),
    (
        4,
        False,
        Text(
            "Head to midline with visual stimulus",
            "Көру тітіркендіргішіне басты орта сызыққа бұру",
            "Поворот головы к средней линии на зрительный стимул",
        ),
    ),
    (5, True, Text("Hip adduction", "Жамбасты әкелу", "Приведение бедра")),
    (6, True, Text("Rolling elicited from the legs", "Аяқтан бастап аунату", "Переворот, вызванный со стороны ног")),
    (7, True, Text("Rolling elicited from the arms", "Қолдан бастап аунату", "Переворот, вызванный со стороны рук")),
    (
        8,
        True,
        Text(
            "Shoulder and elbow flexion with horizontal abduction",
            "Иық пен шынтақты көлденең әкетумен бүгу",
            "Сгибание в плече и локте с горизонтальным отведением",
        ),
    ),
    (9, True, Text("Shoulder flexion and elbow flexion", "Иықты және шынтақты бүгу", "Сгибание в плече и в локте")),
    (10, True, Text("Knee extension", "Тізені жазу", "Разгибание колена")),
    (
        11,
        True,
        Text(
            "Hip flexion and ankle dorsiflexion",
            "Жамбасты бүгу және табанды жоғары бүгу",
            "Сгибание бедра и тыльное сгибание стопы",
        ),
    ),
    (
        12,
        False,
        Text(
            "Head control in supported sitting", "Сүйеп отырғызғанда басты ұстау", "Удержание головы сидя с поддержкой"
        ),
    ),
    (
        13,
        True,
        Text(
            "Elbow flexion during pull-to-sit",
            "Отырғызуға тартқанда шынтақты бүгу",
            "Сгибание в локте при подтягивании в положение сидя",
        ),
    ),
    (
        14,
        False,
        Text(
            "Neck flexion during pull-to-sit",
            "Отырғызуға тартқанда мойынды бүгу",
            "Сгибание шеи при подтягивании в положение сидя",
        ),
    ),
    (
        15,
        False,
        Text("Head and neck extension (Landau)", "Бас пен мойынды жазу (Ландау)", "Разгибание головы и шеи (Ландау)"),
    ),
    (16, True, Text("Spinal incurvation (Galant)", "Омыртқаның иілуі (Галант)", "Искривление позвоночника (Галант)")),
)
# Allowed levels per item, as data. Glanzman 2010 items have 3, 4 or 5 response levels (C-Path), but
# which levels belong to which item is unverified (spec §2.4, §11.3): every item accepts 0–4 until the
# official scoresheet is transcribed here. Narrowing a set here is the only change needed.
CHOP_INTEND_LEVELS: dict[int, tuple[int, ...]] = {number: (0, 1, 2, 3, 4) for number, _, _ in _CHOP_ITEMS}
_SIDE_NAMES = {"L": ("left", "сол жақ", "слева"), "R": ("right", "оң жақ", "справа")}


def _sided(label: Text, side: str) -> Text:
    en, kk, ru = _SIDE_NAMES[side]
    return Text(f"{label.en} — {en}", f"{label.kk} — {kk}", f"{label.ru} — {ru}")


def _chop_items() -> tuple[Item, ...]:
    items: list[Item] = []
    for number, bilateral, label in _CHOP_ITEMS:
        choices = _numbers(*CHOP_INTEND_LEVELS[number]) + (_CNT_CHOICE,)
        if bilateral:
            items.extend(
                Item(f"{number}_{side}", _sided(label, side), choices=choices, side=side) for side in ("L", "R")
            )
        else:
            items.append(Item(str(number), label, choices=choices))
    return tuple(items)


def _chop_sources(number: int, bilateral: bool, scored_side: str | None) -> tuple[str, ...]:
    """The responses an item's score comes from: both sides (better side), one side, or the item."""
    if not bilateral:
        return (str(number),)
    if scored_side is None:
        return (f"{number}_L", f"{number}_R")
    return (f"{number}_{scored_side}",)


def score_chop_intend(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """CHOP INTEND total = sum of the 16 item scores (each 0–4), 0–64, no weighting.

    Glanzman AM et al. Neuromuscul Disord 2010;20:155–161. A bilateral item scores its better side
    (the higher of left and right), so each item adds one value and 16 × 4 = 64; context
    ``scored_side`` ("L"/"R") scores one side instead. "CNT" (cannot test, adverse behavioural state,
    Manual of Procedures) is not 0: any CNT, or any missing side the rule needs, withholds the total
    (registry policy, spec §2.4) and the partial sum is flagged with the number of CNT entries.
    """
    scored_side = context.get("scored_side")
    item_scores: dict[str, int | None] = {}
    blocked: list[str] = []
    for number, bilateral, _ in _CHOP_ITEMS:
        values = [answers.get(item_id) for item_id in _chop_sources(number, bilateral, scored_side)]
        determined = all(type(v) is int for v in values)
        item_scores[str(number)] = max(values) if determined else None
        if not determined:
            blocked.append(str(number))
    cnt_entries = tuple(item.id for item in instrument.items if answers.get(item.id) == CNT)
    flags: list[Flag] = []
    if cnt_entries:
        flags.append(Flag("cannot_test", cnt_entries, detail=f"n_CNT = {len(cnt_entries)}"))
    total = None
    if blocked:
        partial = sum(v for v in item_scores.values() if v is not None)
        flags.append(Flag("partial_sum", tuple(blocked), detail=f"{partial} from {16 - len(blocked)} of 16 items"))
    else:
        total = sum(item_scores.values())  # type: ignore[arg-type]
    derived = {
        "item_scores": item_scores,
        "n_cnt": len(cnt_entries),
        "side_rule": {None: "better_side", "L": "left", "R": "right"}[scored_side],
    }
    return Scored(total=total, flags=flags, derived=derived, complete=not blocked)


CHOP_INTEND = Instrument(
    code="chop_intend",
    name="CHOP INTEND",
    title=Text(
        "Children's Hospital of Philadelphia Infant Test of Neuromuscular Disorders",
        "Филадельфия балалар ауруханасының нәрестелердегі жүйке-бұлшықет бұзылыстары тесті (CHOP INTEND)",
        "Тест Детской больницы Филадельфии для оценки нервно-мышечных нарушений у младенцев (CHOP INTEND)",
    ),
    version="CHOP INTEND (Glanzman 2010)",
    population=Text(
        "Infants with SMA type 1 and weak non-sitting patients",
        "1 типті СМА бар нәрестелер және отыра алмайтын әлсіз науқастар",
        "Младенцы со СМА 1 типа и ослабленные несидячие пациенты",
    ),
    domain="neuromuscular",
    items=_chop_items(),
    scorer=score_chop_intend,
    total_range=(0, 64),
    higher_is_better=True,
    mcid=MeaningfulChange(
        4, "Finkel RS et al. N Engl J Med 2017;377:1723–1732 (ENDEAR); German expanded access programme cohorts"
    ),
    licence="Free for clinical and research use; the scoresheet and manual come from CHOP/PNCR.",
    context=(
        ContextField(
            "scored_side",
            Text(
                "Score bilateral items from one side only (default: the better side)",
                "Екі жақты тармақтарды тек бір жақпен бағалау (әдепкі: жақсы жақ)",
                "Оценивать двусторонние пункты только по одной стороне (по умолчанию — лучшая сторона)",
            ),
            "choice",
            choices=("L", "R"),
        ),
        _COMMENTS,
    ),
    side_from_context="scored_side",
    citation="Glanzman AM et al. The Children's Hospital of Philadelphia Infant Test of Neuromuscular Disorders (CHOP INTEND): test development and reliability. Neuromuscul Disord 2010;20:155–161.",
    scoring_rule="Sum of 16 item scores, each 0–4 (0–64). A bilateral item (ids with _L/_R) scores its better side, or one side when context scored_side is given. CNT is recorded, never counted as 0: any CNT or missing response the rule needs withholds the total; the partial sum is flagged with n_CNT.",
    notes=(
        "Better-side rule for bilateral items: decision for an unverified fact (spec §2.4 [U]), following the scoresheet's one value per item (16 × 4 = 64). A result scored from one side carries that side, so change is never compared across side rules.",
        "Per-item level sets are unverified (spec §11.3); all items accept 0–4 (CHOP_INTEND_LEVELS).",
        "Item order and the bilateral items follow spec §2.4, itself marked as unverified; whether the scoresheet also records the spontaneous-movement items 1–2 per side is open.",
    ),
)


# --- FVC % predicted (GLI-2012) ------------------------------------------------------------------

# A spirometer may use another reference set; beyond this gap its % predicted is not the GLI-2012 one.
_REPORTED_TOLERANCE_PCT = 1.0
_GLI_INPUTS = ("sex", "age", "height_cm")
_CONTEXT_ALLOWED = {
    "sex": "male | female",
    "age": "3–95 years",
    "height_cm": "40–250 cm",
}


def _gli_context_problems(instrument: Instrument, context: Mapping[str, Any]) -> list[Problem]:
    problems = [
        Problem("context_missing", item=name, allowed=_CONTEXT_ALLOWED[name], instrument=instrument.name)
        for name in _GLI_INPUTS
        if context.get(name) is None
    ]
    age = context.get("age")
    low, high = GLI_2012_AGE_RANGE
    if age is not None and not low <= age <= high:
        problems.append(
            Problem(
                "context_invalid",
                item="age",
                value=age,
                allowed=f"{low:g}–{high:g} years (GLI-2012)",
                instrument=instrument.name,
            )
        )
    return problems


def score_fvc(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """FVC % predicted by GLI-2012 (Quanjer PH et al. Eur Respir J 2012;40:1324–1343).

    From the measured FVC (L, BTPS) with sex, age (3–95 years) and height: predicted = M,
    % predicted = 100 × FVC / M, z = ((FVC/M)^L − 1)/(L·S), LLN = M·(1 − 1.645·L·S)^(1/L). The band is
    "below_lln" when z < −1.645, else "within_normal". Without the measured volume, the spirometer's
    own % predicted is the total (no z-score or LLN can be derived from it).
    """
    measured = answers.points.get("fvc_l")
    reported = answers.points.get("fvc_percent_predicted")
    derived: dict[str, Any] = dict.fromkeys(
        (
            "reference_equation",
            "ethnicity",
            "predicted_l",
            "lln_l",
            "uln_l",
            "z_score",
            "percent_predicted",
            "below_lln",
        )
    )
    derived.update(reported_percent_predicted=reported, percent_source=None)
    if measured is None:
        if reported is None:
            return Scored(total=None, derived=derived, complete=False)
        derived.update(percent_predicted=reported, percent_source="reported")
        return Scored(
            total=reported,
            derived=derived,
            flags=[Flag("percent_as_reported", detail="no z-score or LLN without the measured FVC")],
        )
    problems = _gli_context_problems(instrument, context)
    if problems:
        raise ScaleError(problems)
    flags: list[Flag] = []
    ethnicity = context.get("ethnicity")
    if ethnicity is None:
        ethnicity = "caucasian"
        flags.append(Flag("ethnicity_assumed", detail="GLI-2012 Caucasian equations used; give context.ethnicity"))
    lms = gli_2012("FVC", context["sex"], context["age"], context["height_cm"], ethnicity)
    z = lms.z_score(measured)
    percent = round(lms.percent_predicted(measured), 1)
    derived.update(
        reference_equation="GLI-2012",
        ethnicity=ethnicity,
        predicted_l=round(lms.predicted, 3),
        lln_l=round(lms.lower_limit, 3),
        uln_l=round(lms.upper_limit, 3),
        z_score=round(z, 2),
        percent_predicted=percent,
        below_lln=z < LLN_Z,
        percent_source="gli_2012",
    )
    if reported is not None and abs(reported - percent) > _REPORTED_TOLERANCE_PCT:
        flags.append(
            Flag(
                "reported_percent_differs",
                ("fvc_percent_predicted",),
                detail=f"spirometer {reported:g} %, GLI-2012 {percent:g} %",
            )
        )
    return Scored(total=percent, derived=derived, flags=flags, band="below_lln" if z < LLN_Z else "within_normal")


FVC = Instrument(
    code="fvc",
    name="FVC",
    title=Text(
        "Forced vital capacity, % predicted (GLI-2012)",
        "Өкпенің форсирленген тіршілік сыйымдылығы, болжамдыдан % (GLI-2012)",
        "Форсированная жизненная ёмкость лёгких, % от должного (GLI-2012)",
    ),
    version="GLI-2012 (Quanjer 2012)",
    population=Text(
        "Ages 3–95 years; respiratory monitoring in SMA and myasthenia gravis",
        "3–95 жас; СМА мен миастения кезінде тыныс алуды бақылау",
        "Возраст 3–95 лет; мониторинг дыхания при СМА и миастении",
    ),
    domain="neuromuscular",
    items=(
        Item(
            "fvc_l",
            Text(
                "Measured FVC (L, BTPS, best acceptable manoeuvre)",
                "Өлшенген ФЖЕЛ (л, BTPS, ең жақсы қабылданған тыныс)",
                "Измеренная ФЖЕЛ (л, BTPS, лучший приемлемый манёвр)",
            ),
            minimum=0.1,
            maximum=10,
            unit="L",
            required=False,
        ),
        Item(
            "fvc_percent_predicted",
            Text(
                "FVC % predicted as reported by the spirometer",
                "Спирометр көрсеткен ФЖЕЛ, болжамдыдан %",
                "ФЖЕЛ, % от должного, по данным спирометра",
            ),
            minimum=1,
            maximum=250,
            unit="%",
            required=False,
        ),
    ),
    scorer=score_fvc,
    total_range=(0, None),
    higher_is_better=True,
    loinc=Loinc(total="19872-1"),
    licence="GLI-2012 equations and look-up tables are published by the ERS Global Lung Function Initiative for free use.",
    context=(
        _SEX,
        _AGE,
        _HEIGHT,
        ContextField(
            "ethnicity",
            Text("Ethnic group (GLI-2012)", "Этникалық топ (GLI-2012)", "Этническая группа (GLI-2012)"),
            "choice",
            choices=GLI_2012_ETHNICITIES,
        ),
        ContextField(
            "reported_equation",
            Text(
                "Reference equation used by the spirometer",
                "Спирометр қолданған референстік теңдеу",
                "Референсное уравнение спирометра",
            ),
            "text",
        ),
        _COMMENTS,
    ),
    citation="Quanjer PH et al. Multi-ethnic reference values for spirometry for the 3–95-yr age range: the global lung function 2012 equations. Eur Respir J 2012;40:1324–1343.",
    scoring_rule="From fvc_l with sex, age (3–95) and height: GLI-2012 LMS predicted, % predicted (the total), z-score, LLN and ULN (z ±1.645); splines interpolated between quarter-year rows. Band: below_lln (z < −1.645) or within_normal. Without fvc_l, the spirometer's % predicted is the total, without band. Ethnicity defaults to Caucasian, flagged.",
    notes=(
        "No SMA-specific meaningful change is published (spec §2.5 [U]); change is reported, not classified.",
        "LOINC 19872-1 is FVC measured/predicted; the code for measured FVC (19870-5) is unverified and not attached.",
        "Kazakh patients are not a GLI-2012 group; 'other' (mixed) is the GLI choice for groups outside the four, 'caucasian' the default when nothing is given.",
    ),
)


INSTRUMENTS: tuple[Instrument, ...] = (HFMSE, RULM, SIX_MWT, CHOP_INTEND, FVC)
