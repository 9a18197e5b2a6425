"""One fulfilment path: the success page and reconciliation settle from Stripe's own answer."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from enrollment.models import RequestEvent, Status
from payments import tasks
from payments.models import Payment
from payments.services import payment_fulfil_from_session, payment_start_checkout
from tests.payments.factories import receipt_emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(fake_stripe, customer_client, awaiting):
    customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))
    return Payment.objects.get()


def success_url(msa_request, session_id):
    return reverse("payments:checkout_success", kwargs={"pk": msa_request.pk}) + (
        f"?session_id={session_id}"
    )


def test_success_page_settles_from_a_server_side_retrieve(
    fake_stripe, customer_client, awaiting, started, django_capture_on_commit_callbacks
):
    fake_stripe.complete(started.checkout_session_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.get(success_url(awaiting, started.checkout_session_id))

    assert fake_stripe.calls("GET", f"/v1/checkout/sessions/{started.checkout_session_id}")
    started.refresh_from_db()
    awaiting.refresh_from_db()
    assert started.status == Payment.Status.SUCCEEDED
    assert awaiting.status == Status.UNDER_REVIEW
    page = customer_client.get(response.url).content.decode()
    assert "your payment of $279.22 is received" in page
    assert len(receipt_emails()) == 1


def test_browser_redirect_alone_does_not_mark_a_request_paid(
    fake_stripe, customer_client, awaiting, started
):
    # The customer (or anyone) opens the success URL without having paid.
    response = customer_client.get(success_url(awaiting, started.checkout_session_id))

    started.refresh_from_db()
    awaiting.refresh_from_db()
    assert response.status_code == 302
    assert started.status == Payment.Status.PENDING
    assert awaiting.status == Status.AWAITING_PAYMENT


def test_success_page_with_a_made_up_session_id_changes_nothing(
    fake_stripe, customer_client, awaiting, started
):
    customer_client.get(success_url(awaiting, "cs_test_forged"))

    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_PAYMENT
    assert fake_stripe.calls("GET", "/v1/checkout/sessions/cs_test_forged") == []


def test_success_page_when_stripe_is_down_says_it_is_being_confirmed(
    fake_stripe, customer_client, awaiting, started
):
    fake_stripe.fail_next = [500]

    response = customer_client.get(success_url(awaiting, started.checkout_session_id))

    page = customer_client.get(response.url).content.decode()
    assert "being confirmed" in page


def test_webhook_and_success_page_together_fulfil_once(
    fake_stripe, customer_client, awaiting, started, django_capture_on_commit_callbacks
):
    session = fake_stripe.complete(started.checkout_session_id)

    with django_capture_on_commit_callbacks(execute=True):
        payment_fulfil_from_session(session=session, provider="stripe")
        customer_client.get(success_url(awaiting, started.checkout_session_id))
        payment_fulfil_from_session(session=session, provider="stripe")

    assert (
        RequestEvent.objects.filter(msa_request=awaiting, to_status=Status.SUBMITTED).count() == 1
    )
    assert len(receipt_emails()) == 1


def test_reconciliation_settles_a_paid_session_whose_webhook_never_came(
    fake_stripe, awaiting, started, settings
):
    fake_stripe.complete(started.checkout_session_id)

    with time_machine.travel(
        timezone.now() + timedelta(minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES + 1)
    ):
        settled = tasks.reconcile_payments.delay().get()

    started.refresh_from_db()
    awaiting.refresh_from_db()
    assert settled == 1
    assert started.status == Payment.Status.SUCCEEDED
    assert awaiting.status in (Status.SUBMITTED, Status.UNDER_REVIEW)


def test_reconciliation_expires_sessions_stripe_expired(fake_stripe, awaiting, started, settings):
    fake_stripe.expire(started.checkout_session_id)

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        tasks.reconcile_payments.delay().get()

    started.refresh_from_db()
    assert started.status == Payment.Status.EXPIRED


def test_reconciliation_leaves_recent_and_open_sessions_alone(fake_stripe, awaiting, started):
    tasks.reconcile_payments.delay().get()  # too recent: not even asked
    assert fake_stripe.calls("GET", f"/v1/checkout/sessions/{started.checkout_session_id}") == []

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        tasks.reconcile_payments.delay().get()

    started.refresh_from_db()
    assert started.status == Payment.Status.PENDING


def test_reconciliation_survives_stripe_being_down(fake_stripe, awaiting, started):
    fake_stripe.fail_next = [500]

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        settled = tasks.reconcile_payments.delay().get()

    started.refresh_from_db()
    assert settled == 0
    assert started.status == Payment.Status.PENDING


def test_reconciliation_sends_a_receipt_that_was_lost(fake_stripe, awaiting, started):
    session = fake_stripe.complete(started.checkout_session_id)
    payment_fulfil_from_session(session=session, provider="stripe")  # its on_commit never ran

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        tasks.reconcile_payments.delay().get()
        tasks.reconcile_payments.delay().get()

    started.refresh_from_db()
    assert started.receipt_sent_at is not None
    assert len(receipt_emails()) == 1


def test_paying_a_request_cancelled_meanwhile_keeps_the_payment_for_staff(
    fake_stripe, awaiting, started
):
    from enrollment.services import request_cancel

    request_cancel(msa_request_id=awaiting.pk, actor=awaiting.applicant)

    payment = payment_fulfil_from_session(
        session=fake_stripe.complete(started.checkout_session_id), provider="stripe"
    )

    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert awaiting.status == Status.CANCELLED


def test_checkout_near_its_expiry_is_expired_at_stripe_before_a_new_one(
    fake_stripe, customer_client, awaiting, started
):
    with time_machine.travel(started.session_expires_at - timedelta(minutes=1)):
        response = customer_client.post(
            reverse("payments:checkout_start", kwargs={"pk": awaiting.pk})
        )

    started.refresh_from_db()
    assert started.status == Payment.Status.EXPIRED
    assert fake_stripe.sessions[started.checkout_session_id]["status"] == "expired"
    [open_id] = fake_stripe.open_sessions()
    assert response.url.endswith(open_id)


def test_checkout_stripe_expired_is_replaced_by_a_new_one(
    fake_stripe, customer_client, awaiting, started
):
    fake_stripe.expire(started.checkout_session_id)

    with time_machine.travel(started.session_expires_at + timedelta(minutes=1)):
        response = customer_client.post(
            reverse("payments:checkout_start", kwargs={"pk": awaiting.pk})
        )

    started.refresh_from_db()
    assert started.status == Payment.Status.EXPIRED
    assert len(fake_stripe.sessions) == 2
    assert response.url.endswith(Payment.objects.get(status="pending").checkout_session_id)


def test_checkout_paid_while_its_webhook_is_late_is_settled_not_restarted(
    fake_stripe, customer_client, awaiting, started
):
    fake_stripe.complete(started.checkout_session_id)

    with time_machine.travel(started.session_expires_at + timedelta(minutes=1)):
        response = customer_client.post(
            reverse("payments:checkout_start", kwargs={"pk": awaiting.pk})
        )

    started.refresh_from_db()
    assert response.url == awaiting.get_absolute_url()
    assert started.status == Payment.Status.SUCCEEDED
    assert len(fake_stripe.sessions) == 1


def test_a_second_paid_checkout_for_one_visit_is_kept_and_flagged_for_refund(
    fake_stripe, awaiting, started
):
    # Stripe let a stale checkout be paid after the visit's fee was settled: the money must
    # not be lost, nor may the request move twice.
    first = fake_stripe.complete(started.checkout_session_id)
    Payment.objects.filter(pk=started.pk).update(status=Payment.Status.EXPIRED)
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    second = Payment.objects.get(status=Payment.Status.PENDING)
    payment_fulfil_from_session(
        session=fake_stripe.complete(second.checkout_session_id), provider="stripe"
    )

    late = payment_fulfil_from_session(session=first, provider="stripe")

    assert late.status == Payment.Status.DUPLICATE
    assert late.refundable_cents == 27922
    assert late.has_receipt
    assert (
        RequestEvent.objects.filter(msa_request=awaiting, to_status=Status.SUBMITTED).count() == 1
    )
