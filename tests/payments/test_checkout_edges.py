"""Checkout and fulfilment at their edges: one payable session per visit, the right payment
found for a session, Stripe refusing twice, a broker outage after the money came in."""

import pytest

from payments.errors import ProviderUnavailable
from payments.models import Payment
from payments.services import (
    payment_fulfil_from_session,
    payment_record_refund,
    payment_start_checkout,
)
from tests.factories import MsaRequestFactory

from .factories import PaymentFactory, receipt_emails

pytestmark = pytest.mark.django_db


def open_session_for(fake_stripe, payment) -> str:
    """Give a pending payment a session open at the fake Stripe, as an earlier checkout did."""
    fake_stripe.counter += 1
    session_id = f"cs_test_earlier_{fake_stripe.counter}"
    fake_stripe.sessions[session_id] = {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": payment.amount_cents,
        "currency": payment.currency,
        "metadata": {"payment_id": str(payment.pk), "request_id": str(payment.msa_request_id)},
        "payment_intent": None,
        "created": 0,
    }
    Payment.objects.filter(pk=payment.pk).update(
        checkout_session_id=session_id, checkout_url=f"https://checkout.stripe.test/{session_id}"
    )
    return session_id


def test_an_older_checkout_paid_after_all_closes_the_pending_one_of_its_visit_and_no_other(
    fake_stripe,
):
    # The older checkout was expired here while its page stayed open; the customer paid on it.
    msa_request = MsaRequestFactory(status="awaiting_payment")
    older = PaymentFactory(msa_request=msa_request, status=Payment.Status.EXPIRED)
    session = open_session_for(fake_stripe, older)
    newer = PaymentFactory(msa_request=msa_request)
    next_visit = PaymentFactory(msa_request=msa_request, visit_number=2)
    failed_before = PaymentFactory(msa_request=msa_request, status=Payment.Status.FAILED)
    elsewhere = PaymentFactory()

    payment_fulfil_from_session(session=fake_stripe.complete(session), provider="stripe")

    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses[older.pk] == Payment.Status.SUCCEEDED
    assert statuses[newer.pk] == Payment.Status.EXPIRED
    assert statuses[next_visit.pk] == statuses[elsewhere.pk] == Payment.Status.PENDING
    assert statuses[failed_before.pk] == Payment.Status.FAILED


def test_a_checkout_stripe_refused_twice_is_made_on_the_third_try(fake_stripe, awaiting):
    # Stripe keeps an error answer under its key: each retry after one needs a fresh key.
    fake_stripe.fail_next = [400, 400]
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            payment_start_checkout(msa_request_id=awaiting.pk)

    url = payment_start_checkout(msa_request_id=awaiting.pk)

    payment = Payment.objects.get()
    assert payment.provider_retry == 2
    assert url == payment.checkout_url


def test_the_payment_paid_is_found_by_the_metadata_only_when_it_is_that_requests(fake_stripe):
    msa_request = MsaRequestFactory(status="awaiting_payment")
    first = PaymentFactory(msa_request=msa_request, status=Payment.Status.EXPIRED)
    second = PaymentFactory(msa_request=msa_request)
    PaymentFactory(msa_request=msa_request, status=Payment.Status.FAILED)  # a later one
    other_request = MsaRequestFactory(status="awaiting_payment")

    def paid_session(payment_id, request_id, session_id="cs_lost_answer"):
        # A session whose creation answer was lost: we never stored its id.
        return {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "status": "complete",
            "payment_status": "paid",
            "amount_total": 27922,
            "currency": "usd",
            "payment_intent": "pi_test_lost",
            "metadata": {"payment_id": str(payment_id), "request_id": str(request_id)},
        }

    assert (
        payment_fulfil_from_session(
            session=paid_session(second.pk, other_request.pk), provider="stripe"
        )
        is None
    )
    assert (
        payment_fulfil_from_session(
            session=paid_session(999_999, msa_request.pk), provider="stripe"
        )
        is None
    )
    Payment.objects.filter(pk=first.pk).update(checkout_session_id="cs_another")
    assert (
        payment_fulfil_from_session(
            session=paid_session(first.pk, msa_request.pk), provider="stripe"
        )
        is None
    )
    assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).count() == 0

    found = payment_fulfil_from_session(
        session=paid_session(second.pk, msa_request.pk, session_id=""), provider="stripe"
    )

    assert found == second
    assert found.status == Payment.Status.SUCCEEDED


