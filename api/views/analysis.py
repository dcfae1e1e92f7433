"""Analysis: outcomes, runs (start one, read its results)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from analysis import outcomes, services
from analysis.forms import RunForm
from analysis.models import AnalysisRun
from api import serializers as s
from reviews.access import ANY_ROLE, LEAD_ONLY, child_for_user, get_review_for_user

from .common import READ_ERRORS, WRITE_ERRORS, endpoint


@extend_schema(responses={200: s.OutcomeSerializer(many=True), **READ_ERRORS})
@endpoint("GET")
def outcome_list(request, review_id):
    """The outcomes analysed, each with the form fields that hold its summaries (as the outcomes page shows)."""
    review, _ = get_review_for_user(request, review_id)
    return Response(s.OutcomeSerializer(outcomes.mappings(review), many=True).data)


@extend_schema(methods=["GET"], responses={200: s.RunSerializer(many=True), **READ_ERRORS})
@extend_schema(methods=["POST"], request=s.RunInput, responses={201: s.RunDetail, **WRITE_ERRORS})
@endpoint("GET", "POST")
def runs(request, review_id):
    """The review's analysis runs; the lead starts one on the locked extraction (409 while it is not locked)."""
    if request.method == "GET":
        review, _ = get_review_for_user(request, review_id)
        return Response(s.RunSerializer(review.analysis_runs.select_related("created_by"), many=True).data)
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    given = s.RunInput(data=request.data)
    given.is_valid(raise_exception=True)
    # The page's form, for its checks, with the model's defaults for what the call left out.
    form = RunForm({**s.RunInput(AnalysisRun()).data, **given.validated_data})
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    run = services.run_analysis(review=review, user=request.user, **form.cleaned_data)
    return Response(s.RunDetail(run).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={200: s.RunDetail, **READ_ERRORS})
@endpoint("GET")
def run_detail(request, review_id, run_id):
    """A run's parameters and results: per outcome the pooled effect, its interval, heterogeneity and studies."""
    run, _, _ = child_for_user(request, review_id, AnalysisRun.objects.select_related("created_by"), run_id, ANY_ROLE)
    return Response(s.RunDetail(run).data)
