"""Full texts: retrieval, not retrieved, PDFs, studies of several reports, and the double-screened share."""

from functools import partial

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from screening import conflicts, services
from screening.models import Report, Resolution, ScreeningRecord, Stage, Study, votes_needed
from screening.prisma import count_flow
from screening.services import fulltext
from tests.factories import AZATHIOPRINE, MINIMAL_PDF, TOCILIZUMAB, make_import, ris

pytestmark = pytest.mark.django_db
FT = Stage.FULL_TEXT
TA = Stage.TITLE_ABSTRACT


def include_at(personas, record, stage):
    for reviewer in (personas.lead, personas.reviewer):
        services.cast_vote(
            review=personas.review, record_id=record.pk, stage=stage, reviewer=reviewer, decision="include"
        )


@pytest.fixture
def database_records(personas):
    make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE))
    return list(personas.review.records.order_by("pk"))


def report_url(personas, name, record):
    return reverse(f"screening:{name}", kwargs={"review_id": personas.review.pk, "record_id": record.pk})


def test_only_records_included_at_title_abstract_are_sought(personas, database_records):
    tocilizumab, azathioprine = database_records
    assert not ScreeningRecord.objects.for_review(personas.review).sought_for_retrieval().exists()
    include_at(personas, tocilizumab, TA)
    assert list(ScreeningRecord.objects.for_review(personas.review).screenable(FT)) == [tocilizumab]
    with pytest.raises(services.ScreeningError, match="not reached this stage"):
        services.cast_vote(
            review=personas.review, record_id=azathioprine.pk, stage=FT, reviewer=personas.lead, decision="include"
        )


def test_records_from_other_methods_go_straight_to_full_text(personas, database_records):
    record = personas.full_text().record
    assert not ScreeningRecord.objects.for_review(personas.review).screenable(TA).filter(pk=record.pk).exists()
    assert ScreeningRecord.objects.for_review(personas.review).sought_for_retrieval().filter(pk=record.pk).exists()


def test_inclusion_at_full_text_files_the_report_in_a_study_named_after_its_first_author(personas):
    report = personas.full_text().report
    assert report.study.label == "Ringelstein 2021"
    assert report.is_retrieved and report.pdf.read() == MINIMAL_PDF


def test_two_reports_of_one_study(personas, database_records):
    follow_up = personas.full_text().report
    trial = database_records[0]
    include_at(personas, trial, TA)
    include_at(personas, trial, FT)
    assert Study.objects.count() == 2
    fulltext.link_to_study(
        review=personas.review, record_id=follow_up.record_id, user=personas.lead, study_id=trial.report.study_id
    )
    assert Study.objects.get().reports.count() == 2, "the emptied study is removed"
    fulltext.link_to_study(
        review=personas.review, record_id=follow_up.record_id, user=personas.lead, new_label="TANGO extension"
    )
    assert sorted(Study.objects.values_list("label", flat=True)) == ["TANGO extension", "Zhang 2020"]


def test_a_report_not_included_has_no_study(personas, database_records):
    include_at(personas, database_records[0], TA)
    fulltext.attach_full_text(
        review=personas.review, record_id=database_records[0].pk, user=personas.lead, link="https://example.org/zhang"
    )
    with pytest.raises(services.ScreeningError, match="only reports included"):
        fulltext.link_to_study(review=personas.review, record_id=database_records[0].pk, user=personas.lead)


def test_not_retrieved_reports_leave_full_text_screening(personas, database_records):
    record = database_records[0]
    include_at(personas, record, TA)
    with pytest.raises(services.ScreeningError, match="say why"):
        fulltext.mark_not_retrieved(review=personas.review, record_id=record.pk, user=personas.lead, reason="  ")
    fulltext.mark_not_retrieved(review=personas.review, record_id=record.pk, user=personas.lead, reason="No reply")
    assert not ScreeningRecord.objects.for_review(personas.review).screenable(FT).exists()
    assert ScreeningRecord.objects.next_for(personas.reviewer, review=personas.review, stage=FT) is None
    fulltext.attach_full_text(
        review=personas.review, record_id=record.pk, user=personas.lead, link="https://example.org/found"
    )
    assert ScreeningRecord.objects.next_for(personas.reviewer, review=personas.review, stage=FT) == record


