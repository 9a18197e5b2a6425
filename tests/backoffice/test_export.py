"""CSV export of the filtered queue: the rows on screen, streamed, safe to open in a spreadsheet."""

import codecs
import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from common.csvexport import csv_safe
from enrollment.models import Request, Status
from tests.backoffice.conftest import make_request

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:enrollment_request_export")
SUBMITTED = dt.datetime(2026, 1, 15, 9, 30, 12, 345678, tzinfo=ZoneInfo("America/Los_Angeles"))


def rows_of(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
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


def test_excel_opens_the_export_with_accents_intact_and_plain_date_times(client, reviewer):
    request = make_request(Status.APPROVED, customer_name="Zoë Ñúñez")
    Request.objects.filter(pk=request.pk).update(submitted_at=SUBMITTED)
    client.force_login(reviewer)

    body = b"".join(client.get(EXPORT).streaming_content)

    # Excel reads a file as UTF-8 only when it starts with the byte-order mark.
    assert body.startswith(codecs.BOM_UTF8)
    assert body.count(codecs.BOM_UTF8) == 1
    (row,) = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert row["Customer"] == "Zoë Ñúñez"
    # Local time, no microseconds or offset: a spreadsheet reads it as a date-time.
    assert row["Submitted at"] == "2026-01-15 09:30:12"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["Created at"])


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
