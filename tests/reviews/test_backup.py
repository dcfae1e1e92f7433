"""A review exported as JSON and imported into an empty database comes back exactly as it was."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.dateparse import parse_datetime

from analysis.models import AnalysisRun
from appraisal.models import Judgement
from certainty import services as grade
from certainty.models import GradeJudgement
from extraction.models import Value
from extraction.services import is_locked
from identification.models import Record
from reviews import stages
from reviews.backup import NOT_BACKED_UP, BackupError, export_review, import_review
from reviews.models import Review
from screening.models import Report, VoteEvent
from tests.factories import make_search

pytestmark = pytest.mark.django_db(transaction=True)

# Microseconds of 0, of 1–999 (below Django's millisecond JSON) and of 1000 and more, with and without a remainder.
MICROSECONDS = [0, 1, 999, 1000, 123456, 999999]


def empty_the_database():
    call_command("flush", interactive=False, verbosity=0)
    assert not Review.objects.exists()


def give_every_timestamp_microseconds(review):
    """Every date-time field of every exported object gets a time from MICROSECONDS in turn, so each case occurs
    whatever the clock said while the data were built."""
    start = datetime.datetime(2026, 12, 1, 20, 15, 59, tzinfo=datetime.UTC)
    turn = 0
    for item in export_review(review)["objects"]:
        model = apps.get_model(item["model"])
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and item["fields"].get(field.name) is not None:
                at = start.replace(microsecond=MICROSECONDS[turn % len(MICROSECONDS)])
                # The base manager skips the extraction lock's guard: this changes when, not what, was written.
                model._base_manager.filter(pk=item["pk"]).update(**{field.attname: at + datetime.timedelta(hours=turn)})
                turn += 1
    review.refresh_from_db()  # the export starts from this instance
    assert turn >= 2 * len(MICROSECONDS), "every case of microseconds occurs"


def first_difference(expected: dict, actual: dict) -> str | None:
    """The first object, field or file in which two exports differ, or None when they are the same."""
    for key in ("format", "review"):
        if expected.get(key) != actual.get(key):
            return f"{key}: {expected.get(key)!r} became {actual.get(key)!r}"
    before = {(o["model"], o["pk"]): o["fields"] for o in expected["objects"]}
    after = {(o["model"], o["pk"]): o["fields"] for o in actual["objects"]}
    for key in [*before, *(key for key in after if key not in before)]:
        if key not in after or key not in before:
            return f"{key[0]} {key[1]}: {'lost' if key in before else 'appeared'}"
        for field in sorted(before[key].keys() | after[key].keys()):
            if before[key].get(field, "(none)") != after[key].get(field, "(none)"):
                return f"{key[0]} {key[1]}, field {field}: {before[key].get(field)!r} became {after[key].get(field)!r}"
    if [o["model"] for o in expected["objects"]] != [o["model"] for o in actual["objects"]]:
        return "the objects come in another order"
    for name in sorted(expected["files"].keys() | actual["files"].keys()):
        if expected["files"].get(name) != actual["files"].get(name):
            return f"file {name}: {'lost' if name not in actual['files'] else 'changed'}"
    return None


def test_export_then_import_into_an_empty_database_reproduces_the_review(personas, tmp_path):
    review = personas.analysis().run.review
    personas.identification()
    personas.full_text()
    personas.appraisal()
    grade.save_settings(review=review, user=personas.lead, outcome="arr", start="randomised", control_risk=0.2)
    grade.confirm_proposals(review=review, user=personas.lead, outcome="arr")
    give_every_timestamp_microseconds(review)
    counts = {
        "GRADE judgements": GradeJudgement.objects.filter(review=review).count(),
        "risk-of-bias judgements": Judgement.objects.filter(review=review).count(),
        "records": Record.objects.filter(review=review).count(),
        "vote events": VoteEvent.objects.filter(vote__review=review).count(),
        "values": Value.objects.filter(extraction__review=review).count(),
        "runs": AnalysisRun.objects.filter(review=review).count(),
    }
    assert is_locked(review) and all(counts.values()), counts
    path = tmp_path / "review.json"
    call_command("export_review", review.pk, output=str(path), stdout=io.StringIO())
    exported = json.loads(path.read_text())
    pdf = Report.objects.exclude(pdf="").first()

    empty_the_database()
    call_command("import_review", str(path), stdout=io.StringIO())

    restored = Review.objects.get(pk=review.pk)
    difference = first_difference(exported, export_review(restored))
    assert difference is None, difference  # every object, field and file as it was
    assert is_locked(restored)
    assert counts == {
        "GRADE judgements": GradeJudgement.objects.filter(review=restored).count(),
        "risk-of-bias judgements": Judgement.objects.filter(review=restored).count(),
        "records": Record.objects.filter(review=restored).count(),
        "vote events": VoteEvent.objects.filter(vote__review=restored).count(),
        "values": Value.objects.filter(extraction__review=restored).count(),
        "runs": AnalysisRun.objects.filter(review=restored).count(),
    }
    assert pdf is not None
    assert Report.objects.get(pk=pdf.pk).pdf.read().startswith(b"%PDF-")
    # New rows get new ids after the restored ones (PostgreSQL's sequences were moved on).
    after = make_search(restored, restored.created_by, source="After the restore")
    assert after.pk > max(o["pk"] for o in exported["objects"] if o["model"] == "identification.search")


def test_an_export_keeps_every_microsecond(personas):
    personas.full_text()
    give_every_timestamp_microseconds(personas.review)
    written = {
        (item["model"], item["pk"], name): value
        for item in export_review(personas.review)["objects"]
        for name, value in item["fields"].items()
        if isinstance(value, str) and parse_datetime(value) is not None and "T" in value
    }
    stored = {key: parse_datetime(value).microsecond for key, value in written.items()}
    assert set(stored.values()) == set(MICROSECONDS), {k: v for k, v in stored.items() if v not in MICROSECONDS}


def test_an_export_written_to_the_millisecond_still_restores(personas):
    """Exports made before the microseconds were kept hold times such as 2026-12-01T20:15:59.123Z."""
    personas.full_text()
    give_every_timestamp_microseconds(personas.review)
    document = export_review(personas.review)
    encoder = DjangoJSONEncoder()
    for item in document["objects"]:
        for name, value in item["fields"].items():
            if isinstance(value, str) and "T" in value and (at := parse_datetime(value)) is not None:
                item["fields"][name] = encoder.default(at)
    event = VoteEvent.objects.filter(vote__review=personas.review).first()
    old_form = next(o for o in document["objects"] if o["model"] == "screening.voteevent" and o["pk"] == event.pk)
    assert len(old_form["fields"]["at"]) in (20, 24), old_form  # no fraction, or three digits, and Z

    empty_the_database()
    import_review(document)

    restored = VoteEvent.objects.get(pk=event.pk).at
    assert restored == event.at.replace(microsecond=event.at.microsecond // 1000 * 1000)


def test_a_restore_over_an_existing_review_is_refused_and_changes_nothing(personas):
    document = export_review(personas.review)
    with pytest.raises(BackupError, match="already exists here"):
        import_review(document)
    with pytest.raises(BackupError, match="not a Tandem review export"):
        import_review({"format": "something else"})


def test_every_model_holding_a_reviews_rows_is_declared_in_a_stages_export():
    """A model the backup reaches from the review (through any chain of foreign keys) has its place in the export
    order (reviews/stages.py), so a new model is placed where its stage says, not at the end by default."""
    reached, todo = set(), [Review]
    while todo:
        for relation in todo.pop()._meta.related_objects:
            model = relation.related_model
            if model._meta.label_lower not in reached and not model._meta.auto_created:
                reached.add(model._meta.label_lower)
                todo.append(model)
    undeclared = reached - set(stages.export_order()) - set(NOT_BACKED_UP)
    assert not undeclared, f"declare these models in their stage's export (reviews/stages.py): {sorted(undeclared)}"
    assert "screening.voteevent" in reached and "analysis.plot" in reached  # the walk reaches the far ends


def test_the_objects_come_in_the_stages_order(personas):
    personas.full_text()
    labels = [item["model"] for item in export_review(personas.review)["objects"]]
    first = {label: labels.index(label) for label in reversed(labels)}
    order = ["auth.user", "reviews.review", "reviews.membership", "identification.search", "identification.record"]
    assert sorted(first[label] for label in order) == [first[label] for label in order]
    assert first["identification.record"] < first["screening.vote"] < first["screening.report"]


def test_an_export_written_before_identification_moved_out_of_reviews_still_restores(personas):
    """Documents written before the identification stage had its own app name its models reviews.search,
    reviews.recordimport, reviews.record and reviews.duplicatecandidate."""
    personas.identification()
    expected = export_review(personas.review)
    document = json.loads(json.dumps(expected).replace('"model": "identification.', '"model": "reviews.'))
    assert {"reviews.record", "reviews.duplicatecandidate"} <= {item["model"] for item in document["objects"]}

    empty_the_database()
    restored = import_review(document)

    assert first_difference(expected, export_review(restored)) is None
    assert Record.objects.filter(review=restored).count() == 4  # the finished import's; the preview has none
