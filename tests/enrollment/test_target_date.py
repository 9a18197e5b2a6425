"""The 30-business-day target is stored when the clock starts, pauses and resumes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.test import override_settings

from enrollment import services
from enrollment.models import EligibilityOutcome, Request, RequestEvent, Status
from scheduling.selectors import SlaRisk, request_sla, requests_with_sla_risk
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def on(day: int, month: int = 10):
    return time_machine.travel(dt.datetime(2026, month, day, 10, tzinfo=LA), tick=False)


def paid_on(day: int, month: int = 10) -> Request:
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)
    with on(day, month):
        services.request_mark_paid(msa_request_id=msa_request.pk)
        services.request_record_eligibility(
            msa_request_id=msa_request.pk, outcome=EligibilityOutcome.PASS
        )
    return Request.objects.get(pk=msa_request.pk)


@override_settings(MSA_TARGET_BUSINESS_DAYS=30)
def test_payment_stores_the_30th_business_day_as_the_target():
    msa_request = paid_on(1)

    # Oct 1 + 30 business days, Veterans Day (Nov 11) skipped.
    assert msa_request.target_date == dt.date(2026, 11, 13)
    assert msa_request.target_paused_on is None


@override_settings(MSA_TARGET_BUSINESS_DAYS=30)
def test_asking_for_information_pauses_and_the_answer_moves_the_target_by_the_days_waited():
    msa_request = paid_on(1)
    with on(5):
        services.request_ask_for_info(msa_request_id=msa_request.pk, actor=None, question="Photo?")
    paused = Request.objects.get(pk=msa_request.pk)
    with on(12):
        services.request_answer_info(msa_request_id=msa_request.pk, actor=None, answer="Here.")
        # A repeated answer is harmless: the target moves once.
        services.request_answer_info(msa_request_id=msa_request.pk, actor=None, answer="Here.")
    resumed = Request.objects.get(pk=msa_request.pk)

    assert paused.target_paused_on == dt.date(2026, 10, 5)
    assert paused.target_days_left_when_paused == 28  # Oct 2 and Oct 5 gone
    # Oct 6-9 and Oct 12: five business days waiting on the customer.
    assert resumed.target_date == dt.date(2026, 11, 20)
    assert resumed.paused_business_days == 5
    assert resumed.target_paused_on is None


@override_settings(MSA_TARGET_BUSINESS_DAYS=30)
def test_a_request_waiting_on_the_customer_keeps_the_days_it_had_left():
    msa_request = paid_on(2, 11)
    with on(16, 11):
        services.request_ask_for_info(msa_request_id=msa_request.pk, actor=None, question="?")
    msa_request.refresh_from_db()

    sla = request_sla(msa_request=msa_request, today=dt.date(2026, 11, 23))

    assert sla.is_paused
    assert sla.paused_business_days == 5  # Nov 17-20 and Mon Nov 23
    # Nov 2 + 30 business days = Dec 17 (Veterans Day, Thanksgiving and the day after skipped),
    # then 5 business days waited.
    assert sla.due_date == dt.date(2026, 12, 24)
    assert sla.business_days_left == msa_request.target_days_left_when_paused


@override_settings(MSA_TARGET_BUSINESS_DAYS=30)
def test_a_paused_request_close_to_its_target_stays_at_risk_while_the_customer_is_silent():
    msa_request = paid_on(1)
    with on(10, 11):  # 3 business days before Nov 13 (Veterans Day skipped)
        services.request_ask_for_info(msa_request_id=msa_request.pk, actor=None, question="?")
    everyone = Request.objects.all()

    weeks_later = dt.date(2026, 12, 15)
    at_risk = requests_with_sla_risk(
        msa_requests=everyone, risks={SlaRisk.AT_RISK}, today=weeks_later
    )
    overdue = requests_with_sla_risk(
        msa_requests=everyone, risks={SlaRisk.OVERDUE}, today=weeks_later
    )

    assert at_risk == [msa_request.pk]
    assert overdue == []


@override_settings(MSA_TARGET_BUSINESS_DAYS=30)
def test_the_migration_derives_targets_of_existing_requests_from_their_pauses():
    msa_request = MsaRequestFactory(
        status=Status.APPROVED, submitted_at=dt.datetime(2026, 10, 1, 10, tzinfo=LA)
    )
    Request.objects.filter(pk=msa_request.pk).update(target_date=None)
    for source, target, day in [
        (Status.UNDER_REVIEW, Status.INFO_REQUESTED, 5),
        (Status.INFO_REQUESTED, Status.UNDER_REVIEW, 12),
    ]:
        event = RequestEvent.objects.create(
            msa_request=msa_request, from_status=source, to_status=target
        )
        RequestEvent.objects.filter(pk=event.pk).update(
            created_at=dt.datetime(2026, 10, day, 10, tzinfo=LA)
        )
    migration = __import__(
        "scheduling.migrations.0008_backfill_request_targets", fromlist=["backfill"]
    )

    migration.backfill(django_apps, None)

    msa_request.refresh_from_db()
    assert msa_request.target_date == dt.date(2026, 11, 20)
    assert msa_request.paused_business_days == 5
