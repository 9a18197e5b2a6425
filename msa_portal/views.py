from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from common.api import error_body
from common.middleware import API_PREFIX
from common.page_cache import cache_for_visitors
from enrollment import wizard

from .health import run_checks


@method_decorator(cache_for_visitors("home"), name="dispatch")
class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get(self, request, *args, **kwargs):
        # A technician signs in to their day (the home page's actions are the applicant's).
        if getattr(request.user, "is_technician", False):
            return redirect("field:my_day")
        return super().get(request, *args, **kwargs)


@method_decorator(cache_for_visitors("program"), name="dispatch")
class ProgramView(TemplateView):
    template_name = "pages/program.html"


@method_decorator(cache_for_visitors("before-visit"), name="dispatch")
class BeforeVisitView(TemplateView):
    """Why visits fail, what to do about each, and the lock-ring removal contact."""

    template_name = "pages/before_visit.html"


@method_decorator(cache_for_visitors("contractor-checklist"), name="dispatch")
class ContractorChecklistView(TemplateView):
    """The printable pre-application checklist for contractors (the program's vendor checklist)."""

    template_name = "pages/contractor_checklist.html"


@require_GET
@never_cache
def healthz(request):
    healthy, states = run_checks()
    down = [name for name, state in states.items() if state == "down"]
    body = {"status": "ok" if healthy else "down", "checks": states}
    if down:
        body["down"] = down
    return JsonResponse(body, status=200 if healthy else 503)


def admin_login(request, extra_context=None):
    """Send staff to the one login page, so admin logins are throttled like every other."""
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("account_login")
    )


@require_GET
def loadtest_ping(request):
    """The trivial Django view the load test compares pages with; absent unless enabled."""
    if not settings.LOADTEST_ENABLED:
        raise Http404
    return HttpResponse("pong", content_type="text/plain")


def old_request_admin(request, rest: str = ""):
    """Send a bookmark of the request admin's old address (the model was called Application).

    ``/admin/enrollment/application/<rest>`` → ``/admin/enrollment/request/<rest>``, query kept.
    """
    query = request.META.get("QUERY_STRING", "")
    target = f"/admin/enrollment/request/{rest}" + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(target)


def page_not_found(request, exception):
    """A 404: the API's JSON error under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            error_body(code="not_found", message=_("No such resource.")), status=404
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    """A 500 that reached Django: the API's JSON error under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            error_body(code="error", message=_("Something went wrong on our side.")), status=500
        )
    return defaults.server_error(request)


def _same_origin(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def csrf_failure(request, reason: str = ""):
    """The page for a form refused by the CSRF check (``CSRF_FAILURE_VIEW``), status 403.

    Usually a page opened before its session changed (signed in or out in another tab), so it
    says so in plain words, in the reader's language, with a way back: the page the form came
    from when it is this site's (the Referer), else home. A wizard step posted from this site
    by a signed-in person keeps its text answers in the session (``enrollment.wizard``), and
    the way back is that step, which shows them again to check and submit. Nothing is saved.
    Under /api/ the answer is the API's JSON error.
    """
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            error_body(code="csrf", message=_("The request was refused: CSRF check failed.")),
            status=403,
        )
    referer = request.META.get("HTTP_REFERER", "")
    origin = request.META.get("HTTP_ORIGIN", "")
    from_here = _same_origin(request, origin or referer)
    back = urlsplit(referer)._replace(scheme="", netloc="").geturl() if from_here else ""
    kept = False
    match = _resolve(request.path)
    if (
        request.method == "POST"
        and from_here
        and request.user.is_authenticated
        and match is not None
        and match.view_name == "enrollment:wizard_step"
    ):
        kept = wizard.answers_keep(request.session, path=request.path, post=request.POST)
        back = request.path if kept else back
    response = render(
        request,
        "403_csrf.html",
        {"back": back or reverse("home"), "has_back": bool(back), "kept": kept},
        status=403,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None
