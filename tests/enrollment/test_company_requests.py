"""The contractor company's requests dashboard: filters, search, sort, pages, CSV export."""

import codecs
import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from enrollment.models import Request, Status
from tests.enrollment.factories import authorize
from tests.factories import ContractorFactory, MsaRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("enrollment:company_requests")
EXPORT = reverse("enrollment:company_requests_export")


@pytest.fixture
def contractor():
    return ContractorFactory()


def filed(contractor, **fields):
    defaults = {
        "applicant": None,
        "filed_by": contractor,
        "contractor_company": contractor.company,
        "customer_name": "Some Customer",
        "customer_email": "someone@example.com",
    }
    return MsaRequestFactory(**{**defaults, **fields})


def listed(response) -> list[str]:
    return [a.reference for a in response.context["page"].object_list]


def exported(client, query="") -> list[list[str]]:
    response = client.get(f"{EXPORT}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_dashboard_lists_the_whole_companys_requests_and_nobody_elses(client, contractor):
    colleague = ContractorFactory(company=contractor.company)
    mine = filed(contractor)
    theirs = filed(colleague)
    other_company = filed(ContractorFactory())
    customers_own = MsaRequestFactory()
    client.force_login(contractor)

    response = client.get(URL)

    assert set(listed(response)) == {mine.reference, theirs.reference}
    assert other_company.reference not in response.content.decode()
    assert customers_own.reference not in response.content.decode()


def test_filters_by_status_and_request_type(client, contractor):
    draft_install = filed(contractor)
    paying_install = filed(contractor, status=Status.AWAITING_PAYMENT)
    paying_removal = filed(contractor, status=Status.AWAITING_PAYMENT, request_type="removal")
    client.force_login(contractor)

    by_status = client.get(URL, {"status": "awaiting_payment"})
    by_both = client.get(URL, {"status": "awaiting_payment", "request_type": "removal"})

    assert set(listed(by_status)) == {paying_install.reference, paying_removal.reference}
    assert listed(by_both) == [paying_removal.reference]
    assert draft_install.reference not in listed(by_status)
    # A payment link for the request waiting for its fee: the contractor may pay for the customer.
    assert f"{paying_install.get_absolute_url()}#pay" in by_status.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("maria", "garcia"),
        ("GARCIA", "garcia"),
        ("Elm", "elm"),
        ("Pasadena", "elm"),
        ("712345678901", "garcia"),
        ("8555000111", "elm"),
    ],
)
def test_search_by_customer_name_address_or_account_number(client, contractor, query, expected):
    requests = {
        "garcia": filed(
            contractor, customer_name="Maria Garcia", customer_account_number="712345678901"
        ),
        "elm": filed(
            contractor,
            premises_street="12 Elm Ave",
            premises_city="Pasadena",
            service_account_number="8555000111",
        ),
    }
    client.force_login(contractor)

    response = client.get(URL, {"q": query})

    assert listed(response) == [requests[expected].reference]


def test_search_by_reference(client, contractor):
    wanted = filed(contractor)
    filed(contractor)
    client.force_login(contractor)

    assert listed(client.get(URL, {"q": wanted.reference})) == [wanted.reference]


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("customer", ["Ann", "Bob", "Cy"]),
        ("-customer", ["Cy", "Bob", "Ann"]),
        ("reference", ["Bob", "Cy", "Ann"]),
        ("nonsense", ["Ann", "Cy", "Bob"]),  # unknown sort: newest change first
    ],
)
def test_columns_sort_both_ways_and_a_bad_sort_falls_back(client, contractor, sort, names):
    for name in ("Bob", "Cy", "Ann"):
        filed(contractor, customer_name=name)
    client.force_login(contractor)

    response = client.get(URL, {"sort": sort})

    assert [a.customer_name for a in response.context["page"].object_list] == names


