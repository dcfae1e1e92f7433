"""What waits for a member at screening (reviews.stages.Todo): records for their vote, conflicts for them to settle.
Counts only, within blinding: how the others voted never shows."""

from django.template.defaultfilters import pluralize
from django.urls import reverse

from reviews.access import ADJUDICATORS, SCREENERS
from reviews.stages import Todo

from .conflicts import open_conflicts_for
from .models import ScreeningRecord, Stage

SLUGS = {Stage.TITLE_ABSTRACT: "title-abstract", Stage.FULL_TEXT: "full-text"}


def todo(review, membership) -> list[Todo]:
    user, items = membership.user, []
    for stage, slug in SLUGS.items():
        where = stage.label.lower()
        if membership.role in SCREENERS:
            n = ScreeningRecord.objects.awaiting(user, review=review, stage=stage).count()
            url = reverse("screening:queue", args=[review.pk, slug])
            items.append(Todo(n, f"{n} record{pluralize(n)} wait{pluralize(n, 's,')} for your vote at {where}", url))
        if membership.role in ADJUDICATORS:
            n = len(open_conflicts_for(review, stage, user))
            url = reverse("screening:conflicts", args=[review.pk, slug])
            items.append(Todo(n, f"{n} conflict{pluralize(n)} at {where} to settle", url))
    return items
