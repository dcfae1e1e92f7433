"""GRADE rows without a finished analysis run, for the admin's tests (the services need a run's results)."""

from certainty.models import GradeJudgement, OutcomeGrading


def grade_rows(personas) -> GradeJudgement:
    OutcomeGrading.objects.create(review=personas.review, outcome="arr")
    return GradeJudgement.objects.create(
        review=personas.review,
        outcome="arr",
        domain="imprecision",
        change=-1,
        proposed_change=-1,
        proposed_rule="IMP.imprecise",
        reason="The interval crosses 0",
        user=personas.lead,
    )