def test_a_refund_without_a_payment_intent_is_placed_by_the_payment_id_we_sent(fake_stripe):
    payment = PaymentFactory(
        status=Payment.Status.SUCCEEDED, payment_intent_id="pi_test_paid", amount_cents=27922
    )

    record = payment_record_refund(
        refund={
            "id": "re_test_meta",
            "amount": 1000,
            "status": "succeeded",
            "metadata": {"payment_id": str(payment.pk)},
        }
    )

    assert record.payment == payment


def test_a_mismatched_payment_tells_staff_what_was_paid_against_what_was_due(fake_stripe):
    payment = PaymentFactory()
    session = open_session_for(fake_stripe, payment)
    fake_stripe.sessions[session]["amount_total"] = 100
    before = Payment.objects.get(pk=payment.pk).updated_at

    assert (
        payment_fulfil_from_session(session=fake_stripe.complete(session), provider="stripe")
        is None
    )

    payment.refresh_from_db()
    assert payment.attention == Payment.Attention.MISMATCH
    assert payment.updated_at > before  # the row says when it last changed
    assert payment.attention_note == (
        f"Stripe session {session}: 100 usd paid for a fee of 27922 usd."
    )


def test_the_requests_history_says_the_fee_was_paid_with_its_receipt(fake_stripe, awaiting):
    payment_start_checkout(msa_request_id=awaiting.pk)
    payment = Payment.objects.get()

    payment = payment_fulfil_from_session(
        session=fake_stripe.complete(payment.checkout_session_id), provider="stripe"
    )

    note = str(awaiting.events.order_by("pk").last().note)
    assert "$279.22" in note
    assert payment.receipt_number in note


def test_a_second_payment_for_a_settled_visit_is_flagged_receipted_and_refunded(
    fake_stripe, awaiting, django_capture_on_commit_callbacks
):
    older = PaymentFactory(msa_request=awaiting, status=Payment.Status.EXPIRED)
    older_session = open_session_for(fake_stripe, older)  # its page still open in a tab
    payment_start_checkout(msa_request_id=awaiting.pk)
    newer = Payment.objects.get(status=Payment.Status.PENDING)
    payment_fulfil_from_session(
        session=fake_stripe.complete(newer.checkout_session_id), provider="stripe"
    )

    with django_capture_on_commit_callbacks() as after_commit:
        payment_fulfil_from_session(session=fake_stripe.complete(older_session), provider="stripe")

    older.refresh_from_db()
    assert (older.status, older.attention, older.attention_note) == (
        Payment.Status.DUPLICATE,
        Payment.Attention.DUPLICATE,
        "Paid for a visit whose fee was already settled; refunded automatically.",
    )
    for callback in after_commit:
        callback()
    older.refresh_from_db()
    assert older.status == Payment.Status.REFUNDED
    assert [older.receipt_number in m.body for m in receipt_emails()] == [True]
    assert fake_stripe.refunded_cents(older.payment_intent_id) == older.amount_cents


def test_a_broker_outage_after_the_money_came_in_does_not_lose_the_payment(
    fake_stripe, awaiting, dead_broker, django_capture_on_commit_callbacks
):
    payment_start_checkout(msa_request_id=awaiting.pk)
    payment = Payment.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        payment_fulfil_from_session(
            session=fake_stripe.complete(payment.checkout_session_id), provider="stripe"
        )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.receipt_sent_at is None  # reconciliation sends it once the broker is back
