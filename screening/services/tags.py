"""Tags: the lead defines the review's list, screeners put them on records (one transaction each)."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from identification.models import Record
from reviews.access import LEAD_ONLY, SCREENERS, require_role
from reviews.models import Review

from ..models import RecordTag, Tag
from . import ScreeningError


@transaction.atomic
def define_tag(*, review: Review, name: str, user: User) -> Tag:
    """Add a tag to the review's list; a name the review already has is refused (tag_unique_name_per_review)."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    name = " ".join(name.split())
    if not name:
        raise ScreeningError("a tag needs a name")
    try:
        with transaction.atomic():
            return Tag.objects.create(review=review, name=name)
    except IntegrityError as exc:
        raise ScreeningError(f"the review already has the tag “{name}”") from exc


@transaction.atomic
def set_record_tags(*, review: Review, record: Record, tag_ids: set[int], user: User) -> None:
    """Put exactly these of the review's tags on the record: the others come off, those already on stay as they
    were (who added them, when)."""
    require_role(review=review, user=user, roles=SCREENERS)
    tags = set(review.tags.filter(pk__in=tag_ids).values_list("pk", flat=True))
    if tags != set(tag_ids):
        raise ScreeningError("that tag belongs to another review")
    RecordTag.objects.filter(record=record).exclude(tag_id__in=tags).delete()
    RecordTag.objects.bulk_create(
        [RecordTag(record=record, tag_id=tag_id, added_by=user) for tag_id in sorted(tags)], ignore_conflicts=True
    )
