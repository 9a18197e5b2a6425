"""The technician's phone: the day's visits, arrivals and outcomes, the offline web app.

Every page asks ``scheduling.selectors.technician_for_user`` who the technician is; anyone else
gets a 404. Outcomes go through ``scheduling.services``, the same path as the staff screens.
"""

import hashlib
import json
import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from scheduling import selectors, services
from scheduling.models import FailureCode, FieldReport, Visit

from .forms import MAX_PHOTOS, FieldReportForm

logger = logging.getLogger(__name__)

# What the service worker keeps for a day without signal, besides the day page itself.
OFFLINE_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "css/portal.css",
    "field/field.css",
    "field/field.js",
    "favicon.svg",
    "field/icons/icon-192.png",
)


def _technician_or_404(user):
    technician = selectors.technician_for_user(user)
    if technician is None:
        raise Http404("No such page.")
    return technician


@never_cache
@login_required
@require_GET
def my_day(request):
    """The day's visits in route order, with what the technician needs at each meter."""
    technician = _technician_or_404(request.user)
    day = timezone.localdate()
    visits = selectors.technician_day(technician=technician, day=day)
    for visit in visits:
        # The form's own id: the page's script makes a new one per outcome; without the script,
        # a form sent twice (a double tap, a resend) still records once.
        visit.form_id = uuid.uuid4()
    return render(
        request,
        "field/day.html",
        {
            "technician": technician,
            "day": day,
            "visits": visits,
            "failure_codes": FailureCode.choices,
        },
    )


def _answer(request, status: int, result: str, message: str) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"result": result, "message": message}, status=status)
    # The form posted without the page's script: answer with a page, as any form would.
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect("field:my_day")


def _conflict_message(report: FieldReport) -> str:
    found = report.visit_state_found
    if found == Visit.State.CANCELLED:
        lead = _("The office cancelled this visit before your outcome reached it.")
    elif found == Visit.State.MOVED:
        lead = _("This visit was moved to another day before your outcome reached the office.")
    else:
        lead = _("A different outcome had already been recorded for this visit (%(state)s).") % {
            "state": Visit.State(found).label
        }
    return " ".join(
        [
            lead,
            _(
                "Your outcome and photos are kept for staff; the customer was not told. "
                "Please call the office."
            ),
        ]
    )


@require_POST
def report(request):
    """Take an arrival or an outcome sent from the phone; a repeat changes nothing."""
    technician = selectors.technician_for_user(request.user)
    if technician is None:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"result": "signed_out", "message": _("Sign in again to send your outcomes.")},
                status=401,
            )
        raise Http404("No such page.")
    form = FieldReportForm(request.POST)
    photos = request.FILES.getlist("photos")
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _answer(request, 400, "invalid", " ".join(errors))
    if len(photos) > MAX_PHOTOS:
        return _answer(
            request,
            400,
            "invalid",
            _("Send at most %(count)d photos with one outcome.") % {"count": MAX_PHOTOS},
        )
    data = form.cleaned_data
    visit = Visit.objects.filter(pk=data["visit"], technician=technician).first()
    if visit is None:
        return _answer(request, 404, "invalid", _("This visit is not on your list."))
    try:
        if data["kind"] == FieldReportForm.KIND_ARRIVAL:
            services.visit_mark_arrived(visit_id=visit.pk, actor=request.user, at=data["at"])
            return _answer(request, 200, "arrived", _("Arrival noted."))
        answer = services.visit_report_from_field(
            visit_id=visit.pk,
            actor=request.user,
            client_id=data["client_id"],
            completed=data["completed"],
            failure_code=data["failure_code"],
            note=data["note"],
            photos=photos,
        )
    except services.VisitChanged as exc:
        state = Visit.State(exc.state).label
        return _answer(
            request,
            409,
            "conflict",
            _("This visit is no longer booked (%(state)s). Please call the office.")
            % {"state": state},
        )
    except ValidationError as exc:
        return _answer(request, 400, "invalid", " ".join(exc.messages))
    if answer.report.result == FieldReport.Result.CONFLICT:
        return _answer(request, 409, "conflict", _conflict_message(answer.report))
    if answer.report.result == FieldReport.Result.ALREADY:
        return _answer(request, 200, "recorded", _("This outcome had already been recorded."))
    return _answer(request, 200, "recorded", _("Outcome recorded; the customer has been told."))


def _offline_urls() -> list[str]:
    return [static(name) for name in OFFLINE_ASSETS]


@require_GET
def service_worker(request):
    """The service worker, served from /field/ so that it may look after the day page."""
    assets = _offline_urls()
    # A new version whenever an asset's (hashed) address changes: the old copies are dropped.
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    response = render(
        request,
        "field/sw.js",
        {"assets_json": json.dumps(assets), "page": reverse("field:my_day"), "version": version},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    """The web app manifest: "My day" can be added to the phone's home screen."""
    day_url = reverse("field:my_day")
    body = {
        "name": _("MSA field day"),
        "short_name": _("My day"),
        "description": _("The day's meter visits, with or without signal."),
        "lang": get_language(),
        "start_url": day_url,
        "scope": day_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#00546e",
        "icons": [
            {"src": static("field/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")
