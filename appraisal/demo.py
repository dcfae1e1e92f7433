"""The demo review's risk of bias: the first NMOSD studies (observational: ROBINS-I) assessed by two assessors,
one disagreement settled by the adjudicator, domain by domain.

The demo review holds no randomised trial (the BCG trials, for RoB 2, are another review), so RoB 2 is not shown
here. The answers are illustrative, not an appraisal of the real studies.
"""

from django.contrib.auth import get_user_model

from . import services
from .algorithm import asked
from .models import OVERALL, Appraisal, Consensus, Design

STUDIES = 4
# Every question the form asks answered "probably no" (no problem found), with a note; each domain judged as the
# algorithm suggests, or moderate where it leaves the judgement to the assessor.
ANSWER = "PN"
DOMAIN_JUDGEMENT = "moderate"
# The one slip: assessor 2 of the second study judges missing data (D5) serious.
SLIP = (1, "D5", "serious")


def filled_entry(appraisal, slip: tuple[str, str] | None = None) -> services.Entry:
    answers, judgements = {}, {}
    for domain in appraisal.domains():
        given: dict[str, str] = {}
        # A question's condition reads only earlier answers: answer them in order.
        for question in domain.questions:
            if question.code in asked(domain, given):
                given[question.code] = ANSWER if ANSWER in question.options else question.options[0]
                answers[domain.code, question.code] = (given[question.code], "Methods section, p. 2 (demo).")
    suggested = services.suggestions(appraisal, {key: answer for key, (answer, _) in answers.items()}, {})
    for domain in appraisal.domains():
        judgements[domain.code] = (suggested[domain.code].judgement or DOMAIN_JUDGEMENT, "")
    if slip:
        judgements[slip[0]] = (slip[1], "Over 10% lost to follow-up (demo).")
    plain = {code: judgement for code, (judgement, _) in judgements.items()}
    overall = services.suggestions(appraisal, {}, plain)[OVERALL].judgement
    judgements[OVERALL] = (overall, "")
    return services.Entry(answers, judgements)


def appraise_demo_studies(review) -> None:
    """Assess and settle the first studies once; running it again changes nothing."""
    if Appraisal.objects.filter(review=review).exists() or not review.studies.exists():
        return
    users = {user.username: user for user in get_user_model().objects.filter(memberships__review=review)}
    lead, adjudicator = users["lead"], users["adjudicator"]
    for study in review.studies.order_by("pk")[:STUDIES]:
        services.add_appraisal(review=review, user=lead, study_id=study.pk, design=Design.COHORT)
    services.assign_automatically(review=review, user=lead)
    for number, appraisal in enumerate(Appraisal.objects.filter(review=review).order_by("study_id")):
        for assessment in appraisal.assessments.order_by("slot"):
            slip = SLIP[1:] if (number, assessment.slot) == (SLIP[0], 2) else None
            problems = services.save_assessment(
                review=review,
                assessment_id=assessment.pk,
                user=assessment.assessor,
                entry=filled_entry(appraisal, slip),
                submit=True,
            )
            assert not problems, problems
    for cell in Consensus.objects.filter(review=review).conflicts():
        services.resolve(
            review=review,
            consensus_id=cell.pk,
            user=adjudicator,
            judgement=DOMAIN_JUDGEMENT,
            reason="Attrition was balanced between groups (Table 2), so moderate (demo).",
        )
    services.lock(review=review, user=lead)
