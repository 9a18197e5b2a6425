import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from enrollment.models import Status
from tests.factories import MsaRequestFactory

# Monday before Thanksgiving 2026: the first bookable day (two business days on) is Wed Nov 25,
# and the next business day after that is Mon Nov 30 (Thu and Fri are holidays in California).
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _scheduling_settings(settings):
    settings.SCHEDULING_LEAD_BUSINESS_DAYS = 2
    settings.SCHEDULING_HORIZON_BUSINESS_DAYS = 10
    settings.MSA_TARGET_BUSINESS_DAYS = 30


def approved_request(**fields):
    """An approved request submitted a week ago, in Rosemead unless told otherwise."""
    fields.setdefault("submitted_at", timezone.now() - datetime.timedelta(days=7))
    return MsaRequestFactory(status=Status.APPROVED, **fields)


def on_the_day(day: datetime.date):
    """Travel to mid-morning of ``day`` in the utility's time zone (outcomes wait for the day)."""
    moment = datetime.datetime.combine(day, datetime.time(10), ZoneInfo("America/Los_Angeles"))
    return time_machine.travel(moment, tick=False)
