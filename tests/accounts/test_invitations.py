"""Invitations, followed from the message a real SMTP server on the loopback received."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, InvitationStatus
from accounts.services import accept, invite
from reviews.models import Membership
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _invite(client, personas, mail_sent, email, role="reviewer"):
    client.force_login(personas.lead)
    with mail_sent():
        response = client.post(
            reverse("invitations:invite", args=[personas.review.pk]), {"email": email, "role": role}, follow=True
        )
    client.logout()
    return response


def test_a_new_person_signs_up_from_the_link_and_joins_with_the_role(client, personas, inbox, mail_sent):
    _invite(client, personas, mail_sent, "Carol@Example.org", role="adjudicator")
    message = inbox.only("carol@example.org")
    assert personas.review.title in message["Subject"]
    link = inbox.link("carol@example.org", "/accounts/invitations/")
    page = client.get(link)
    assert page.status_code == 200 and "Sign up and join" in page.text
    response = client.post(link, {"username": "carol", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.url == personas.review.get_absolute_url()
    carol = Membership.objects.get(review=personas.review, user__username="carol")
    assert carol.role == "adjudicator"
    # The link proved the address: it is carol's, verified, and leads may add her by it elsewhere.
    assert carol.user.email == "carol@example.org" and carol.user.email_addresses.verified().exists()
    assert client.get(personas.review.get_absolute_url()).status_code == 200  # logged in


def test_someone_with_an_account_logs_in_and_joins(client, personas, inbox, mail_sent):
    dana = make_user("dana", email="dana@example.org")
    _invite(client, personas, mail_sent, "dana@example.org")
    link = inbox.link("dana@example.org", "/accounts/invitations/")
    page = client.get(link)
    assert reverse("accounts:login") in page.text
    client.force_login(dana)
    assert "Join as dana" in client.get(link).text
    client.post(link)
    assert Membership.objects.get(review=personas.review, user=dana).role == "reviewer"


def test_inviting_says_the_same_whether_or_not_the_address_has_an_account(client, personas, inbox, mail_sent):
    make_user("dana", email="dana@example.org")
    known = _invite(client, personas, mail_sent, "dana@example.org")
    unknown = _invite(client, personas, mail_sent, "nobody@example.org")
    said = [[str(m) for m in response.context["messages"]] for response in (known, unknown)]
    assert said == [["Invitation sent to dana@example.org."], ["Invitation sent to nobody@example.org."]]

    def normalised(address):
        text = inbox.text(inbox.only(address))
        return text.replace(inbox.link(address, "/invitations/"), "LINK").replace(address, "ADDRESS")

    assert normalised("dana@example.org") == normalised("nobody@example.org")


def test_a_used_link_is_refused(client, personas, inbox, mail_sent):
    _invite(client, personas, mail_sent, "carol@example.org")
    link = inbox.link("carol@example.org", "/invitations/")
    client.force_login(personas.outsider)
    client.post(link)
    again = client.post(link)
    assert again.status_code == 410 and "already been used" in again.text
    client.force_login(make_user("eve"))
    assert client.post(link).status_code == 410
    assert not Membership.objects.filter(review=personas.review, user__username="eve").exists()


def test_an_expired_link_is_refused(client, personas, inbox, mail_sent, settings):
    _invite(client, personas, mail_sent, "carol@example.org")
    link = inbox.link("carol@example.org", "/invitations/")
    client.force_login(personas.outsider)
    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_DAYS, minutes=1)):
        response = client.post(link)
    assert response.status_code == 410 and "expired" in response.text
    assert not Membership.objects.filter(review=personas.review, user=personas.outsider).exists()


def test_a_resent_link_replaces_the_old_and_a_revoked_one_is_refused(client, personas, inbox, mail_sent):
    _invite(client, personas, mail_sent, "carol@example.org")
    invitation = Invitation.objects.get(email="carol@example.org")
    client.force_login(personas.lead)
    with mail_sent():
        client.post(reverse("invitations:resend", args=[personas.review.pk, invitation.pk]))
    first, second = inbox.links("carol@example.org", "/invitations/")
    client.force_login(personas.outsider)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    client.force_login(personas.lead)
    client.post(reverse("invitations:revoke", args=[personas.review.pk, invitation.pk]))
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.REVOKED
    client.force_login(personas.outsider)
    assert client.post(second).status_code == 410
    assert not Membership.objects.filter(review=personas.review, user=personas.outsider).exists()


def test_only_a_hash_of_the_token_is_stored(client, personas, inbox, mail_sent):
    _invite(client, personas, mail_sent, "carol@example.org")
    token = inbox.link("carol@example.org", "/invitations/").rstrip("/").rsplit("/", 1)[1]
    stored = Invitation.objects.get(email="carol@example.org").token_hash
    assert token not in stored and len(stored) == 64


def test_one_pending_invitation_per_review_and_address(client, personas, inbox, mail_sent):
    _invite(client, personas, mail_sent, "carol@example.org")
    again = _invite(client, personas, mail_sent, "CAROL@example.org")
    assert "already invited" in [str(m) for m in again.context["messages"]][0]
    with pytest.raises(IntegrityError):
        Invitation.objects.create(
            review=personas.review,
            email="carol@example.org",
            token_hash="0" * 64,
            invited_by=personas.lead,
            sent_at=timezone.now(),
            expires_at=timezone.now(),
        )


def test_the_team_page_lists_pending_invitations_to_every_member(client, personas):
    personas.invitation()
    client.force_login(personas.viewer)
    page = client.get(reverse("reviews:members", args=[personas.review.pk])).text
    assert "newcomer@example.org" in page and "Revoke" not in page
    client.force_login(personas.lead)
    assert "Revoke" in client.get(reverse("reviews:members", args=[personas.review.pk])).text


def test_a_member_accepting_keeps_their_role(personas):
    from accounts.services import _new_link

    invitation = invite(review=personas.review, email="x@example.org", role="lead", by=personas.lead)
    token = _new_link(invitation).rstrip("/").rsplit("/", 1)[1]
    invitation.save()
    accept(token=token, user=personas.viewer)
    assert Membership.objects.get(review=personas.review, user=personas.viewer).role == "viewer"


def test_the_message_is_sent_after_the_request_commits(client, personas, inbox, django_capture_on_commit_callbacks):
    client.force_login(personas.lead)
    url = reverse("invitations:invite", args=[personas.review.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(url, {"email": "c@example.org", "role": "viewer"})
    assert inbox.messages == [] and len(queued) == 1
    queued[0]()
    assert inbox.only("c@example.org")


def test_where_sign_up_is_closed_an_invitation_makes_no_account(client, personas, inbox, mail_sent, settings):
    _invite(client, personas, mail_sent, "carol@example.org")
    link = inbox.link("carol@example.org", "/invitations/")
    settings.ALLOW_SIGNUP = False
    assert "Sign up and join" not in client.get(link).text
    response = client.post(link, {"username": "carol", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    assert not personas.review.memberships.filter(user__username="carol").exists()
