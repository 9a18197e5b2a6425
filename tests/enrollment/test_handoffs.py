"""Hand-offs after a commit: approval sets the scheduler off; a dead broker loses nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from enrollment import services, tasks
from enrollment.models import Request, Status
from tests.factories import MsaRequestFactory
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db


def test_approval_books_a_visit_through_the_scheduler(
    staff_user, django_capture_on_commit_callbacks
):
    TechnicianFactory()
    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW, premises_zip="91770")

    with django_capture_on_commit_callbacks(execute=True):
        services.request_approve(msa_request_id=msa_request.pk, actor=staff_user)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED
    assert msa_request.visits.count() == 1


def test_a_paid_request_is_saved_and_checked_later_when_the_broker_is_down(
    dead_broker, django_capture_on_commit_callbacks
):
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)

    with django_capture_on_commit_callbacks(execute=True):
        services.request_mark_paid(msa_request_id=msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.SUBMITTED

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert tasks.sweep_unchecked_requests() == 1

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.eligibility_results.count() > 0


def test_the_sweep_leaves_fresh_and_checked_requests_alone():
    fresh = MsaRequestFactory(status=Status.SUBMITTED, submitted_at=timezone.now())
    checked = MsaRequestFactory(status=Status.UNDER_REVIEW)

    assert tasks.sweep_unchecked_requests() == 0
    assert Request.objects.get(pk=fresh.pk).status == Status.SUBMITTED
    assert Request.objects.get(pk=checked.pk).status == Status.UNDER_REVIEW
