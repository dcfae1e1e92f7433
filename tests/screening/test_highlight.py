"""Highlighted words on the screening page: any words, any text, never an error, never broken HTML."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from screening.templatetags.screening_tags import highlight
from tests.factories import make_import, ris

MARK = re.compile(r'<mark class="(kw-include|kw-exclude)">(.*?)</mark>', re.S)


def words_of(highlight_words: str) -> list[str]:
    return [w.strip() for w in highlight_words.split(",") if w.strip()]


@given(text=st.text(), include=st.text(), exclude=st.text())
@example(text="İstanbul and ISTANBUL", include="istanbul", exclude="")
@example(text="ﬁrst ǅ ß Σς", include="first, ǆ, ss, σσ", exclude="fi")
@example(text="Tom & Jerry <b>", include="amp, lt, b", exclude="&, <")
def test_highlighting_only_adds_marks_around_the_words(text, include, exclude):
    html = highlight(text, SimpleNamespace(highlight_include=include, highlight_exclude=exclude))
    assert MARK.sub(lambda m: m.group(2), html) == escape(text)
    for css, marked in MARK.findall(html):
        listed = words_of(include if css == "kw-include" else exclude)
        assert any(re.fullmatch(re.escape(escape(word)), marked, re.I) for word in listed), marked
    assert "<mark" not in MARK.sub("", html)


def test_a_word_does_not_match_inside_an_html_entity():
    review = SimpleNamespace(highlight_include="amp", highlight_exclude="")
    assert highlight("Tom & Jerry, an example", review) == 'Tom &amp; Jerry, an ex<mark class="kw-include">amp</mark>le'


def test_keywords_are_joined_and_marked():
    review = SimpleNamespace(highlight_include="nmosd", highlight_exclude="")
    html = highlight(["NMOSD", "Crohn's disease"], review)
    assert html == '<mark class="kw-include">NMOSD</mark>; Crohn&#x27;s disease'


@pytest.mark.django_db
def test_a_word_whose_case_folding_changes_length_shows_the_record(client, personas):
    review = personas.review
    review.highlight_include, review.highlight_exclude = "istanbul", "İzmir"
    review.save()
    make_import(review, personas.lead, ris({"TI": "NMOSD in İstanbul", "AB": "Patients from izmir", "PY": "2020"}))
    client.force_login(personas.reviewer)
    queue = reverse("screening:queue", kwargs={"review_id": review.pk, "stage_slug": "title-abstract"})
    response = client.get(queue)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<mark class="kw-include">İstanbul</mark>' in page and '<mark class="kw-exclude">izmir</mark>' in page
