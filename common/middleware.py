"""Fail cleanly while the database is unreachable instead of showing a server error."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .api import error_body

logger = logging.getLogger(__name__)

# Addresses under this prefix belong to the JSON API, which answers every error as JSON.
API_PREFIX = "/api/"


def unavailable_response(request) -> HttpResponse:
    """Return the 503 "try again" answer: the API's JSON shape under /api/, a page elsewhere."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            error_body(code="unavailable", message=_("The portal is briefly unavailable")),
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain "try again" page when the database connection fails.

    The page is rendered without the request's context processors, which would touch the
    database again (sessions, the user) and fail the same way. Under /api/ the answer is the
    API's JSON error instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", type(exception).__name__)
        return unavailable_response(request)
