"""Redis down at the moment a customer pays: nothing lost, the check runs once Redis is back.

The shared Redis is not stopped: the submitting side is pointed at a closed port, which a
producer sees exactly as a dead Redis. A real worker on the real Redis then runs the sweep.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment import tasks
from enrollment.models import EligibilityResult, Request, RequestEvent, Status
from payments.models import Payment
from tests.eligibility.factories import eligible_submitted_request
from tests.factories import UserFactory
from tests.integration.conftest import start_worker, stop_worker, wait_for

pytestmark = pytest.mark.integration


@contextmanager
def broker_down(app):
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None


def test_paying_while_redis_is_down_confirms_saves_and_is_checked_once_later(
    transactional_db, broker, client, settings, caplog
):
    settings.PAYMENT_PROVIDER = "demo"
    settings.STRIPE_SECRET_KEY = ""
    customer = UserFactory()
    msa_request = eligible_submitted_request(applicant=customer)
    Request.objects.filter(pk=msa_request.pk).update(
        status=Status.AWAITING_PAYMENT, submitted_at=None
    )
    client.force_login(customer)

    with broker_down(broker):
        start = client.post(reverse("payments:checkout_start", kwargs={"pk": msa_request.pk}))
        paid = client.post(start.url, {"action": "pay"}, follow=True)

    # The customer sees the normal confirmation, not an error.
    assert paid.status_code == 200
    assert "your payment of $279.22 is received" in paid.content.decode()
    assert "broker unavailable: eligibility check left for the periodic sweep" in caplog.text
    # The request and its payment are saved; the check is owed.
    msa_request.refresh_from_db()
    assert msa_request.status == Status.SUBMITTED
    assert Payment.objects.get(msa_request=msa_request).status == Payment.Status.SUCCEEDED
    assert not EligibilityResult.objects.filter(msa_request=msa_request).exists()

    # Redis is back: the request has waited past the sweep's grace period.
    Request.objects.filter(pk=msa_request.pk).update(
        submitted_at=timezone.now() - tasks.SWEEP_GRACE - timedelta(minutes=1)
    )
    worker = start_worker(broker)
    try:
        tasks.sweep_unchecked_requests.delay()
        tasks.sweep_unchecked_requests.delay()
        # One task at a time, in order: once this marker is checked, both sweeps have run.
        marker = eligible_submitted_request()
        tasks.check_eligibility.delay(marker.pk)
        wait_for(lambda: Request.objects.filter(pk=marker.pk, status=Status.UNDER_REVIEW).exists())
    finally:
        output = stop_worker(worker)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW, output
    assert msa_request.eligibility_outcome == "pass"
    codes = list(
        EligibilityResult.objects.filter(msa_request=msa_request).values_list("code", flat=True)
    )
    assert len(codes) == len(set(codes)) == 13
    assert (
        RequestEvent.objects.filter(msa_request=msa_request, to_status=Status.UNDER_REVIEW).count()
        == 1
    )
    assert Payment.objects.filter(msa_request=msa_request).count() == 1
