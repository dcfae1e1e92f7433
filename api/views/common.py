"""What every endpoint shares: DRF's authentication, throttling and errors, the site's access rules, pagination."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import CursorPagination

from api.serializers import STAGE_SLUGS, Error

# Every endpoint may answer these: no or a bad token (401), a role that may not (403), a review the caller is not
# a member of, or an object not in the review (404), too many calls (429).
READ_ERRORS = dict.fromkeys((401, 403, 404, 429), Error)
# What is wrong with a request, by field: {"field": ["message", ...]}.
INVALID = OpenApiResponse(OpenApiTypes.OBJECT, description="What is wrong, field by field.")
# A write may also be invalid (400) or refused by the workflow in the state it is in (409).
WRITE_ERRORS = {**READ_ERRORS, 400: INVALID, 409: Error}


def endpoint(*methods):
    """An API function view. LoginRequiredMiddleware would send an anonymous call to the log-in page: DRF's
    IsAuthenticated answers it with 401 instead."""

    def wrap(view):
        return login_not_required(api_view(methods)(view))

    return wrap


class FileNegotiation(BaseContentNegotiation):
    """A download answers with its file whatever the client says it accepts (R's and curl's defaults differ), and
    its refusals (401, 403, 404, 429) in JSON like every other endpoint's."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def download(view):
    """An endpoint answering GET with a file (a Django HttpResponse) rather than JSON."""
    view.content_negotiation_class = FileNegotiation
    return endpoint("GET")(view)


class Cursor(CursorPagination):
    """Pages by id, which stay put as records are added; ?page_size= up to 500."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def page_of(serializer_class):
    """The schema of a page of `serializer_class` objects, as Cursor answers it."""
    name = serializer_class.__name__.removesuffix("Serializer")
    fields = {
        "next": serializers.CharField(allow_null=True, help_text="The next page's address; null on the last."),
        "previous": serializers.CharField(allow_null=True),
        "results": serializer_class(many=True),
    }
    return type(f"{name}Page", (serializers.Serializer,), fields)


def paginated(request, queryset, serializer_class):
    cursor = Cursor()
    page = cursor.paginate_queryset(queryset, request)
    return cursor.get_paginated_response(serializer_class(page, many=True).data)


def stage_of(slug: str):
    if slug not in STAGE_SLUGS:
        raise Http404("No such screening stage")
    return STAGE_SLUGS[slug]
