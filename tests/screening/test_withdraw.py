"""Undo: a reviewer withdraws their vote on a record that still waits for votes. The vote no longer counts, as if
never cast; the withdrawal joins the record's append-only history; once the record has all its votes, the refusal
is the same whatever the other votes are. Blinding: tests/screening/test_blinding.py."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import create_token
from reviews.access import RoleRefused
from screening import services
from screening.freezing import VOTES_FROZEN
from screening.models import Resolution, ScreeningRecord, Stage, Vote, VoteAction, VoteEvent
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, make_import, ris

pytestmark = pytest.mark.django_db
TA = Stage.TITLE_ABSTRACT


@pytest.fixture
def records(personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE))
    return list(personas.review.records.order_by("pk"))


def vote(personas, who, record, decision, **extra):
    return services.cast_vote(
        review=personas.review,
        record_id=record.pk,
        stage=TA,
        reviewer=getattr(personas, who),
        decision=decision,
        **extra,
    )


def withdraw(personas, who, record):
    services.withdraw_vote(review=personas.review, record_id=record.pk, stage=TA, reviewer=getattr(personas, who))


def test_a_withdrawn_vote_no_longer_counts_and_its_history_stays(personas, records):
    vote(personas, "reviewer", records[0], "exclude", note="Wrong population")
    left = ScreeningRecord.objects.awaiting(personas.reviewer, review=personas.review, stage=TA).count()
    withdraw(personas, "reviewer", records[0])
    assert not Vote.objects.exists()
    assert ScreeningRecord.objects.awaiting(personas.reviewer, review=personas.review, stage=TA).count() == left + 1, (
        "it waits for their vote again"
    )
    assert ScreeningRecord.objects.next_for(personas.reviewer, review=personas.review, stage=TA) == records[0]
    events = VoteEvent.objects.order_by("id")
    assert [(e.decision, e.note, e.vote_id) for e in events] == [
        ("exclude", "Wrong population", None),
        ("withdrawn", "", None),
    ]
    assert {(e.record_id, e.stage, e.reviewer_id) for e in events} == {(records[0].pk, TA, personas.reviewer.pk)}
    # The record is screened as if the vote had never been cast: the two votes now cast agree.
    vote(personas, "lead", records[0], "include")
    _, resolution = vote(personas, "reviewer", records[0], "include")
    assert resolution is not None and resolution.decision == "include"
    assert list(VoteEvent.objects.order_by("id").values_list("decision", flat=True)) == [
        "exclude",
        "withdrawn",
        "include",
        "include",
    ]


@pytest.mark.parametrize("other", ["include", "exclude"])
def test_a_vote_on_a_record_with_all_its_votes_is_not_withdrawn_and_the_refusal_tells_nothing(personas, records, other):
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], other)
    with pytest.raises(services.ScreeningError) as refused:
        withdraw(personas, "lead", records[0])
    assert str(refused.value) == VOTES_FROZEN
    assert Vote.objects.count() == 2 and VoteEvent.objects.count() == 2


def test_there_is_nothing_to_withdraw_without_a_vote_and_a_viewer_withdraws_nothing(personas, records):
    with pytest.raises(services.ScreeningError, match="no vote"):
        withdraw(personas, "reviewer", records[0])
    with pytest.raises(RoleRefused):
        withdraw(personas, "viewer", records[0])
    assert not VoteEvent.objects.exists()


def test_a_withdrawal_is_bare_and_every_event_names_a_known_action(personas, records):
    vote(personas, "reviewer", records[0], "include")
    place = {"record": records[0], "stage": TA, "reviewer": personas.reviewer}
    for bad in (
        {"decision": VoteAction.WITHDRAWN, "note": "why"},
        {"decision": VoteAction.WITHDRAWN, "vote": Vote.objects.get()},
        {"decision": "undone"},
        {"decision": "include", "stage": "abstract"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            VoteEvent.objects.create(**{**place, **bad})


def test_undo_on_the_queue_page_withdraws_the_last_vote(client, personas, records):
    client.force_login(personas.reviewer)
    queue = reverse("screening:queue", args=[personas.review.pk, "title-abstract"])
    assert "Undo" not in client.get(queue).content.decode()
    client.post(
        reverse("screening:vote", args=[personas.review.pk, "title-abstract", records[0].pk]), {"decision": "include"}
    )
    page = client.get(queue).content.decode()
    undo = reverse("screening:withdraw", args=[personas.review.pk, "title-abstract", records[0].pk])
    assert f'action="{undo}"' in page and "withdraw your last vote" in page
    response = client.post(undo, follow=True)
    assert "Vote withdrawn" in response.content.decode()
    assert not Vote.objects.exists() and response.context["record"] == records[0]
    history = client.get(reverse("identification:record_detail", args=[personas.review.pk, records[0].pk]))
    assert "reviewer withdrew their vote" in history.content.decode()


def test_undo_is_not_offered_once_the_record_has_all_its_votes(client, personas, records):
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], "exclude")
    client.force_login(personas.reviewer)
    page = client.get(reverse("screening:queue", args=[personas.review.pk, "title-abstract"])).content.decode()
    assert "Undo" not in page
    response = client.post(
        reverse("screening:withdraw", args=[personas.review.pk, "title-abstract", records[0].pk]), follow=True
    )
    assert "Vote not withdrawn" in response.content.decode() and Vote.objects.count() == 2


def test_the_api_withdraws_ones_vote(personas, records):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user=personas.reviewer, name='R')[1]}")
    votes = reverse("api:votes", args=[personas.review.pk, "title-abstract"])
    api.post(votes, {"record": records[0].pk, "decision": "include"}, format="json")
    url = reverse("api:vote", args=[personas.review.pk, "title-abstract", records[0].pk])
    assert api.delete(url).status_code == 204
    assert api.get(votes).json()["results"] == []
    again = api.delete(url)
    assert again.status_code == 409 and "no vote" in again.json()["detail"]
    assert not Resolution.objects.exists()