def test_pages_keep_the_filters(client, contractor, settings):
    settings.MSA_COMPANY_REQUESTS_PER_PAGE = 2
    for _ in range(5):
        filed(contractor, request_type="removal")
    filed(contractor)
    client.force_login(contractor)

    first = client.get(URL, {"request_type": "removal"})
    third = client.get(URL, {"request_type": "removal", "page": 3})

    assert first.context["page"].paginator.num_pages == 3
    assert "request_type=removal&amp;page=2" in first.content.decode()
    assert len(listed(third)) == 1


def test_the_page_makes_the_same_number_of_queries_for_1_or_30_requests(
    client, contractor, django_assert_num_queries
):
    filed(contractor)
    client.force_login(contractor)
    client.get(URL)  # warm up the session and the agreement caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(URL, {"sort": "customer"}).status_code == 200
    for _ in range(29):
        filed(contractor)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"sort": "customer"})
    assert len(listed(response)) == 25


def test_the_export_has_the_filtered_list(client, contractor):
    filed(contractor, customer_name="Kept", status=Status.AWAITING_PAYMENT)
    filed(contractor, customer_name="Filtered out")
    client.force_login(contractor)

    rows = exported(client, "status=awaiting_payment")

    assert rows[0][:4] == ["Request", "Status", "Request type", "Customer name"]
    assert [row[3] for row in rows[1:]] == ["Kept"]


def test_the_export_makes_the_same_number_of_queries_for_1_or_30_requests(
    client, contractor, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    filed(contractor)
    client.force_login(contractor)
    exported(client)
    with CaptureQueriesContext(connection) as one:
        assert len(exported(client)) == 2
    for _ in range(29):
        filed(contractor)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(exported(client)) == 31


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_the_export_defuses_spreadsheet_formulas(client, contractor, prefix):
    filed(contractor, customer_name=f'{prefix}HYPERLINK("http://evil")')
    client.force_login(contractor)

    rows = exported(client)

    assert rows[1][3] == f'\'{prefix}HYPERLINK("http://evil")'


def test_the_export_marks_the_authorization_on_file(client, contractor):
    with_form = filed(contractor, customer_name="With")
    authorize(with_form)
    filed(contractor, customer_name="Without")
    client.force_login(contractor)

    rows = {row[3]: row for row in exported(client)[1:]}

    assert rows["With"][10] == "yes"
    assert rows["Without"][10] == "no"


def test_customers_get_a_404_from_the_dashboard(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_a_revoked_request_leaves_the_dashboard_and_the_export(client, contractor):
    from enrollment.authorizations import authorization_revoke

    customer = UserFactory()
    revoked = filed(contractor, applicant=customer, customer_name="Gone")
    filed(contractor, customer_name="Still here")
    authorization_revoke(msa_request_id=revoked.pk, actor=customer)
    client.force_login(contractor)

    assert revoked.reference not in listed(client.get(URL))
    assert [row[3] for row in exported(client)[1:]] == ["Still here"]


def test_a_contractors_my_requests_is_the_company_dashboard(client, contractor):
    client.force_login(contractor)

    response = client.get(reverse("enrollment:request_list"))

    assert response.status_code == 302
    assert response.url == URL


def test_the_export_writes_date_times_excel_reads_as_dates(client, contractor):
    submitted = dt.datetime(2026, 1, 15, 9, 30, 12, 345678, tzinfo=ZoneInfo("America/Los_Angeles"))
    msa_request = filed(contractor, customer_name="Zoë Ñúñez", status=Status.SUBMITTED)
    Request.objects.filter(pk=msa_request.pk).update(submitted_at=submitted)
    client.force_login(contractor)

    header, row = exported(client)
    cells = dict(zip(header, row, strict=True))

    assert cells["Customer name"] == "Zoë Ñúñez"
    # Local time, no microseconds or offset: a spreadsheet reads it as a date-time.
    assert cells["Submitted at"] == "2026-01-15 09:30:12"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells["Last change"])
