"""`qadam scales list|show` and `qadam score`: the scoring library on the command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from qadam import scales
from qadam.cli import run_scales_command

from ..scales.examples import example_context, full_responses


def run(argv, stdin=""):
    out = io.StringIO()
    status = run_scales_command(argv, stdin=io.StringIO(stdin), stdout=out)
    return status, out.getvalue()


@pytest.mark.parametrize("code", list(scales.INSTRUMENTS))
def test_score_prints_the_result_for_every_instrument(code):
    instrument = scales.get(code)
    payload = {"items": full_responses(instrument, max), "context": example_context(instrument)}
    status, out = run(["score", code], json.dumps(payload))
    assert status == 0, out
    result = json.loads(out)
    expected = scales.score(code, payload["items"], payload["context"])
    for key in ("instrument", "version", "total", "subscores", "band", "complete", "derived"):
        assert key in result
    assert result["instrument"] == code
    assert result["total"] == expected.total
    assert result["band"] == expected.band
    assert result["complete"] is True


@pytest.mark.parametrize("code", list(scales.INSTRUMENTS))
def test_score_exits_2_and_lists_errors_for_every_instrument(code):
    item = scales.get(code).items[0]
    status, out = run(["score", code], json.dumps({"items": {item.id: "impossible", "nope": 1}}))
    assert status == 2
    errors = json.loads(out)["errors"]
    assert {e["item"] for e in errors} >= {"nope"}
    assert all(set(e) == {"code", "item", "message"} and e["message"] for e in errors)


def test_total_is_null_when_the_rule_gives_none():
    items = {str(i): 2 for i in range(1, 34)}
    del items["12"]
    status, out = run(["score", "hfmse"], json.dumps({"items": items}))
    assert status == 0
    result = json.loads(out)
    assert result["total"] is None and result["complete"] is False and result["missing"] == ["12"]


@pytest.mark.parametrize(
    ("stdin", "code"),
    [("{not json", "invalid_json"), ("[1, 2]", "invalid_request"), ('{"items": [1]}', "invalid_request"),
     ('{"items": {}, "extra": 1}', "invalid_request")],
)  # fmt: skip
def test_malformed_input_is_refused_with_a_code(stdin, code):
    status, out = run(["score", "phq9"], stdin)
    assert status == 2
    assert json.loads(out)["errors"][0]["code"] == code


def test_an_unknown_instrument_is_named_in_the_error():
    status, out = run(["score", "hfmse2"], '{"items": {}}')
    assert status == 2
    assert json.loads(out)["errors"][0]["code"] == "unknown_instrument"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_messages_follow_the_chosen_language(lang):
    status, out = run(["score", "phq9", "--lang", lang], '{"items": {"1": 7}}')
    message = json.loads(out)["errors"][0]["message"]
    assert (
        message
        == scales.ScaleError(
            [scales.Problem("value_not_allowed", item="1", value=7, allowed="0, 1, 2, 3", instrument="PHQ-9")]
        ).messages(lang)[0]
    )


def test_list_shows_the_whole_catalogue():
    status, out = run(["scales", "list", "--json"])
    assert status == 0
    assert [row["code"] for row in json.loads(out)] == list(scales.CODES)
    status, text = run(["scales", "list"])
    assert all(code in text for code in scales.CODES)


def test_show_describes_items_bands_and_sources():
    status, out = run(["scales", "show", "nihss", "--json"])
    data = json.loads(out)
    assert data["loinc"]["panel"] == "70182-1"
    assert [i["id"] for i in data["items"]][:3] == ["1a", "1b", "1c"]
    assert data["citation"]
    status, text = run(["scales", "show", "nihss", "--lang", "ru"])
    assert status == 0 and "NIHSS" in text


def test_the_installed_command_keeps_standard_error_for_real_failures():
    done = subprocess.run(
        [sys.executable, "-m", "qadam", "score", "phq9"],
        input='{"items": {"1": 9}}', capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == ""
    assert json.loads(done.stdout)["errors"][0]["item"] == "1"
