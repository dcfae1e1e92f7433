"""Bringing a colleague in (issue 22), in Chromium: the lead invites an address from the team page, the message
reaches a real SMTP server on the loopback, and the colleague follows its link, signs up, and screens a record."""

import pytest
from playwright.sync_api import expect

from screening.models import Vote
from tests.accounts import smtp
from tests.factories import PASSWORD, TOCILIZUMAB, Personas, make_import, ris


@pytest.fixture
def personas(transactional_db):
    return Personas()


@pytest.fixture
def inbox(settings, live_server):
    box = smtp.Inbox()
    controller = smtp.start(box)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = live_server.url
    yield box
    controller.stop()


def test_an_invited_colleague_follows_the_link_signs_up_and_screens(visit, browser, live_server, personas, inbox):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB))
    lead = visit("lead")
    lead.page.goto(f"/reviews/{personas.review.pk}/members/")
    invitations = lead.page.locator("#invitations")
    invitations.get_by_label("Email address").fill("carol@example.org")
    invitations.get_by_label("Role").select_option("reviewer")
    invitations.get_by_role("button", name="Send the invitation").click()
    expect(lead.page.get_by_text("Invitation sent to carol@example.org.")).to_be_visible()
    expect(invitations.get_by_role("cell", name="carol@example.org")).to_be_visible()

    link = inbox.link("carol@example.org", "/accounts/invitations/")
    carol = browser.new_context(base_url=live_server.url)
    page = carol.new_page()
    try:
        page.goto(link)
        expect(page.get_by_role("heading", name=f"Join “{personas.review.title}”")).to_be_visible()
        page.locator("#id_username").fill("carol")
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.get_by_role("button", name="Sign up and join").click()
        expect(page.get_by_text(f"You joined “{personas.review.title}” as reviewer.")).to_be_visible()
        expect(page.get_by_role("link", name="1 record waits for your vote at title/abstract")).to_be_visible()
        page.get_by_role("link", name="1 record waits for your vote at title/abstract").click()
        expect(page.get_by_text("Your votes: 0 of 1")).to_be_visible()
        page.wait_for_load_state()  # the keys work once the page's scripts have run, not when its text shows
        page.keyboard.press("i")
        expect(page.get_by_text("Your votes: 1 of 1")).to_be_visible()
    finally:
        carol.close()
    assert Vote.objects.get(reviewer__username="carol").decision == "include"
    # The link is used up: following it again is refused.
    lead.page.goto(link)
    expect(lead.page.get_by_text("already been used")).to_be_visible()
