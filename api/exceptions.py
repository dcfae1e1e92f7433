"""Errors as JSON `{"detail": ...}`. A service's refusal is a 409 with the message the page shows; the access
helper's 404 and 403 (reviews/access.py) pass through as such."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from analysis.services import AnalysisError
from extraction.services import ExtractionError
from identification.importers import ImportFileError
from identification.services import DecisionConflict
from reviews.guards import WriteRefused
from screening.services import ScreeningError

# What the workflow refuses (a frozen vote, the lock, a submitted extraction): the request was allowed, the state
# does not let it happen now.
REFUSALS = (ScreeningError, ExtractionError, WriteRefused, AnalysisError, DecisionConflict)


def handler(exc, context):
    if isinstance(exc, REFUSALS):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ImportFileError):
        return Response({"detail": f"This file cannot be imported: {exc}"}, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
