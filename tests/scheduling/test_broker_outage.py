"""Staff and customers keep working while the task broker (Redis) is down."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from common.models import OutgoingEmail
from common.tasks import deliver_outbox
from enrollment.models import Request
from scheduling import services, tasks
from scheduling.models import UnplaceableReport, VisitNotice
from tests.factories import StaffFactory
from tests.scheduling.conftest import approved_request
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db


def test_run_the_scheduler_now_says_it_did_not_start_while_the_broker_is_down(
    client, settings, dead_broker, caplog
):
    settings.SCHEDULING_HORIZON_BUSINESS_DAYS = 1
    TechnicianFactory(windows=[(8, 12, 1)])
    approved_request(), approved_request()
    services.schedule_approved_requests(notify=False)
    report = UnplaceableReport.objects.get()
    client.force_login(StaffFactory())

    with caplog.at_level(logging.WARNING, logger="common.queue"):
        response = client.post(
            reverse("admin:scheduling_unplaceablereport_changelist"),
            {"action": "run_scheduler", "_selected_action": [report.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "did not start" in response.content.decode()
    assert "broker unavailable: scheduler run (admin) not sent" in caplog.text


def test_booking_a_visit_while_the_broker_is_down_keeps_the_booking(
    dead_broker, caplog, django_capture_on_commit_callbacks
):
    TechnicianFactory(windows=[(8, 12, 2)])
    msa_request = approved_request()

    with (
        caplog.at_level(logging.WARNING, logger="common.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = services.schedule_approved_requests()

    assert result.placed == 1
    msa_request.refresh_from_db()
    assert msa_request.visits.filter(state="booked").exists()
    assert "broker unavailable: visit email written to the outbox instead" in caplog.text


def test_a_visit_email_that_cannot_be_queued_is_sent_once_the_broker_is_back(
    dead_broker, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "common.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    TechnicianFactory(windows=[(8, 12, 2)])
    msa_request = approved_request()

    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_approved_requests()

    visit = msa_request.visits.get()
    assert VisitNotice.objects.filter(visit=visit, kind="booked").exists()
    assert OutgoingEmail.objects.count() == 1
    assert mail.outbox == []

    dead_broker.conf.task_always_eager = True  # the broker is back: beat runs the sweep
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        assert deliver_outbox.delay().get() == 1
    assert tasks.send_visit_email.delay(visit.pk, "booked").get() is False  # not twice

    (sent,) = mail.outbox
    assert msa_request.reference in sent.message()["Subject"]
    assert {part.get_content_type() for part in sent.message().walk()} >= {"text/calendar"}


def test_the_sweep_books_an_approval_whose_scheduler_run_was_lost():
    TechnicianFactory(windows=[(8, 12, 2)])
    lost = approved_request()
    fresh = approved_request()  # approved just now: its own run may still be on its way
    Request.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - tasks.SWEEP_GRACE - timedelta(seconds=1)
    )

    assert tasks.sweep_never_scheduled() == 1
    assert lost.visits.filter(state="booked").exists()
    assert fresh.visits.filter(state="booked").exists()
    # The scheduler plans the whole queue at once, so the fresh one is placed too; a second
    # sweep finds nothing left and runs nothing.
    assert tasks.sweep_never_scheduled() == 0


def test_the_sweep_leaves_unplaceable_and_fresh_approvals_to_the_periodic_run(settings):
    settings.SCHEDULING_HORIZON_BUSINESS_DAYS = 1
    TechnicianFactory(windows=[(8, 12, 1)])
    approved_request(), approved_request()
    services.schedule_approved_requests(notify=False)  # one placed, one reported unplaceable
    Request.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    approved_request()  # approved just now: its own run is still on its way

    assert tasks.sweep_never_scheduled() == 0
