"""The records' RIS and BibTeX downloads: the list's filters, screening's decisions among them, read back unchanged."""

import pytest
from django.urls import reverse

from identification.models import Record
from reviews.models import Role
from screening import services
from screening.models import Resolution, Stage
from tests.factories import make_import, make_review

pytestmark = pytest.mark.django_db
FORMATS = {"ris": "results.ris", "bibtex": "results.bib"}


def export(client, review, file_format, **params):
    response = client.get(reverse("identification:records_export", args=[review.pk, file_format]), params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("file_format", sorted(FORMATS))
def test_the_demo_records_read_back_into_a_new_review_field_by_field(client, demo, file_format):
    lead = demo.memberships.get(role=Role.LEAD).user
    client.force_login(lead)
    response = export(client, demo, file_format, show="unique")
    exported = list(demo.records.unique().order_by("id"))
    assert response["Content-Disposition"].endswith(f'.{"bib" if file_format == "bibtex" else "ris"}"')

    copy = make_review(lead=lead, title="Copy of the demo")
    record_import = make_import(copy, lead, response.content, name=FORMATS[file_format])
    imported = list(record_import.records.order_by("position"))
    assert len(imported) == len(exported) > 100
    for original, again in zip(exported, imported, strict=True):
        assert again.values() == vars(original.shown), f"record {original.pk}"


def test_the_list_filters_choose_what_is_exported(client, personas):
    setup = personas.identification()
    client.force_login(personas.viewer)
    everything = export(client, personas.review, "ris", show="all").content.decode()
    duplicates = export(client, personas.review, "ris", show="duplicates").content.decode()
    assert everything.count("TY  - ") == setup.record_import.records.count()
    assert duplicates.count("TY  - ") == 1
    assert (
        f"tandem{setup.duplicate.pk}" in export(client, personas.review, "bibtex", show="duplicates").content.decode()
    )


def decide(review, record, stage, decision, by, reason=None):
    for reviewer in by:
        services.cast_vote(
            review=review,
            record_id=record.pk,
            stage=stage,
            reviewer=reviewer,
            decision=decision,
            exclusion_reason=reason,
        )


def test_decided_sets_hold_resolved_decisions_only_and_the_exclusions_give_their_reason(client, personas):
    setup = personas.identification()
    review, pair = personas.review, (personas.lead, personas.reviewer)
    included, excluded, waiting = Record.objects.filter(review=review).unique().order_by("id")[:3]
    reason = review.exclusion_reasons.get()
    decide(review, included, Stage.TITLE_ABSTRACT, "include", pair)
    decide(review, excluded, Stage.TITLE_ABSTRACT, "exclude", pair, reason=reason)
    decide(review, waiting, Stage.TITLE_ABSTRACT, "exclude", pair[:1], reason=reason)
    assert not Resolution.objects.filter(record=waiting).exists()
    client.force_login(personas.viewer)

    ris = export(client, review, "ris", decision="title_abstract:included").content.decode()
    assert ris.count("TY  - ") == 1 and included.title in ris
    assert "N1  - " not in ris
    for excluded_at in ("either:excluded", "title_abstract:excluded"):
        ris = export(client, review, "ris", decision=excluded_at).content.decode()
        assert ris.count("TY  - ") == 1 and excluded.title in ris
        assert "N1  - Excluded at title/abstract: Wrong population" in ris
    assert export(client, review, "ris", decision="full_text:included").content == b""
    response = export(client, review, "bibtex", decision="either:excluded")
    assert response["Content-Disposition"].endswith('-records-excluded-either-stage.bib"')
    assert setup.record_import.records.count() == 4


def test_the_records_page_links_the_downloads_with_its_filters(client, personas):
    personas.identification()
    client.force_login(personas.viewer)
    page = client.get(reverse("identification:records", args=[personas.review.pk]), {"decision": "either:excluded"})
    url = reverse("identification:records_export", args=[personas.review.pk, "ris"])
    query = "q=&amp;show=unique&amp;import=&amp;abstract=&amp;decision=either%3Aexcluded"
    assert f'href="{url}?{query}"' in page.content.decode()
    assert 'value="full_text:included"' in page.content.decode()


def test_an_unknown_format_is_404(client, personas):
    client.force_login(personas.lead)
    response = client.get(reverse("identification:records_export", args=[personas.review.pk, "endnote"]))
    assert response.status_code == 404


def test_the_export_query_count_does_not_grow_with_the_records(client, personas, django_assert_num_queries):
    personas.identification()
    client.force_login(personas.viewer)
    # session, user, membership; the adjudicators (the decision filter's choices: a conflict only for who may see
    # it); the records; the chosen decision's notes.
    with django_assert_num_queries(6):
        export(client, personas.review, "ris", decision="either:excluded")


def test_a_vote_waiting_for_others_changes_no_export_of_any_set(client, personas):
    """The blinding crawl (tests/blinding.py) from the records page: the records of each decision, in each format,
    are the same whatever the hidden co-reviewer voted."""
    from tests.blinding import assert_blind, reached_views
    from tests.screening.test_blinding import NOTES, Screening

    screening = Screening(personas)
    client.force_login(personas.reviewer)
    crawl = assert_blind(
        client,
        hide=screening.hide,
        variants=tuple(NOTES),
        start=[reverse("identification:records", args=[personas.review.pk])],
        probes=NOTES.values(),
    )
    assert "identification:records_export" in reached_views(crawl)
    exports = [address for address in crawl if "/records.ris?" in address]
    assert any("decision=either%3Aexcluded" in address for address in exports)
    assert any("decision=full_text%3Aincluded" in address for address in exports)
