"""Imports, automatic merging, decisions on possible duplicates and undoing merges, against the database."""

import threading

import pytest
from django.db import connection

from identification import services
from identification.importers import ImportFileError
from identification.models import CandidateStatus, DuplicateCandidate, ImportStatus, Record
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, make_import, make_search, ris

pytestmark = pytest.mark.django_db


def test_import_writes_every_record_with_its_provenance(personas):
    search = make_search(personas.review, personas.lead, source="Embase")
    done = make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE), search=search)
    assert (done.status, done.record_count, done.file_format, done.encoding) == (ImportStatus.DONE, 2, "ris", "UTF-8")
    record = done.records.get(position=1)
    assert record.doi == "10.1016/s1474-4422(20)30070-3"
    assert record.raw["title"] == TOCILIZUMAB["TI"]
    assert record.source_import.search.source == "Embase"


def test_duplicates_within_a_file_are_merged_and_the_primary_gets_the_best_values(personas):
    shouting = {**TOCILIZUMAB, "TI": TOCILIZUMAB["TI"].upper(), "AB": "Relapses fell by 70%.", "DO": ""}
    done = make_import(personas.review, personas.lead, ris(TOCILIZUMAB, shouting))
    primary, duplicate = done.records.order_by("position")
    assert duplicate.duplicate_of == primary
    assert done.merged_count == 1
    primary.refresh_from_db()
    assert primary.shown.title == TOCILIZUMAB["TI"] and primary.shown.abstract == "Relapses fell by 70%."
    assert primary.abstract == "" and duplicate.title == shouting["TI"]
    assert Record.objects.filter(review=personas.review).unique().count() == 1


def test_later_imports_are_deduplicated_against_earlier_ones(personas):
    first = make_import(personas.review, personas.lead, ris(TOCILIZUMAB))
    second = make_import(
        personas.review, personas.lead, ris(AZATHIOPRINE, {**TOCILIZUMAB, "TI": TOCILIZUMAB["TI"] + ".", "DO": ""})
    )
    assert second.merged_count == 1
    again = second.records.get(position=2)
    assert again.duplicate_of == first.records.get()


def test_a_file_that_cannot_be_parsed_leaves_nothing(personas):
    with pytest.raises(ImportFileError):
        make_import(personas.review, personas.lead, b"TY  - JOUR\nTI  - Cut\n")
    failed = personas.review.imports.get()
    assert failed.status == ImportStatus.FAILED and "line 1" in failed.error
    assert not Record.objects.exists()


def test_a_failure_while_writing_rolls_back_every_record(personas, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_record_candidates", broken)
    with pytest.raises(RuntimeError):
        make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE))
    assert not Record.objects.exists()
    failed = personas.review.imports.get()
    assert failed.status == ImportStatus.FAILED and "nothing was saved" in failed.error


def test_possible_duplicates_wait_for_a_decision_and_one_decision_wins(personas):
    setup = personas.identification()
    candidate = setup.candidate
    assert candidate.status == CandidateStatus.PENDING
    services.decide(candidate.pk, personas.review, is_duplicate=True, user=personas.reviewer)
    with pytest.raises(services.DecisionConflict):
        services.decide(candidate.pk, personas.review, is_duplicate=False, user=personas.lead)
    merged = Record.objects.get(pk=candidate.second_id)
    assert merged.duplicate_of_id == setup.record.pk
    assert Record.objects.filter(review=personas.review).unique().count() == 2


def test_a_pair_judged_distinct_is_not_queued_again(personas):
    setup = personas.identification()
    services.decide(setup.candidate.pk, personas.review, is_duplicate=False, user=personas.lead)
    make_import(personas.review, personas.lead, ris({**TOCILIZUMAB, "DO": "", "VL": "20", "AB": "Same again"}))
    pending = DuplicateCandidate.objects.filter(status=CandidateStatus.PENDING)
    assert not pending.filter(first__in=[setup.record, setup.duplicate]).exists()


def test_separating_undoes_a_merge_and_restores_imported_values(personas):
    setup = personas.identification()
    duplicate = setup.duplicate
    services.separate(duplicate, personas.lead)
    duplicate.refresh_from_db()
    setup.record.refresh_from_db()
    assert duplicate.duplicate_of is None and duplicate.shown.title == TOCILIZUMAB["TI"].upper()
    assert setup.record.merged is None and setup.record.shown.title == TOCILIZUMAB["TI"]
    assert DuplicateCandidate.objects.get(first=setup.record, second=duplicate).status == CandidateStatus.DISTINCT
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB))
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None
    with pytest.raises(services.DecisionConflict):
        services.separate(setup.record, personas.lead)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
def test_two_people_deciding_one_pair_at_once_one_wins():
    from tests.factories import Personas

    personas = Personas(prefix="race-")
    candidate = personas.identification().candidate
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, is_duplicate):
        try:
            barrier.wait()
            services.decide(candidate.pk, personas.review, is_duplicate=is_duplicate, user=user)
            outcomes.append("won")
        except services.DecisionConflict:
            outcomes.append("told")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(personas.lead, True)),
        threading.Thread(target=decide, args=(personas.reviewer, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["told", "won"]
