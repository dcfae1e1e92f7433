"""Error pages that need nothing that may be broken: no database, no session, no user."""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("tandem.errors")

UNREACHABLE = (OperationalError, InterfaceError)


def server_error(request):
    """500, or 503 with a retry hint when the database cannot be reached (down, restarting, out of connections):
    the page says so instead of showing a stack trace, and the request's transaction was rolled back."""
    error = sys.exc_info()[1]
    # Only for the nonce of the page's own styles (request.csp_nonce): rendering with the request would run the
    # context processors, which may need the database.
    context = {"request": request}
    if isinstance(error, UNREACHABLE) or (isinstance(error, DatabaseError) and "connect" in str(error).lower()):
        logger.error("database unavailable: %s", error)
        page = render_to_string("errors/database_unavailable.html", context)
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    return HttpResponse(render_to_string("errors/500.html", context), status=500)
