"""Pages make the same number of queries with a few rows and with many (issue 27).

Signed-in pages read the session from the cache (``cached_db``), so it is not counted when warm.

No timing here: `make bench` measures time at 100,000 requests. Each test renders a page with
one row of its kind, then with more, and pins the count so a query per row shows up at once.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrollment.models import AgreementSignature, Status
from enrollment.selectors import agreement_current
from tests.backoffice.conftest import make_request
from tests.factories import (
    ApprovedProductFactory,
    ContractorFactory,
    MsaRequestFactory,
    StaffFactory,
)
from tests.scheduling.factories import TechnicianFactory, TimeOffFactory

pytestmark = pytest.mark.django_db
SIZES = (1, 12)


def queries(client, url: str) -> int:
    client.get(url)  # warm: the calendar's index, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def at_sizes(client, url: str, add_rows) -> list[int]:
    counts, made = [], 0
    for size in SIZES:
        add_rows(size - made)
        made = size
        counts.append(queries(client, url))
    return counts


@pytest.fixture(autouse=True)
def _pages_as_rendered(settings):
    """Pin the rendered pages; a reader's cached copy is tests/common/test_reader_pages.py's."""
    settings.READER_PAGE_SECONDS = 0


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


def some_requests(n: int) -> None:
    statuses = [Status.UNDER_REVIEW, Status.APPROVED, Status.INFO_REQUESTED, Status.SCHEDULED]
    for i in range(n):
        make_request(statuses[i % len(statuses)], days_ago=i * 3)


def test_staff_list_queries_do_not_grow_with_requests(staff_client):
    assert at_sizes(staff_client, "/admin/enrollment/request/", some_requests) == [4, 4]


def test_staff_list_filtered_to_overdue_queries_do_not_grow(staff_client):
    counts = at_sizes(staff_client, "/admin/enrollment/request/?sla=overdue", some_requests)
    assert counts == [4, 4]


def test_staff_list_search_queries_do_not_grow_with_requests(staff_client):
    # Two words: each looks up the matching applicants and filers (two small queries).
    url = "/admin/enrollment/request/?q=Customer+Sample"
    assert at_sizes(staff_client, url, some_requests) == [8, 8]


def test_dashboard_queries_do_not_grow_with_requests(staff_client):
    # Warm: the 12-month medians come from the cache (test_dashboard.py counts them cold).
    assert at_sizes(staff_client, "/admin/dashboard/", some_requests) == [10, 10]


def test_contractor_dashboard_queries_do_not_grow_with_requests(client):
    contractor = ContractorFactory()
    client.force_login(contractor)

    def filed(n):
        for _ in range(n):
            MsaRequestFactory(
                filed_by=contractor,
                contractor_company=contractor.company,
                status=Status.UNDER_REVIEW,
                submitted_at=timezone.now() - datetime.timedelta(days=2),
            )

    assert at_sizes(client, "/requests/company/", filed) == [4, 4]


def test_approved_product_list_queries_do_not_grow_with_entries(client):
    def entries(n):
        ApprovedProductFactory.create_batch(n)

    assert at_sizes(client, "/eligibility/approved-products/", entries) == [0, 0]


def approved_request(applicant, **fields):
    msa_request = MsaRequestFactory(
        applicant=applicant,
        status=Status.APPROVED,
        submitted_at=timezone.now() - datetime.timedelta(days=3),
        **fields,
    )
    AgreementSignature.objects.create(
        msa_request=msa_request,
        version=agreement_current(),
        signer_name="Dana Customer",
        signer=applicant,
        signed_at=timezone.now(),
        signed_text="The agreement.",
        text_sha256="0" * 64,
    )
    return msa_request


def technicians(n):
    for _ in range(n):
        TimeOffFactory(technician=TechnicianFactory())
        make_request(Status.UNDER_REVIEW)


def test_status_page_with_windows_on_offer_queries_do_not_grow(client, customer):
    msa_request = approved_request(customer)
    client.force_login(customer)

    assert at_sizes(client, msa_request.get_absolute_url(), technicians) == [9, 9]
    page = client.get(msa_request.get_absolute_url()).content.decode()
    assert "signed by Dana Customer on" in page
    assert f"version {agreement_current().version}" in page
    # The user, the request (with its latest signature and the reader's consent to electronic
    # records) and its four prefetches (messages with staff the fourth), payments, visits, and
    # the windows on offer in one query (bookings and time off folded in); the session, the
    # calendar's changes and the revisit question come from the cache and the history.


def test_status_page_of_a_contractor_filed_request_queries_do_not_grow(client, customer):
    contractor = ContractorFactory()
    msa_request = approved_request(
        customer, filed_by=contractor, contractor_company=contractor.company
    )
    client.force_login(customer)

    # One more than a request the customer filed: the authorizations of the filing company.
    assert at_sizes(client, msa_request.get_absolute_url(), technicians) == [10, 10]
