"""CSV export of the filtered queue: the rows on screen, streamed, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from common.csvexport import csv_safe
from enrollment.models import Status
from tests.backoffice.conftest import make_request

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:enrollment_request_export")


def rows_of(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_export_honours_the_queue_filters_and_search(client, reviewer):
    approved = make_request(Status.APPROVED, customer_name="Ana Approved")
    make_request(Status.UNDER_REVIEW, customer_name="Ana Waiting")
    make_request(Status.APPROVED, customer_name="Bo Approved")
    client.force_login(reviewer)

    response = client.get(EXPORT + "?status__exact=approved&q=Ana")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = rows_of(response)
    assert [(r["Reference"], r["Customer"], r["Status"]) for r in rows] == [
        (approved.reference, "Ana Approved", "approved")
    ]


def test_queue_links_the_export_with_its_current_filters(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("admin:enrollment_request_changelist") + "?q=Ana")

    assert f"{EXPORT}?q=Ana".encode() in response.content


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 626 555 0100", "'+1 626 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Dana Customer", "Dana Customer"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert csv_safe(value) == expected


def test_export_neutralises_formulas_typed_by_applicants(client, reviewer):
    make_request(customer_name='=cmd|" /C calc"!A0', premises_street="@evil")
    client.force_login(reviewer)

    (row,) = rows_of(client.get(EXPORT))

    assert row["Customer"].startswith("'=")
    assert row["Premises"].startswith("'@")


def test_export_selected_action(client, reviewer):
    chosen = make_request()
    make_request()
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:enrollment_request_changelist"),
        {"action": "export_selected", "_selected_action": [chosen.pk]},
    )

    assert [r["Reference"] for r in rows_of(response)] == [chosen.reference]
