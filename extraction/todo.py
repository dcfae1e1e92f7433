"""What waits for a member at extraction (reviews.stages.Todo): their extractions not submitted, conflicts for them
to settle, and for a lead what keeps the extraction from being locked."""

from django.template.defaultfilters import pluralize
from django.urls import reverse

from reviews.access import ADJUDICATORS
from reviews.stages import Todo

from . import services, tables
from .models import Extraction, ExtractionStatus


def todo(review, membership) -> list[Todo]:
    overview = reverse("extraction:overview", args=[review.pk])
    drafts = Extraction.objects.filter(review=review, extractor_id=membership.user_id, status=ExtractionStatus.DRAFT)
    n = drafts.count()
    items = [Todo(n, f"{n} extraction{pluralize(n)} assigned to you and not submitted", overview)]
    if membership.role in ADJUDICATORS:
        left, _ = services.own_studies(review, membership.user)
        n = tables.open_conflicts(review).exclude(study_id__in=left).count()
        items.append(Todo(n, f"{n} extracted value{pluralize(n)} in conflict to settle", overview))
    if membership.is_lead and review.studies.exists() and not services.is_locked(review):
        blockers = services.lock_blockers(review)
        items += [Todo(1, f"Extraction cannot be locked: {blocker}", overview) for blocker in blockers]
    return items
