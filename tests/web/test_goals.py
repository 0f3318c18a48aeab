"""Goal Attainment Scaling in the registry: goals written, weighted, given a baseline and rated.

The T-scores are checked against ``qadam.scales`` and against the worked examples of the scales
tests (Kiresuk & Sherman 1968; Turner-Stokes 2009): two goals rated +1 and 0, unweighted, give 56.2.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from qadam import scales
from qadam.assessments import services as assessment_services
from qadam.assessments.models import Assessment, AssessmentRevision
from qadam.core.testing import PASSWORD
from qadam.web.assessment_form import build_form, parse_submission, problem_messages, score_summary

from .conftest import signed_in

GAS = scales.get("gas")


def posted(fields: dict[str, str]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data[name] = value
    return data


def gas_url(visit) -> str:
    return reverse("assessment_new", args=[visit.pk]) + "?instrument=gas"


THREE_GOALS = {
    "instrument": "gas",
    "ctx-weighting": "importance_x_difficulty",
    "goal-1": "Walk 10 m indoors with a stick",
    "goal-1-importance": "2",
    "goal-1-difficulty": "2",
    "goal-1-ctx-baseline": "-1",
    "goal-1-item": "1",
    "goal-2": "Put on a shirt   without help",
    "goal-2-importance": "3",
    "goal-2-difficulty": "2",
    "goal-2-ctx-baseline": "-1",
    "goal-2-item": "-2",
    "goal-3": "",  # a blank row of the form
    "goal-4": "Climb one flight of stairs",
    "goal-4-importance": "2",
    "goal-4-difficulty": "3",
    "goal-4-ctx-baseline": "-2",
    "goal-4-item": "0",
}


def test_posted_goals_become_numbered_items_with_their_weights_and_baselines():
    submission = parse_submission(GAS, posted(THREE_GOALS))
    assert submission.problems == []
    assert submission.responses == {
        "1. Walk 10 m indoors with a stick": "1",
        "2. Put on a shirt without help": "-2",
        "3. Climb one flight of stairs": "0",
    }
    assert submission.context == {
        "weights": {
            "1. Walk 10 m indoors with a stick": 4,
            "2. Put on a shirt without help": 6,
            "3. Climb one flight of stairs": 6,
        },
        "baseline": {
            "1. Walk 10 m indoors with a stick": -1,
            "2. Put on a shirt without help": -1,
            "3. Climb one flight of stairs": -2,
        },
        "weighting": "importance_x_difficulty",
    }
    # T = 50 + 10·(4 − 12 + 0)/√(0.7·88 + 0.3·256) = 43.2; baseline 50 + 10·(−4 − 6 − 12)/√138.4 = 31.3
    result = scales.score("gas", submission.responses, submission.context)
    assert result.total == 43.2
    assert result.derived["baseline_t"] == 31.3
    assert result.has_flag("goal_deteriorated")


def test_unweighted_goals_weigh_one_each_and_reproduce_the_worked_example():
    data = {"ctx-weighting": "unweighted", "goal-1": "Sit unsupported", "goal-1-item": "1", "goal-2": "Roll over"}
    data["goal-2-item"] = "0"
    submission = parse_submission(GAS, posted(data))
    assert submission.context["weights"] == {"1. Sit unsupported": 1, "2. Roll over": 1}
    assert scales.score("gas", submission.responses, submission.context).total == 56.2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"goal-1-item": "1"}, "Goal 1: Write the goal before setting or rating it."),
        (
            {"ctx-weighting": "importance_x_difficulty", "goal-1": "Dress", "goal-1-importance": "2"},
            "Goal 1: Choose the importance and the difficulty of this goal.",
        ),
        ({"ctx-weighting": "other", "goal-1": "Dress"}, "Goal 1: Give this goal a weight."),
        ({"goal-1": "x" * 301}, "Goal 1: Shorten the goal to 300 characters at most."),
    ],
)
def test_a_goal_that_cannot_be_stored_gets_a_message_about_its_row(fields, message):
    with translation.override("en"):
        submission = parse_submission(GAS, posted(fields))
        assert [p.message for p in submission.problems] == [message]
        assert submission.problems[0].anchor == "goal-1"
        assert submission.responses == {}


def test_clearing_the_text_of_an_unrated_goal_removes_it():
    data = {"ctx-weighting": "unweighted", "goal-1": "", "goal-1-ctx-baseline": "-1", "goal-2": "Roll over"}
    submission = parse_submission(GAS, posted(data))
    assert submission.problems == []
    assert submission.context["weights"] == {"1. Roll over": 1}


def test_stored_goals_come_back_in_the_clinicians_order_whatever_order_the_database_keeps():
    # PostgreSQL's jsonb orders keys by length, then bytes: "10. …" before "2. …".
    weights = {"10. Tenth goal": 1, "2. Second": 1, "1. First goal of the plan": 1}
    form = build_form(GAS, "en", {"2. Second": 1}, {"weights": weights, "weighting": "unweighted"}, readonly=True)
    assert [row.title for row in form.goals.rows] == ["First goal of the plan", "Second", "Tenth goal"]
    assert [row.attainment.value for row in form.goals.rows] == ["", "1", ""]


def test_a_product_weight_shows_its_factors_or_says_which_pairs_it_can_come_from():
    context = {"weights": {"1. A": 4, "2. B": 6}, "weighting": "importance_x_difficulty"}
    with translation.override("en"):
        rows = build_form(GAS, "en", {}, context).goals.rows
    assert (rows[0].entry.importance, rows[0].entry.difficulty, rows[0].weight_note) == ("2", "2", "")
    assert (rows[1].entry.importance, rows[1].entry.difficulty) == ("", "")
    assert rows[1].weight == "6" and rows[1].weight_note == "recorded as 2 × 3 or 3 × 2"


def test_the_stored_weight_is_kept_when_its_factors_are_left_as_they_were():
    data = {"ctx-weighting": "importance_x_difficulty", "goal-1": "Dress", "goal-1-recorded": "6", "goal-1-item": "0"}
    assert parse_submission(GAS, posted(data)).context["weights"] == {"1. Dress": 6}


def test_an_engine_problem_about_one_goal_is_shown_beside_that_goal_in_the_clinicians_words():
    context = {"weights": {"1. Dress": 5}, "weighting": "importance_1_4"}
    with pytest.raises(scales.ScaleError) as refused:
        scales.score("gas", {}, context)
    with translation.override("en"):
        form = build_form(GAS, "en", {}, context, refused.value.problems)
        messages = problem_messages(GAS, refused.value.problems, "en", context)
    row = form.goals.rows[0]
    assert row.errors == ["The weight 5 does not fit the chosen weighting (allowed: w ∈ {1, 2, 3, 4})."]
    assert form.problems[0].anchor == "goal-1"
    assert messages == ["Goal 1: The weight 5 does not fit the chosen weighting (allowed: w ∈ {1, 2, 3, 4})."]


def test_the_panel_counts_goals_rated_and_shows_the_baseline_t_and_the_change():
    responses = {"1. A": 1, "2. B": 0}
    context = {"weights": {"1. A": 1, "2. B": 1}, "baseline": {"1. A": -1, "2. B": -1}, "weighting": "unweighted"}
    result = scales.score("gas", responses, context).as_dict()
    with translation.override("en"):
        summary = score_summary(GAS, "en", responses, result, context=context)
    assert (summary.answered, summary.expected, summary.counts_goals) == (2, 2, True)
    assert summary.derived == [
        ("Baseline T-score", 37.6, False),
        ("Change from the baseline T-score", 18.6, True),
        ("Goals met or exceeded", "2 of 2", False),
    ]


def test_goals_stored_in_the_declared_slots_read_as_goal_1_and_keep_their_ids():
    form = build_form(GAS, "ru", {"1": 2, "2": -1}, {})
    assert [(row.title, row.slot) for row in form.goals.rows[:2]] == [("Цель 1", "1"), ("Цель 2", "2")]
    data = {
        "goal-1": "",
        "goal-1-slot": "1",
        "goal-1-item": "2",
        "goal-2": "",
        "goal-2-slot": "nope",
        "goal-2-item": "1",
    }
    submission = parse_submission(GAS, posted(data))
    assert submission.responses == {"1": "2"}
    assert [p.anchor for p in submission.problems] == ["goal-2"]


def test_a_clinician_sets_and_rates_goals_and_the_registry_stores_the_t_score(world, visit_a):
    client = signed_in(world.clinician_a)
    response = client.post(gas_url(visit_a), {**THREE_GOALS, "action": "save"})
    assessment = Assessment.objects.get(visit=visit_a)
    assert response.status_code == 302
    assert assessment.total == 43.2 and assessment.band == "less_than_expected"
    assert assessment.context["weights"]["2. Put on a shirt without help"] == 6
    page = client.get(reverse("assessment_edit", args=[assessment.pk])).content.decode()
    assert "Walk 10 m indoors with a stick" in page and 'name="goal-3"' in page
    assert 'name="goal-1-importance"' in page and '<option value="2" selected>' in page
    assert "recorded as 2 × 3 or 3 × 2" in page
    assert 'data-total="43.2"' in page


def test_the_running_t_score_follows_the_goals(world):
    client = signed_in(world.clinician_a, "ru")
    data = {
        "instrument": "gas",
        "ctx-weighting": "unweighted",
        "goal-1": "Сидеть",
        "goal-1-item": "1",
        "goal-2": "Есть",
    }
    partial = client.post(reverse("assessment_preview"), data).content.decode()
    assert "1 из 2" in partial and "оцените каждую цель" in partial
    full = client.post(reverse("assessment_preview"), {**data, "goal-2-item": "0"}).content.decode()
    assert 'data-total="56.2"' in full and "Цели достигнуты лучше ожидаемого" in full


def test_completing_with_an_unrated_goal_says_which_goal_needs_a_rating(world, visit_a):
    data = {**THREE_GOALS, "goal-4-item": "", "action": "complete"}
    response = signed_in(world.clinician_a).post(gas_url(visit_a), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Rate how far this goal was attained." in page and 'id="goal-3-error"' in page
    assert not Assessment.objects.filter(visit=visit_a).exists()


def test_an_amended_goal_rating_is_listed_by_the_goal_text(world, visit_a):
    submission = parse_submission(GAS, posted(THREE_GOALS))
    draft = assessment_services.assessment_start(by=world.clinician_a, visit=visit_a, instrument="gas")
    draft = assessment_services.assessment_save(
        by=world.clinician_a,
        assessment=draft,
        responses=submission.responses,
        context=submission.context,
        expected_version=draft.row_version,
    )
    done = assessment_services.assessment_complete(
        by=world.clinician_a, assessment=draft, expected_version=draft.row_version
    )
    signed = assessment_services.assessment_sign(by=world.clinician_a, assessment=done, password=PASSWORD)
    client = signed_in(world.clinician_a)
    data = {
        **THREE_GOALS,
        "goal-2-item": "-1",
        "row_version": signed.row_version,
        "reason": "Re-rated after the home visit",
    }
    assert client.post(reverse("assessment_amend", args=[signed.pk]), data).status_code == 302
    assert AssessmentRevision.objects.get(assessment=signed).total == 43.2
    page = client.get(reverse("assessment_edit", args=[signed.pk])).content.decode()
    assert '<th scope="row">2. Put on a shirt without help</th>' in page
    assert 'class="q-diff-old">-2 — Much less than expected' in page


@pytest.mark.parametrize(
    "fields",
    [
        {"goal-1": "A", "goal-1-item": "7"},
        {"goal-1": "A", "goal-1-ctx-baseline": "1"},
        {"goal-1": "A", "goal-1-ctx-baseline": "abc", "goal-2": "B"},
        {"ctx-weighting": "importance_x_difficulty", "goal-1": "A", "goal-1-importance": "9", "goal-1-difficulty": "x"},
        {"ctx-weighting": "importance_1_4", "goal-1": "A", "goal-1-rank": "-3"},
        {"ctx-weighting": "other", "goal-1": "A", "goal-1-weight": "1e999"},
        {"ctx-weighting": "other", "goal-1": "A", "goal-1-weight": "nan"},
        {"ctx-weighting": "other", "goal-1": "A", "goal-1-weight": "9" * 300, "goal-1-item": "1"},
        {"ctx-weighting": "other", "goal-1": "A", "goal-1-weight": "1e308", "goal-2": "B", "goal-2-weight": "1e308"},
        {"ctx-weighting": "other", "goal-1": "A", "goal-1-weight": "0,000001", "goal-1-item": "2"},
        {"ctx-weighting": "other", "goal-1": "A", "goal-1-weight": "1e-320", "goal-1-item": "2", "goal-2": "B"},
        {"ctx-weighting": "nonsense", "goal-1": "A", "goal-1-weight": "2"},
        {"goal-999": "A", "goal-999-item": "1", "goal-0": "B", "goal-1000": "C"},
        {"goal-1": "A", "goal-1-nt": "pain", "goal-1-item": "1"},
        {"goal-1": "\x00", "goal-1-item": "0"},
    ],
)
def test_wrong_goal_input_is_refused_with_a_message_and_never_a_server_error(world, visit_a, fields):
    client = signed_in(world.clinician_a)
    saved = client.post(gas_url(visit_a), {"instrument": "gas", "action": "save", **fields})
    preview = client.post(reverse("assessment_preview"), {"instrument": "gas", **fields})
    assert saved.status_code in (302, 400)
    assert preview.status_code == 200
    if saved.status_code == 400:
        assert 'class="q-error-summary"' in saved.content.decode()
        assert not Assessment.objects.filter(visit=visit_a).exists()
