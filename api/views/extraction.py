"""Extraction: the form, my extractions (draft and submit), and the consensus once locked."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import serializers as s
from extraction import services, tables
from extraction.models import Extraction
from reviews.access import ANY_ROLE, child_for_user, get_review_for_user

from .common import READ_ERRORS, WRITE_ERRORS, endpoint

NOT_LOCKED = "the extraction is not locked: its consensus is read once the lead locks it"


@extend_schema(responses={200: s.ExtractionFormSerializer, **READ_ERRORS})
@endpoint("GET")
def extraction_form(request, review_id):
    """The extraction form's sections and fields (retired ones too, marked: their values are kept)."""
    review, _ = get_review_for_user(request, review_id)
    if not hasattr(review, "extraction_form"):
        return Response({"version": 0, "sections": []})
    sections = review.extraction_sections.prefetch_related("fields")
    return Response(s.ExtractionFormSerializer({"version": review.extraction_form.version, "sections": sections}).data)


@extend_schema(responses={200: s.ExtractionSerializer(many=True), **READ_ERRORS})
@endpoint("GET")
def my_extractions(request, review_id):
    """The extractions assigned to you, never another's."""
    review, _ = get_review_for_user(request, review_id)
    mine = Extraction.objects.filter(review=review, extractor=request.user).select_related("study")
    return Response(s.ExtractionSerializer(mine.order_by("study__label", "pk"), many=True).data)


def _mine(request, review_id, extraction_id):
    """One of your extractions: another's is not found, as on the pages, so extractions stay blind."""
    extraction, review, _ = child_for_user(
        request, review_id, Extraction.objects.select_related("study"), extraction_id, ANY_ROLE
    )
    if extraction.extractor_id != request.user.pk:
        raise Http404("No such extraction of yours")
    return extraction, review


@extend_schema(methods=["GET"], responses={200: s.ExtractionDetail, **READ_ERRORS})
@extend_schema(methods=["PUT"], request=s.ExtractionInput, responses={200: s.SavedExtraction, **WRITE_ERRORS})
@endpoint("GET", "PUT")
def extraction(request, review_id, extraction_id):
    """One of your extractions and its values. Putting saves the values sent as the draft (those left out are
    emptied), and with submit, submits it when every check passes; else the problems are listed and it stays a
    draft. A submitted extraction and a locked review refuse (409)."""
    extraction, review = _mine(request, review_id, extraction_id)
    if request.method == "GET":
        return Response(s.ExtractionDetail(extraction).data)
    data = s.ExtractionInput(data=request.data)
    data.is_valid(raise_exception=True)
    data = data.validated_data
    fields = {field.key: field for field in services.active_fields(review)}
    entries = {}
    for item in data["values"]:
        field = fields.get(item["field"])
        if field is None:
            raise ValidationError({"values": f"no field '{item['field']}' is asked on the form"})
        arms = range(1, data["arm_count"] + 1) if field.per_arm else [0]
        if item["arm"] not in arms:
            raise ValidationError({"values": f"'{field.key}' is asked for arms {list(arms)}, not {item['arm']}"})
        entries[field.pk, item["arm"]] = (item["value"], item["note"])
    problems = services.save_extraction(
        review=review,
        extraction_id=extraction.pk,
        user=request.user,
        entries=entries,
        arm_count=data["arm_count"],
        submit=data["submit"],
    )
    extraction.refresh_from_db()
    return Response({"extraction": s.ExtractionDetail(extraction).data, "problems": problems})


@extend_schema(responses={200: s.ConsensusSerializer, **READ_ERRORS, 409: s.Error})
@endpoint("GET")
def consensus(request, review_id):
    """The locked consensus values, a row per study and arm (the extraction export's table): 409 until locked."""
    review, _ = get_review_for_user(request, review_id)
    if not services.is_locked(review):
        return Response({"detail": NOT_LOCKED}, status=409)
    columns, rows = tables.consensus_table(review)
    return Response({"columns": columns, "rows": [dict(zip(columns, row, strict=True)) for row in rows]})
