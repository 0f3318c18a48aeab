"""The therapy catalogue holds every therapy of clinical.md §B with names in three languages."""

from __future__ import annotations

import pytest

from qadam.regimens.catalogue import ADJUVANT_CLASSES, BOTULINUM_NOTE, DRUGS, drug, drugs_in_class, product_of


def test_every_therapy_of_the_spec_is_listed():
    expected = {
        "nusinersen", "risdiplam", "onasemnogene_abeparvovec_iv", "onasemnogene_abeparvovec_it",
        "eculizumab", "ravulizumab", "zilucoplan", "efgartigimod_alfa", "rozanolixizumab", "nipocalimab",
        "rituximab", "ivig", "plasma_exchange", "pyridostigmine", "corticosteroid", "nonsteroidal_immunosuppressant",
        "onabotulinumtoxinA", "abobotulinumtoxinA", "incobotulinumtoxinA",
    }  # fmt: skip
    assert set(DRUGS) == expected


def test_classes():
    assert {d.code for d in drugs_in_class("C5_INHIBITOR")} == {"eculizumab", "ravulizumab", "zilucoplan"}
    assert {d.code for d in drugs_in_class("FCRN_BLOCKER")} == {"efgartigimod_alfa", "rozanolixizumab", "nipocalimab"}


@pytest.mark.parametrize("code", sorted(DRUGS))
def test_names_in_three_languages_and_a_source(code):
    entry = drug(code)
    assert entry.name.en and entry.name.kk and entry.name.ru
    assert entry.drug_class.name.kk and entry.drug_class.name.ru
    assert entry.sources and entry.routes and entry.summary
    assert entry.as_dict()["code"] == code


def test_botulinum_products_carry_the_not_interchangeable_note_and_their_own_unit():
    botulinum = drugs_in_class("BOTULINUM_TOXIN_A")
    assert {p.code for d in botulinum for p in d.products} == {"botox", "dysport", "xeomin"}
    assert all(BOTULINUM_NOTE in d.notes for d in botulinum)
    assert len({d.dose_unit for d in botulinum}) == 3


def test_itvisma_is_a_distinct_intrathecal_product():
    entry, product = product_of("itvisma")
    assert entry.code == "onasemnogene_abeparvovec_it" and entry.routes == ("intrathecal",)
    assert product_of("zolgensma")[0].code == "onasemnogene_abeparvovec_iv"


def test_pain_adjuvant_classes_with_atc_codes_from_the_spec():
    assert list(ADJUVANT_CLASSES) == ["GABAPENTINOID", "SNRI", "TCA", "TOPICAL", "MUSCLE_RELAXANT", "OTHER_ADJUVANT"]
    atc = {name: code for c in ADJUVANT_CLASSES.values() for name, code in c.members if code}
    assert atc == {
        "gabapentin": "N03AX12", "pregabalin": "N03AX16", "duloxetine": "N06AX21", "amitriptyline": "N06AA09",
        "lidocaine 5 % plaster": "N01BB02", "capsaicin 8 % patch": "M02AB01", "capsaicin cream (low dose)": "M02AB01",
        "baclofen": "M03BX01", "tizanidine": "M03BX02",
    }  # fmt: skip


def test_unknown_codes_name_the_known_ones():
    with pytest.raises(KeyError, match="nusinersen"):
        drug("spinraza")
    with pytest.raises(KeyError):
        product_of("myobloc")
