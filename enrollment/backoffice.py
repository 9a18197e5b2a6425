"""Back-office pages around the request admin: decision forms, the CSV export, the dashboard.

The admin (``enrollment/admin.py``) wires these into its URLs and actions; the work itself is done
by ``enrollment.decisions`` (writes) and ``enrollment.reports`` (reads).
"""

from collections.abc import Iterable

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import csvexport

from . import reports
from .decisions import MESSAGE_MAX_LENGTH, QUESTION_MAX_LENGTH
from .models import Application, RejectionReason

# ---------------------------------------------------------------------------- decision forms


class RerunEligibilityForm(forms.Form):
    """Nothing to fill in: the page asks staff to confirm the re-run."""


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the record (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=RejectionReason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the customer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=gettext_lazy(
            "Shown on the customer's request page with the reason. Say what they can do next."
        ),
    )


class AskForInfoForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question for the applicant"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=gettext_lazy(
            "Shown on the request page; the 30-business-day clock pauses until they answer."
        ),
    )


# ---------------------------------------------------------------------------- CSV export

CSV_COLUMNS: list[tuple[str, str]] = [
    ("reference", gettext_lazy("Reference")),
    ("status", gettext_lazy("Status")),
    ("request_type", gettext_lazy("Type")),
    ("eligibility_outcome", gettext_lazy("Eligibility outcome")),
    ("customer_name", gettext_lazy("Customer")),
    ("customer_email", gettext_lazy("Customer email")),
    ("customer_phone", gettext_lazy("Customer phone")),
    ("service_account_number", gettext_lazy("Service account")),
    ("customer_account_number", gettext_lazy("Customer account")),
    ("meter_number", gettext_lazy("Meter")),
    ("premises_address", gettext_lazy("Premises")),
    ("filed_by", gettext_lazy("Filed by")),
    ("contractor_company", gettext_lazy("Contractor company")),
    ("device", gettext_lazy("Device")),
    ("submitted_at", gettext_lazy("Submitted at")),
    ("decided_at", gettext_lazy("Decided at")),
    ("created_at", gettext_lazy("Created at")),
]


def _row(application: Application) -> list:
    local = timezone.localtime
    values = {
        "reference": application.reference,
        "status": application.status,
        "request_type": application.request_type,
        "eligibility_outcome": application.eligibility_outcome,
        "customer_name": application.customer_name,
        "customer_email": application.customer_email,
        "customer_phone": application.customer_phone,
        "service_account_number": application.service_account_number,
        "customer_account_number": application.customer_account_number,
        "meter_number": application.meter_number,
        "premises_address": application.premises_address,
        "filed_by": application.filed_by.email,
        "contractor_company": application.contractor_company or "",
        "device": application.device or "",
        "submitted_at": local(application.submitted_at).isoformat()
        if application.submitted_at
        else "",
        "decided_at": local(application.decided_at).isoformat() if application.decided_at else "",
        "created_at": local(application.created_at).isoformat(),
    }
    return [values[key] for key, _label in CSV_COLUMNS]


def csv_response(queryset: QuerySet[Application]) -> StreamingHttpResponse:
    """Stream ``queryset`` as a CSV download, one chunk of rows at a time."""
    rows = queryset.select_related("filed_by", "contractor_company", "device")
    return csvexport.csv_response(
        header=[label for _key, label in CSV_COLUMNS],
        rows=map(_row, rows.iterator(chunk_size=2000)),
        filename_prefix="msa-requests",
    )


# ---------------------------------------------------------------------------- dashboard


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
    if not request.user.has_perm("enrollment.view_application"):
        raise PermissionDenied
    from payments.selectors import money_figures
    from scheduling.selectors import visit_figures

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
