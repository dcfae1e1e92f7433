"""Screening pages: the queue, voting, blinding and conflicts."""

import re

import pytest
from django.urls import reverse

from reviews.models import Role
from screening import services
from screening.models import Resolution, Stage, Vote
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, make_import, ris

pytestmark = pytest.mark.django_db
TA = "title-abstract"


@pytest.fixture
def records(personas):
    review = personas.review
    review.highlight_include, review.highlight_exclude = "tocilizumab, NMOSD", "mycophenolate"
    review.save()
    secret = {"TI": "<script>alert('x')</script> tocilizumab study", "PY": "2021"}
    make_import(review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE, secret))
    return list(review.records.order_by("pk"))


def queue_url(personas, stage=TA):
    return reverse("screening:queue", kwargs={"review_id": personas.review.pk, "stage_slug": stage})


def vote_url(personas, record, stage=TA):
    return reverse(
        "screening:vote", kwargs={"review_id": personas.review.pk, "stage_slug": stage, "record_id": record.pk}
    )


def test_queue_shows_the_record_with_highlights_and_criteria(client, personas, records):
    client.force_login(personas.reviewer)
    page = client.get(queue_url(personas)).content.decode()
    assert '<mark class="kw-include">Tocilizumab</mark>' in page
    assert "Eligibility" in page and "Your votes: 0 of 3" in page
    assert 'data-key="i"' in page


def test_voting_moves_to_the_next_record_and_allows_a_change(client, personas, records):
    client.force_login(personas.reviewer)
    client.post(vote_url(personas, records[0]), {"decision": "include", "note": "Looks right"})
    page = client.get(queue_url(personas)).content.decode()
    assert "Azathioprine versus" in page
    revisit = client.get(queue_url(personas), {"record": records[0].pk}).content.decode()
    assert "Your vote: <strong>Include</strong>" in revisit and "Looks right" in revisit
    client.post(vote_url(personas, records[0]), {"decision": "exclude"})
    assert Vote.objects.get(reviewer=personas.reviewer).decision == "exclude"


def test_keywords_are_escaped_once(client, personas):
    make_import(personas.review, personas.lead, ris({"TI": "Trial", "KW": ["Crohn's disease", "<b>"]}))
    client.force_login(personas.reviewer)
    page = client.get(queue_url(personas)).content.decode()
    assert "Crohn&#x27;s disease; &lt;b&gt;" in page and "&amp;#x27;" not in page


