"""The queue's business-day age and 30-business-day target, and the at-risk filter."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from enrollment.models import Status
from scheduling.calendar import get_calendar
from scheduling.selectors import SlaRisk, requests_sla, requests_with_sla_risk
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db


def submitted_business_days_ago(n: int, **fields):
    calendar = get_calendar()
    day = timezone.localdate()
    while calendar.business_days_between(day, timezone.localdate()) < n:
        day = day.fromordinal(day.toordinal() - 1)
    moment = timezone.make_aware(datetime.combine(day, time(10)))
    return MsaRequestFactory(
        status=fields.pop("status", Status.UNDER_REVIEW), submitted_at=moment, **fields
    )


def test_risk_follows_business_days_left_before_the_target():
    fresh = submitted_business_days_ago(2)
    close = submitted_business_days_ago(27)
    late = submitted_business_days_ago(35)
    done = submitted_business_days_ago(35, status=Status.COMPLETED)

    rows = requests_sla(msa_requests=type(fresh).objects.all())

    assert rows[fresh.pk].risk == SlaRisk.ON_TRACK
    assert rows[fresh.pk].age_business_days == 2
    assert rows[close.pk].risk == SlaRisk.AT_RISK
    assert rows[late.pk].risk == SlaRisk.OVERDUE
    assert done.pk not in rows
    at_risk = requests_with_sla_risk(
        msa_requests=type(fresh).objects.all(), risks={SlaRisk.AT_RISK}
    )
    assert at_risk == [close.pk]


def test_waiting_on_the_applicant_pauses_the_clock():
    paused = submitted_business_days_ago(35)
    type(paused).objects.filter(pk=paused.pk).update(
        status=Status.INFO_REQUESTED,
        target_paused_on=timezone.localdate() - timedelta(days=40),
        target_days_left_when_paused=25,
    )

    row = requests_sla(msa_requests=type(paused).objects.filter(pk=paused.pk))[paused.pk]

    assert row.risk == SlaRisk.ON_TRACK


def test_queue_shows_age_and_target_and_filters_overdue(admin_client):
    late = submitted_business_days_ago(35)
    fresh = submitted_business_days_ago(1)

    html = admin_client.get("/admin/enrollment/request/").content.decode()
    overdue = admin_client.get("/admin/enrollment/request/?sla=overdue").content.decode()

    assert "sla-overdue" in html and "sla-on_track" in html
    assert late.reference in overdue
    assert fresh.reference not in overdue
