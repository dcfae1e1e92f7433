"""The admin keeps the workflow's promises: the lock moves only through the lock and unlock pages (reason, audit
event, stale analyses), and the trail (votes and their history, resolutions, values, consensus, audit events,
analysis runs, records, duplicate decisions) is read-only, superusers included. Viewing and exporting stay."""

import contextlib

import pytest
from django.urls import NoReverseMatch, reverse

from analysis.models import AnalysisRun
from extraction import services
from extraction.models import AuditAction, AuditEvent, Consensus, Extraction, ExtractionLock, Value
from identification.models import DuplicateCandidate, Record, RecordImport
from screening.models import Resolution, Vote, VoteEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HISTORY = [
    Vote,
    VoteEvent,
    Resolution,
    AuditEvent,
    Value,
    Consensus,
    Extraction,
    ExtractionLock,
    AnalysisRun,
    Record,
    RecordImport,
    DuplicateCandidate,
]


@pytest.fixture
def trail(personas):
    """Every kind of history row: imports and a duplicate pair, votes, a resolved and extracted study, the extraction
    locked, and an analysis run."""
    personas.identification()
    setup = personas.extraction()
    services.resolve(review=personas.review, consensus_id=setup.conflict.pk, user=personas.adjudicator, choice="1")
    services.lock(review=personas.review, user=personas.lead)
    AnalysisRun.objects.create(review=personas.review, data_fingerprint="0" * 64, created_by=personas.lead)
    return personas


@pytest.fixture
def superuser(client):
    user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _rows(model):
    return sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))


@pytest.mark.parametrize("model", HISTORY, ids=lambda m: m._meta.label_lower)
def test_history_cannot_be_added_changed_deleted_or_imported_in_the_admin(client, trail, superuser, model):
    before = _rows(model)
    row = model.objects.first()
    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "change", row.pk)).status_code == 200  # shown read-only
    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "change", row.pk), {}).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [r.pk for r in model.objects.all()], "post": "yes"}
    client.post(_url(model, "changelist"), bulk)
    with contextlib.suppress(NoReverseMatch):  # most have no import page at all
        assert client.get(_url(model, "import")).status_code == 403
    assert _rows(model) == before


def test_the_lock_stays_until_the_lead_unlocks_with_a_reason(client, trail, superuser):
    lock = ExtractionLock.objects.get(review=trail.review)
    client.post(_url(ExtractionLock, "delete", lock.pk), {"post": "yes"})
    client.post(
        _url(ExtractionLock, "changelist"), {"action": "delete_selected", "_selected_action": [lock.pk], "post": "yes"}
    )
    client.post(_url(ExtractionLock, "change", lock.pk), {"review": trail.review.pk})
    assert services.is_locked(trail.review)
    assert not AuditEvent.objects.filter(action=AuditAction.UNLOCKED).exists()
    assert not AnalysisRun.objects.filter(stale=True).exists()