def test_titles_are_escaped_even_when_highlighted(client, personas, records):
    client.force_login(personas.reviewer)
    for record in records[:2]:
        client.post(vote_url(personas, record), {"decision": "exclude"})
    page = client.get(queue_url(personas)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_blinded_reviewers_never_see_another_vote(client, personas, records):
    services.cast_vote(
        review=personas.review,
        record_id=records[0].pk,
        stage=Stage.TITLE_ABSTRACT,
        reviewer=personas.lead,
        decision="exclude",
        note="LEAD-SECRET-NOTE",
    )
    client.force_login(personas.reviewer)
    page = client.get(queue_url(personas)).content.decode()
    assert "neuromyelitis optica spectrum disorder: a randomised trial" in page
    assert "LEAD-SECRET-NOTE" not in page and "Other votes" not in page
    conflicts = reverse("screening:conflicts", kwargs={"review_id": personas.review.pk, "stage_slug": TA})
    assert client.get(conflicts).status_code == 403


def test_unblinded_reviews_show_other_votes(client, personas, records):
    personas.review.blinded = False
    personas.review.save()
    services.cast_vote(
        review=personas.review,
        record_id=records[0].pk,
        stage=Stage.TITLE_ABSTRACT,
        reviewer=personas.lead,
        decision="exclude",
    )
    client.force_login(personas.reviewer)
    assert "lead: Exclude" in client.get(queue_url(personas)).content.decode()


def test_adjudicator_resolves_a_conflict_and_a_second_resolution_is_told(client, personas, records):
    for who, decision in (("lead", "include"), ("reviewer", "maybe")):
        services.cast_vote(
            review=personas.review,
            record_id=records[0].pk,
            stage=Stage.TITLE_ABSTRACT,
            reviewer=getattr(personas, who),
            decision=decision,
        )
    client.force_login(personas.adjudicator)
    conflicts = reverse("screening:conflicts", kwargs={"review_id": personas.review.pk, "stage_slug": TA})
    assert "lead: <strong>Include</strong>" in client.get(conflicts).content.decode()
    resolve = reverse(
        "screening:resolve", kwargs={"review_id": personas.review.pk, "stage_slug": TA, "record_id": records[0].pk}
    )
    client.post(resolve, {"decision": "include", "note": "Meets criteria"})
    response = client.post(resolve, {"decision": "exclude"}, follow=True)
    assert "already resolved (Include, by adjudicator)" in response.content.decode()


def test_unknown_stage_is_not_found(client, personas, records):
    client.force_login(personas.lead)
    assert client.get(queue_url(personas, "abstract-only")).status_code == 404


def test_queue_and_vote_use_few_queries(client, personas, records, django_assert_max_num_queries):
    client.force_login(personas.reviewer)
    with django_assert_max_num_queries(15):
        client.get(queue_url(personas))
    with django_assert_max_num_queries(15):
        client.post(vote_url(personas, records[0]), {"decision": "include"})


def cast(personas, record, reviewer, decision):
    services.cast_vote(
        review=personas.review, record_id=record.pk, stage=Stage.TITLE_ABSTRACT, reviewer=reviewer, decision=decision
    )


def test_a_reviewer_cannot_change_a_vote_in_conflict_and_is_not_told_the_other_vote(client, personas, records):
    """The reported hole: A (include) and B (exclude) in conflict; A switching to exclude was told "the reviewers
    agree" and resolved the record."""
    cast(personas, records[0], personas.reviewer, "include")
    cast(personas, records[0], personas.lead, "exclude")
    client.force_login(personas.reviewer)
    page = client.post(vote_url(personas, records[0]), {"decision": "exclude"}, follow=True).content.decode()
    assert "Vote not saved: this record has all the votes it needs" in page
    assert "the reviewers agree" not in page
    assert not Resolution.objects.exists()
    assert Vote.objects.get(reviewer=personas.reviewer).decision == "include"


def test_revisiting_a_record_with_all_its_votes_reads_the_same_agreed_or_not(client, personas, records):
    for record, lead_decision in ((records[0], "include"), (records[1], "exclude")):
        for who, decision in ((personas.reviewer, "include"), (personas.lead, lead_decision)):
            cast(personas, record, who, decision)
    client.force_login(personas.reviewer)
    notices = []
    for record in records[:2]:
        page = client.get(queue_url(personas), {"record": record.pk}).content.decode()
        assert 'id="vote-form"' not in page
        notices.append(re.search(r'<p class="message info">(.*?)</p>', page, re.S).group(1))
    assert notices[0] == notices[1] and "can no longer change" in notices[0]


def conflicts_page(client, personas, who):
    client.force_login(who)
    url = reverse("screening:conflicts", kwargs={"review_id": personas.review.pk, "stage_slug": TA})
    return client.get(url).content.decode()


@pytest.fixture
def lead_voted_conflict(personas, records):
    """The lead voted include on the first record, the reviewer exclude with a note: a conflict."""
    cast(personas, records[0], personas.lead, "include")
    services.cast_vote(
        review=personas.review,
        record_id=records[0].pk,
        stage=Stage.TITLE_ABSTRACT,
        reviewer=personas.reviewer,
        decision="exclude",
        note="REVIEWER-SECRET-NOTE",
    )
    return records[0]


def test_a_lead_who_voted_is_not_shown_the_conflict_while_another_adjudicator_exists(
    client, personas, lead_voted_conflict
):
    page = conflicts_page(client, personas, personas.lead)
    assert "randomised trial" not in page and "REVIEWER-SECRET-NOTE" not in page and "reviewer: " not in page
    assert "No conflicts wait for your decision" in page
    assert "REVIEWER-SECRET-NOTE" in conflicts_page(client, personas, personas.adjudicator)


def test_the_only_possible_adjudicator_is_shown_their_own_conflict_and_told_so(client, personas, lead_voted_conflict):
    personas.review.memberships.filter(user=personas.adjudicator).update(role=Role.VIEWER)
    page = conflicts_page(client, personas, personas.lead)
    assert "randomised trial" in page and "REVIEWER-SECRET-NOTE" in page
    assert "You voted on this record. No other lead or adjudicator who did not vote on it" in page
    resolve = reverse(
        "screening:resolve",
        kwargs={"review_id": personas.review.pk, "stage_slug": TA, "record_id": lead_voted_conflict.pk},
    )
    assert "Conflict resolved." in client.post(resolve, {"decision": "include"}, follow=True).content.decode()
    assert Resolution.objects.get().resolved_by == personas.lead


def test_the_queue_says_how_many_records_are_left_and_how_many_were_voted_today(client, personas, records):
    client.force_login(personas.reviewer)
    assert "3 records left for you</strong> · 0 votes today" in client.get(queue_url(personas)).content.decode()
    client.post(vote_url(personas, records[0]), {"decision": "include"})
    assert "2 records left for you</strong> · 1 vote today" in client.get(queue_url(personas)).content.decode()


def test_searching_the_queue_shows_the_next_matching_record_and_keeps_the_search_after_a_vote(
    client, personas, records
):
    client.force_login(personas.reviewer)
    page = client.get(queue_url(personas), {"q": "azathioprine"}).content.decode()
    assert "Azathioprine versus" in page and 'name="q" value="azathioprine"' in page
    response = client.post(vote_url(personas, records[1]), {"decision": "exclude", "q": "azathioprine"})
    assert response.url == queue_url(personas) + "?q=azathioprine"
    assert "No record waiting for your vote matches" in client.get(response.url).content.decode()


def test_the_record_after_the_current_one_can_be_fetched_before_voting(client, personas, records):
    """The page fetches ahead the record it will show once the reviewer votes on this one (static/js/quick_vote.js);
    fetching it changes nothing, and it is the record the vote then leads to."""
    client.force_login(personas.reviewer)
    ahead = client.get(queue_url(personas), {"skip": records[0].pk}).content.decode()
    assert "Azathioprine versus" in ahead and 'data-next="' in ahead and not Vote.objects.exists()
    after_vote = client.post(vote_url(personas, records[0]), {"decision": "exclude"}, follow=True).content.decode()
    assert "Azathioprine versus" in after_vote


def test_after_a_quick_vote_the_server_shows_the_record_already_on_screen_while_it_awaits_the_vote(
    client, personas, records
):
    """The quick-vote script shows the record it fetched ahead before the vote is saved and sends it as `show`: the
    server's page keeps that record, even where its own choice of the next one would differ, so nothing is swapped
    under the reviewer's eyes; a refused vote brings back its own record instead."""
    client.force_login(personas.reviewer)
    shown = records[2]  # not the next record in the queue's order
    page = client.post(vote_url(personas, records[0]), {"decision": "include", "show": shown.pk}, follow=True)
    assert f'data-record="{shown.pk}"' in page.content.decode()
    for reviewer, decision in ((personas.reviewer, "include"), (personas.lead, "exclude")):  # a conflict: frozen
        services.cast_vote(
            review=personas.review,
            record_id=records[1].pk,
            stage=Stage.TITLE_ABSTRACT,
            reviewer=reviewer,
            decision=decision,
        )
    refused = client.post(vote_url(personas, records[1]), {"decision": "exclude", "show": shown.pk})
    assert refused.url == queue_url(personas)
    services.cast_vote(
        review=personas.review,
        record_id=shown.pk,
        stage=Stage.TITLE_ABSTRACT,
        reviewer=personas.reviewer,
        decision="exclude",
    )
    after = client.post(vote_url(personas, records[0]), {"decision": "exclude", "show": shown.pk}, follow=True)
    assert f'data-record="{shown.pk}"' not in after.content.decode()  # voted on meanwhile: the next one instead
