import re

import pytest
from django.urls import reverse

from reviews.models import ExclusionReason, Membership, Review, Role
from tests.factories import make_import, make_review, make_search, make_user, ris

pytestmark = pytest.mark.django_db


def test_list_shows_only_my_reviews_with_my_role(client, personas):
    client.force_login(personas.reviewer)
    response = client.get(reverse("reviews:list"))
    assert response.status_code == 200
    assert personas.review.title in response.text
    assert personas.other_review.title not in response.text
    assert "Reviewer" in response.text


def test_list_query_count_does_not_grow_with_reviews(client, django_assert_num_queries):
    lead = make_user("busy")
    make_review(lead=lead, title="first")
    client.force_login(lead)
    with django_assert_num_queries(3) as first:
        client.get(reverse("reviews:list"))
    for n in range(5):
        make_review(lead=lead, title=f"more {n}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("reviews:list"))
    assert response.text.count("badge role-lead") == 6


def test_empty_list_invites_to_start_a_review(client, db):
    client.force_login(make_user("newcomer"))
    response = client.get(reverse("reviews:list"))
    assert "You are not part of any review yet" in response.text


def test_creating_a_review_makes_the_creator_its_lead(client, db):
    user = make_user("founder")
    client.force_login(user)
    response = client.post(
        reverse("reviews:create"),
        {
            "title": "TCZ vs AZA",
            "question": "Does it work?",
            "title_abstract_reviewers": 2,
            "full_text_reviewers": 1,
            "blinded": "on",
            "exclusion_reasons": "Wrong population\n\n  Wrong outcome  \nWrong population",
        },
    )
    review = Review.objects.get(title="TCZ vs AZA")
    assert response.status_code == 302 and response.url == review.get_absolute_url()
    assert Membership.objects.get(review=review, user=user).role == Role.LEAD
    assert [r.label for r in review.exclusion_reasons.all()] == ["Wrong population", "Wrong outcome"]
    assert review.blinded and review.full_text_reviewers == 1


def test_create_form_rejects_three_reviewers_per_record(client, db):
    client.force_login(make_user("founder"))
    response = client.post(
        reverse("reviews:create"), {"title": "x", "title_abstract_reviewers": 3, "full_text_reviewers": 2}
    )
    assert response.status_code == 200
    assert "errorlist" in response.text or "error" in response.text
    assert not Review.objects.filter(title="x").exists()


def test_lead_edits_settings_and_reorders_exclusion_reasons(client, personas):
    review = personas.review
    client.force_login(personas.lead)
    page = client.get(reverse("reviews:settings", args=[review.pk]))
    assert "Wrong population" in page.text
    response = client.post(
        reverse("reviews:settings", args=[review.pk]),
        {
            "title": "Renamed",
            "title_abstract_reviewers": 1,
            "full_text_reviewers": 2,
            "exclusion_reasons": "Wrong design\nWrong population",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.title == "Renamed" and not review.blinded
    assert list(review.exclusion_reasons.values_list("label", "position")) == [
        ("Wrong design", 0),
        ("Wrong population", 1),
    ]


def test_dashboard_shows_question_team_and_criteria(client, personas):
    client.force_login(personas.viewer)
    response = client.get(reverse("reviews:dashboard", args=[personas.review.pk]))
    for text in [personas.review.title, "lead", "viewer", "Wrong population", "You: Viewer"]:
        assert text in response.text
    assert reverse("reviews:settings", args=[personas.review.pk]) not in response.text


def test_dashboard_shows_progress_and_where_to_start(client, personas):
    client.force_login(personas.reviewer)
    url = reverse("reviews:dashboard", args=[personas.review.pk])
    assert "Start by" in client.get(url).text and "logging a search" in client.get(url).text
    personas.identification()  # four records imported, one merged into another, a pair left to decide
    page = re.sub(r"\s+", " ", client.get(url).text)
    assert "Records identified</a></dt><dd>4, 1 duplicate removed" in page
    assert "Title/abstract decided</a></dt><dd>0 of 3" in page and "Start by" not in page


def test_exclusion_reasons_are_unique_per_review(personas):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ExclusionReason.objects.create(review=personas.review, label="Wrong population")


def test_removing_an_exclusion_reason_that_votes_give_is_refused_with_a_message(client, personas):
    from screening import services
    from screening.services import fulltext

    reason = personas.review.exclusion_reasons.get()
    search = make_search(personas.review, personas.lead, source="Reference lists", source_type="citation")
    record = make_import(personas.review, personas.lead, ris({"TI": "Rituximab in NMOSD"}), search=search).records.get()
    fulltext.attach_full_text(review=personas.review, record_id=record.pk, user=personas.lead, link="https://x.org")
    services.cast_vote(
        review=personas.review,
        record_id=record.pk,
        stage="full_text",
        reviewer=personas.lead,
        decision="exclude",
        exclusion_reason=reason,
    )
    client.force_login(personas.lead)
    response = client.post(
        reverse("reviews:settings", args=[personas.review.pk]),
        {"title": "Renamed", "title_abstract_reviewers": 2, "full_text_reviewers": 2, "exclusion_reasons": "Other"},
    )
    assert response.status_code == 400
    assert "“Wrong population” cannot be removed: votes or resolutions give it as their reason" in response.text
    personas.review.refresh_from_db()
    assert personas.review.title != "Renamed"
    assert list(personas.review.exclusion_reasons.values_list("label", flat=True)) == ["Wrong population"]


def navigation(client, user, url):
    client.force_login(user)
    nav = re.search(r'<nav class="review-nav".*?</nav>', client.get(url).text, re.S).group()
    return re.findall(r'<a href="[^"]*"(?: aria-current="page")?>([^<]+)</a>', nav), re.findall(
        r'aria-current="page">([^<]+)<', nav
    )


def test_the_navigation_shows_each_role_its_sections_in_the_workflows_order(client, personas):
    """The sections come from the stages' registrations (reviews/stages.py), the kernel's around them."""
    dashboard = reverse("reviews:dashboard", args=[personas.review.pk])
    everyone = ["Overview", "Searches", "Imports", "Records", "Duplicates"]
    later = [
        *["Retrieve full texts", "Agreement", "Extraction", "Risk of bias", "Analysis", "Certainty (GRADE)", "PRISMA"],
        *["Exports", "Team"],
    ]
    screening = ["Title/abstract screening", "Full text screening"]
    assert navigation(client, personas.lead, dashboard) == (
        [*everyone, screening[0], "Prioritisation", screening[1], "Conflicts", *later, "Settings"],
        ["Overview"],
    )
    assert navigation(client, personas.reviewer, dashboard)[0] == [*everyone, *screening, *later]
    assert navigation(client, personas.adjudicator, dashboard)[0] == [*everyone, "Conflicts", *later]
    assert navigation(client, personas.viewer, dashboard)[0] == [*everyone, *later]


def test_the_navigation_marks_the_section_of_the_page(client, personas):
    conflicts = reverse("screening:conflicts", args=[personas.review.pk, "full-text"])
    assert navigation(client, personas.lead, conflicts)[1] == ["Conflicts"]
    record = personas.identification().record
    detail = reverse("identification:record_detail", args=[personas.review.pk, record.pk])
    assert navigation(client, personas.lead, detail)[1] == ["Records"]