def test_a_report_with_full_text_votes_cannot_be_marked_not_retrieved(personas):
    record = personas.full_text().record
    with pytest.raises(services.ScreeningError, match="already has full-text votes"):
        fulltext.mark_not_retrieved(review=personas.review, record_id=record.pk, user=personas.lead, reason="Lost")


def test_a_new_pdf_replaces_the_old_file_on_disk(personas, django_capture_on_commit_callbacks):
    report = personas.full_text().report
    old = report.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        fulltext.attach_full_text(
            review=personas.review,
            record_id=report.record_id,
            user=personas.lead,
            pdf=ContentFile(MINIMAL_PDF + b"%v2", name="v2.pdf"),
        )
    report.refresh_from_db()
    assert not report.pdf.storage.exists(old) and report.pdf.read().endswith(b"%v2")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.pdf", b"<html>not a pdf</html>", "does not start with the PDF signature"),
        ("paper.docx", MINIMAL_PDF, "file name should end in .pdf"),
        ("paper.pdf", MINIMAL_PDF + b"x" * (1024 * 1024 + 1), "full texts may be at most 1 MB"),
    ],
)
def test_uploads_that_are_not_small_pdfs_are_refused_with_a_reason(client, personas, settings, name, content, message):
    settings.MAX_PDF_MB = 1
    record = personas.full_text().record
    before = Report.objects.get().pdf.name
    client.force_login(personas.reviewer)
    response = client.post(report_url(personas, "report_attach", record), {"pdf": ContentFile(content, name=name)})
    assert response.status_code == 400 and message in response.content.decode()
    assert Report.objects.get().pdf.name == before


def test_the_pdf_is_served_inline_to_members(client, personas):
    record = personas.full_text().record
    client.force_login(personas.viewer)
    response = client.get(report_url(personas, "report_pdf", record))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_the_pdf_file_itself_has_no_public_address(client, personas, settings):
    report = Report.objects.get(record=personas.full_text().record)
    client.force_login(personas.lead)
    assert client.get(settings.MEDIA_URL + report.pdf.name).status_code == 404
    assert client.get("/" + settings.MEDIA_URL + report.pdf.name).status_code == 404
    client.force_login(personas.outsider)
    assert client.get(report_url(personas, "report_pdf", report.record)).status_code == 404


def test_report_pages_show_status_and_study(client, personas, database_records):
    record = personas.full_text().record
    client.force_login(personas.lead)
    listing = client.get(reverse("screening:reports", args=[personas.review.pk])).content.decode()
    assert "Long-term tocilizumab" in listing and "Ringelstein 2021" in listing and "Included" in listing
    detail = client.get(report_url(personas, "report", record)).content.decode()
    assert "Read the PDF" in detail and "belongs to <strong>Ringelstein 2021</strong>" in detail
    client.post(report_url(personas, "report_not_retrieved", record), {"reason": "Lost"})
    assert Report.objects.get().not_retrieved_reason == ""


def test_report_list_runs_a_constant_number_of_queries(client, personas, database_records, django_assert_num_queries):
    personas.full_text()
    for record in database_records:
        include_at(personas, record, TA)
        fulltext.attach_full_text(
            review=personas.review, record_id=record.pk, user=personas.lead, link="https://example.org/x"
        )
    client.force_login(personas.lead)
    with django_assert_num_queries(5):  # session, user, membership, count, page
        client.get(reverse("screening:reports", args=[personas.review.pk]))


def test_a_share_of_single_screened_records_gets_a_second_vote(personas):
    review = personas.review
    review.title_abstract_reviewers, review.title_abstract_double_percent = 1, 30
    review.save()
    make_import(review, personas.lead, ris(*({"TI": f"Study {i} of something", "PY": "2020"} for i in range(100))))
    records = list(review.records.order_by("pk"))
    doubled = [r for r in records if votes_needed(review, TA, r.pk) == 2]
    assert len(doubled) == 30
    for record in records:
        services.cast_vote(review=review, record_id=record.pk, stage=TA, reviewer=personas.lead, decision="exclude")
    assert Resolution.objects.count() == 70
    assert ScreeningRecord.objects.next_for(personas.lead, review=review, stage=TA) is None
    second = ScreeningRecord.objects.next_for(personas.reviewer, review=review, stage=TA)
    assert second in doubled
    services.cast_vote(review=review, record_id=second.pk, stage=TA, reviewer=personas.reviewer, decision="include")
    assert [record for record, _ in conflicts.open_conflicts(review, TA)] == [second]


