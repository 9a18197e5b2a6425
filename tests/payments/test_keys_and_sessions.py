"""Idempotency keys unique to the installation; one open Checkout Session per fee."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from payments.models import Payment, Refund
from payments.services import payment_fulfil_from_session, payment_start_checkout
from tests.factories import MsaRequestFactory

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_keys_never_come_from_row_ids_alone(fake_stripe, awaiting):
    """Two databases on one Stripe account (staging, a restored backup) never share a key."""
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    payment = Payment.objects.get()
    other_database_row = PaymentFactory.build(pk=payment.pk)

    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    key = call.headers["idempotency-key"]
    assert key != f"checkout-{payment.pk}"
    assert len(payment.key) >= 24 and payment.key in key
    assert other_database_row.idempotency_key("checkout") != key


def test_a_newer_checkout_expires_the_older_one_at_stripe(fake_stripe, awaiting):
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    older = Payment.objects.get()

    with time_machine.travel(older.session_expires_at - timedelta(minutes=1)):
        payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)

    older.refresh_from_db()
    assert older.status == Payment.Status.EXPIRED
    assert fake_stripe.sessions[older.checkout_session_id]["status"] == "expired"
    assert fake_stripe.open_sessions() == [
        Payment.objects.get(status="pending").checkout_session_id
    ]


def test_second_payment_for_a_paid_fee_is_refunded_recorded_and_emailed(
    fake_stripe, django_capture_on_commit_callbacks
):
    msa_request = MsaRequestFactory(status="awaiting_payment")
    payment_start_checkout(msa_request_id=msa_request.pk)
    first = Payment.objects.get()
    second = PaymentFactory(msa_request=msa_request, status=Payment.Status.EXPIRED)
    # The customer paid an old session in another tab before it was expired.
    fake_stripe.sessions["cs_old"] = {
        **fake_stripe.sessions[first.checkout_session_id],
        "id": "cs_old",
        "metadata": {"request_id": str(msa_request.pk), "payment_id": str(second.pk)},
    }
    Payment.objects.filter(pk=second.pk).update(checkout_session_id="cs_old")
    payment_fulfil_from_session(
        session=fake_stripe.complete(first.checkout_session_id), provider="stripe"
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        payment_fulfil_from_session(session=fake_stripe.complete("cs_old"), provider="stripe")

    second.refresh_from_db()
    assert second.status == Payment.Status.REFUNDED
    refund = Refund.objects.get()
    assert refund.origin == Refund.Origin.AUTOMATIC
    assert refund.provider_refund_id in fake_stripe.refunds
    assert fake_stripe.refunded_cents(second.payment_intent_id) == 27922
    assert any("Refund on your MSA site-visit fee" in m.subject for m in mail.outbox)
    assert second.attention == ""  # refunded in full: nothing left for a person
