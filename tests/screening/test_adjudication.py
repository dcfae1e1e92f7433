"""Adjudication with the evidence in view: the abstract with the review's highlights, the full text at full-text
stage, both votes with their reasons and notes, and neither decision emphasised."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from screening import services
from screening.models import Stage
from screening.services import fulltext
from tests.factories import MINIMAL_PDF, TOCILIZUMAB, make_import, make_search, ris

pytestmark = pytest.mark.django_db


def conflict(personas, record, stage, **exclusion):
    for reviewer, decision, note in ((personas.lead, "include", "LEAD-NOTE"), (personas.reviewer, "exclude", "")):
        services.cast_vote(
            review=personas.review,
            record_id=record.pk,
            stage=stage,
            reviewer=reviewer,
            decision=decision,
            note=note,
            **(exclusion if decision == "exclude" else {}),
        )


def conflicts_page(client, personas, slug):
    client.force_login(personas.adjudicator)
    url = reverse("screening:conflicts", kwargs={"review_id": personas.review.pk, "stage_slug": slug})
    return client.get(url).content.decode()


def test_conflict_card_shows_the_highlighted_abstract_the_votes_and_a_link_to_the_record(client, personas):
    review = personas.review
    review.highlight_include = "relapse"
    review.save()
    record = make_import(review, personas.lead, ris({**TOCILIZUMAB, "AB": "Fewer relapse events."})).records.get()
    conflict(personas, record, Stage.TITLE_ABSTRACT)
    page = conflicts_page(client, personas, "title-abstract")
    assert 'Fewer <mark class="kw-include">relapse</mark> events.' in page
    assert "lead: <strong>Include</strong> — “LEAD-NOTE”" in page and "reviewer: <strong>Exclude</strong>" in page
    assert reverse("identification:record_detail", args=[review.pk, record.pk]) in page


def test_neither_decision_button_is_emphasised(client, personas):
    record = make_import(personas.review, personas.lead, ris(TOCILIZUMAB)).records.get()
    conflict(personas, record, Stage.TITLE_ABSTRACT)
    buttons = re.findall(r'<button name="decision"[^>]*>', conflicts_page(client, personas, "title-abstract"))
    assert buttons == ['<button name="decision" value="include">', '<button name="decision" value="exclude">']


def test_full_text_conflict_links_the_pdf_and_names_the_exclusion_reason(client, personas):
    review = personas.review
    search = make_search(review, personas.lead, source="Reference lists", source_type="citation")
    record = make_import(review, personas.lead, ris(TOCILIZUMAB), search=search).records.get()
    fulltext.attach_full_text(
        review=review, record_id=record.pk, user=personas.lead, pdf=ContentFile(MINIMAL_PDF, name="trial.pdf")
    )
    reason = review.exclusion_reasons.get()
    conflict(personas, record, Stage.FULL_TEXT, exclusion_reason=reason)
    page = conflicts_page(client, personas, "full-text")
    assert reverse("screening:report_pdf", args=[review.pk, record.pk]) in page
    assert "reviewer: <strong>Exclude</strong> (Wrong population)" in page
