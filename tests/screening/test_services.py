"""Votes, agreement, conflicts and the queue, against the database."""

import threading

import pytest
from django.db import connection

from reviews.models import Role
from reviews.services import add_member
from screening import conflicts, services
from screening.freezing import VOTES_FROZEN
from screening.models import Resolution, ResolutionMethod, ScreeningRecord, Stage, Vote, VoteEvent
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, Personas, make_import, make_user, ris

pytestmark = pytest.mark.django_db
TA = Stage.TITLE_ABSTRACT


@pytest.fixture
def records(personas):
    extra = [{"TI": f"Unrelated study number {i}", "PY": "2020"} for i in range(3)]
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE, *extra))
    return list(personas.review.records.order_by("pk"))


def vote(personas, who, record, decision, stage=TA, **extra):
    return services.cast_vote(
        review=personas.review,
        record_id=record.pk,
        stage=stage,
        reviewer=getattr(personas, who),
        decision=decision,
        **extra,
    )


def test_agreeing_votes_resolve_the_record_at_once(personas, records):
    vote(personas, "lead", records[0], "include")
    assert not Resolution.objects.exists()
    _, resolution = vote(personas, "reviewer", records[0], "include")
    assert (resolution.decision, resolution.method) == ("include", ResolutionMethod.AGREEMENT)


@pytest.mark.parametrize("second", ["exclude", "maybe"])
def test_disagreement_or_maybe_is_a_conflict_for_the_adjudicator(personas, records, second):
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], second)
    assert not Resolution.objects.exists()
    [(record, votes)] = conflicts.open_conflicts(personas.review, TA)
    assert record == records[0] and len(votes) == 2
    resolution = services.resolve_conflict(
        review=personas.review,
        record_id=record.pk,
        stage=TA,
        decision="exclude",
        user=personas.adjudicator,
        note="Not NMOSD",
    )
    assert (resolution.method, resolution.resolved_by) == (ResolutionMethod.ADJUDICATION, personas.adjudicator)
    with pytest.raises(services.ScreeningError, match="already resolved"):
        services.resolve_conflict(
            review=personas.review, record_id=record.pk, stage=TA, decision="include", user=personas.lead
        )
    assert conflicts.open_conflicts(personas.review, TA) == []


def test_a_vote_can_change_until_the_record_has_all_its_votes_and_history_is_kept(personas, records):
    vote(personas, "lead", records[0], "maybe")
    vote(personas, "lead", records[0], "include", note="Relevant after all")
    current = Vote.objects.get()
    assert (current.decision, current.note) == ("include", "Relevant after all")
    assert list(VoteEvent.objects.values_list("decision", flat=True)) == ["maybe", "include"]
    vote(personas, "reviewer", records[0], "include")
    with pytest.raises(services.ScreeningError, match=VOTES_FROZEN):
        vote(personas, "lead", records[0], "exclude")


def test_votes_in_conflict_are_frozen_so_only_the_adjudicator_decides(personas, records):
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], "exclude", note="Wrong population")
    with pytest.raises(services.ScreeningError, match=VOTES_FROZEN):
        vote(personas, "lead", records[0], "exclude")
    assert not Resolution.objects.exists()
    assert [record for record, _ in conflicts.open_conflicts(personas.review, TA)] == [records[0]]
    assert Vote.objects.get(reviewer=personas.lead).decision == "include"
    assert VoteEvent.objects.count() == 2
    assert conflicts.vote_pairs(personas.review, TA) == {}, "an open conflict is not in the agreement statistics"
    services.resolve_conflict(
        review=personas.review, record_id=records[0].pk, stage=TA, decision="exclude", user=personas.adjudicator
    )
    assert conflicts.vote_pairs(personas.review, TA) == {("lead", "reviewer"): [("include", "exclude")]}


def refusal(personas, record, who, decision):
    with pytest.raises(services.ScreeningError) as refused:
        vote(personas, who, record, decision)
    return str(refused.value)


def test_the_refusal_does_not_tell_whether_the_co_reviewer_agreed(personas, records):
    agreed, disagreed = records[0], records[1]
    vote(personas, "lead", agreed, "include")
    vote(personas, "reviewer", agreed, "include")
    vote(personas, "lead", disagreed, "include")
    vote(personas, "reviewer", disagreed, "exclude")
    messages = {
        refusal(personas, record, "lead", decision)
        for record in (agreed, disagreed)
        for decision in ("include", "exclude", "maybe")
    }
    personas.third = make_user("third")
    add_member(review=personas.review, user=personas.third, role=Role.REVIEWER, by=personas.lead)
    messages |= {refusal(personas, record, "third", "include") for record in (agreed, disagreed)}
    assert messages == {VOTES_FROZEN}


