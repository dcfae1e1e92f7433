import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reviews.access import ADJUDICATORS, ANY_ROLE, LEAD_ONLY, child_for_user, get_review_for_user
from reviews.downloads import download_name
from reviews.feedback import attempt
from reviews.figures import render as render_figure
from reviews.locking import lock_view, unlock_view
from reviews.stages import outcomes as review_outcomes

from . import plots, services
from .forms import AddAppraisalForm, CustomToolForm, ToolChoiceForm, UnlockForm
from .grade_inputs import unmatched_appraisals
from .locking import AppraisalLocked
from .models import OVERALL, Appraisal, Assessment, Consensus, CustomTool, ToolChoice, ToolCode, tool_spec, tools_of

REFUSALS = (services.AppraisalError, AppraisalLocked)


def overview(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    appraisals = list(Appraisal.objects.for_review(review).prefetch_related("assessments__assessor"))
    locked = services.is_locked(review)
    context = {
        "review": review,
        "membership": membership,
        "appraisals": [(a, sorted(a.assessments.all(), key=lambda s: s.slot)) for a in appraisals],
        "unassigned": any(len(a.assessments.all()) < 2 for a in appraisals),
        "mine": Assessment.objects.filter(review=review, assessor=request.user).select_related("appraisal__study"),
        "locked": locked,
        "blockers": services.lock_blockers(review),
        "tools": ToolChoice.objects.filter(review=review),
        "unlock_form": UnlockForm(),
        "open_conflicts": services.conflicts_for(review, request.user).count()
        if membership.role in ADJUDICATORS
        else 0,
    }
    visible = services.visible_appraisals(review, request.user, membership)
    context["plots"] = [
        (tool, variant)
        for tool, variant in visible.order_by("tool", "variant").values_list("tool", "variant").distinct()
        if services.settled_assessments(visible.filter(tool=tool, variant=variant))
    ]
    if membership.is_lead and not locked:
        context["tool_form"] = ToolChoiceForm(auto_id="tool-%s")  # its design field beside the add form's
        outcomes = review_outcomes(review)
        context["add_form"] = AddAppraisalForm(studies=review.studies.order_by("label", "pk"), outcomes=outcomes)
        # Before the analysis defines any outcome, every RoB 2 outcome would be listed: say it once there are some.
        if outcomes:
            context["unmatched_appraisals"] = unmatched_appraisals(review, [n for pair in outcomes for n in pair])
    return render(request, "appraisal/overview.html", context)


@require_POST
def choose_tool(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    form = ToolChoiceForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.choose_tool(review=review, user=request.user, **form.cleaned_data),
            "Tool chosen for studies of that design added from now on.",
            REFUSALS,
        )
    else:
        messages.error(request, "Choose a study design and a tool.")
    return redirect("appraisal:overview", review_id=review.pk)


def custom_tool(request, review_id):
    """The lead defines the review's custom tool by pasting or uploading its JSON; an invalid one is shown back with
    the reason and nothing is saved."""
    review, membership = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    current = CustomTool.objects.filter(review=review).first()
    initial = json.dumps(current.definition, indent=2, ensure_ascii=False) if current else ""
    form = CustomToolForm(request.POST or None, request.FILES or None, initial={"definition": initial})
    error = ""
    if request.method == "POST" and form.is_valid():
        text = form.text()
        try:
            services.define_custom_tool(review=review, user=request.user, text=text)
        except REFUSALS as refusal:
            error = str(refusal)
            form = CustomToolForm(initial={"definition": text})
        else:
            messages.success(request, "Custom tool saved. Choose it for a study design below.")
            return redirect("appraisal:overview", review_id=review.pk)
    context = {
        "review": review,
        "membership": membership,
        "form": form,
        "error": error,
        "tool": current.spec if current else None,
        "in_use": Assessment.objects.filter(review=review, appraisal__tool=ToolCode.CUSTOM).exists(),
    }
    return render(request, "appraisal/custom_tool.html", context, status=400 if error else 200)


@require_POST
def add(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    form = AddAppraisalForm(request.POST, studies=review.studies.all())
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.add_appraisal(
                review=review,
                user=request.user,
                study_id=data["study"],
                design=data["design"],
                outcome=data["outcome"],
            ),
            "Added for assessment.",
            REFUSALS,
        )
    else:
        messages.error(request, "Choose a study of this review and its design.")
    return redirect("appraisal:overview", review_id=review.pk)


@require_POST
def assign(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    count = attempt(
        request,
        lambda: services.assign_automatically(review=review, user=request.user),
        "Assessors assigned.",
        REFUSALS,
    )
    if count == 0:
        messages.info(request, "Every study already has two assessors.")
    return redirect("appraisal:overview", review_id=review.pk)


def _entry(post, appraisal) -> services.Entry:
    answers, judgements = {}, {}
    for domain in appraisal.domains():
        for question in domain.questions:
            key = f"{domain.code}|{question.code}"
            answers[domain.code, question.code] = (post.get(f"a|{key}", ""), post.get(f"s|{key}", ""))
    for code in [*(d.code for d in appraisal.domains()), OVERALL]:
        judgements[code] = (post.get(f"j|{code}", ""), post.get(f"r|{code}", ""))
    return services.Entry(answers, judgements)


def assess(request, review_id, assessment_id):
    """One assessor's form for one appraisal: only its assessor may open it, so assessments stay blind."""
    assessment, review, membership = child_for_user(
        request, review_id, Assessment.objects.select_related("appraisal__study"), assessment_id, ANY_ROLE
    )
    if assessment.assessor_id != request.user.pk:
        raise Http404("No such assessment of yours")
    appraisal = assessment.appraisal
    problems = []
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        problems = attempt(
            request,
            lambda: services.save_assessment(
                review=review,
                assessment_id=assessment.pk,
                user=request.user,
                entry=_entry(request.POST, appraisal),
                submit=submit,
            ),
            None,
            REFUSALS,
            failure="Not saved",
        )
        if problems is None:
            return redirect("appraisal:assess", review_id=review.pk, assessment_id=assessment.pk)
        if submit and not problems:
            messages.success(request, "Submitted. The judgements are compared once the other assessment is in.")
            return redirect("appraisal:overview", review_id=review.pk)
        messages.info(request, "Saved as a draft." if not submit else "Saved as a draft, not submitted: see below.")
        assessment.refresh_from_db()
    context = {
        "review": review,
        "membership": membership,
        "assessment": assessment,
        "appraisal": appraisal,
        "tool": appraisal.tool_spec,
        "domains": _form_rows(assessment),
        "problems": problems,
        "editable": not assessment.is_submitted and not services.is_locked(review),
    }
    return render(request, "appraisal/assess.html", context)


def _form_rows(assessment):
    """Per domain (then the overall result): its questions with the saved answers, the algorithm's suggestion from
    them, and the saved judgement."""
    appraisal = assessment.appraisal
    tool = appraisal.tool_spec
    answers = {(a.domain, a.question): a for a in assessment.answers.all()}
    judged = {j.domain: j for j in assessment.judgements.all()}
    suggested = services.suggestions(
        appraisal, {key: a.answer for key, a in answers.items()}, {k: j.judgement for k, j in judged.items()}
    )
    parts = [(d.code, d.short, d.name, d.questions) for d in appraisal.domains()]
    parts.append((OVERALL, "Overall", "Overall risk of bias", ()))
    return [
        {
            "code": code,
            "short": short,
            "name": name,
            "questions": [(q, answers.get((code, q.code))) for q in questions],
            "suggestion": suggested[code],
            "suggested_label": tool.judgement(suggested[code].judgement).label if suggested[code].judgement else "",
            "judgement": judged.get(code),
        }
        for code, short, name, questions in parts
    ]


def conflicts(request, review_id):
    review, membership = get_review_for_user(request, review_id, roles=ADJUDICATORS)
    cells = list(services.conflicts_for(review, request.user).select_related("appraisal__study"))
    _, alone = services.settled_alone(review, request.user)
    judged = {}
    for assessment in (
        Assessment.objects.filter(appraisal__in={c.appraisal_id for c in cells})
        .prefetch_related("judgements", "answers")
        .select_related("assessor")
    ):
        judged[assessment.appraisal_id, assessment.slot] = assessment
    tools = tools_of(review)
    rows = []
    for cell in cells:
        pair = [judged.get((cell.appraisal_id, slot)) for slot in (1, 2)]
        sides = []
        for assessment in pair:
            judgement = next((j for j in assessment.judgements.all() if j.domain == cell.domain), None)
            answers = [a for a in assessment.answers.all() if a.domain == cell.domain]
            sides.append({"assessor": assessment.assessor, "judgement": judgement, "answers": answers})
        tool = tools(cell.appraisal.tool)
        rows.append(
            {
                "cell": cell,
                "label": "Overall" if cell.domain == OVERALL else tool.domain(cell.domain).name,
                "sides": sides,
                "choices": tool.judgements,
                "assessed": cell.appraisal_id in alone,
            }
        )
    return render(request, "appraisal/conflicts.html", {"review": review, "membership": membership, "rows": rows})


@require_POST
def resolve(request, review_id, consensus_id):
    cell, review, _ = child_for_user(request, review_id, Consensus.objects.all(), consensus_id, ADJUDICATORS)
    attempt(
        request,
        lambda: services.resolve(
            review=review,
            consensus_id=cell.pk,
            user=request.user,
            judgement=request.POST.get("judgement", ""),
            reason=request.POST.get("reason", ""),
        ),
        "Resolved.",
        REFUSALS,
    )
    return redirect("appraisal:conflicts", review_id=review.pk)


def appraisal(request, review_id, appraisal_id):
    """An appraisal's consensus, both assessments and its audit trail, when blinding lets this user see them."""
    item, review, membership = child_for_user(
        request, review_id, Appraisal.objects.select_related("study"), appraisal_id, ANY_ROLE
    )
    visible = services.visible_appraisals(review, request.user, membership).filter(pk=item.pk).exists()
    tool = item.tool_spec
    labels = {d.code: f"{d.short} {d.name}" for d in item.domains()} | {OVERALL: "Overall"}
    consensus = (
        [
            (labels.get(c.domain, c.domain), c, tool.judgement(c.judgement) if c.judgement else None)
            for c in item.consensus.select_related("resolved_by")
        ]
        if visible
        else []
    )
    context = {
        "review": review,
        "membership": membership,
        "appraisal": item,
        "tool": tool,
        "visible": visible,
        "assessments": item.assessments.select_related("assessor"),
        "consensus": consensus,
        "events": item.audit_events.select_related("user") if visible else [],
    }
    return render(request, "appraisal/appraisal.html", context)


@require_POST
def lock(request, review_id):
    return lock_view(
        request,
        review_id,
        change=services.lock,
        success="Risk of bias locked.",
        refusals=REFUSALS,
        back="appraisal:overview",
    )


@require_POST
def unlock(request, review_id):
    return unlock_view(
        request,
        review_id,
        change=services.unlock,
        form=UnlockForm,
        success="Risk of bias unlocked.",
        no_reason="Say why the assessment is unlocked.",
        refusals=REFUSALS,
        back="appraisal:overview",
    )


PLOTS = {"traffic-light": plots.traffic_light, "summary": plots.summary}
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def plot(request, review_id, tool, variant, kind, file_format):
    """A traffic-light or summary plot of the settled judgements this user may see, for one tool and effect."""
    review, membership = get_review_for_user(request, review_id)
    if tool not in ToolCode.values or kind not in PLOTS or file_format not in FORMATS:
        raise Http404("No such plot")
    try:
        spec = tool_spec(review, tool)
    except CustomTool.DoesNotExist:
        raise Http404("No such plot") from None
    if variant not in {v.code for v in spec.variants}:
        raise Http404("No such plot")
    visible = services.visible_appraisals(review, request.user, membership).filter(tool=tool, variant=variant)
    rows = services.settled_assessments(visible)
    if not rows:
        raise Http404("No settled judgements to plot yet")
    content = render_figure(PLOTS[kind](spec, rows, variant=variant), file_format)
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'inline; filename="{download_name(review, f"risk-of-bias-{kind}", file_format)}"'
    return response
