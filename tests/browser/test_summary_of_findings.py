"""GRADE in the browser: on a review with a locked extraction and an analysis run, the lead and a reviewer each
assess two studies with ROBINS-I, the adjudicator settles their disagreement, and the lead confirms an outcome's
proposals and downloads the summary-of-findings table as DOCX, which opens and holds the table."""

import pytest
from docx import Document
from playwright.sync_api import expect

from analysis.services import run_analysis
from appraisal import services
from appraisal.models import Design
from reviews.models import Role
from reviews.services import change_role
from tests.analysis.helpers import lock_team
from tests.browser.test_risk_of_bias import assess
from tests.factories import Personas


@pytest.fixture
def analysed(transactional_db):
    personas = Personas()
    team = lock_team(personas, studies=4)
    # The extraction's second reviewer looks on, so that the lead and the reviewer assess both studies.
    second = personas.review.memberships.get(user__username="reviewer2")
    change_role(membership=second, role=Role.VIEWER, by=personas.lead)
    for study in team.studies[:2]:
        services.add_appraisal(review=personas.review, user=personas.lead, study_id=study.pk, design=Design.COHORT)
    services.assign_automatically(review=personas.review, user=personas.lead)
    run_analysis(review=personas.review, user=personas.lead)
    return personas, [study.label for study in team.studies[:2]]


def test_two_assessors_a_settled_conflict_and_the_summary_of_findings_downloaded(visit, analysed):
    personas, labels = analysed
    review = personas.review
    assess(visit("lead"), review, slip=False, labels=labels)
    assess(visit("reviewer"), review, slip=True, labels=labels)

    adjudicator = visit("adjudicator").page
    adjudicator.goto(f"/reviews/{review.pk}/risk-of-bias/conflicts/")
    forms = adjudicator.locator("form.resolve")
    for left in (1, 0):
        forms.first.get_by_label("Judgement").select_option("serious")
        forms.first.get_by_label("Reason").fill("A fifth lost to follow-up, unbalanced")
        forms.first.get_by_role("button", name="Resolve").click()
        expect(forms).to_have_count(left)

    lead = visit("lead")
    page = lead.page
    page.goto(f"/reviews/{review.pk}/certainty/")
    expect(page.get_by_role("heading", name="Summary of findings (GRADE)")).to_be_visible()
    page.locator("ul.plain a").first.click()
    expect(page.get_by_role("cell", name="of the weight from studies at high risk").first).to_be_visible()
    page.get_by_role("button", name="Confirm every proposal not judged yet").click()
    expect(page.get_by_text("Proposals confirmed.")).to_be_visible()
    page.get_by_role("link", name="Summary of findings").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download DOCX").click()
    assert download.value.suggested_filename.endswith("summary-of-findings.docx")
    document = Document(str(download.value.path()))
    table = document.tables[0]
    assert table.rows[0].cells[0].text == "Outcome" and len(table.rows) >= 2
    assert "Risk of bias:" in "\n".join(p.text for p in document.paragraphs)
    lead.screenshot("summary-of-findings")
