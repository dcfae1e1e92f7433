"""Merging duplicates never drops screening decisions: a record with votes stays its group's primary, and
two records with votes are never merged without a person."""

import pytest

from identification.models import CandidateStatus, DuplicateCandidate
from identification.services import DecisionConflict, decide
from screening import services
from screening.models import Stage
from tests.factories import make_import, ris

pytestmark = pytest.mark.django_db
TITLE = "Tocilizumab in neuromyelitis optica spectrum disorder: a randomised trial"
# Same title, different volumes: only a possible pair, queued for a person.
TRIAL = {"TI": TITLE, "AU": ["Zhang, C."], "PY": "2020", "VL": "19", "DO": "10.1016/S1474-4422(20)30070-3"}
REPRINT = {"TI": TITLE, "AU": ["Zhang, C."], "PY": "2020", "VL": "20", "AN": "32333898"}
# Shares the trial's DOI and the reprint's PMID: certain duplicate of both, so it bridges their groups.
BRIDGE = {"TI": TITLE, "AU": ["Zhang, C."], "PY": "2020", "DO": "10.1016/S1474-4422(20)30070-3", "AN": "32333898"}


def include(personas, record, reviewer="reviewer"):
    services.cast_vote(
        review=personas.review,
        record_id=record.pk,
        stage=Stage.TITLE_ABSTRACT,
        reviewer=getattr(personas, reviewer),
        decision="include",
    )


@pytest.fixture
def pair(personas):
    trial = make_import(personas.review, personas.lead, ris(TRIAL)).records.get()
    reprint = make_import(personas.review, personas.lead, ris(REPRINT)).records.get()
    assert reprint.duplicate_of is None
    return trial, reprint


def test_a_bridging_import_is_queued_and_merges_no_group(personas, pair):
    # Issue 18: a record matching two existing groups could join them wrongly; it waits for a person instead.
    trial, reprint = pair
    include(personas, reprint)
    make_import(personas.review, personas.lead, ris(BRIDGE))
    trial.refresh_from_db()
    reprint.refresh_from_db()
    assert reprint.duplicate_of is None and trial.duplicate_of is None
    assert DuplicateCandidate.objects.filter(status=CandidateStatus.PENDING).count() >= 2


def test_two_screened_records_are_not_merged_by_an_import(personas, pair):
    trial, reprint = pair
    include(personas, trial)
    include(personas, reprint)
    make_import(personas.review, personas.lead, ris(BRIDGE))
    trial.refresh_from_db()
    reprint.refresh_from_db()
    assert trial.duplicate_of is None and reprint.duplicate_of is None
    assert DuplicateCandidate.objects.filter(status=CandidateStatus.PENDING).exists()


def test_confirming_a_pair_keeps_the_screened_record_or_refuses(personas, pair):
    trial, reprint = pair
    candidate = DuplicateCandidate.objects.get(status=CandidateStatus.PENDING)
    include(personas, trial)
    include(personas, reprint)
    with pytest.raises(DecisionConflict, match="both records already have screening votes"):
        decide(candidate.pk, personas.review, is_duplicate=True, user=personas.lead)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING, "the refused decision left nothing behind"


def test_confirming_a_pair_makes_the_screened_record_primary(personas, pair):
    trial, reprint = pair
    include(personas, reprint)
    decide(DuplicateCandidate.objects.get().pk, personas.review, is_duplicate=True, user=personas.lead)
    trial.refresh_from_db()
    assert trial.duplicate_of == reprint
