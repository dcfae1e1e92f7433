"""RoB 2 assesses a study per outcome, named in words: the form that puts a study up offers the outcomes the review
defines (reviews/stages.py `outcomes`, which analysis fills without appraisal importing it), and names are matched
case and spacing aside. The analysis and certainty pages name an assessment whose outcome matches none
(tests/analysis/test_risk_of_bias.py, tests/certainty/test_summary.py)."""

import pytest
from django.urls import reverse

from analysis.models import OutcomeMapping
from appraisal import services
from appraisal.grade_inputs import outcome_name, unmatched_appraisals
from appraisal.models import Design
from reviews.stages import outcomes
from screening.models import Study

pytestmark = pytest.mark.django_db


def _mapping(review, key, label, position):
    return OutcomeMapping.objects.create(review=review, key=key, label=label, columns={}, position=position)


def test_the_add_form_offers_the_outcomes_the_review_defines(client, personas):
    review = personas.review
    _mapping(review, "relapse", "Relapse <any>", 1)
    _mapping(review, "edss", "Disability (EDSS)", 0)
    assert outcomes(review) == [("edss", "Disability (EDSS)"), ("relapse", "Relapse <any>")]
    client.force_login(personas.lead)
    page = client.get(reverse("appraisal:overview", args=[review.pk])).text
    assert 'list="review-outcomes"' in page
    assert '<option value="Disability (EDSS)">edss</option><option value="Relapse &lt;any&gt;">relapse</option>' in page


def test_without_outcomes_the_form_still_takes_a_name(client, personas):
    review = personas.review
    study = Study.objects.create(review=review, label="Trial 2020")
    assert outcomes(review) == []
    client.force_login(personas.lead)
    page = client.get(reverse("appraisal:overview", args=[review.pk])).text
    assert '<datalist id="review-outcomes"></datalist>' in page
    data = {"study": study.pk, "design": Design.RANDOMISED, "outcome": "Relapse"}
    client.post(reverse("appraisal:add", args=[review.pk]), data)
    assert review.appraisals.get().outcome == "Relapse"


def test_outcome_names_match_case_and_spacing_aside():
    assert outcome_name("  Annualised   relapse RATE ") == outcome_name("annualised relapse rate")
    assert outcome_name("ARR") != outcome_name("A RR")


def test_unmatched_appraisals_are_the_rob2_ones_naming_no_given_outcome(personas):
    review, lead = personas.review, personas.lead
    first, second, third = (Study.objects.create(review=review, label=f"Study {i}") for i in range(3))
    kept = services.add_appraisal(review=review, user=lead, study_id=first.pk, design=Design.RANDOMISED, outcome="ARR")
    typo = services.add_appraisal(review=review, user=lead, study_id=second.pk, design=Design.RANDOMISED, outcome="AR")
    services.add_appraisal(review=review, user=lead, study_id=third.pk, design=Design.COHORT)  # per study, not outcome
    assert kept.outcome == "ARR"
    assert unmatched_appraisals(review, ["arr", "Annualised relapse rate"]) == [typo]


def test_the_overview_tells_the_lead_of_a_rob2_outcome_the_review_does_not_define(client, personas):
    review, lead = personas.review, personas.lead
    client.force_login(lead)
    url = reverse("appraisal:overview", args=[review.pk])
    study = Study.objects.create(review=review, label="Trial 2020")
    services.add_appraisal(review=review, user=lead, study_id=study.pk, design=Design.RANDOMISED, outcome="Relapses")
    assert "Risk of bias left out" not in client.get(url).text  # no outcome defined yet: nothing to match
    _mapping(review, "relapse", "Relapse rate", 0)
    page = client.get(url).text
    assert "Risk of bias left out" in page and "“Relapses”" in page
