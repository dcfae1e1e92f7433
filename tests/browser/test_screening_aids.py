"""The reviewer's day in Chromium (issue 24): adjudication with the evidence in view, a record's history within
blinding, tags and the records filter, and taking back one's last vote while the record waits."""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from screening import services
from screening.models import Stage, Vote, VoteEvent
from screening.services import fulltext
from tests.factories import MINIMAL_PDF, TOCILIZUMAB, Personas, make_import, make_search, ris

ABSTRACT = "Tocilizumab reduced relapse in neuromyelitis optica."


@pytest.fixture
def personas(transactional_db):
    return Personas()


def vote(personas, record, reviewer, decision, stage=Stage.TITLE_ABSTRACT, **extra):
    services.cast_vote(
        review=personas.review, record_id=record.pk, stage=stage, reviewer=reviewer, decision=decision, **extra
    )


def test_adjudication_shows_the_abstract_and_the_pdf_link(visit, personas):
    review = personas.review
    search = make_search(review, personas.lead, source="Reference lists", source_type="citation")
    record = make_import(review, personas.lead, ris({**TOCILIZUMAB, "AB": ABSTRACT}), search=search).records.get()
    fulltext.attach_full_text(
        review=review, record_id=record.pk, user=personas.lead, pdf=ContentFile(MINIMAL_PDF, name="trial.pdf")
    )
    vote(personas, record, personas.lead, "include", stage=Stage.FULL_TEXT, note="Right population")
    reason = review.exclusion_reasons.get()
    vote(personas, record, personas.reviewer, "exclude", stage=Stage.FULL_TEXT, exclusion_reason=reason)
    page = visit("adjudicator").page
    page.goto(f"/reviews/{review.pk}/screening/full-text/conflicts/")
    card = page.locator("section.conflict")
    expect(card.get_by_text(ABSTRACT)).to_be_visible()
    expect(card.get_by_role("link", name="PDF", exact=True)).to_be_visible()
    expect(card.get_by_text("reviewer: Exclude (Wrong population)")).to_be_visible()
    expect(card.get_by_text("lead: Include — “Right population”")).to_be_visible()
    include, exclude = card.get_by_role("button", name="Include"), card.get_by_role("button", name="Exclude")
    assert include.evaluate("b => getComputedStyle(b).backgroundColor") == exclude.evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )


def test_the_record_history_respects_blinding(visit, personas):
    record = make_import(personas.review, personas.lead, ris(TOCILIZUMAB)).records.get()
    vote(personas, record, personas.lead, "exclude", note="LEAD-SECRET")
    vote(personas, record, personas.reviewer, "include", note="mine")
    reviewer = visit("reviewer").page
    record_url = f"/reviews/{personas.review.pk}/records/{record.pk}/"
    reviewer.goto(record_url)
    expect(reviewer.get_by_text("reviewer voted Include — “mine”")).to_be_visible()
    expect(reviewer.get_by_text("Not decided yet.")).to_be_visible()
    expect(reviewer.get_by_text("LEAD-SECRET")).to_have_count(0)
    services.resolve_conflict(
        review=personas.review,
        record_id=record.pk,
        stage=Stage.TITLE_ABSTRACT,
        decision="exclude",
        user=personas.adjudicator,
    )
    reviewer.reload()
    expect(reviewer.get_by_text("Your vote (Include) was overruled.")).to_be_visible()
    expect(reviewer.get_by_text(re.compile("lead voted Exclude — “LEAD-SECRET”"))).to_be_visible()


def test_tags_put_on_in_the_queue_filter_the_records_list(visit, personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, {"TI": "An unrelated cohort", "PY": "2019"}))
    lead = visit("lead").page
    lead.goto(f"/reviews/{personas.review.pk}/tags/")
    lead.get_by_label("New tag").fill("RCT")
    lead.get_by_role("button", name="Add tag").click()
    expect(lead.get_by_text("Tag “RCT” added.")).to_be_visible()
    reviewer = visit("reviewer").page
    reviewer.goto(f"/reviews/{personas.review.pk}/screening/title-abstract/")
    expect(reviewer.locator(".record-title")).to_contain_text("Tocilizumab")
    reviewer.get_by_label("RCT").check()
    reviewer.get_by_role("button", name="Save tags").click()
    expect(reviewer.get_by_text("Tags saved.")).to_be_visible()
    reviewer.goto(f"/reviews/{personas.review.pk}/records/")
    reviewer.get_by_label("Tag").select_option(label="RCT")
    reviewer.get_by_role("button", name="Filter").click()
    expect(reviewer.get_by_role("link", name=re.compile("Tocilizumab in neuromyelitis"))).to_be_visible()
    expect(reviewer.get_by_role("link", name="An unrelated cohort")).to_have_count(0)


def test_undo_takes_back_the_last_vote_while_the_record_waits(visit, personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, {"TI": "An unrelated cohort", "PY": "2019"}))
    page = visit("reviewer").page
    page.goto(f"/reviews/{personas.review.pk}/screening/title-abstract/")
    expect(page.get_by_text("2 records left for you")).to_be_visible()
    first = page.locator(".record-title").inner_text()
    page.keyboard.press("e")
    expect(page.get_by_text("1 record left for you")).to_be_visible()
    page.keyboard.press("u")
    expect(page.get_by_text("Vote withdrawn: the record waits for your vote again.")).to_be_visible()
    expect(page.locator(".record-title")).to_have_text(first)
    expect(page.get_by_text("2 records left for you")).to_be_visible()
    expect(page.get_by_text("Your vote:")).to_have_count(0)
    page.keyboard.press("i")
    expect(page.get_by_text("Your votes: 1 of 2")).to_be_visible()
    assert Vote.objects.get(reviewer=personas.reviewer).decision == "include"
    history = VoteEvent.objects.order_by("id").values_list("decision", flat=True)
    assert list(history) == ["exclude", "withdrawn", "include"]
