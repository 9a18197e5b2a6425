"""Refunds and fulfilment where a wrong line once went unnoticed (issue 28, mutation testing)."""

from datetime import timedelta

import pytest
import time_machine

from payments.models import Payment, Refund
from payments.services import (
    PaymentError,
    payment_close_session,
    payment_fulfil_from_session,
    payment_reconcile,
    payment_record_refund,
    payment_refund,
    payment_refund_duplicate,
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


@pytest.mark.parametrize("amount_cents", [0, -100])
def test_the_service_refuses_a_refund_of_nothing(fake_stripe, paid, amount_cents):
    with pytest.raises(PaymentError):
        payment_refund(
            payment_id=paid.pk, amount_cents=amount_cents, reason="Asked by phone", staff_user=None
        )

    assert not Refund.objects.exists()
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def test_a_cancelled_refund_reported_succeeded_late_is_not_counted(fake_stripe, paid):
    """Cancelled is final: a late, out-of-order "succeeded" does not give the money back."""
    refund = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)
    stripe_refund = fake_stripe.refunds[refund.provider_refund_id]

    payment_record_refund(refund={**stripe_refund, "status": "canceled"})
    payment_record_refund(refund={**stripe_refund, "status": "succeeded"})

    refund.refresh_from_db()
    paid.refresh_from_db()
    assert refund.status == Refund.Status.CANCELED
    assert paid.amount_refunded_cents == 0


def test_a_refund_waiting_on_the_customers_bank_is_recorded_pending(fake_stripe, paid):
    """Stripe's "requires_action" is not money returned yet: the row says pending."""
    refund = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)
    stripe_refund = fake_stripe.refunds[refund.provider_refund_id]
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.PENDING)

    payment_record_refund(refund={**stripe_refund, "status": "requires_action"})

    refund.refresh_from_db()
    assert refund.status == Refund.Status.PENDING


def test_refunds_reported_above_the_fee_never_show_more_given_back_than_was_paid(paid):
    """Two refunds Stripe reports for more than the fee in all: the total stops at the fee."""
    for n in (1, 2):
        payment_record_refund(
            refund={
                "id": f"re_over_{n}",
                "payment_intent": paid.payment_intent_id,
                "amount": paid.amount_cents - 100,
                "status": "succeeded",
            }
        )

    paid.refresh_from_db()
    assert paid.amount_refunded_cents == paid.amount_cents
    assert paid.refundable_cents == 0
    assert paid.status == Payment.Status.REFUNDED


def test_a_second_refund_of_the_same_amount_is_a_new_refund_not_a_retry(fake_stripe, paid):
    """Two partial refunds of $50 an hour apart give $100 back, in two Stripe refunds."""
    first = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)
    second = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)

    paid.refresh_from_db()
    assert first.pk != second.pk
    assert paid.amount_refunded_cents == 10000
    assert fake_stripe.refunded_cents(paid.payment_intent_id) == 10000


@pytest.mark.parametrize("status", [Payment.Status.EXPIRED, Payment.Status.FAILED])
def test_a_late_expired_or_failed_event_leaves_a_paid_fee_paid(session, paid, status):
    """Stripe's event for a session the customer has paid changes nothing and fails nothing."""
    payment_close_session(session=session, provider="stripe", status=status)

    paid.refresh_from_db()
    assert paid.status == Payment.Status.SUCCEEDED


def test_the_automatic_duplicate_refund_leaves_an_ordinary_paid_fee_alone(fake_stripe, paid):
    assert payment_refund_duplicate(payment_id=paid.pk) is None

    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 0
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def test_a_checkout_stripe_never_opened_is_given_up_after_a_day(fake_stripe):
    """A payment whose session was never created (Stripe failed every time) closes after 24 h;
    a younger one is left for its retry."""
    from django.utils import timezone

    old, young = PaymentFactory(), PaymentFactory()
    Payment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    Payment.objects.filter(pk=young.pk).update(created_at=timezone.now() - timedelta(hours=1))

    payment_reconcile(older_than_minutes=30)

    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == Payment.Status.EXPIRED
    assert young.status == Payment.Status.PENDING