def test_with_one_vote_a_record_a_maybe_is_frozen_at_once(personas, records):
    personas.review.title_abstract_reviewers = 1
    personas.review.save()
    vote(personas, "lead", records[0], "maybe")
    with pytest.raises(services.ScreeningError, match=VOTES_FROZEN):
        vote(personas, "lead", records[0], "include")


def test_a_frozen_vote_cannot_change_through_the_model_either(personas, records):
    """The admin and django-import-export save votes through the model: the same rule holds there."""
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], "exclude")
    lead_vote = Vote.objects.get(reviewer=personas.lead)
    lead_vote.decision = "exclude"
    for write in (
        lead_vote.save,
        lead_vote.delete,
        lambda: Vote.objects.filter(pk=lead_vote.pk).update(decision="exclude"),
        lambda: Vote.objects.filter(pk=lead_vote.pk).delete(),
        lambda: Vote.objects.bulk_update([lead_vote], ["decision"]),
        lambda: Vote.objects.bulk_create(
            [
                Vote(
                    review=personas.review,
                    record=records[0],
                    stage=TA,
                    reviewer=personas.adjudicator,
                    decision="include",
                )
            ]
        ),
    ):
        with pytest.raises(services.ScreeningError, match=VOTES_FROZEN):
            write()
    assert sorted(Vote.objects.values_list("decision", flat=True)) == ["exclude", "include"]


def test_a_vote_still_waiting_for_the_co_reviewer_can_change_through_the_model(personas, records):
    vote(personas, "lead", records[0], "include")
    Vote.objects.filter(reviewer=personas.lead).update(note="typo fixed")
    assert Vote.objects.get().note == "typo fixed"


def test_no_third_vote_when_two_are_required(personas, records):
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], "exclude")
    personas.third = make_user("third")
    add_member(review=personas.review, user=personas.third, role=Role.REVIEWER, by=personas.lead)
    with pytest.raises(services.ScreeningError, match="all the votes it needs"):
        vote(personas, "third", records[0], "include")


def test_a_conflict_cannot_be_resolved_before_the_votes_are_in(personas, records):
    vote(personas, "lead", records[0], "include")
    with pytest.raises(services.ScreeningError, match="not in conflict"):
        services.resolve_conflict(
            review=personas.review, record_id=records[0].pk, stage=TA, decision="include", user=personas.adjudicator
        )


def test_queue_gives_each_reviewer_only_records_needing_their_vote(personas, records):
    review = personas.review
    assert ScreeningRecord.objects.next_for(personas.lead, review=review, stage=TA) == records[0]
    vote(personas, "lead", records[0], "include")
    assert ScreeningRecord.objects.next_for(personas.lead, review=review, stage=TA) == records[1]
    assert ScreeningRecord.objects.next_for(personas.reviewer, review=review, stage=TA) == records[0]
    vote(personas, "reviewer", records[0], "include")
    vote(personas, "reviewer", records[1], "exclude")
    personas.third = make_user("third")
    add_member(review=review, user=personas.third, role=Role.REVIEWER, by=personas.lead)
    vote(personas, "third", records[2], "exclude")
    vote(personas, "reviewer", records[2], "exclude")
    # records[2] has its two votes: nobody else gets it
    assert ScreeningRecord.objects.next_for(personas.lead, review=review, stage=TA) == records[1]
    vote(personas, "lead", records[1], "exclude")
    assert ScreeningRecord.objects.next_for(personas.lead, review=review, stage=TA) == records[3]


def test_a_larger_team_starts_in_pairs_at_their_own_share_of_the_queue(personas):
    review = personas.review
    make_import(review, personas.lead, ris(*({"TI": f"Trial number {i}", "PY": "2020"} for i in range(12))))
    records = list(review.records.order_by("pk"))
    team = [personas.lead, personas.reviewer]
    for name in ("rhea", "raj", "rosa", "remy"):
        team.append(make_user(name))
        add_member(review=review, user=team[-1], role=Role.REVIEWER, by=personas.lead)
    # Six screeners, two votes a record: three pairs, starting at records 1, 5 and 9 of 12.
    starts = [ScreeningRecord.objects.next_for(person, review=review, stage=TA) for person in team]
    assert starts == [records[0], records[0], records[4], records[4], records[8], records[8]]
    for person in team[4:]:
        for record in records[8:]:
            services.cast_vote(review=review, record_id=record.pk, stage=TA, reviewer=person, decision="exclude")
    # The last pair, at the end of the queue, goes on from the beginning.
    assert ScreeningRecord.objects.next_for(team[4], review=review, stage=TA) == records[0]


def test_with_one_vote_a_record_each_screener_starts_at_their_own_share(personas):
    review = personas.review
    review.title_abstract_reviewers = 1
    review.save()
    make_import(review, personas.lead, ris(*({"TI": f"Trial number {i}", "PY": "2020"} for i in range(10))))
    records = list(review.records.order_by("pk"))
    assert ScreeningRecord.objects.next_for(personas.lead, review=review, stage=TA) == records[0]
    assert ScreeningRecord.objects.next_for(personas.reviewer, review=review, stage=TA) == records[5]
    # Not a screener: from the beginning.
    assert ScreeningRecord.objects.next_for(personas.adjudicator, review=review, stage=TA) == records[0]


