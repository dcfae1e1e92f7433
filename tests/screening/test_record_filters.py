"""The records page filters by screening stage and decision and by exclusion reason (screening/record_filters.py),
showing a conflict only to who may see it."""

import pytest
from django.urls import reverse

from screening import services
from screening.models import Stage
from tests.factories import make_import, ris

pytestmark = pytest.mark.django_db
TA = Stage.TITLE_ABSTRACT


@pytest.fixture
def records(personas):
    """Trial 0 included, 1 excluded (by adjudication, for a reason), 2 in conflict, 3 waiting for a vote."""
    review = personas.review
    records = list(
        make_import(
            review, personas.lead, ris(*({"TI": f"Trial {i}", "PY": "2020"} for i in range(4)))
        ).records.order_by("pk")
    )
    votes = {0: ("include", "include"), 1: ("include", "exclude"), 2: ("include", "exclude"), 3: ("include",)}
    for index, decisions in votes.items():
        for reviewer, decision in zip((personas.lead, personas.reviewer), decisions, strict=False):
            record_id = records[index].pk
            services.cast_vote(review=review, record_id=record_id, stage=TA, reviewer=reviewer, decision=decision)
    services.resolve_conflict(
        review=review,
        record_id=records[1].pk,
        stage=TA,
        decision="exclude",
        user=personas.adjudicator,
        exclusion_reason=review.exclusion_reasons.get(),
    )
    return records


def titles(client, user, **filters):
    client.force_login(user)
    page = client.get(reverse("identification:records", args=[user.memberships.get().review_id]), filters)
    return {f"Trial {i}" for i in range(4) if f">Trial {i}<" in page.content.decode()}


def test_filters_by_stage_and_decision(client, personas, records):
    viewer = personas.viewer
    assert titles(client, viewer, decision="title_abstract:included") == {"Trial 0"}
    assert titles(client, viewer, decision="title_abstract:excluded") == {"Trial 1"}
    assert titles(client, viewer, decision="title_abstract:awaiting") == {"Trial 2", "Trial 3"}
    assert titles(client, viewer, decision="full_text:included") == set()


def test_filters_by_exclusion_reason_and_text_together(client, personas, records):
    reason = personas.review.exclusion_reasons.get()
    assert titles(client, personas.viewer, reason=reason.pk) == {"Trial 1"}
    assert titles(client, personas.viewer, reason=reason.pk, q="Trial 0") == set()


def test_only_who_may_settle_a_conflict_is_offered_the_conflict_filter(client, personas, records):
    assert titles(client, personas.adjudicator, decision="title_abstract:conflict") == {"Trial 2"}
    client.force_login(personas.reviewer)
    page = client.get(reverse("identification:records", args=[personas.review.pk])).content.decode()
    assert "in conflict" not in page
    assert titles(client, personas.reviewer, decision="title_abstract:conflict") == {f"Trial {i}" for i in range(4)}


def test_filtered_record_list_query_count_is_pinned(client, personas, records, django_assert_num_queries):
    client.force_login(personas.adjudicator)
    url = reverse("identification:records", args=[personas.review.pk])
    filters = {"decision": "title_abstract:awaiting", "reason": "", "q": "Trial"}
    # Session, user, review and membership; the counts (one query), the imports and the page; the reasons, the tags
    # and the adjudicators (for the filters' choices, worked out once for the lists and the filtering): none grows
    # with the records.
    with django_assert_num_queries(10):
        client.get(url, filters)
