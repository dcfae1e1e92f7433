"""Verifying addresses and resetting passwords, by the links a real SMTP server on the loopback received."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailAddress
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different long pass phrase"


def _sign_up(client, mail_sent, username, email):
    with mail_sent():
        client.post(
            reverse("accounts:signup"),
            {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    return get_user_model().objects.get(username=username)


def _add_by_address(client, personas, identifier):
    client.force_login(personas.lead)
    return client.post(
        reverse("reviews:member_add", args=[personas.review.pk]), {"identifier": identifier, "role": "reviewer"}
    )


def test_an_address_counts_only_once_its_link_is_followed(client, personas, inbox, mail_sent):
    ana = _sign_up(client, mail_sent, "ana", "ana@example.org")
    assert ana.email == ""
    # Until then a lead adding that address finds nobody.
    assert _add_by_address(client, personas, "ana@example.org").status_code == 400
    link = inbox.link("ana@example.org", "/accounts/verify/")
    client.logout()
    client.get(link)
    ana.refresh_from_db()
    assert ana.email == "ana@example.org"
    assert _add_by_address(client, personas, "ana@example.org").status_code == 302
    assert personas.review.memberships.filter(user=ana).exists()


def test_signing_up_with_a_colleagues_address_does_not_join_their_reviews(client, personas, inbox, mail_sent):
    """The issue's case: mallory signs up as carol@; the lead then adds carol@, meaning carol."""
    _sign_up(client, mail_sent, "mallory", "carol@example.org")
    response = _add_by_address(client, personas, "carol@example.org")
    assert response.status_code == 400 and "Invite the address" in response.text
    assert not personas.review.memberships.filter(user__username="mallory").exists()


def test_a_verification_link_works_once_and_not_after_it_expires(client, inbox, mail_sent, settings, db):
    _sign_up(client, mail_sent, "ana", "ana@example.org")
    link = inbox.link("ana@example.org", "/verify/")
    with time_machine.travel(timezone.now() + timedelta(days=settings.VERIFICATION_DAYS, minutes=1)):
        late = client.get(link)
    assert late.status_code == 410 and "expired" in late.text
    assert client.get(link).status_code == 302
    again = client.get(link)
    assert again.status_code == 410 and "already been used" in again.text


def test_changing_the_address_takes_effect_when_the_new_one_is_verified(client, inbox, mail_sent, db):
    ana = make_user("ana", email="ana@example.org")
    client.force_login(ana)
    with mail_sent():
        client.post(reverse("accounts:address_change"), {"email": "ana@new.example.org"})
    ana.refresh_from_db()
    assert ana.email == "ana@example.org"  # the old one until the new one is proved
    client.get(inbox.link("ana@new.example.org", "/verify/"))
    ana.refresh_from_db()
    assert ana.email == "ana@new.example.org"
    assert list(ana.email_addresses.values_list("email", flat=True)) == ["ana@new.example.org"]


def test_an_address_is_verified_by_one_account_at_most(db):
    make_user("ana", email="ana@example.org")
    with pytest.raises(IntegrityError):
        EmailAddress.objects.create(user=make_user("bob"), email="ANA@example.org", verified_at=timezone.now())


def test_password_reset_by_the_emailed_link(client, inbox, mail_sent, db):
    ana = make_user("ana", email="ana@example.org")
    with mail_sent():
        response = client.post(reverse("accounts:password_reset"), {"email": "ANA@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    link = inbox.link("ana@example.org", "/accounts/password/reset/")
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.text
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    ana.refresh_from_db()
    assert ana.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert "cannot be used" in again.text  # a reset link works once


def test_reset_pages_say_the_same_for_every_address(client, inbox, mail_sent, db):
    make_user("ana", email="ana@example.org")
    make_user("unproved", email="unproved@example.org", verified=False)
    answers = []
    for address in ("ana@example.org", "unproved@example.org", "nobody@example.org"):
        with mail_sent():
            response = client.post(reverse("accounts:password_reset"), {"email": address}, follow=True)
        answers.append((response.status_code, response.redirect_chain, response.text))
    assert answers[0] == answers[1] == answers[2]
    # Only the verified address gets a message: an unproved one may be someone else's.
    assert [m["To"] for m in inbox.messages] == ["ana@example.org"]


def test_reset_requests_are_throttled_per_client_address(client, settings, inbox, mail_sent, db):
    settings.MAIL_REQUEST_LIMIT = 2
    statuses = [
        client.post(reverse("accounts:password_reset"), {"email": f"x{n}@example.org"}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_a_message_refused_for_a_while_is_sent_on_a_later_try(client, inbox, mail_sent, db):
    make_user("ana", email="ana@example.org")
    inbox.fail_next = 2  # the server answers "451 try again later" twice
    with mail_sent():
        client.post(reverse("accounts:password_reset"), {"email": "ana@example.org"})
    assert inbox.only("ana@example.org")
