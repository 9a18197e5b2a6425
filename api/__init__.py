"""The project's JSON API, mounted at /api/v1/ (schema at /api/v1/openapi.json, docs at /docs).

Each app has its own router (``eligibility.api``, ``enrollment.api``, ``payments.api``); this
package, above them all, assembles them. Errors share one shape across routers:
``{"code": ..., "message": ..., "errors": {field: [messages]}}``; malformed input is a 400
(not ninja's default 422), too many requests a 429, an outage (database or task broker) a 503
with ``Retry-After``, and any other failure a 500, all in that shape.
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from common.api import error_body
from eligibility.api import router as eligibility_router
from enrollment.api import router as requests_router
from payments.api import router as payments_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="MSA Portal API",
    version="1",
    urls_namespace="api",
    description=(
        "Meter Socket Adapter program: the eligibility pre-check (no login) and, for contractors, "
        "their company's requests (Authorization: Bearer <API token from the company page>)."
    ),
)


def _field_of(location: list) -> str:
    # ninja locates errors as ("body", <parameter name>, field, ...): keep the field path.
    parts = [str(p) for p in location]
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie"):
        parts = parts[2:] if len(parts) > 1 else []
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _field_of(error.get("loc", []))
        if field == "__all__" and error.get("type") in ("missing", "model_attributes_type"):
            message = _("Send a JSON object of site facts.")  # no body, or not an object
        else:
            message = str(error.get("msg", ""))
        errors.setdefault(field, []).append(message)
    return api.create_response(
        request,
        error_body(code="invalid", message=_("Some fields are not valid."), errors=errors),
        status=400,
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(
        request,
        error_body(code="throttled", message=_("Too many requests; try again in a minute.")),
        status=429,
    )
    if exc.wait:
        response["Retry-After"] = str(max(1, round(exc.wait)))
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # ninja raises this for a body that is not JSON at all.
        body = error_body(
            code="invalid",
            message=_("The request body is not valid JSON."),
            errors={"__all__": [_("Send a JSON object of site facts.")]},
        )
    else:
        body = error_body(code="error", message=str(exc))
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        error_body(code="unauthenticated", message=_("Send a valid API token as Bearer.")),
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, error_body(code="not_found", message=_("No such resource.")), status=404
    )


def _database_down() -> bool:
    """Whether the database fails a trivial query right now."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return True
    return False


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Outages answer 503 with a hint to retry; anything else is our fault, logged with its trace.
    # A query that fails while the response is validated (a lazy queryset) reaches here wrapped
    # in pydantic's error, its cause lost: so ask the database itself before blaming the code.
    outage = OperationalError | InterfaceError | BrokerUnavailable
    if isinstance(exc, outage) or _database_down():
        logger.error("api: service unavailable: %s", type(exc).__name__)
        response = api.create_response(
            request,
            error_body(
                code="unavailable",
                message=_("The portal is briefly unavailable"),
            ),
            status=503,
        )
        response["Retry-After"] = "30"
        return response
    logger.exception("api: unexpected error")
    return api.create_response(
        request,
        error_body(code="error", message=_("Something went wrong on our side.")),
        status=500,
    )


api.add_router("/eligibility/", eligibility_router)
api.add_router("/", requests_router)
api.add_router("/", payments_router)
