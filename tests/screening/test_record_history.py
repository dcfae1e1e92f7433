"""A record's page shows its screening history within what blinding lets the viewer see (screening/history.py)."""

import pytest
from django.urls import reverse

from screening import services
from screening.models import Stage
from tests.factories import TOCILIZUMAB, make_import, ris

pytestmark = pytest.mark.django_db
TA = Stage.TITLE_ABSTRACT


@pytest.fixture
def record(personas):
    return make_import(personas.review, personas.lead, ris(TOCILIZUMAB)).records.get()


def vote(personas, record, reviewer, decision, note=""):
    services.cast_vote(
        review=personas.review, record_id=record.pk, stage=TA, reviewer=reviewer, decision=decision, note=note
    )


def record_page(client, user, record):
    client.force_login(user)
    return client.get(reverse("identification:record_detail", args=[record.review_id, record.pk])).content.decode()


def test_a_reviewer_sees_their_own_vote_but_not_the_co_reviewers_while_the_record_waits(client, personas, record):
    vote(personas, record, personas.reviewer, "include", note="MY-NOTE")
    page = record_page(client, personas.reviewer, record)
    assert "reviewer voted <strong>Include</strong> — “MY-NOTE”" in page and "Not decided yet." in page
    assert "lead voted" not in record_page(client, personas.lead, record)


def test_a_conflict_shows_as_undecided_to_a_voter_and_as_a_conflict_to_the_adjudicator(client, personas, record):
    vote(personas, record, personas.reviewer, "include")
    vote(personas, record, personas.lead, "exclude", note="LEAD-NOTE")
    page = record_page(client, personas.reviewer, record)
    assert "Not decided yet." in page and "LEAD-NOTE" not in page and "In conflict" not in page
    assert "In conflict" in record_page(client, personas.adjudicator, record)


def test_an_overruled_reviewer_sees_the_outcome_and_every_vote(client, personas, record):
    vote(personas, record, personas.reviewer, "include")
    vote(personas, record, personas.lead, "exclude", note="LEAD-NOTE")
    services.resolve_conflict(
        review=personas.review,
        record_id=record.pk,
        stage=TA,
        decision="exclude",
        user=personas.adjudicator,
        note="Wrong design",
    )
    page = record_page(client, personas.reviewer, record)
    assert "<strong>Excluded</strong>" in page and "conflict resolved by adjudicator" in page
    assert "Your vote (Include) was overruled." in page and "LEAD-NOTE" in page and "“Wrong design”" in page


def test_an_unblinded_review_shows_every_vote_and_the_conflict(client, personas, record):
    personas.review.blinded = False
    personas.review.save()
    vote(personas, record, personas.reviewer, "include")
    vote(personas, record, personas.lead, "exclude", note="LEAD-NOTE")
    page = record_page(client, personas.viewer, record)
    assert "LEAD-NOTE" in page and "In conflict" in page


def test_the_record_page_shows_the_report_and_its_study(client, personas):
    full_text = personas.full_text()
    page = record_page(client, personas.viewer, full_text.record)
    assert reverse("screening:report_pdf", args=[personas.review.pk, full_text.record.pk]) in page
    assert f"Study: <strong>{full_text.report.study.label}</strong>" in page
    assert "Not screened at this stage." in page, "found by citation searching: no title/abstract screening"


def test_the_record_page_lists_the_duplicate_decisions_of_its_group(client, personas):
    identification = personas.identification()
    page = record_page(client, personas.viewer, identification.duplicate)
    assert "Duplicate decisions" in page and "merged automatically" in page
