"""The staff CSV export of requests, streamed one chunk of rows at a time."""

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy

from common import csvexport
from common.phones import phone_display
from enrollment.models import Request

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


def _row(msa_request: Request) -> list:
    values = {
        "reference": msa_request.reference,
        "status": msa_request.status,
        "request_type": msa_request.request_type,
        "eligibility_outcome": msa_request.eligibility_outcome,
        "customer_name": msa_request.customer_name,
        "customer_email": msa_request.customer_email,
        "customer_phone": phone_display(msa_request.customer_phone),
        "service_account_number": msa_request.service_account_number,
        "customer_account_number": msa_request.customer_account_number,
        "meter_number": msa_request.meter_number,
        "premises_address": msa_request.premises_address,
        "filed_by": msa_request.filed_by.email,
        "contractor_company": msa_request.contractor_company or "",
        "device": msa_request.device or "",
        "submitted_at": csvexport.excel_datetime(msa_request.submitted_at),
        "decided_at": csvexport.excel_datetime(msa_request.decided_at),
        "created_at": csvexport.excel_datetime(msa_request.created_at),
    }
    return [values[key] for key, _label in CSV_COLUMNS]


def csv_response(queryset: QuerySet[Request]) -> StreamingHttpResponse:
    """Stream ``queryset`` as a CSV download, one chunk of rows at a time."""
    rows = queryset.select_related("filed_by", "contractor_company", "device")
    return csvexport.csv_response(
        header=[label for _key, label in CSV_COLUMNS],
        rows=map(_row, rows.iterator(chunk_size=2000)),
        filename_prefix="msa-requests",
    )
