"""A whole review as one JSON document, and back: every record, vote, resolution, study, extracted value, lock,
audit event and analysis, the team's accounts and the uploaded files, so that a review moves to another
installation (or returns from a backup) exactly as it was.

The object graph is the one deleting the review would remove (Django's collector follows every foreign key to
it), so a new model of any app is exported without this module knowing about it. The objects come in the order
the kernel and the stages declare (reviews/stages.py: each stage's `export`), after the accounts; a model no stage
declares comes last rather than not at all. Documents written before a model moved to another app name it by its
former label (a stage's `formerly`) and are read as they are.

Times are written to the microsecond (2026-12-01T20:15:59.000123Z); documents written before that hold them to the
millisecond (…59.000Z or …59Z) and are read as they are."""

import base64
import datetime
import io
import json
from collections.abc import Callable, Iterator
from io import StringIO
from typing import IO

from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from reviews import stages
from reviews.models import Review

FORMAT = "tandem-review/1"
BLOCK = 2000  # objects serialised at a time
# Files made from the review, not part of it: a backup holding the previous backups would grow with each one.
NOT_BACKED_UP = ("reviews.reviewexport",)


class BackupError(Exception):
    pass


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond (JavaScript's precision), so a restored review would differ
    from the exported one in every timestamp with microseconds; this one writes all six digits."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat(timespec="microseconds")
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.tzinfo is None:
            return o.isoformat(timespec="microseconds")
        return super().default(o)


def _objects(review: Review) -> list[models.Model]:
    collector = NestedObjects(using="default")
    collector.collect([review])
    return [
        obj
        for model, instances in collector.data.items()
        if model._meta.label_lower not in NOT_BACKED_UP
        for obj in instances
    ]


def _users(objects) -> list:
    user_model = get_user_model()
    ids = {
        getattr(obj, field.attname)
        for obj in objects
        for field in obj._meta.concrete_fields
        if field.is_relation and field.related_model is user_model and getattr(obj, field.attname) is not None
    }
    return list(user_model.objects.filter(pk__in=ids).order_by("pk"))


def _files(objects) -> Iterator[tuple[str, str]]:
    """(name, base64 content) of each stored file, one at a time."""
    names = {
        getattr(obj, field.attname).name
        for obj in objects
        for field in obj._meta.concrete_fields
        if isinstance(field, models.FileField) and getattr(obj, field.attname)
    }
    for name in sorted(names):
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                yield name, base64.b64encode(stored.read()).decode("ascii")


def write_backup(review: Review, out: IO[bytes], progress: Callable[[str], None] = lambda message: None) -> None:
    """Write the review's document to `out` a block of objects and a file at a time, so the text of a large review
    is never held whole."""
    progress("Collecting the review's objects")
    objects = _objects(review)
    position = {label: index for index, label in enumerate(stages.export_order())}
    last = len(position)
    ordered = sorted(
        objects, key=lambda obj: (position.get(obj._meta.label_lower, last), obj._meta.label_lower, obj.pk)
    )
    everything = [*_users(objects), *ordered]
    text = io.TextIOWrapper(out, encoding="utf-8")
    text.write(f'{{"format": {json.dumps(FORMAT)}, "review": {review.pk}, "objects": [')
    for start in range(0, len(everything), BLOCK):
        block = serializers.serialize("json", everything[start : start + BLOCK], cls=ExactJSONEncoder)
        text.write(("" if start == 0 else ", ") + block.strip()[1:-1])  # the block's list without its brackets
        progress(f"Written {min(start + BLOCK, len(everything)):,} of {len(everything):,} objects")
    text.write('], "files": {')
    for index, (name, content) in enumerate(_files(objects)):
        text.write(f"{', ' if index else ''}{json.dumps(name)}: {json.dumps(content)}")
        progress(f"Written {index + 1:,} files")
    text.write("}}")
    text.flush()
    text.detach()  # the caller closes `out`


def export_review(review: Review) -> dict:
    buffer = io.BytesIO()
    write_backup(review, buffer)
    return json.loads(buffer.getvalue())


@transaction.atomic
def import_review(document: dict) -> Review:
    """Restore an exported review into a database that does not hold it; all or nothing."""
    if document.get("format") != FORMAT:
        raise BackupError(f"not a Tandem review export (expected format {FORMAT!r})")
    if Review.objects.filter(pk=document["review"]).exists():
        raise BackupError(f"review {document['review']} already exists here: restore into a fresh database")
    user_model = get_user_model()
    touched = set()
    former = stages.former_labels()
    objects = [{**item, "model": former.get(item["model"], item["model"])} for item in document["objects"]]
    for item in serializers.deserialize("json", StringIO(json.dumps(objects))):
        model = type(item.object)
        if model is user_model:
            existing = user_model.objects.filter(pk=item.object.pk).first()
            if existing is not None and existing.username != item.object.username:
                raise BackupError(f"user id {item.object.pk} is {existing.username} here, not {item.object.username}")
            if existing is not None:
                continue
        item.save()  # raw: no save() overrides run, so a locked extraction is restored as it was
        touched.add(model)
    for name, content in document.get("files", {}).items():
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(base64.b64decode(content)))
    # Rows came with their ids: move PostgreSQL's id sequences past them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), sorted(touched, key=str)):
            cursor.execute(statement)
    return Review.objects.get(pk=document["review"])
