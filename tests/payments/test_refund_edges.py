"""Refunds and fulfilment where a wrong line once went unnoticed (issue 28, mutation testing)."""

from datetime import timedelta

import pytest
import time_machine

from payments.models import Payment, Refund
from payments.services import (
    PaymentError,
    payment_fulfil_from_session,
    payment_record_refund,
    payment_refund,
    payment_start_checkout,
)

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(fake_stripe, awaiting):
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    return fake_stripe.complete(Payment.objects.get().checkout_session_id)


@pytest.fixture
def paid(session):
    return payment_fulfil_from_session(session=session, provider="stripe")


def test_a_refund_stripe_rejects_at_once_is_not_counted_as_money_returned(fake_stripe, paid):
    fake_stripe.refund_status = "failed"

    refund = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)

    paid.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert paid.amount_refunded_cents == 0
    assert paid.refundable_cents == paid.amount_cents
    assert paid.status == Payment.Status.SUCCEEDED
    assert paid.attention == Payment.Attention.REFUND_FAILED


def test_a_refund_that_failed_then_was_cancelled_is_given_back_once(fake_stripe, paid):
    refund = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)
    stripe_refund = fake_stripe.refunds[refund.provider_refund_id]

    payment_record_refund(refund={**stripe_refund, "status": "failed"})
    payment_record_refund(refund={**stripe_refund, "status": "canceled"})
    payment_record_refund(refund={**stripe_refund, "status": "succeeded"})

    refund.refresh_from_db()
    paid.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert paid.amount_refunded_cents == 0
    assert paid.refundable_cents == paid.amount_cents


def test_a_succeeded_refund_reported_pending_late_stays_counted(fake_stripe, paid):
    refund = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)

    payment_record_refund(
        refund={**fake_stripe.refunds[refund.provider_refund_id], "status": "pending"}
    )

    refund.refresh_from_db()
    paid.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert paid.amount_refunded_cents == 5000


def test_fulfilling_a_session_again_after_a_refund_keeps_the_refund(session, paid):
    payment_refund(payment_id=paid.pk, amount_cents=paid.amount_cents, reason="r", staff_user=None)

    again = payment_fulfil_from_session(session=session, provider="stripe")

    again.refresh_from_db()
    assert again.status == Payment.Status.REFUNDED
    assert again.amount_refunded_cents == again.amount_cents


def test_the_older_checkout_paid_after_all_expires_the_newer_pending_one(fake_stripe, awaiting):
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    older = Payment.objects.get()
    with time_machine.travel(older.session_expires_at - timedelta(minutes=1)):
        payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    newer = Payment.objects.get(status=Payment.Status.PENDING)
    elsewhere = PaymentFactory()

    # The customer had paid in the older tab just before it was expired.
    session = {
        **fake_stripe.sessions[older.checkout_session_id],
        **{"status": "complete", "payment_status": "paid", "payment_intent": "pi_older"},
    }
    payment_fulfil_from_session(session=session, provider="stripe")

    older.refresh_from_db()
    newer.refresh_from_db()
    elsewhere.refresh_from_db()
    assert older.status == Payment.Status.SUCCEEDED
    assert newer.status == Payment.Status.EXPIRED
    assert elsewhere.status == Payment.Status.PENDING


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_service_refuses_a_staff_refund_without_a_reason(fake_stripe, paid, reason):
    with pytest.raises(PaymentError):
        payment_refund(payment_id=paid.pk, amount_cents=5000, reason=reason, staff_user=None)

    assert not Refund.objects.exists()
    assert fake_stripe.calls("POST", "/v1/refunds") == []
