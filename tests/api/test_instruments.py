"""The instrument catalogue over the API: the definitions of ``qadam.scales``, read-only."""

from __future__ import annotations

from qadam import scales

from .conftest import assert_problem


def test_the_list_holds_every_instrument_of_the_catalogue(inside):
    body = inside.get("/api/v1/instruments").json()
    assert [row["code"] for row in body] == list(scales.INSTRUMENTS)
    phq9 = next(row for row in body if row["code"] == "phq9")
    definition = scales.get("phq9")
    assert phq9["title"] == definition.title.as_dict()
    assert (phq9["item_count"], phq9["total_range"], phq9["scoring_version"]) == (
        10,
        [0, 27],
        definition.scoring_version,
    )


def test_one_definition_carries_items_choices_bands_and_sources(inside):
    body = inside.get("/api/v1/instruments/phq9").json()
    definition = scales.get("phq9")
    assert [item["id"] for item in body["items"]] == [item.id for item in definition.items]
    first = body["items"][0]
    assert [(c["code"], c["points"]) for c in first["choices"]] == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert first["label"] == definition.items[0].label.as_dict()
    assert [b["code"] for b in body["bands"]] == [b.code for b in definition.bands]
    assert body["mcid"]["value"] == definition.mcid.value
    assert body["loinc"]["panel"] == definition.loinc.panel
    assert body["citation"] == definition.citation
    assert {r["code"] for r in body["not_tested_reasons"]} >= {"refused", "other"}


def test_every_definition_can_be_served(inside):
    for code in scales.INSTRUMENTS:
        response = inside.get(f"/api/v1/instruments/{code}")
        assert response.status_code == 200, code
        assert response.json()["code"] == code


def test_an_unknown_instrument_is_404(inside):
    body = assert_problem(inside.get("/api/v1/instruments/nope"), 404, "instrument_unknown")
    assert "nope" in body["detail"]


def test_the_catalogue_is_read_only(inside):
    response = inside.post("/api/v1/instruments", {"code": "x"})
    body = assert_problem(response, 405, "method_not_allowed")
    assert body["allowed"] == ["GET"] and response["Allow"] == "GET"
