"""Write guards: a promise about a model's rows held on every path that writes them.

A model inheriting WriteGuarded runs the checks registered for its class (or for an abstract base it inherits)
before each write: saving and deleting a row, and a queryset's update, delete, bulk_create and bulk_update,
which are the paths services, the admin and django-import-export take. A check runs inside the write's
transaction and raises WriteRefused (or a subclass) to refuse.

Checks are registered rather than imported so that a later stage can guard an earlier stage's rows while
imports still run one way: extraction's lock guards screening's studies and reports, and screening never
imports extraction.
"""

from collections.abc import Callable, Iterable

from django.db import models, transaction
from django.db.models import Q, QuerySet


class WriteRefused(Exception):
    """A write that a registered guard refuses; the message says why."""


# A check receives the rows about to change or go (a queryset; None when rows are only added), the objects about
# to be written, and the new values of a queryset update.
Check = Callable[..., None]
_checks: dict[type, list[Check]] = {}


def guard_writes(*models_: type) -> Callable[[Check], Check]:
    """Register the decorated function as a check of every write of these models (and their subclasses)."""

    def register(check: Check) -> Check:
        for model in models_:
            _checks.setdefault(model, []).append(check)
        return check

    return register


def _check(model: type, *, rows=None, new: Iterable = (), values: dict | None = None) -> None:
    new = list(new)
    for klass in model.__mro__:
        for check in _checks.get(klass, ()):
            check(rows=rows, new=new, values=values or {})


class WriteGuardedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic():
            _check(self.model, rows=self, values=kwargs)
            return super().update(**kwargs)

    def delete(self):
        with transaction.atomic():
            _check(self.model, rows=self)
            return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic():
            _check(self.model, new=objs)
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic():
            _check(self.model, rows=self.filter(pk__in=[obj.pk for obj in objs]), new=objs)
            return super().bulk_update(objs, *args, **kwargs)


class WriteGuarded(models.Model):
    """Abstract base of models whose writes registered checks may refuse."""

    objects = WriteGuardedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            _check(type(self), rows=self._stored(), new=[self])
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            _check(type(self), rows=self._stored())
            return super().delete(*args, **kwargs)

    def _stored(self):
        """This row as stored, before the write: what an update changes (None for a new row)."""
        if self._state.adding or self.pk is None:
            return None
        return type(self)._base_manager.filter(pk=self.pk)


def refuse_if_locked(locks: QuerySet, refusal: WriteRefused, *review_ids) -> None:
    """Raise `refusal` when one of these reviews' lock rows (`locks`: a stage's lock model, one row per review with
    a `locked` flag) is locked; call inside the write's transaction. The rows are taken with select_for_update, so a
    write and a concurrent lock are serialised: the write either commits before the lock or is refused. Each
    argument is an iterable of review ids or a queryset of them (read as a subquery, in the same query)."""
    condition = Q()
    for ids in review_ids:
        if not isinstance(ids, QuerySet):
            ids = {pk for pk in ids if pk is not None}
            if not ids:
                continue
        condition |= Q(review_id__in=ids)
    if condition and any(locks.select_for_update().filter(condition).values_list("locked", flat=True)):
        raise refusal


def updated_ids(values: dict, name: str) -> list:
    """The id a queryset update sets a foreign key to (given as the object or its id), if it sets it."""
    if name in values:
        return [getattr(values[name], "pk", values[name])]
    return [values[f"{name}_id"]] if f"{name}_id" in values else []
