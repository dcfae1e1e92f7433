"""Retrieval of full texts: the list of reports sought, one report's page, its PDF, and the study it belongs to."""

from csp import constants as csp
from csp.decorators import csp_replace
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from reviews.access import ADJUDICATORS, ANY_ROLE, SCREENERS, get_review_for_user
from reviews.feedback import attempt
from reviews.guards import WriteRefused

from .. import services
from ..forms import FullTextForm, NotRetrievedForm, StudyForm
from ..models import Resolution, ScreeningRecord, Stage
from ..services import fulltext

REPORTS_PER_PAGE = 50
REFUSALS = (services.ScreeningError, WriteRefused)
RETRIEVAL_FILTERS = {
    "awaiting": Q(report__isnull=True) | Q(report__pdf="", report__link="", report__not_retrieved_reason=""),
    "retrieved": Q(report__isnull=False) & (~Q(report__pdf="") | ~Q(report__link="")),
    "not-retrieved": Q(report__isnull=False) & ~Q(report__not_retrieved_reason=""),
}


def _sought_records(review):
    """Records sought for retrieval with their report, study and full-text decision, in one query."""
    decision = Resolution.objects.filter(record=OuterRef("pk"), stage=Stage.FULL_TEXT).values("decision")[:1]
    return (
        ScreeningRecord.objects.for_review(review)
        .sought_for_retrieval()
        .select_related("report__study", "source_import__search")
        .annotate(full_text_decision=Subquery(decision))
    )


def _sought_record_for_user(request, review_id, record_id, roles):
    review, membership = get_review_for_user(request, review_id, roles=roles)
    record = _sought_records(review).filter(pk=record_id).first()
    if record is None:
        raise Http404("No such report sought in this review")
    return record, review, membership


def report_list(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    shown = request.GET.get("show", "")
    records = _sought_records(review)
    if shown in RETRIEVAL_FILTERS:
        records = records.filter(RETRIEVAL_FILTERS[shown])
    context = {
        "review": review,
        "membership": membership,
        "page": Paginator(records.order_by("pk"), REPORTS_PER_PAGE).get_page(request.GET.get("page")),
        "show": shown,
        "filters": [
            ("", "All"),
            ("awaiting", "Awaiting retrieval"),
            ("retrieved", "Retrieved"),
            ("not-retrieved", "Not retrieved"),
        ],
    }
    return render(request, "screening/reports.html", context)


def _render_report(request, record, review, membership, *, status=200, **forms):
    report = getattr(record, "report", None)
    context = {
        "review": review,
        "membership": membership,
        "record": record,
        "shown": record.shown,
        "report": report,
        "can_retrieve": membership.role in SCREENERS,
        "can_link_study": membership.role in ADJUDICATORS and report is not None and report.study_id is not None,
        "full_text_form": forms.get("full_text") or FullTextForm(),
        "not_retrieved_form": forms.get("not_retrieved") or NotRetrievedForm(),
        "study_form": forms.get("study") or StudyForm(review=review, initial={"study": report and report.study_id}),
    }
    return render(request, "screening/report_detail.html", context, status=status)


def report_detail(request, review_id, record_id):
    record, review, membership = _sought_record_for_user(request, review_id, record_id, ANY_ROLE)
    return _render_report(request, record, review, membership)


@require_POST
def report_attach(request, review_id, record_id):
    record, review, membership = _sought_record_for_user(request, review_id, record_id, SCREENERS)
    form = FullTextForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_report(request, record, review, membership, status=400, full_text=form)
    attempt(
        request,
        lambda: fulltext.attach_full_text(
            review=review,
            record_id=record.pk,
            user=request.user,
            pdf=form.cleaned_data["pdf"],
            link=form.cleaned_data["link"],
        ),
        "Full text attached.",
        REFUSALS,
        failure="Not saved",
    )
    return redirect("screening:report", review_id=review.pk, record_id=record.pk)


@require_POST
def report_not_retrieved(request, review_id, record_id):
    record, review, membership = _sought_record_for_user(request, review_id, record_id, SCREENERS)
    form = NotRetrievedForm(request.POST)
    if not form.is_valid():
        return _render_report(request, record, review, membership, status=400, not_retrieved=form)
    attempt(
        request,
        lambda: fulltext.mark_not_retrieved(
            review=review, record_id=record.pk, user=request.user, reason=form.cleaned_data["reason"]
        ),
        "Marked as not retrieved; it leaves full-text screening.",
        REFUSALS,
        failure="Not saved",
    )
    return redirect("screening:report", review_id=review.pk, record_id=record.pk)


@require_POST
def report_study(request, review_id, record_id):
    record, review, membership = _sought_record_for_user(request, review_id, record_id, ADJUDICATORS)
    form = StudyForm(request.POST, review=review)
    if not form.is_valid():
        return _render_report(request, record, review, membership, status=400, study=form)
    study = form.cleaned_data["study"]
    attempt(
        request,
        lambda: fulltext.link_to_study(
            review=review,
            record_id=record.pk,
            user=request.user,
            study_id=study and study.pk,
            new_label=form.cleaned_data["new_label"],
        ),
        "Study updated.",
        REFUSALS,
        failure="Not saved",
    )
    return redirect("screening:report", review_id=review.pk, record_id=record.pk)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [csp.SELF]})
def report_pdf(request, review_id, record_id):
    """The uploaded PDF, to members only: media files are never served from a public URL. Tandem's own pages may
    frame it (the extraction page shows it beside the form); other sites' pages may not."""
    record, _, _ = _sought_record_for_user(request, review_id, record_id, ANY_ROLE)
    report = getattr(record, "report", None)
    if report is None or not report.pdf:
        raise Http404("No PDF attached to this report")
    response = FileResponse(report.pdf.open("rb"), content_type="application/pdf", filename=f"record-{record.pk}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
