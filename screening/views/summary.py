"""Screening summaries for the whole team: PRISMA 2020 counts and diagram, agreement, and decision exports."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from reviews.access import get_review_for_user
from reviews.downloads import csv_download, download_name, json_download, svg_download

from .. import conflicts, ranking
from ..agreement import KAPPA_CI_METHOD, agreement
from ..models import RecordTag, Resolution, Stage, VoteEvent
from ..prisma import count_flow
from ..prisma_diagram import layout

AGREEMENT_COLUMNS = [
    "stage",
    "reviewer_1",
    "reviewer_2",
    "records",
    "percent_agreement",
    "kappa",
    "kappa_se",
    "kappa_ci_low",
    "kappa_ci_high",
    "pabak",
    "ac1",
]
DECISION_COLUMNS = [
    "record_id",
    "title",
    "stage",
    "kind",
    "who",
    "when",
    "decision",
    "exclusion_reason",
    "note",
    "method",
    "tags",
]


def _prisma_svg(review, flow) -> str:
    return render_to_string("screening/prisma.svg", {"review": review, "diagram": layout(flow)})


def prisma(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    flow = count_flow(review)
    context = {
        "review": review,
        "membership": membership,
        "flow": flow,
        "warnings": flow.warnings(),
        "svg": _prisma_svg(review, flow),
        "automation_statements": ranking.automation_statements(review),
    }
    return render(request, "screening/prisma.html", context)


def prisma_export(request, review_id, file_format):
    review, _ = get_review_for_user(request, review_id)
    flow = count_flow(review)
    if file_format == "csv":
        return csv_download(download_name(review, "prisma", "csv"), flow.csv_rows())
    if file_format == "json":
        return json_download(download_name(review, "prisma", "json"), flow.as_dict())
    if file_format == "svg":
        return svg_download(download_name(review, "prisma", "svg"), _prisma_svg(review, flow))
    raise Http404("No such export format")


def _agreement_rows(review):
    """(stage, reviewer 1, reviewer 2, Agreement) per stage and pair, then all pairs of the stage together."""
    rows = []
    for stage in Stage:
        pairs = conflicts.vote_pairs(review, stage)
        for (first, second), votes in sorted(pairs.items()):
            rows.append((stage, first, second, agreement(votes)))
        if len(pairs) > 1:
            rows.append((stage, "all pairs", "", agreement(v for votes in pairs.values() for v in votes)))
    return rows


def agreement_page(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    rows = _agreement_rows(review)
    context = {"review": review, "membership": membership, "rows": rows, "kappa_ci_method": KAPPA_CI_METHOD}
    return render(request, "screening/agreement.html", context)


def agreement_export(request, review_id):
    review, _ = get_review_for_user(request, review_id)
    rows = [AGREEMENT_COLUMNS]
    for stage, first, second, result in _agreement_rows(review):
        low, high = result.kappa_ci or (None, None)
        rows.append(
            [
                stage.label,
                first,
                second,
                result.n,
                result.percent_agreement,
                result.kappa,
                result.kappa_se,
                low,
                high,
                result.pabak,
                result.ac1,
            ]
        )
    return csv_download(download_name(review, "agreement", "csv"), rows)


def _label(reason):
    return reason.label if reason else ""


def _vote_row(event, tags):
    return [
        event.record_id,
        event.record.shown.title,
        event.get_stage_display(),
        "vote",
        event.reviewer.username,
        event.at.isoformat(),
        event.decision,
        _label(event.exclusion_reason),
        event.note,
        "",
        tags.get(event.record_id, ""),
    ]


def _resolution_row(resolution, tags):
    who = resolution.resolved_by.username if resolution.resolved_by else ""
    return [
        resolution.record_id,
        resolution.record.shown.title,
        resolution.get_stage_display(),
        "resolution",
        who,
        resolution.created_at.isoformat(),
        resolution.decision,
        _label(resolution.exclusion_reason),
        resolution.note,
        resolution.get_method_display(),
        tags.get(resolution.record_id, ""),
    ]


def decisions_export(request, review_id):
    """Every vote, change of vote and resolution the user may see (who, when, what, note), with the tags of its
    record, as CSV."""
    review, _ = get_review_for_user(request, review_id)
    events = (
        VoteEvent.objects.visible_to(request.user, review=review)
        .select_related("reviewer", "record", "exclusion_reason")
        .order_by("record_id", "stage", "at", "id")
    )
    resolutions = (
        Resolution.objects.filter(review=review)
        .select_related("resolved_by", "record", "exclusion_reason")
        .order_by("record_id", "stage")
    )
    tags = {}
    for record_id, name in RecordTag.objects.filter(tag__review=review).values_list("record_id", "tag__name"):
        tags[record_id] = f"{tags[record_id]}; {name}" if record_id in tags else name
    rows = [
        DECISION_COLUMNS,
        *(_vote_row(event, tags) for event in events.iterator(chunk_size=2000)),
        *(_resolution_row(resolution, tags) for resolution in resolutions.iterator(chunk_size=2000)),
    ]
    return csv_download(download_name(review, "screening-decisions", "csv"), rows)
