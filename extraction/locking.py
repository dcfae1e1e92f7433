"""The one place that keeps a locked extraction from changing.

Every model holding extraction data inherits LockGuarded: saving or deleting a row, and a
queryset's update, delete, bulk_create and bulk_update, first lock the review's
ExtractionLock row (select_for_update) and refuse when it is locked. The admin and
django-import-export write through these same methods. Taking the row lock means a write
and a concurrent lock are serialised: a write either commits before the lock or is refused.
"""

from django.db import models, transaction


class ExtractionLocked(Exception):
    """A write to data of a review whose extraction is locked."""


def ensure_unlocked(review_ids) -> None:
    """Refuse (ExtractionLocked) when any of these reviews' extraction is locked; call inside a transaction."""
    from .models import ExtractionLock

    ids = {pk for pk in review_ids if pk is not None}
    if not ids:
        return
    states = ExtractionLock.objects.select_for_update().filter(review_id__in=ids).values_list("locked", flat=True)
    if any(states):
        raise ExtractionLocked(
            "the extraction of this review is locked: the lead must unlock it, giving a reason, before data change"
        )


class LockGuardedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic():
            ensure_unlocked(self.values_list("review_id", flat=True).distinct())
            return super().update(**kwargs)

    def delete(self):
        with transaction.atomic():
            ensure_unlocked(self.values_list("review_id", flat=True).distinct())
            return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic():
            ensure_unlocked(obj.review_id for obj in objs)
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic():
            ensure_unlocked(obj.review_id for obj in objs)
            return super().bulk_update(objs, *args, **kwargs)


class LockGuarded(models.Model):
    """Abstract base of extraction data: needs a `review` foreign key."""

    objects = LockGuardedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            ensure_unlocked([self.review_id])
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            ensure_unlocked([self.review_id])
            return super().delete(*args, **kwargs)
