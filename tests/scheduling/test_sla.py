"""The 30-business-day target: counted from submission, paused while information is requested."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from enrollment.models import RequestEvent, Status
from scheduling import selectors
from scheduling.calendar import get_calendar
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def at(day: int, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=LA)


def event(msa_request, from_status, to_status, when):
    row = RequestEvent.objects.create(
        msa_request=msa_request, from_status=from_status, to_status=to_status
    )
    RequestEvent.objects.filter(pk=row.pk).update(created_at=when)


def test_due_date_is_30_business_days_after_submission():
    msa_request = MsaRequestFactory(status=Status.APPROVED, submitted_at=at(1))

    sla = selectors.request_sla(msa_request=msa_request)

    # Oct 1 + 30 business days (Veterans Day, Nov 11, is skipped) = Nov 13.
    assert sla.due_date == dt.date(2026, 11, 13)
    assert sla.business_days_left == -6  # today is Mon Nov 23
    assert not sla.is_paused


def test_the_clock_pauses_while_information_is_requested():
    msa_request = MsaRequestFactory(status=Status.APPROVED, submitted_at=at(1))
    event(msa_request, Status.UNDER_REVIEW, Status.INFO_REQUESTED, at(5))
    event(msa_request, Status.INFO_REQUESTED, Status.UNDER_REVIEW, at(12))  # 5 business days
    event(msa_request, Status.UNDER_REVIEW, Status.APPROVED, at(13))

    sla = selectors.request_sla(msa_request=msa_request)
    bulk = selectors.requests_due_dates(
        msa_requests=type(msa_request).objects.filter(pk=msa_request.pk),
        calendar=get_calendar(),
        today=dt.date(2026, 11, 23),
    )

    assert sla.paused_business_days == 5
    assert sla.due_date == dt.date(2026, 11, 20)
    assert bulk == {msa_request.pk: sla.due_date}


def test_an_open_information_request_keeps_the_clock_paused():
    msa_request = MsaRequestFactory(status=Status.INFO_REQUESTED, submitted_at=at(2, 11))
    event(msa_request, Status.UNDER_REVIEW, Status.INFO_REQUESTED, at(16, 11))

    sla = selectors.request_sla(msa_request=msa_request)

    assert sla.is_paused
    assert sla.paused_business_days == 5  # Nov 17-20 and Mon Nov 23
