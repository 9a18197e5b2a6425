"""The staff CSV export of requests, streamed one chunk of rows at a time."""

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.csvexport import csv_safe
from enrollment.models import Application

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


def _row(application: Application) -> list[str]:
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
    return [csv_safe(values[key]) for key, _label in CSV_COLUMNS]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: QuerySet[Application]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([str(label) for _key, label in CSV_COLUMNS])
    rows = queryset.select_related("filed_by", "contractor_company", "device")
    for application in rows.iterator(chunk_size=2000):
        yield writer.writerow(_row(application))


def csv_response(queryset: QuerySet[Application]) -> StreamingHttpResponse:
    """Stream ``queryset`` as a CSV download, one chunk of rows at a time."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="msa-requests-{stamp}.csv"'
    return response