def test_the_full_text_queue_links_the_pdf(client, personas, database_records):
    record = database_records[0]
    include_at(personas, record, TA)
    fulltext.attach_full_text(
        review=personas.review, record_id=record.pk, user=personas.lead, pdf=ContentFile(MINIMAL_PDF, name="zhang.pdf")
    )
    client.force_login(personas.reviewer)
    page = client.get(reverse("screening:queue", args=[personas.review.pk, "full-text"])).content.decode()
    assert report_url(personas, "report_pdf", record) in page and "Attach or mark as not retrieved" in page
    assert "Exclusion reason (needed to exclude)" in page


def test_relinking_the_only_report_of_an_extracted_study_is_refused_with_a_message(client, personas):
    study = personas.extraction().study
    record = study.reports.get().record
    client.force_login(personas.lead)
    page = client.post(report_url(personas, "report_study", record), {"new_label": "Split 2021"}, follow=True)
    assert page.status_code == 200
    assert f"this is the only report of “{study.label}”, which already has extractions" in page.text
    assert Report.objects.get(record=record).study_id == study.pk
    assert list(personas.review.studies.all()) == [study]


@pytest.fixture
def two_reasons(personas, database_records):
    """The first record at full text with a link, and the review's two exclusion reasons."""
    record = database_records[0]
    include_at(personas, record, TA)
    fulltext.attach_full_text(
        review=personas.review, record_id=record.pk, user=personas.lead, link="https://example.org/zhang"
    )
    population = personas.review.exclusion_reasons.get()
    design = personas.review.exclusion_reasons.create(label="Wrong design", position=2)
    return record, population, design


def exclude_at_full_text(personas, record, who, reason):
    reviewer = getattr(personas, who)
    return services.cast_vote(
        review=personas.review,
        record_id=record.pk,
        stage=FT,
        reviewer=reviewer,
        decision="exclude",
        exclusion_reason=reason,
    )


def test_two_exclusions_for_different_reasons_are_a_conflict_and_prisma_counts_the_adjudicated_reason(
    client, personas, two_reasons
):
    record, population, design = two_reasons
    exclude_at_full_text(personas, record, "lead", population)
    _, resolution = exclude_at_full_text(personas, record, "reviewer", design)
    assert resolution is None
    assert [conflict for conflict, _ in conflicts.open_conflicts(personas.review, FT)] == [record]
    with pytest.raises(services.ScreeningError, match="can no longer change"):
        exclude_at_full_text(personas, record, "lead", design)
    adjudicate = partial(
        services.resolve_conflict,
        review=personas.review,
        record_id=record.pk,
        stage=FT,
        decision="exclude",
        user=personas.adjudicator,
    )
    with pytest.raises(services.ScreeningError, match="exclusion reasons"):
        adjudicate()
    adjudicate(exclusion_reason=design)
    assert count_flow(personas.review).dbr_excluded == {"Wrong design": 1}
    client.force_login(personas.viewer)
    exported = client.get(reverse("screening:prisma_export", args=[personas.review.pk, "csv"])).content.decode()
    assert "Wrong design, 1" in exported and "Wrong population" not in exported
    assert conflicts.vote_pairs(personas.review, FT) == {
        ("lead", "reviewer"): [("exclude: Wrong population", "exclude: Wrong design")]
    }


def test_two_exclusions_for_the_same_reason_agree(personas, two_reasons):
    record, population, _ = two_reasons
    exclude_at_full_text(personas, record, "lead", population)
    _, resolution = exclude_at_full_text(personas, record, "reviewer", population)
    assert (resolution.decision, resolution.exclusion_reason) == ("exclude", population)
    assert count_flow(personas.review).dbr_excluded == {"Wrong population": 1}
    assert conflicts.vote_pairs(personas.review, FT) == {
        ("lead", "reviewer"): [("exclude: Wrong population", "exclude: Wrong population")]
    }
