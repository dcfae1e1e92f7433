"""Blinding through the API (tests/blinding.py): the account pages link the API, so every crawl of the site, the
screening and extraction blinding tests' too, walks the API's endpoints from /api/reviews/ by the links its answers
give. Here: the crawl reaches every endpoint a lead may read, and none of them shows a co-reviewer's hidden votes."""

import pytest
from django.urls import reverse

from tests.blinding import assert_blind, reached_views
from tests.permission_matrix import API_MATRIX
from tests.screening.test_blinding import NOTES, Screening

pytestmark = pytest.mark.django_db
# Endpoints that answer what a review being screened does not have yet.
NOT_CRAWLED = {"api:run": "needs a locked extraction and an analysis run"}


@pytest.mark.parametrize("who", ["lead", "reviewer", "adjudicator"])
def test_votes_waiting_for_others_change_nothing_the_api_answers(client, personas, who):
    screening = Screening(personas)
    personas.extraction()
    client.force_login(personas.by_name(who))
    start = [reverse("reviews:list"), reverse("api:reviews")]
    crawl = assert_blind(client, hide=screening.hide, variants=tuple(NOTES), start=start, probes=NOTES.values())
    may_read = {
        name
        for (name, method), route in API_MATRIX.items()
        if method == "get" and (route.allowed is None or who in route.allowed)
    }
    if who == "lead":  # the others extract nothing in this review, so have no extraction of theirs to read
        assert may_read - set(NOT_CRAWLED) - reached_views(crawl) == set()
    assert {"api:records", "api:record", "api:prisma"} <= reached_views(crawl)