def test_merged_duplicates_are_not_screened(personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, {**TOCILIZUMAB, "TI": TOCILIZUMAB["TI"].upper()}))
    duplicate = personas.review.records.get(duplicate_of__isnull=False)
    with pytest.raises(services.ScreeningError, match="merged into another"):
        vote(personas, "lead", duplicate, "include")


def test_full_text_needs_inclusion_at_title_abstract_and_a_reason_to_exclude(personas, records):
    with pytest.raises(services.ScreeningError, match="not reached this stage"):
        vote(personas, "lead", records[0], "include", stage=Stage.FULL_TEXT)
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], "include")
    with pytest.raises(services.ScreeningError, match="exclusion reasons"):
        vote(personas, "lead", records[0], "exclude", stage=Stage.FULL_TEXT)
    reason = personas.review.exclusion_reasons.first()
    v, _ = vote(personas, "lead", records[0], "exclude", stage=Stage.FULL_TEXT, exclusion_reason=reason)
    assert v.exclusion_reason == reason


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
def test_twenty_threads_voting_and_resolving_lose_nothing():
    personas = Personas(prefix="race-")
    make_import(personas.review, personas.lead, ris(*({"TI": f"Record {i}", "PY": "2020"} for i in range(5))))
    records = list(personas.review.records.order_by("pk"))
    voters = [personas.lead, personas.reviewer]
    barrier = threading.Barrier(20)
    outcomes = []

    def work(index):
        try:
            barrier.wait()
            record = records[index % len(records)]
            if index < 10:
                services.cast_vote(
                    review=personas.review,
                    record_id=record.pk,
                    stage=TA,
                    reviewer=voters[index // 5 % 2],
                    decision="include" if index % 2 else "exclude",
                )
            else:
                services.resolve_conflict(
                    review=personas.review, record_id=record.pk, stage=TA, decision="include", user=personas.adjudicator
                )
            outcomes.append("ok")
        except services.ScreeningError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 20
    for record in records:
        votes = Vote.objects.filter(record=record, stage=TA)
        assert votes.count() <= 2 and votes.values("reviewer").distinct().count() == votes.count()
        assert Resolution.objects.filter(record=record, stage=TA).count() <= 1
    # every vote is a distinct (record, reviewer): all ten land, each once, with its history event
    assert Vote.objects.count() == 10 and VoteEvent.objects.count() == 10
    assert outcomes.count("ok") == 10 + Resolution.objects.count()


def resolve(personas, record, who, decision="include"):
    return services.resolve_conflict(
        review=personas.review, record_id=record.pk, stage=TA, decision=decision, user=getattr(personas, who)
    )


def test_a_voter_may_not_adjudicate_while_another_adjudicator_exists(personas, records):
    waiting, disputed = records[0], records[1]
    vote(personas, "lead", waiting, "include")
    vote(personas, "lead", disputed, "include")
    vote(personas, "reviewer", disputed, "exclude")
    # The same answer whether the other vote is in or not, so trying tells the voter nothing.
    for record in (waiting, disputed):
        with pytest.raises(services.ScreeningError, match="you voted on this record, so another lead or adjudicator"):
            resolve(personas, record, "lead")
    assert resolve(personas, disputed, "adjudicator").resolved_by == personas.adjudicator


def test_a_second_lead_who_did_not_vote_is_another_adjudicator(personas, records):
    add_member(review=personas.review, user=make_user("second-lead"), role=Role.LEAD, by=personas.lead)
    personas.review.memberships.filter(user=personas.adjudicator).delete()
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], "exclude")
    assert conflicts.open_conflicts_for(personas.review, TA, personas.lead) == []
    with pytest.raises(services.ScreeningError, match="you voted on this record"):
        resolve(personas, records[0], "lead")


def test_a_voter_who_is_the_only_possible_adjudicator_decides(personas, records):
    personas.review.memberships.filter(user=personas.adjudicator).delete()
    vote(personas, "lead", records[0], "include")
    vote(personas, "reviewer", records[0], "exclude")
    [(record, _, voted)] = conflicts.open_conflicts_for(personas.review, TA, personas.lead)
    assert record == records[0] and voted
    assert resolve(personas, records[0], "lead").resolved_by == personas.lead


def test_a_third_screener_opens_the_queue_of_a_review_without_records(personas):
    add_member(review=personas.review, user=make_user("third"), role=Role.REVIEWER, by=personas.lead)
    third = personas.review.memberships.get(user__username="third").user
    assert ScreeningRecord.objects.next_for(third, review=personas.review, stage=TA) is None
