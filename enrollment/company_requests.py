"""A contractor company's requests dashboard: filter, search, sort, and its CSV export.

Reads go through ``enrollment.permissions.requests_of_company``, so a request whose customer
revoked the authorization is gone from the list and the export alike.
"""

import re

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy

from common import csvexport
from common.phones import phone_display

from .models import CustomerAuthorization, Request
from .permissions import requests_of_company
from .selectors import AUTHORIZATION_COUNTS

# ?sort= value -> ordering; "-" in front of the value sorts descending.
SORTS = {
    "reference": "pk",
    "customer": "customer_name",
    "type": "request_type",
    "address": "premises_street",
    "status": "status",
    "updated": "updated_at",
}
DEFAULT_SORT = "-updated"
_REFERENCE = re.compile(r"^(?:MSA-)?0*(\d{1,9})$", re.IGNORECASE)


def sort_ordering(sort: str) -> tuple[str, list[str]]:
    """Return the accepted sort value and its ``order_by`` (ties broken by newest request)."""
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        return sort_ordering(DEFAULT_SORT)
    return sort, [("-" if descending else "") + column, "-pk"]


def company_requests(
    user, *, status: str = "", request_type: str = "", query: str = "", sort: str = DEFAULT_SORT
) -> QuerySet[Request]:
    """The company's requests ``user`` may see, filtered, searched and sorted, in one query."""
    requests = requests_of_company(user).select_related("filed_by")
    if status:
        requests = requests.filter(status=status)
    if request_type:
        requests = requests.filter(request_type=request_type)
    query = " ".join((query or "").split())
    if query:
        match = (
            Q(customer_name__icontains=query)
            | Q(premises_street__icontains=query)
            | Q(premises_city__icontains=query)
            | Q(premises_zip=query)
            | Q(customer_account_number__startswith=query)
            | Q(service_account_number__startswith=query)
            | Q(meter_number__iexact=query)
        )
        reference = _REFERENCE.match(query)
        if reference:
            match |= Q(pk=int(reference.group(1)))
        requests = requests.filter(match)
    active = CustomerAuthorization.objects.filter(
        AUTHORIZATION_COUNTS, msa_request=OuterRef("pk"), revoked_at__isnull=True
    )
    _sort, ordering = sort_ordering(sort)
    return requests.annotate(authorization_on_file=Exists(active)).order_by(*ordering)


def company_requests_version(user) -> str | None:
    """The dashboard's key part: the company and its requests' latest change; None for no company.

    One query (the index on the company and ``updated_at``). A request filed, moved or
    changed by a colleague, by staff or by the worker shows at once on a cached dashboard.
    """
    if not user.company_id:
        return None
    latest = requests_of_company(user).aggregate(latest=Max("updated_at"))["latest"]
    return f"{user.company_id}:{latest.isoformat() if latest else ''}"


CSV_COLUMNS = [
    ("reference", gettext_lazy("Request")),
    ("status", gettext_lazy("Status")),
    ("request_type", gettext_lazy("Request type")),
    ("customer_name", gettext_lazy("Customer name")),
    ("customer_email", gettext_lazy("Customer email")),
    ("customer_phone", gettext_lazy("Customer phone")),
    ("customer_account_number", gettext_lazy("Customer account number")),
    ("service_account_number", gettext_lazy("Service account number")),
    ("meter_number", gettext_lazy("Meter number")),
    ("premises_address", gettext_lazy("Premises address")),
    ("authorization_on_file", gettext_lazy("Authorization on file")),
    ("filed_by", gettext_lazy("Filed by")),
    ("submitted_at", gettext_lazy("Submitted at")),
    ("updated_at", gettext_lazy("Last change")),
]


def _row(msa_request: Request) -> list:
    values = {
        "reference": msa_request.reference,
        "status": msa_request.get_status_display(),
        "request_type": msa_request.get_request_type_display(),
        "customer_name": msa_request.customer_name,
        "customer_email": msa_request.customer_email,
        "customer_phone": phone_display(msa_request.customer_phone),
        "customer_account_number": msa_request.customer_account_number,
        "service_account_number": msa_request.service_account_number,
        "meter_number": msa_request.meter_number,
        "premises_address": msa_request.premises_address,
        "authorization_on_file": "yes" if msa_request.authorization_on_file else "no",
        "filed_by": msa_request.filed_by.email,
        "submitted_at": csvexport.excel_datetime(msa_request.submitted_at),
        "updated_at": csvexport.excel_datetime(msa_request.updated_at),
    }
    return [values[key] for key, _label in CSV_COLUMNS]


def csv_response(requests: QuerySet[Request]) -> StreamingHttpResponse:
    """Stream the filtered list as a CSV download."""
    return csvexport.csv_response(
        header=[label for _key, label in CSV_COLUMNS],
        rows=map(_row, requests.iterator(chunk_size=2000)),
        filename_prefix="company-requests",
    )
