"""The program dashboard: where requests stand, this week, visits and money (staff only)."""

from collections.abc import Iterable

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.selectors import money_figures
from scheduling.selectors import visit_figures

from . import reports


def _bars(rows: Iterable[tuple[str, int]]) -> list[dict]:
    """Turn (label, count) pairs into rows with a bar width in percent, for the SVG charts."""
    rows = list(rows)
    peak = max((count for _label, count in rows), default=0)
    return [
        {"label": label, "count": count, "width": round(100 * count / peak, 1) if peak else 0}
        for label, count in rows
    ]


def dashboard(request):
    """The program dashboard: where requests stand, this week, and how long decisions take."""
    if not request.user.has_perm("enrollment.view_request"):
        raise PermissionDenied
    today = timezone.localdate()
    stats = reports.program_stats(today=today)
    visits = visit_figures(today=today)
    context = {
        **admin.site.each_context(request),
        "title": _("Program dashboard"),
        "stats": stats,
        "by_status": _bars(stats.by_status),
        "by_type": _bars(stats.by_type),
        "weekly": _bars(
            (week.label, week.submitted) for week in stats.weeks
        ),  # submissions per week
        "weekly_approved": _bars((week.label, week.approved) for week in stats.weeks),
        "rejections": _bars(stats.rejections_by_reason),
        "outcomes": _bars(stats.by_outcome),
        "visits": visits,
        "failed_by_code": _bars(visits.failed_by_code),
        "money": money_figures(today=today),
    }
    return TemplateResponse(request, "admin/enrollment/dashboard.html", context)
