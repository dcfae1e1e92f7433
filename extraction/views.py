import dataclasses

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from reviews.access import ADJUDICATORS, ANY_ROLE, LEAD_ONLY, child_for_user, get_review_for_user
from reviews.downloads import csv_download, download_name, json_download, xlsx_download
from reviews.feedback import attempt
from reviews.locking import lock_view, unlock_view

from . import characteristics, services, tables
from . import template as templates
from .forms import FieldForm, QuickFieldFormSet, ReassignForm, SectionForm, UnlockForm
from .locking import ExtractionLocked
from .models import AuditEvent, Consensus, Extraction, FormField, Value

CONFLICTS_PER_PAGE = 50
MAX_FORM_BYTES = 1_000_000
REFUSALS = (services.ExtractionError, ExtractionLocked)


def overview(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    extractions = Extraction.objects.filter(review=review).select_related("extractor")
    if membership.is_lead:
        extractions = extractions.annotate(started=Exists(Value.objects.filter(extraction=OuterRef("pk"))))
    by_study = {}
    for extraction in extractions:
        by_study.setdefault(extraction.study_id, {})[extraction.slot] = extraction
    studies = [
        (study, [by_study.get(study.pk, {}).get(slot) for slot in (1, 2)])
        for study in review.studies.order_by("label", "pk")
    ]
    if membership.is_lead:
        _offer_reassignment(review, studies)
    context = {
        "review": review,
        "membership": membership,
        "studies": studies,
        "unassigned": any(None in slots for _, slots in studies),
        "mine": [e for e in extractions if e.extractor_id == request.user.pk],
        "locked": services.is_locked(review),
        "blockers": services.lock_blockers(review),
        "agreement": [row for row in tables.field_agreement(review) if row.compared],
        "has_form": FormField.objects.filter(review=review).exists(),
        "unlock_form": UnlockForm(),
        "open_conflicts": _conflicts_for(review, request.user)[0].count() if membership.role in ADJUDICATORS else 0,
    }
    return render(request, "extraction/overview.html", context)


def _offer_reassignment(review, studies) -> None:
    """Mark each extraction the lead may give to someone else (services.reassign) with the people it may go to:
    one nobody has started, or a draft whose extractor may no longer extract, which is otherwise stuck."""
    people = list(services.extractors(review))
    allowed = {person.pk for person in people}
    for _, slots in studies:
        taken = {extraction.extractor_id for extraction in slots if extraction}
        for extraction in slots:
            if extraction is None or extraction.is_submitted:
                continue
            extraction.stuck = extraction.extractor_id not in allowed
            if extraction.stuck or not extraction.started:
                extraction.give_to = [person for person in people if person.pk not in taken]


def form_builder(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    services.ensure_form(review)
    sections = review.extraction_sections.prefetch_related("fields")
    context = {
        "review": review,
        "membership": membership,
        "sections": sections,
        "form": review.extraction_form,
        "can_edit": membership.is_lead and not services.is_locked(review),
        "section_form": SectionForm(),
        "templates": templates.shipped(),
        "quick_fields": QuickFieldFormSet(prefix="quick"),
    }
    return render(request, "extraction/form_builder.html", context)


@require_POST
def fields_add(request, review_id):
    """Several fields at once, in the order the rows give (the builder adds rows without a page load)."""
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    section = review.extraction_sections.filter(pk=request.POST.get("section") or 0).first()
    if section is None:
        messages.error(request, "Not added: choose a section of this form.")
        return redirect("extraction:form", review_id=review.pk)
    formset = QuickFieldFormSet(request.POST, prefix="quick")
    if not formset.is_valid():
        problems = [
            f"row {row}: {name} {' '.join(texts)}"
            for row, errors in enumerate(formset.errors, start=1)
            for name, texts in errors.items()
        ]
        messages.error(request, "Not added: " + "; ".join([*problems, *formset.non_form_errors()]) + ".")
        return redirect("extraction:form", review_id=review.pk)
    specs = [{k: v for k, v in form.cleaned_data.items() if k != "ORDER"} for form in formset.ordered_forms]
    if specs:
        attempt(
            request,
            lambda: services.add_fields(review=review, user=request.user, section=section, specs=specs),
            f"{len(specs)} fields added to {section.title}.",
            REFUSALS,
        )
    return redirect("extraction:form", review_id=review.pk)


def _chosen_template(request):
    upload = request.FILES.get("file")
    if upload and upload.size > MAX_FORM_BYTES:
        raise templates.TemplateError(upload.name, ["larger than a form can be (1 MB)"])
    if upload:
        return templates.loads(upload.read(), upload.name)
    return templates.load(request.POST.get("template", ""))


@require_POST
def form_template(request, review_id):
    """Fill the empty form from a shipped template, or from a form exported by another review."""
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    chosen = attempt(request, lambda: _chosen_template(request), None, (templates.TemplateError,))
    if chosen is None:
        return redirect("extraction:form", review_id=review.pk)
    attempt(
        request,
        lambda: services.apply_template(review=review, user=request.user, template=chosen),
        f"{chosen.title}: {chosen.field_count} fields added.",
        REFUSALS,
    )
    return redirect("extraction:form", review_id=review.pk)


def form_export(request, review_id):
    review, _ = get_review_for_user(request, review_id)
    return json_download(download_name(review, "extraction-form", "json"), services.form_document(review))


@require_POST
def section_add(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    form = SectionForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.add_section(review=review, user=request.user, title=form.cleaned_data["title"]),
            "Section added.",
            REFUSALS,
        )
    else:
        messages.error(request, "Give the section a title.")
    return redirect("extraction:form", review_id=review.pk)


def _field_page(request, review, membership, instance):
    form = FieldForm(request.POST or None, instance=instance, review=review)
    if request.method == "POST" and form.is_valid():
        field = form.save(commit=False)
        if attempt(
            request, lambda: services.save_field(review=review, user=request.user, field=field), "Saved.", REFUSALS
        ):
            return redirect("extraction:form", review_id=review.pk)
    context = {"review": review, "membership": membership, "form": form, "field": instance}
    return render(request, "extraction/field_form.html", context, status=400 if form.errors else 200)


def field_add(request, review_id):
    review, membership = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    if not review.extraction_sections.exists():
        messages.error(request, "Add a section first.")
        return redirect("extraction:form", review_id=review.pk)
    return _field_page(request, review, membership, FormField(review=review))


def field_edit(request, review_id, field_id):
    field, review, membership = child_for_user(request, review_id, FormField.objects.all(), field_id, LEAD_ONLY)
    return _field_page(request, review, membership, field)


@require_POST
def field_retire(request, review_id, field_id):
    field, review, _ = child_for_user(request, review_id, FormField.objects.all(), field_id, LEAD_ONLY)
    attempt(
        request,
        lambda: services.retire_field(review=review, user=request.user, field_id=field.pk),
        f"“{field.label}” is no longer asked; its values are kept.",
        REFUSALS,
    )
    return redirect("extraction:form", review_id=review.pk)


@require_POST
def assign(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    count = attempt(
        request, lambda: services.assign_automatically(review=review, user=request.user), "Assigned.", REFUSALS
    )
    if count == 0:
        messages.info(request, "Every study already has two extractors.")
    return redirect("extraction:overview", review_id=review.pk)


@require_POST
def reassign(request, review_id, extraction_id):
    extraction, review, _ = child_for_user(request, review_id, Extraction.objects.all(), extraction_id, LEAD_ONLY)
    form = ReassignForm(request.POST, people=services.extractors(review))
    if form.is_valid():
        person = form.cleaned_data["extractor"]
        attempt(
            request,
            lambda: services.reassign(review=review, user=request.user, extraction_id=extraction.pk, extractor=person),
            f"Given to {person.username}.",
            REFUSALS,
        )
    else:
        messages.error(request, "Choose a lead or reviewer of this review.")
    return redirect("extraction:overview", review_id=review.pk)


def _entries(post, fields, arm_count):
    return {
        (field.pk, arm): (post.get(f"v-{field.pk}-{arm}", ""), post.get(f"n-{field.pk}-{arm}", ""))
        for field, arm in services.cells(fields, arm_count)
    }


def _own_extraction(request, review_id, extraction_id):
    """Only its extractor may open an extraction, so extractions stay blind."""
    extraction, review, membership = child_for_user(
        request, review_id, Extraction.objects.select_related("study"), extraction_id, ANY_ROLE
    )
    if extraction.extractor_id != request.user.pk:
        raise Http404("No such extraction of yours")
    return extraction, review, membership


def _save(request, review, extraction, fields, action):
    """The extractor's values from the POST, saved (or submitted) through the one service; its problems."""
    arm_count = _int(request.POST.get("arm_count"), extraction.arm_count)
    arm_count += {"add_arm": 1, "remove_arm": -1}.get(action, 0)
    return services.save_extraction(
        review=review,
        extraction_id=extraction.pk,
        user=request.user,
        entries=_entries(request.POST, fields, max(arm_count, 1)),
        arm_count=arm_count,
        submit=action == "submit",
    )


def extract(request, review_id, extraction_id):
    """One extractor's form for one study, beside the study's PDF when one is uploaded (static/js/extraction.js
    adds the autosave, which posts to `autosave`; without JavaScript the form saves by its buttons)."""
    extraction, review, membership = _own_extraction(request, review_id, extraction_id)
    fields = list(services.active_fields(review))
    problems = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        problems = attempt(
            request, lambda: _save(request, review, extraction, fields, action), None, REFUSALS, failure="Not saved"
        )
        if problems is None:
            return redirect("extraction:extract", review_id=review.pk, extraction_id=extraction.pk)
        if action == "submit" and not problems:
            messages.success(request, "Submitted. The values are compared once the other extraction is in.")
            return redirect("extraction:overview", review_id=review.pk)
        if action == "submit":
            messages.error(request, "Saved as a draft, not submitted: fix the problems listed.")
        else:
            messages.success(request, "Draft saved.")
        extraction.refresh_from_db()
    entered = {(v.field_id, v.arm): v for v in extraction.values.all()}
    sections = []
    for field in fields:
        if not sections or sections[-1].section != field.section:
            sections.append(_Section(field.section))
        arms = range(1, extraction.arm_count + 1) if field.per_arm else [0]
        cells = [(arm, entered.get((field.pk, arm))) for arm in arms]
        sections[-1].rows.append((field, cells))
        sections[-1].total += len(cells)
        sections[-1].filled += sum(1 for _, value in cells if value and value.value)
    reports = list(extraction.study.reports.select_related("record"))
    pdf = next((report for report in reports if report.pdf), None)
    context = {
        "review": review,
        "membership": membership,
        "extraction": extraction,
        "reports": reports,
        "pdf": pdf,
        "sections": sections,
        "arms": range(1, extraction.arm_count + 1),
        "problems": problems,
        "locked": services.is_locked(review),
        "may_extract": membership.role in services.EXTRACTOR_ROLES,
    }
    response = render(request, "extraction/extract.html", context)
    if pdf:
        # The page may frame this one PDF and nothing else (settings: frame-src 'none' everywhere else).
        address = request.build_absolute_uri(reverse("screening:report_pdf", args=[review.pk, pdf.record_id]))
        response._csp_replace = {"frame-src": [address]}
    return response


@dataclasses.dataclass
class _Section:
    """A form section on the extraction page, with its rows and how many of their cells hold a value."""

    section: object
    rows: list = dataclasses.field(default_factory=list)
    filled: int = 0
    total: int = 0


@require_POST
def autosave(request, review_id, extraction_id):
    """The draft, saved in the background every few seconds by static/js/extraction.js: the same service, lock and
    role checks as the form's Save button, answered in JSON for the page to say what happened."""
    extraction, review, _ = _own_extraction(request, review_id, extraction_id)
    try:
        _save(request, review, extraction, list(services.active_fields(review)), "save")
    except REFUSALS as exc:
        return JsonResponse({"saved": False, "error": f"Not saved: {exc}."}, status=409)
    return JsonResponse({"saved": True, "at": timezone.localtime().strftime("%H:%M:%S")})


def _int(text, default):
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def _conflicts_for(review, user):
    """The open conflicts this user may see and settle, and the studies among them they extracted (services.resolve
    refuses the rest)."""
    left, alone = services.own_studies(review, user)
    return tables.open_conflicts(review).exclude(study_id__in=left), alone


def conflicts(request, review_id):
    review, membership = get_review_for_user(request, review_id, roles=ADJUDICATORS)
    shown, alone = _conflicts_for(review, request.user)
    page = Paginator(shown, CONFLICTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = tables.conflict_rows(page)
    for row in rows:
        row.extracted = row.cell.study_id in alone
    context = {"review": review, "membership": membership, "page": page, "rows": rows}
    return render(request, "extraction/conflicts.html", context)


@require_POST
def resolve(request, review_id, consensus_id):
    cell, review, _ = child_for_user(request, review_id, Consensus.objects.all(), consensus_id, ADJUDICATORS)
    attempt(
        request,
        lambda: services.resolve(
            review=review,
            consensus_id=cell.pk,
            user=request.user,
            choice=request.POST.get("choice", ""),
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
        ),
        "Resolved.",
        REFUSALS,
    )
    page = _int(request.POST.get("page"), 1)
    return redirect(reverse("extraction:conflicts", args=[review.pk]) + f"?page={page}")


def study(request, review_id, study_id):
    """A study's consensus values and audit trail, when blinding lets this user see them."""
    review, membership = get_review_for_user(request, review_id)
    study = review.studies.filter(pk=study_id).first()
    if study is None:
        raise Http404("No such study in this review")
    visible = services.visible_studies(review, request.user, membership).filter(pk=study.pk).exists()
    context = {
        "review": review,
        "membership": membership,
        "study": study,
        "visible": visible,
        "extractions": study.extractions.select_related("extractor"),
        "consensus": study.consensus_values.select_related("field__section", "resolved_by") if visible else [],
        "events": study.audit_events.select_related("user", "field") if visible else [],
    }
    return render(request, "extraction/study.html", context)


@require_POST
def lock(request, review_id):
    return lock_view(
        request,
        review_id,
        change=services.lock,
        success="Extraction locked.",
        refusals=REFUSALS,
        back="extraction:overview",
    )


@require_POST
def unlock(request, review_id):
    return unlock_view(
        request,
        review_id,
        change=services.unlock,
        form=UnlockForm,
        success="Extraction unlocked; analyses of the locked data are marked stale.",
        no_reason="Say why the extraction is unlocked.",
        refusals=REFUSALS,
        back="extraction:overview",
    )


def export(request, review_id, file_format):
    """The consensus values, a row per study and arm, as CSV, XLSX or JSON."""
    review, _ = get_review_for_user(request, review_id)
    columns, rows = tables.consensus_table(review, typed=file_format == "xlsx")
    name = download_name(review, "extraction", file_format)
    if file_format == "csv":
        return csv_download(name, [columns, *rows])
    if file_format == "json":
        return json_download(name, [dict(zip(columns, row, strict=True)) for row in rows])
    if file_format == "xlsx":
        return xlsx_download(name, [columns, *rows])
    raise Http404("No such export format")


AUDIT_COLUMNS = ["at", "user", "action", "study", "field", "arm", "old_value", "new_value", "note"]


def audit_export(request, review_id):
    """The audit trail of the studies this user may see, and the review-wide events (form, lock, unlock)."""
    review, membership = get_review_for_user(request, review_id)
    visible = services.visible_studies(review, request.user, membership)
    events = (
        AuditEvent.objects.filter(review=review)
        .filter(Q(study__isnull=True) | Q(study__in=visible))
        .select_related("user", "study", "field")
        .order_by("at", "id")
    )
    rows = [AUDIT_COLUMNS] + [
        [
            e.at.isoformat(),
            e.user.username if e.user else "",
            e.get_action_display(),
            e.study.label if e.study else "",
            e.field.key if e.field else "",
            e.arm if e.arm is not None else "",
            e.old_value,
            e.new_value,
            e.note,
        ]
        for e in events.iterator(chunk_size=2000)
    ]
    return csv_download(download_name(review, "extraction-audit", "csv"), rows)


def characteristics_export(request, review_id):
    """Cochrane's characteristics of included studies, from the locked consensus, as CSV."""
    review, _ = get_review_for_user(request, review_id)
    refusals = (characteristics.ExtractionNotLocked,)
    rows = attempt(
        request, lambda: characteristics.characteristics_rows(review), None, refusals, failure="Not exported"
    )
    if rows is None:
        return redirect("extraction:overview", review_id=review.pk)
    return csv_download(download_name(review, "characteristics-of-included-studies", "csv"), rows)
