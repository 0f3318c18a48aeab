"""The therapy catalogue of clinical.md §B as data: drugs, classes, routes, regimens and products.

Facts here are summaries for scheduling and coding, not prescribing information: the label in
force in the user's jurisdiction always wins (clinical.md preamble). Each drug names the label or
source it was taken from and the evidence tag of clinical.md (§0: V verified, K standard fact not
re-checked, U unverified, RD registry-design default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from qadam.scales import Text

Condition = Literal["sma", "mg", "spasticity", "pain"]
Route = Literal["intrathecal", "oral", "iv", "sc", "im", "extracorporeal", "topical"]
RegimenKind = Literal[
    "loading_then_maintenance",  # nusinersen, eculizumab, ravulizumab
    "daily",  # risdiplam, zilucoplan, pain adjuvants, standard MG therapy
    "single_dose",  # onasemnogene
    "cycle",  # FcRn blockers: a cycle of weekly doses, repeated on clinical evaluation
    "course",  # IVIG, plasma exchange, rituximab
    "session",  # botulinum toxin: one session of injections into several muscles
]


@dataclass(frozen=True)
class Product:
    """A brand or biosimilar. ``units`` names the product-specific potency unit where there is one."""

    code: str
    brand: str
    routes: tuple[Route, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class DrugClass:
    code: str
    name: Text


@dataclass(frozen=True)
class Drug:
    """One drug of the catalogue, with where its facts come from."""

    code: str
    name: Text
    drug_class: DrugClass
    condition: Condition
    routes: tuple[Route, ...]
    regimen: RegimenKind
    products: tuple[Product, ...] = ()
    dose_unit: str = "mg"
    # ATC codes only where the spec gives them (pain adjuvants, §B.4); drug-level codes are left to
    # the coding tables of the registry rather than typed from memory.
    atc: str | None = None
    summary: str = ""
    sources: tuple[str, ...] = ()
    tag: str = "V"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name.as_dict(),
            "class": {"code": self.drug_class.code, "name": self.drug_class.name.as_dict()},
            "condition": self.condition,
            "routes": list(self.routes),
            "regimen": self.regimen,
            "products": [
                {"code": p.code, "brand": p.brand, "routes": list(p.routes), "note": p.note} for p in self.products
            ],
            "dose_unit": self.dose_unit,
            "atc": self.atc,
            "summary": self.summary,
            "sources": list(self.sources),
            "tag": self.tag,
            "notes": list(self.notes),
        }


SMN2_ASO = DrugClass(
    "SMN2_ASO",
    Text(
        "SMN2 splicing modifier (antisense oligonucleotide)",
        "SMN2 сплайсинг модуляторы (антисенс олигонуклеотид)",
        "Модификатор сплайсинга SMN2 (антисмысловой олигонуклеотид)",
    ),
)
SMN2_SMALL_MOLECULE = DrugClass(
    "SMN2_SMALL_MOLECULE",
    Text(
        "SMN2 splicing modifier (small molecule)",
        "SMN2 сплайсинг модуляторы (шағын молекула)",
        "Модификатор сплайсинга SMN2 (малая молекула)",
    ),
)
GENE_THERAPY = DrugClass(
    "SMN1_GENE_THERAPY",
    Text(
        "SMN1 gene replacement (AAV9 vector)",
        "SMN1 генін алмастыру (AAV9 векторы)",
        "Заместительная генная терапия SMN1 (вектор AAV9)",
    ),
)
C5_INHIBITOR = DrugClass(
    "C5_INHIBITOR", Text("Complement C5 inhibitor", "Комплемент C5 тежегіші", "Ингибитор комплемента C5")
)
FCRN_BLOCKER = DrugClass(
    "FCRN_BLOCKER",
    Text(
        "Neonatal Fc receptor (FcRn) blocker",
        "Неонаталдық Fc рецепторының (FcRn) блокаторы",
        "Блокатор неонатального Fc-рецептора (FcRn)",
    ),
)
ANTI_CD20 = DrugClass("ANTI_CD20", Text("Anti-CD20 antibody", "CD20-ға қарсы антидене", "Антитело к CD20"))
IMMUNOMODULATION = DrugClass(
    "IMMUNOMODULATION",
    Text(
        "Immunomodulation (rescue or maintenance)",
        "Иммуномодуляция (шұғыл немесе демеуші)",
        "Иммуномодуляция (экстренная или поддерживающая)",
    ),
)
MG_STANDARD = DrugClass(
    "MG_STANDARD", Text("Standard MG therapy", "МГ стандартты емі", "Стандартная терапия миастении")
)
BOTULINUM = DrugClass(
    "BOTULINUM_TOXIN_A", Text("Botulinum toxin type A", "А типті ботулиндік токсин", "Ботулинический токсин типа А")
)

_SPINRAZA_LABELS = ("SPINRAZA US prescribing information", "SPINRAZA EU SmPC")
_MENINGOCOCCAL_NOTE = "Meningococcal vaccination (ACWY and B) at least 2 weeks before the first dose, or antibacterial prophylaxis (boxed warning); see qadam.regimens.mg.check_c5_start."

SMA_DRUGS: tuple[Drug, ...] = (
    Drug(
        "nusinersen",
        Text("Nusinersen", "Нусинерсен", "Нусинерсен"),
        SMN2_ASO,
        "sma",
        ("intrathecal",),
        "loading_then_maintenance",
        (Product("spinraza", "Spinraza", ("intrathecal",), "12 mg regimen; EU also 50 mg / 28 mg (Jan 2026)"),),
        summary="12 mg intrathecally: 4 loading doses (EU days 0, 14, 28, 63; US days 0, 14, 28, 58), then every 4 months. High-dose regimen: 50 mg × 2 (14 days apart), then 28 mg every 4 months.",
        sources=_SPINRAZA_LABELS + ("Biogen announcement of EU approval of the high-dose regimen, Jan 2026",),
        notes=("Schedule and missed-dose rules: qadam.regimens.nusinersen.",),
    ),
    Drug(
        "risdiplam",
        Text("Risdiplam", "Рисдиплам", "Рисдиплам"),
        SMN2_SMALL_MOLECULE,
        "sma",
        ("oral",),
        "daily",
        (Product("evrysdi", "Evrysdi", ("oral",), "oral solution; 5 mg tablet"),),
        summary="Once daily by mouth; dose by age and weight (0.15 / 0.2 / 0.25 mg/kg, 5 mg from 2 years and 20 kg). Doses above 5 mg/day not studied.",
        sources=("EVRYSDI US prescribing information", "EVRYSDI EU SmPC"),
        notes=("Dose check: qadam.regimens.risdiplam.",),
    ),
    Drug(
        "onasemnogene_abeparvovec_iv",
        Text("Onasemnogene abeparvovec (IV)", "Онасемноген абепарвовек (к/і)", "Онасемноген абепарвовек (в/в)"),
        GENE_THERAPY,
        "sma",
        ("iv",),
        "single_dose",
        (
            Product(
                "zolgensma",
                "Zolgensma",
                ("iv",),
                "single infusion over 60 min, 1.1 × 10^14 vg/kg; kit from the upper limit of the weight band",
            ),
        ),
        dose_unit="vg",
        summary="Single IV infusion, 1.1 × 10^14 vector genomes/kg; prednisolone-equivalent 1 mg/kg/day from 24 h before, 30 days, then taper; liver tests for at least 3 months.",
        sources=("ZOLGENSMA US prescribing information", "ZOLGENSMA EU SmPC"),
        notes=("Steroid course, monitoring and dose check: qadam.regimens.onasemnogene.",),
    ),
    Drug(
        "onasemnogene_abeparvovec_it",
        Text(
            "Onasemnogene abeparvovec (intrathecal)",
            "Онасемноген абепарвовек (интратекальды)",
            "Онасемноген абепарвовек (интратекально)",
        ),
        GENE_THERAPY,
        "sma",
        ("intrathecal",),
        "single_dose",
        (
            Product(
                "itvisma",
                "Itvisma",
                ("intrathecal",),
                "single fixed dose, not by age or weight; never recorded as a Zolgensma administration",
            ),
        ),
        dose_unit="vg",
        summary="Single fixed intrathecal dose for patients 2 years and older (FDA, Nov 2025). Vector dose, steroid regimen and monitoring not read from the label.",
        sources=("FDA approval news reports, Nov 2025 (HealthDay, Practical Neurology)",),
        tag="V (approval); U (dose, steroids, monitoring)",
    ),
)

MG_DRUGS: tuple[Drug, ...] = (
    Drug(
        "eculizumab",
        Text("Eculizumab", "Экулизумаб", "Экулизумаб"),
        C5_INHIBITOR,
        "mg",
        ("iv",),
        "loading_then_maintenance",
        (
            Product("soliris", "Soliris", ("iv",)),
            Product("epysqli", "Epysqli", ("iv",), "biosimilar; check each product's indications"),
        ),
        summary="900 mg weekly × 4, 1200 mg at week 5, then 1200 mg every 2 weeks (EU 14 ± 2 days). Supplemental dose within 60 min after each plasma exchange. Review at 12 weeks (EU).",
        sources=(
            "SOLIRIS US prescribing information (boxed warning)",
            "Soliris EU SmPC (MIMS)",
            "drugs.com dosage page",
            "Alexion EU HCP page",
        ),
        notes=(_MENINGOCOCCAL_NOTE,),
    ),
    Drug(
        "ravulizumab",
        Text("Ravulizumab", "Равулизумаб", "Равулизумаб"),
        C5_INHIBITOR,
        "mg",
        ("iv",),
        "loading_then_maintenance",
        (
            Product(
                "ultomiris",
                "Ultomiris",
                ("iv",),
                "a subcutaneous on-body form exists in some US label versions; gMG status unverified",
            ),
        ),
        summary="Weight-based loading (40–<60 kg 2400 mg; 60–<100 kg 2700 mg; ≥100 kg 3000 mg); from 2 weeks later 3000 / 3300 / 3600 mg every 8 weeks (±7 days except the first maintenance dose).",
        sources=(
            "ULTOMIRIS US prescribing information (boxed warning)",
            "drugs.com dosage page",
            "manufacturer HCP page",
        ),
        notes=(_MENINGOCOCCAL_NOTE,),
    ),
    Drug(
        "zilucoplan",
        Text("Zilucoplan", "Зилукоплан", "Зилукоплан"),
        C5_INHIBITOR,
        "mg",
        ("sc",),
        "daily",
        (Product("zilbrysq", "Zilbrysq", ("sc",)),),
        summary="Daily SC self-injection, no loading: <56 kg 16.6 mg; 56–<77 kg 23 mg; ≥77 kg 32.4 mg. Missed dose: same day, never two in one day (EU). Baseline lipase and amylase.",
        sources=(
            "ZILBRYSQ US prescribing information (boxed warning)",
            "Zilbrysq EU SmPC (RxReasoner)",
            "Medscape",
            "CenterWatch",
        ),
        notes=(_MENINGOCOCCAL_NOTE,),
    ),
    Drug(
        "efgartigimod_alfa",
        Text("Efgartigimod alfa", "Эфгартигимод альфа", "Эфгартигимод альфа"),
        FCRN_BLOCKER,
        "mg",
        ("iv", "sc"),
        "cycle",
        (
            Product("vyvgart", "Vyvgart", ("iv",), "10 mg/kg weekly × 4 per cycle (1200 mg per infusion from 120 kg)"),
            Product(
                "vyvgart_hytrulo", "Vyvgart Hytrulo", ("sc",), "1008 mg / 11,200 U hyaluronidase weekly × 4 per cycle"
            ),
        ),
        summary="Cycles of 4 weekly doses, repeated on clinical evaluation; minimum gap between cycles is label-version specific (qadam.regimens.mg).",
        sources=(
            "VYVGART US prescribing information (DailyMed highlights, Jan 2024)",
            "Vyvgart EU SmPC (RxReasoner)",
            "argenx HCP page",
            "drugs.com",
        ),
    ),
    Drug(
        "rozanolixizumab",
        Text("Rozanolixizumab", "Розаноликсизумаб", "Розаноликсизумаб"),
        FCRN_BLOCKER,
        "mg",
        ("sc",),
        "cycle",
        (Product("rystiggo", "Rystiggo", ("sc",), "SC infusion by pump, by a health-care provider"),),
        summary="Cycles of 6 weekly doses by weight band (US and EU bands differ); US: starting sooner than 63 days from the previous cycle start not established.",
        sources=("RYSTIGGO US prescribing information (prescriberpoint)", "Rystiggo EU SmPC (RxReasoner)"),
    ),
    Drug(
        "nipocalimab",
        Text("Nipocalimab", "Нипокалимаб", "Нипокалимаб"),
        FCRN_BLOCKER,
        "mg",
        ("iv",),
        "cycle",
        (Product("imaavy", "Imaavy", ("iv",)),),
        summary="Approved for gMG from 12 years, AChR+ or MuSK+. Dosing not read.",
        sources=("IMAAVY US label record (openFDA), indication only",),
        tag="V (indication); U (dosing)",
    ),
    Drug(
        "rituximab",
        Text("Rituximab", "Ритуксимаб", "Ритуксимаб"),
        ANTI_CD20,
        "mg",
        ("iv",),
        "course",
        (),
        summary="Off-label in MG: 375 mg/m² weekly × 4, or 1000 mg × 2 two weeks apart (low-dose variants reported); re-dosing on relapse or B-cell return. HBV screening before the first dose.",
        sources=("Reviews of off-label use; rituximab label boxed warning (HBV reactivation, PML)",),
        tag="K",
    ),
    Drug(
        "ivig",
        Text(
            "Intravenous immunoglobulin (IVIG)",
            "Көктамыр ішіне енгізілетін иммуноглобулин (IVIG)",
            "Внутривенный иммуноглобулин (ВВИГ)",
        ),
        IMMUNOMODULATION,
        "mg",
        ("iv",),
        "course",
        (),
        dose_unit="g",
        summary="2 g/kg over 2–5 days (e.g. 0.4 g/kg/day × 5 or 1 g/kg/day × 2); maintenance titrated, commonly every 3–6 weeks. IgA level before the first course.",
        sources=("Ontario IVIG utilisation guideline", "Barth D et al. Neurology 2011;76:2017"),
        tag="V (induction); K (maintenance interval)",
    ),
    Drug(
        "plasma_exchange",
        Text("Plasma exchange (PLEX)", "Плазмаалмасу (PLEX)", "Плазмообмен (PLEX)"),
        IMMUNOMODULATION,
        "mg",
        ("extracorporeal",),
        "course",
        (),
        dose_unit="plasma volumes",
        summary="Usually 5 exchanges of about 1–1.5 plasma volumes on alternate days over 10–14 days. Removes eculizumab (supplemental dose) and FcRn blockers.",
        sources=("Barth D et al. Neurology 2011;76:2017",),
        tag="V (5 exchanges of 1.0 plasma volume); K (rest)",
    ),
    Drug(
        "pyridostigmine",
        Text("Pyridostigmine", "Пиридостигмин", "Пиридостигмин"),
        MG_STANDARD,
        "mg",
        ("oral",),
        "daily",
        (),
        summary="Symptomatic acetylcholinesterase inhibitor (standard therapy, clinical.md §A.2).",
        sources=("Narayanaswami P et al. Neurology 2021;96:114",),
        tag="K",
    ),
    Drug(
        "corticosteroid",
        Text(
            "Corticosteroids (prednisolone, prednisone)",
            "Кортикостероидтар (преднизолон, преднизон)",
            "Кортикостероиды (преднизолон, преднизон)",
        ),
        MG_STANDARD,
        "mg",
        ("oral",),
        "daily",
        (),
        summary="Standard immunotherapy (clinical.md §A.2); steroid-related checks per local protocol.",
        sources=("Narayanaswami P et al. Neurology 2021;96:114",),
        tag="K",
    ),
    Drug(
        "nonsteroidal_immunosuppressant",
        Text(
            "Non-steroidal immunosuppressants (azathioprine, mycophenolate, others)",
            "Стероидты емес иммуносупрессанттар (азатиоприн, микофенолат және т.б.)",
            "Нестероидные иммуносупрессанты (азатиоприн, микофенолат и др.)",
        ),
        MG_STANDARD,
        "mg",
        ("oral",),
        "daily",
        (),
        summary="Steroid-sparing standard therapy (clinical.md §A.2).",
        sources=("Narayanaswami P et al. Neurology 2021;96:114",),
        tag="K",
    ),
)

BOTULINUM_NOTE = (
    "Units are product-specific and not interchangeable: never sum, compare or convert units across "
    "onabotulinumtoxinA, abobotulinumtoxinA and incobotulinumtoxinA (clinical.md §B.3; Botox and Xeomin "
    "labels, Dysport US HCP site, AHFS monograph)."
)

BOTULINUM_DRUGS: tuple[Drug, ...] = (
    Drug(
        "onabotulinumtoxinA",
        Text("OnabotulinumtoxinA", "ОнаботулинумтоксинА", "ОнаботулинумтоксинА"),
        BOTULINUM,
        "spasticity",
        ("im",),
        "session",
        (Product("botox", "Botox", ("im",), "units specific to this product"),),
        dose_unit="U (onabotulinumtoxinA)",
        summary="Upper limb 75–400 U, lower limb 300–400 U per session; ≤400 U cumulative in any 3 months across adult indications; re-injection generally ≥12 weeks.",
        sources=("BOTOX US prescribing information (drugs.com)",),
        notes=(BOTULINUM_NOTE,),
    ),
    Drug(
        "abobotulinumtoxinA",
        Text("AbobotulinumtoxinA", "АботулинумтоксинА", "АботулинумтоксинА"),
        BOTULINUM,
        "spasticity",
        ("im",),
        "session",
        (Product("dysport", "Dysport", ("im",), "units specific to this product"),),
        dose_unit="U (abobotulinumtoxinA)",
        summary="Upper limb 500–1000 U (EU up to 1500 U with shoulder, ≤500 U in shoulder), lower limb 1000–1500 U; 1500 U total per session; ≥12 weeks.",
        sources=("Dysport US HCP site", "Ipsen Ireland HCP site (SmPC)"),
        notes=(BOTULINUM_NOTE,),
    ),
    Drug(
        "incobotulinumtoxinA",
        Text("IncobotulinumtoxinA", "ИнкоботулинумтоксинА", "ИнкоботулинумтоксинА"),
        BOTULINUM,
        "spasticity",
        ("im",),
        "session",
        (Product("xeomin", "Xeomin", ("im",), "units specific to this product"),),
        dose_unit="U (incobotulinumtoxinA)",
        summary="Up to 400 U per session for any indication (US); ≥12 weeks. EU SmPC limits not checked.",
        sources=("XEOMIN US prescribing information (drugs.com, medlibrary)",),
        tag="V (US); U (EU limits)",
        notes=(BOTULINUM_NOTE,),
    ),
)


@dataclass(frozen=True)
class AdjuvantClass:
    """A pain-adjuvant class of clinical.md §B.4, with typical members and their ATC codes."""

    code: str
    name: Text
    members: tuple[tuple[str, str | None], ...]  # (INN, ATC code or None where the spec gives none)


PAIN_ADJUVANT_SOURCE = "Finnerup NB et al. Lancet Neurol 2015;14:162–173 (NeuPSIG first-line classes); ATC codes [K]"

PAIN_ADJUVANT_CLASSES: tuple[AdjuvantClass, ...] = (
    AdjuvantClass("GABAPENTINOID", Text("α2δ ligands (gabapentinoids)", "α2δ лигандтары (габапентиноидтар)", "Лиганды α2δ (габапентиноиды)"), (("gabapentin", "N03AX12"), ("pregabalin", "N03AX16"), ("mirogabalin", None))),
    AdjuvantClass("SNRI", Text("Serotonin–noradrenaline reuptake inhibitors", "Серотонин мен норадреналиннің кері қармалуының тежегіштері", "Ингибиторы обратного захвата серотонина и норадреналина"), (("duloxetine", "N06AX21"), ("venlafaxine", None), ("milnacipran", None))),
    AdjuvantClass("TCA", Text("Tricyclic antidepressants", "Трициклді антидепрессанттар", "Трициклические антидепрессанты"), (("amitriptyline", "N06AA09"), ("nortriptyline", None), ("imipramine", None), ("desipramine", None))),
    AdjuvantClass("TOPICAL", Text("Topical agents", "Жергілікті құралдар", "Местные средства"), (("lidocaine 5 % plaster", "N01BB02"), ("capsaicin 8 % patch", "M02AB01"), ("capsaicin cream (low dose)", "M02AB01"), ("topical NSAIDs", None))),
    AdjuvantClass("MUSCLE_RELAXANT", Text("Centrally acting muscle relaxants / antispasticity agents", "Орталық әсерлі миорелаксанттар / спастикаға қарсы құралдар", "Миорелаксанты центрального действия / антиспастические средства"), (("baclofen", "M03BX01"), ("tizanidine", "M03BX02"), ("cyclobenzaprine", None), ("methocarbamol", None), ("dantrolene", None))),
    AdjuvantClass("OTHER_ADJUVANT", Text("Other adjuvants", "Басқа адъюванттар", "Другие адъюванты"), (("carbamazepine", None), ("oxcarbazepine", None), ("botulinum toxin A", None))),
)  # fmt: skip

DRUGS: dict[str, Drug] = {d.code: d for d in SMA_DRUGS + MG_DRUGS + BOTULINUM_DRUGS}
ADJUVANT_CLASSES: dict[str, AdjuvantClass] = {c.code: c for c in PAIN_ADJUVANT_CLASSES}


def drug(code: str) -> Drug:
    """The catalogue entry for ``code``; ``KeyError`` names the known codes."""
    try:
        return DRUGS[code]
    except KeyError:
        raise KeyError(f"unknown drug {code!r}; known: {', '.join(DRUGS)}") from None


def drugs_in_class(class_code: str) -> tuple[Drug, ...]:
    """Every drug of a class, e.g. ``"C5_INHIBITOR"`` (the meningococcal rule applies to all of them)."""
    return tuple(d for d in DRUGS.values() if d.drug_class.code == class_code)


def product_of(product_code: str) -> tuple[Drug, Product]:
    """The drug and product for a product code (``"botox"``, ``"zolgensma"`` …)."""
    for entry in DRUGS.values():
        for product in entry.products:
            if product.code == product_code:
                return entry, product
    raise KeyError(f"unknown product {product_code!r}")
