"""What waits for a member at risk of bias (reviews.stages.Todo): their assessments not submitted, conflicts for
them to settle, and for a lead what keeps the assessment from being locked."""

from django.template.defaultfilters import pluralize
from django.urls import reverse

from reviews.access import ADJUDICATORS
from reviews.stages import Todo

from . import services
from .models import Appraisal, Assessment, AssessmentStatus


def todo(review, membership) -> list[Todo]:
    overview = reverse("appraisal:overview", args=[review.pk])
    drafts = Assessment.objects.filter(review=review, assessor_id=membership.user_id, status=AssessmentStatus.DRAFT)
    n = drafts.count()
    items = [Todo(n, f"{n} risk-of-bias assessment{pluralize(n)} assigned to you and not submitted", overview)]
    if membership.role in ADJUDICATORS:
        n = services.conflicts_for(review, membership.user).count()
        url = reverse("appraisal:conflicts", args=[review.pk])
        items.append(Todo(n, f"{n} risk-of-bias judgement{pluralize(n)} in conflict to settle", url))
    if membership.is_lead and Appraisal.objects.filter(review=review).exists() and not services.is_locked(review):
        blockers = services.lock_blockers(review)
        items += [Todo(1, f"Risk of bias cannot be locked: {blocker}", overview) for blocker in blockers]
    return items
