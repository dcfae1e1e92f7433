"""What waits for each person: the to-do lists, the digests that carry them, the leads' notices, unsubscribing,
and deactivated accounts. Messages go through a real SMTP server on the loopback."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import Frequency, NotificationSetting
from accounts.notifications import send_digests
from accounts.services import set_frequency
from reviews import stages
from screening import services as screening
from screening.models import Stage, Vote
from tests.factories import ris

pytestmark = pytest.mark.django_db


def _digest(inbox, mail_sent, address, frequency=Frequency.DAILY):
    before = len(inbox.to(address))
    with mail_sent():
        send_digests.enqueue(frequency)
    messages = inbox.to(address)[before:]
    return inbox.text(messages[0]) if messages else None


def _vote(personas, who, decision, record=None):
    record = record or personas.identification().record
    screening.cast_vote(
        review=personas.review, record_id=record.pk, stage=Stage.TITLE_ABSTRACT, reviewer=who, decision=decision
    )


def test_the_dashboard_and_my_reviews_say_what_waits(client, personas):
    personas.identification()
    client.force_login(personas.reviewer)
    dashboard = client.get(reverse("reviews:dashboard", args=[personas.review.pk])).text
    assert "3 records wait for your vote at title/abstract" in dashboard
    listing = client.get(reverse("reviews:list")).text
    assert reverse("reviews:todos", args=[personas.review.pk]) in listing
    fragment = client.get(reverse("reviews:todos", args=[personas.review.pk])).text
    assert "3 records wait for your vote at title/abstract" in fragment


def test_conflicts_wait_for_the_adjudicator_and_blockers_for_the_lead(personas):
    personas.identification()
    _vote(personas, personas.lead, "include")
    _vote(personas, personas.reviewer, "exclude")
    adjudicator = personas.review.memberships.get(user=personas.adjudicator)
    assert [t.label for t in stages.todos(personas.review, adjudicator)] == ["1 conflict at title/abstract to settle"]
    personas.extraction()
    lead = personas.review.memberships.get(user=personas.lead)
    assert any(t.label.startswith("Extraction cannot be locked") for t in stages.todos(personas.review, lead))


def test_the_digest_counts_what_waits_and_carries_an_unsubscribe_link(client, personas, inbox, mail_sent):
    personas.identification()
    text = _digest(inbox, mail_sent, "reviewer@example.org")
    assert "3 records wait for your vote at title/abstract" in text
    assert personas.review.title in text
    link = inbox.links("reviewer@example.org", "/accounts/unsubscribe/")[-1]
    assert client.get(link).status_code == 200  # asks first: mail scanners open links
    assert NotificationSetting.objects.filter(user=personas.reviewer).get().frequency == Frequency.DAILY
    client.post(link)
    assert NotificationSetting.objects.get(user=personas.reviewer).frequency == Frequency.NONE
    assert _digest(inbox, mail_sent, "reviewer@example.org") is None


def test_the_digest_never_tells_how_another_reviewer_voted(personas, inbox, mail_sent):
    """Blinding as non-interference: the reviewer's digest is the same whichever way the lead voted."""
    personas.identification()
    digests = []
    for decision in ("include", "exclude", "maybe"):
        _vote(personas, personas.lead, decision)
        assert Vote.objects.get(reviewer=personas.lead).decision == decision
        digests.append(_digest(inbox, mail_sent, "reviewer@example.org"))
    assert digests[0] is not None and digests[0] == digests[1] == digests[2]


def test_immediate_sends_each_change_once_and_none_sends_nothing(personas, inbox, mail_sent):
    personas.identification()
    set_frequency(user=personas.reviewer, frequency=Frequency.IMMEDIATE)
    set_frequency(user=personas.lead, frequency=Frequency.NONE)
    assert _digest(inbox, mail_sent, "reviewer@example.org", Frequency.IMMEDIATE) is not None
    assert _digest(inbox, mail_sent, "reviewer@example.org", Frequency.IMMEDIATE) is None  # nothing new
    _vote(personas, personas.reviewer, "include")
    assert "2 records wait" in _digest(inbox, mail_sent, "reviewer@example.org", Frequency.IMMEDIATE)
    assert _digest(inbox, mail_sent, "lead@example.org") is None
    assert inbox.to("lead@example.org") == []


def test_leads_hear_when_an_import_finishes_or_fails(personas, inbox, mail_sent):
    from identification.tasks import import_records
    from tests.factories import AZATHIOPRINE, make_import

    set_frequency(user=personas.lead, frequency=Frequency.NONE)
    make_user_lead = personas.review.memberships.get(user=personas.adjudicator)
    make_user_lead.role = "lead"
    make_user_lead.save()
    for content in (ris(AZATHIOPRINE), b"not a file of references"):
        waiting = make_import(personas.review, personas.lead, content, run=False)
        with mail_sent():
            import_records.enqueue(waiting.pk, waiting.attempt)
    finished, failed = (inbox.text(m) for m in inbox.to("adjudicator@example.org"))
    assert "1 record imported" in finished and "/accounts/unsubscribe/" in finished
    assert "failed and nothing of it was saved" in failed
    assert inbox.to("lead@example.org") == [] and inbox.to("reviewer@example.org") == []


def test_leads_hear_when_the_extraction_is_unlocked(personas, inbox, mail_sent):
    from extraction.models import ExtractionLock
    from extraction.signals import extraction_unlocked

    with mail_sent():
        extraction_unlocked.send(sender=ExtractionLock, review=personas.review, user=personas.lead, reason="Erratum")
    text = inbox.text(inbox.only("lead@example.org"))
    assert "unlocked the extraction" in text and "Erratum" in text and "/accounts/unsubscribe/" in text


def test_deactivating_an_account_ends_its_sessions_and_keeps_its_votes(client, personas, admin_client):
    personas.identification()
    _vote(personas, personas.reviewer, "include")
    client.force_login(personas.reviewer)
    assert Session.objects.count() == 2  # the reviewer's and the admin's
    personas.reviewer.is_active = False
    personas.reviewer.save()
    assert Session.objects.count() == 1
    assert client.get(reverse("reviews:list")).status_code == 302  # sent to log in
    assert Vote.objects.filter(reviewer=personas.reviewer).count() == 1


def test_the_command_queues_the_digests(personas, inbox, mail_sent, capsys):
    from django.core.management import call_command

    personas.identification()
    with mail_sent():
        call_command("send_digests", "daily")
    assert "Queued the daily digests" in capsys.readouterr().out
    assert inbox.to("reviewer@example.org") and inbox.to("lead@example.org")


def test_risk_of_bias_assessments_and_conflicts_wait_for_their_people(personas):
    personas.appraisal()
    lead = personas.review.memberships.get(user=personas.lead)
    adjudicator = personas.review.memberships.get(user=personas.adjudicator)
    lead_todos = [t.label for t in stages.todos(personas.review, lead)]
    assert any(label.startswith("Risk of bias cannot be locked") for label in lead_todos)
    assert any("risk-of-bias judgement" in t.label for t in stages.todos(personas.review, adjudicator))
