"""The review's custom tool in the browser: the lead pastes its definition, chooses it for cohort studies and puts a
study up; the lead and a reviewer assess it on their own forms (the tool suggests nothing, so each judges every
domain), and the adjudicator settles their disagreement with the tool's own judgements."""

import json

import pytest
from playwright.sync_api import expect

from appraisal.models import OVERALL, Appraisal, Consensus, ConsensusStatus, ToolCode
from screening.models import Study
from tests.appraisal.helpers import CUSTOM_TOOL
from tests.factories import Personas

STUDY = "Cohort 2020"


@pytest.fixture
def personas(transactional_db):
    personas = Personas()
    Study.objects.create(review=personas.review, label=STUDY)
    return personas


def define_and_put_up(visitor, review):
    page = visitor.page
    page.goto(f"/reviews/{review.pk}/risk-of-bias/")
    page.get_by_role("link", name="Define the review's custom tool").click()
    page.get_by_label("Definition (JSON)").fill(json.dumps(CUSTOM_TOOL, indent=2))
    page.get_by_role("button", name="Save the custom tool").click()
    expect(page.get_by_text("Custom tool saved.")).to_be_visible()
    page.locator("#tool-design").select_option("cohort")
    page.locator("#tool-tool").select_option(ToolCode.CUSTOM)
    page.get_by_role("button", name="Use this tool").click()
    expect(page.get_by_text("Tool chosen")).to_be_visible()
    page.get_by_text("Add a study to assess").click()
    page.locator("#id_study").select_option(label=STUDY)
    page.locator("#id_design").select_option("cohort")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Added for assessment.")).to_be_visible()
    page.get_by_role("button", name="Assign assessors automatically").click()
    expect(page.get_by_text("Assessors assigned.")).to_be_visible()


def assess(visitor, review, follow_up: str):
    """Answer the checklist's two asked questions yes with a quote, judge selection low and follow-up (and
    overall) `follow_up`."""
    page = visitor.page
    page.goto(f"/reviews/{review.pk}/risk-of-bias/")
    page.get_by_role("link", name=STUDY).first.click()  # under "Your assessments"
    expect(page.get_by_role("heading", name=STUDY)).to_be_visible()
    expect(page.get_by_text("Our checklist for cohort studies")).to_be_visible()
    for question in ("S|S1", "F|F1"):
        page.locator(f'select[name="a|{question}"]').select_option("Y")
        page.locator(f'input[name="s|{question}"]').fill("Methods, p. 2")
    expect(page.get_by_text("the tool leaves this to your judgement").first).to_be_visible()
    page.locator('select[name="j|S"]').select_option("low")
    page.locator('select[name="j|F"]').select_option(follow_up)
    page.locator(f'select[name="j|{OVERALL}"]').select_option(follow_up)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submitted.")).to_be_visible()


def test_the_lead_defines_a_custom_tool_two_assessors_use_it_and_a_disagreement_is_settled(visit, personas):
    review = personas.review
    lead = visit("lead")
    define_and_put_up(lead, review)
    appraisal = Appraisal.objects.get(review=review)
    assert appraisal.tool == ToolCode.CUSTOM
    assert set(appraisal.assessments.values_list("assessor__username", flat=True)) == {"lead", "reviewer"}
    assess(lead, review, follow_up="low")
    assess(visit("reviewer"), review, follow_up="high")
    conflicts = Consensus.objects.filter(appraisal=appraisal, status=ConsensusStatus.CONFLICT)
    assert set(conflicts.values_list("domain", flat=True)) == {"F", OVERALL}

    adjudicator = visit("adjudicator").page
    adjudicator.goto(f"/reviews/{review.pk}/risk-of-bias/conflicts/")
    expect(adjudicator.get_by_text("Follow-up")).to_be_visible()
    forms = adjudicator.locator("form.resolve")
    choices = forms.first.get_by_label("Judgement").locator("option")
    expect(choices).to_have_text(["Low risk", "Unclear risk", "High risk"])  # the tool's, not a built-in one's
    for left in (1, 0):
        forms.first.get_by_label("Judgement").select_option("unclear")
        forms.first.get_by_label("Reason").fill("Losses not reported by group")
        forms.first.get_by_role("button", name="Resolve").click()
        expect(forms).to_have_count(left)
    expect(adjudicator.get_by_text("No conflict waits")).to_be_visible()
    settled = dict(Consensus.objects.filter(appraisal=appraisal).values_list("domain", "judgement"))
    assert settled == {"S": "low", "F": "unclear", OVERALL: "unclear"}

    lead.page.goto(f"/reviews/{review.pk}/risk-of-bias/")
    expect(lead.page.get_by_role("img", name="Traffic-light plot of the risk of bias, custom (all)")).to_be_visible()
    lead.screenshot("risk-of-bias-custom-tool")
