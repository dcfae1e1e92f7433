"""Screening: my next record, my votes, conflicts and their resolution, with the pages' services and blinding."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api import serializers as s
from reviews.access import ADJUDICATORS, SCREENERS, get_review_for_user
from screening import services
from screening.conflicts import open_conflicts_for
from screening.models import ScreeningRecord, Vote

from .common import READ_ERRORS, WRITE_ERRORS, endpoint, page_of, paginated, stage_of
from .reviews import shown_records


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _reason(review, reason_id):
    """The review's exclusion reason; another review's is not found, as on the pages."""
    return None if reason_id is None else get_object_or_404(review.exclusion_reasons, pk=reason_id)


@extend_schema(
    responses={200: s.RecordSerializer, 204: OpenApiResponse(description="No record waits for you."), **READ_ERRORS}
)
@endpoint("GET")
def next_record(request, review_id, stage_slug):
    """The record your queue shows next at this stage (the queue page's); 204 when none waits for you."""
    stage = stage_of(stage_slug)
    review, _ = get_review_for_user(request, review_id, roles=SCREENERS)
    record = ScreeningRecord.objects.next_for(request.user, review=review, stage=stage)
    if record is None:
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(s.RecordSerializer(shown_records(review.records).get(pk=record.pk)).data)


@extend_schema(methods=["GET"], responses={200: page_of(s.VoteSerializer), **READ_ERRORS})
@extend_schema(methods=["POST"], request=s.VoteInput, responses={201: s.CastVote, **WRITE_ERRORS})
@endpoint("GET", "POST")
def votes(request, review_id, stage_slug):
    """Your own votes at this stage, never another's. Posting casts a vote on a record or changes yours, with the
    queue page's service: once a record has all the votes it needs, its votes are frozen (409, the page's
    message)."""
    stage = stage_of(stage_slug)
    review, _ = get_review_for_user(request, review_id, roles=SCREENERS)
    if request.method == "GET":
        mine = Vote.objects.filter(review=review, stage=stage, reviewer=request.user)
        return paginated(request, mine, s.VoteSerializer)
    data = _valid(s.VoteInput, request.data)
    get_object_or_404(review.records, pk=data["record"])
    vote, resolution = services.cast_vote(
        review=review,
        record_id=data["record"],
        stage=stage,
        reviewer=request.user,
        decision=data["decision"],
        note=data["note"].strip(),
        exclusion_reason=_reason(review, data["exclusion_reason"]),
    )
    body = {"vote": s.VoteSerializer(vote).data, "resolved": resolution is not None}
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    responses={204: OpenApiResponse(description="Your vote is withdrawn."), **WRITE_ERRORS},
)
@endpoint("DELETE")
def my_vote(request, review_id, stage_slug, record_id):
    """Undo: withdraw your vote on a record that still waits for votes (the queue page's Undo). It no longer counts,
    as if never cast, and the record waits for your vote again; the withdrawal stays in the record's history. Once
    the record has all the votes it needs, 409 with the page's message, whatever the other votes are."""
    stage = stage_of(stage_slug)
    review, _ = get_review_for_user(request, review_id, roles=SCREENERS)
    get_object_or_404(review.records, pk=record_id)
    services.withdraw_vote(review=review, record_id=record_id, stage=stage, reviewer=request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={200: s.Conflict(many=True), **READ_ERRORS})
@endpoint("GET")
def conflicts(request, review_id, stage_slug):
    """The conflicts you may settle at this stage, with their votes: the conflicts page's list."""
    stage = stage_of(stage_slug)
    review, _ = get_review_for_user(request, review_id, roles=ADJUDICATORS)
    found = open_conflicts_for(review, stage, request.user)
    records = shown_records(review.records).in_bulk([record.pk for record, _, _ in found])
    rows = [{"record": records[record.pk], "votes": votes, "voted": voted} for record, votes, voted in found]
    return Response(s.Conflict(rows, many=True).data)


@extend_schema(request=s.ResolutionInput, responses={201: s.ResolutionSerializer, **WRITE_ERRORS})
@endpoint("POST")
def resolutions(request, review_id, stage_slug):
    """Settle a conflict with a final decision (the conflicts page's service): 409 when the record is not in
    conflict, was resolved meanwhile, or is one you voted on while another adjudicator could decide it."""
    stage = stage_of(stage_slug)
    review, _ = get_review_for_user(request, review_id, roles=ADJUDICATORS)
    data = _valid(s.ResolutionInput, request.data)
    get_object_or_404(review.records, pk=data["record"])
    resolution = services.resolve_conflict(
        review=review,
        record_id=data["record"],
        stage=stage,
        decision=data["decision"],
        user=request.user,
        note=data["note"].strip(),
        exclusion_reason=_reason(review, data["exclusion_reason"]),
    )
    return Response(s.ResolutionSerializer(resolution).data, status=status.HTTP_201_CREATED)
