"""The Newcastle-Ottawa scales as tools of the assessment: sections as domains judged in stars (suggested from the
answers), the quality level as the overall judgement, each scale for its own design."""

import pytest

from appraisal import services, stars
from appraisal.loader import load
from appraisal.models import OVERALL, Consensus, ConsensusStatus, Design
from appraisal.plots import Assessment, traffic_light
from reviews.figures import render
from tests.appraisal.helpers import Assessors

ANSWERS = {
    ("selection", "representativeness"): "a",
    ("selection", "non_exposed"): "a",
    ("selection", "exposure"): "b",
    ("selection", "outcome_absent_at_start"): "a",
    ("comparability", "comparability"): "a+b",
    ("outcome", "assessment"): "b",
    ("outcome", "follow_up_length"): "a",
    ("outcome", "follow_up_adequacy"): "c",
}


def test_a_star_tool_has_its_sections_as_domains_and_its_levels_as_the_overall_judgements():
    tool = load("nos_cohort")
    assert [(d.code, d.short) for d in tool.domains] == [("selection", "S"), ("comparability", "C"), ("outcome", "O")]
    assert tool.domain("comparability").questions[0].options == ("a", "b", "a+b")
    assert "★" in tool.domain("selection").questions[0].text
    assert [j.code for j in tool.judgements] == ["0", "1", "2", "3", "4", "good", "fair", "poor"]
    assert [j.severity for j in tool.judgements[-3:]] == [0, 1, 2]
    assert [d.short for d in load("nos_case_control").domains] == ["S", "C", "E"]


def test_stars_are_suggested_from_the_answers_and_the_level_from_the_judged_stars():
    tool = load("nos_cohort")
    found = stars.suggestions(tool, ANSWERS, {"selection": "4", "comparability": "2", "outcome": "2"})
    assert {code: s.judgement for code, s in found.items()} == {
        "selection": "4",
        "comparability": "2",
        "outcome": "2",
        OVERALL: "good",
    }
    # An assessor who gives selection one star (saying why) gets the level of their stars: poor.
    fewer = stars.suggestions(tool, ANSWERS, {"selection": "1", "comparability": "2", "outcome": "2"})
    assert fewer[OVERALL].judgement == "poor"
    partial = stars.suggestions(tool, {("selection", "representativeness"): "a"}, {})
    assert partial["selection"].judgement is None and "non_exposed" in partial["selection"].missing
    assert partial[OVERALL].missing == ("selection", "comparability", "outcome")


@pytest.mark.django_db
def test_two_assessors_assess_a_cohort_with_the_newcastle_ottawa_scale(personas):
    review, lead = personas.review, personas.lead
    services.choose_tool(review=review, user=lead, design=Design.COHORT, tool="nos_cohort")
    with pytest.raises(services.AppraisalError, match="only for the design 'Case-control study'"):
        services.choose_tool(review=review, user=lead, design=Design.COHORT, tool="nos_case_control")
    team = Assessors(personas, studies=1)
    appraisal = team.appraisals[0]
    assert (appraisal.tool, appraisal.variant) == ("nos_cohort", stars.ALL)
    judgements = {"selection": ("4", ""), "comparability": ("2", ""), "outcome": ("2", ""), OVERALL: ("good", "")}
    answers = {key: (answer, "Methods, p. 2") for key, answer in ANSWERS.items()}
    for slot in (1, 2):
        assessment = team.assessment(appraisal, slot)
        given = dict(judgements)
        if slot == 2:
            given["outcome"] = ("1", "Follow-up too short for relapses")
            given[OVERALL] = ("poor", "")
        problems = services.save_assessment(
            review=review,
            assessment_id=assessment.pk,
            user=assessment.assessor,
            entry=services.Entry(answers, given),
            submit=True,
        )
        assert problems == []
    cells = {c.domain: c.status for c in Consensus.objects.filter(appraisal=appraisal)}
    assert cells == {
        "selection": ConsensusStatus.AGREED,
        "comparability": ConsensusStatus.AGREED,
        "outcome": ConsensusStatus.CONFLICT,
        OVERALL: ConsensusStatus.CONFLICT,
    }


def test_a_star_tool_draws_a_traffic_light_plot():
    tool = load("nos_cohort")
    rows = [Assessment("Kim 2019", {"selection": "4", "comparability": "1", "outcome": "2"}, "good")]
    assert render(traffic_light(tool, rows, variant=stars.ALL), "svg") == render(
        traffic_light(tool, rows, variant=stars.ALL), "svg"
    )
