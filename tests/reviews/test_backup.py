"""A review exported as JSON and imported into an empty database comes back exactly as it was."""

import io
import json

import pytest
from django.core.management import call_command

from analysis.models import AnalysisRun
from extraction.models import Value
from extraction.services import is_locked
from reviews.backup import BackupError, export_review, import_review
from reviews.models import Record, Review
from screening.models import Report, VoteEvent
from tests.factories import make_search

pytestmark = pytest.mark.django_db(transaction=True)


def empty_the_database():
    call_command("flush", interactive=False, verbosity=0)
    assert not Review.objects.exists()


def test_export_then_import_into_an_empty_database_reproduces_the_review(personas, tmp_path):
    review = personas.analysis().run.review
    personas.identification()
    personas.full_text()
    counts = {
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
    assert export_review(restored) == exported  # every object, field and file as it was
    assert is_locked(restored)
    assert counts == {
        "records": Record.objects.filter(review=restored).count(),
        "vote events": VoteEvent.objects.filter(vote__review=restored).count(),
        "values": Value.objects.filter(extraction__review=restored).count(),
        "runs": AnalysisRun.objects.filter(review=restored).count(),
    }
    assert pdf is not None
    assert Report.objects.get(pk=pdf.pk).pdf.read().startswith(b"%PDF-")
    # New rows get new ids after the restored ones (PostgreSQL's sequences were moved on).
    after = make_search(restored, restored.created_by, source="After the restore")
    assert after.pk > max(o["pk"] for o in exported["objects"] if o["model"] == "reviews.search")


def test_a_restore_over_an_existing_review_is_refused_and_changes_nothing(personas):
    document = export_review(personas.review)
    with pytest.raises(BackupError, match="already exists here"):
        import_review(document)
    with pytest.raises(BackupError, match="not a Tandem review export"):
        import_review({"format": "something else"})
