"""The 30-business-day target: counted from submission, paused while information is requested."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from enrollment.models import Status
from scheduling import selectors
from scheduling.calendar import get_calendar
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def at(day: int, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=LA)


def test_due_date_is_30_business_days_after_submission():
    msa_request = MsaRequestFactory(status=Status.APPROVED, submitted_at=at(1))

    sla = selectors.request_sla(msa_request=msa_request)

    # Oct 1 + 30 business days (Veterans Day, Nov 11, is skipped) = Nov 13.
    assert sla.due_date == dt.date(2026, 11, 13)
    assert sla.business_days_left == -6  # today is Mon Nov 23
    assert not sla.is_paused


def test_the_clock_pauses_while_information_is_requested():
    msa_request = MsaRequestFactory(status=Status.APPROVED, submitted_at=at(1))
    type(msa_request).objects.filter(pk=msa_request.pk).update(
        target_date=dt.date(2026, 11, 20), paused_business_days=5
    )
    msa_request.refresh_from_db()

    sla = selectors.request_sla(msa_request=msa_request)
    bulk = selectors.requests_due_dates(
        msa_requests=type(msa_request).objects.filter(pk=msa_request.pk),
        calendar=get_calendar(),
        today=dt.date(2026, 11, 23),
    )

    assert sla.paused_business_days == 5
    assert sla.due_date == dt.date(2026, 11, 20)
    assert bulk == {msa_request.pk: sla.due_date}


# Pausing and resuming through the services: tests/enrollment/test_target_date.py.
