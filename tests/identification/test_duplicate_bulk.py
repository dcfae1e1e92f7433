"""The duplicate queue's bulk merge (lead only, all or nothing) and records that bridge two groups."""

from django.urls import reverse

from identification.models import CandidateStatus, DuplicateCandidate, Record
from tests.factories import TOCILIZUMAB, make_import, ris

OTHER_DOI = {**TOCILIZUMAB, "DO": "10.1016/other"}
NO_DOI = {key: value for key, value in TOCILIZUMAB.items() if key != "DO"}


def test_a_new_record_matching_two_groups_is_queued_instead_of_joining_them(personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, OTHER_DOI))
    first, second = Record.objects.filter(review=personas.review).order_by("pk")
    assert first.duplicate_of is None and second.duplicate_of is None  # different DOIs: kept apart

    make_import(personas.review, personas.lead, ris(NO_DOI))
    bridge = Record.objects.filter(review=personas.review).order_by("pk").last()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.duplicate_of is None and second.duplicate_of is None
    assert bridge.duplicate_of in (first, second)
    pending = DuplicateCandidate.objects.filter(review=personas.review, status=CandidateStatus.PENDING)
    assert pending.filter(first=first, second=second).exists()
    other = second if bridge.duplicate_of == first else first
    assert pending.filter(first=other, second=bridge).exists() or pending.filter(first=bridge, second=other).exists()


def _url(personas):
    return reverse("identification:duplicate_accept_above", kwargs={"review_id": personas.review.pk})


def test_the_lead_sees_the_count_and_a_sample_then_merges_them_all(client, personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, OTHER_DOI))
    client.force_login(personas.lead)
    shown = client.get(_url(personas), {"min_score": "1"})
    assert shown.context["count"] == 1
    assert TOCILIZUMAB["TI"] in shown.content.decode()
    client.post(_url(personas), {"min_score": "1", "expected": "1"})
    assert DuplicateCandidate.objects.get(review=personas.review).status == CandidateStatus.CONFIRMED
    assert Record.objects.filter(review=personas.review).unique().count() == 1


def test_nothing_is_merged_when_the_count_changed_since_it_was_shown(client, personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, OTHER_DOI))
    client.force_login(personas.lead)
    response = client.post(_url(personas), {"min_score": "1", "expected": "2"}, follow=True)
    assert "Nothing was merged" in response.content.decode()
    assert DuplicateCandidate.objects.get(review=personas.review).status == CandidateStatus.PENDING


def test_pairs_below_the_score_stay_pending(client, personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, OTHER_DOI))
    client.force_login(personas.lead)
    assert client.get(_url(personas), {"min_score": "1.99"}).context["count"] == 0
    client.post(_url(personas), {"min_score": "1.99", "expected": "0"})
    assert DuplicateCandidate.objects.get(review=personas.review).status == CandidateStatus.PENDING


def test_a_reviewer_cannot_merge_in_bulk(client, personas):
    client.force_login(personas.reviewer)
    assert client.get(_url(personas), {"min_score": "1"}).status_code == 403
