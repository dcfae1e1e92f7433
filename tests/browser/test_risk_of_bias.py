"""Risk of bias in the browser: the lead and a reviewer each assess two cohort studies with ROBINS-I on their own
forms, the adjudicator settles their one disagreement domain by domain, and the lead downloads the traffic-light
plot. The summary-of-findings table after such an assessment: tests/browser/test_summary_of_findings.py."""

import pytest
from playwright.sync_api import expect

from appraisal import services
from appraisal.models import Assessment, Consensus, ConsensusStatus, Design
from screening.models import Study
from tests.factories import Personas


@pytest.fixture
def team(transactional_db):
    personas = Personas()
    for number in range(2):
        study = Study.objects.create(review=personas.review, label=f"Cohort {number} 2019")
        services.add_appraisal(review=personas.review, user=personas.lead, study_id=study.pk, design=Design.COHORT)
    services.assign_automatically(review=personas.review, user=personas.lead)
    return personas


LABELS = ("Cohort 0 2019", "Cohort 1 2019")


def assess(visitor, review, slip: bool, labels=LABELS):
    """Open each of one's assessments from the overview, answer every question 'probably no' with a quote, judge
    D1 as suggested (low) and the rest moderate; with `slip`, judge the second study's missing data serious."""
    page = visitor.page
    for number, label in enumerate(labels):
        page.goto(f"/reviews/{review.pk}/risk-of-bias/")
        page.get_by_role("link", name=label).first.click()  # under "Your assessments"
        expect(page.get_by_role("heading", name=label)).to_be_visible()
        for select in page.locator('select[name^="a|"]').all():
            select.select_option("PN")
        for support in page.locator('input[name^="s|"]').all():
            support.fill("Methods, p. 2")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text("Suggested: Low risk of bias")).to_be_visible()
        for select in page.locator('select[name^="j|"]').all():
            select.select_option("moderate")
        page.locator('select[name="j|D1"]').select_option("low")
        if slip and number == 1:
            page.locator('select[name="j|D5"]').select_option("serious")
            page.locator('input[name="r|D5"]').fill("A fifth lost to follow-up")
            page.locator('select[name="j|overall"]').select_option("serious")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Submitted.")).to_be_visible()


def test_two_assessors_assess_two_studies_and_the_adjudicator_settles_their_disagreement(visit, team):
    review = team.review
    assert set(Assessment.objects.filter(review=review).values_list("assessor__username", flat=True)) == {
        "lead",
        "reviewer",
    }
    assess(visit("lead"), review, slip=False)
    assess(visit("reviewer"), review, slip=True)
    assert Consensus.objects.filter(review=review, status=ConsensusStatus.CONFLICT).count() == 2

    adjudicator = visit("adjudicator").page
    adjudicator.goto(f"/reviews/{review.pk}/risk-of-bias/conflicts/")
    expect(adjudicator.get_by_text("A fifth lost to follow-up")).to_be_visible()
    forms = adjudicator.locator("form.resolve")
    for left in (1, 0):
        forms.first.get_by_label("Judgement").select_option("moderate")
        forms.first.get_by_label("Reason").fill("Attrition balanced between groups")
        forms.first.get_by_role("button", name="Resolve").click()
        expect(forms).to_have_count(left)
    expect(adjudicator.get_by_text("No conflict waits")).to_be_visible()

    lead = visit("lead")
    lead.page.goto(f"/reviews/{review.pk}/risk-of-bias/")
    lead.page.get_by_role("button", name="Lock the risk of bias").click()
    expect(lead.page.get_by_text("Risk of bias locked.")).to_be_visible()
    with lead.page.expect_download() as download:
        lead.page.get_by_role("link", name="PNG").first.click()
    assert download.value.suggested_filename.endswith(".png")
    lead.screenshot("risk-of-bias-overview")
