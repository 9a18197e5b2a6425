"""Concurrent webhooks, success pages and Pay clicks on real PostgreSQL row locks."""

import threading

import pytest
from django.db import connection, connections, transaction

from enrollment.models import RequestEvent, Status
from payments.models import Payment, StripeEvent
from payments.services import (
    payment_fulfil_from_session,
    payment_handle_event,
    payment_start_checkout,
)
from tests.conftest import require_service
from tests.factories import MsaRequestFactory

from .conftest import make_event

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL to a PostgreSQL database")


def run_together(target, count: int = WORKERS) -> list:
    """Start ``count`` threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("round_", range(3))  # lock-order bugs show only now and then
def test_concurrent_fulfilment_of_one_session_pays_once(fake_stripe, round_):
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)
    payment_start_checkout(msa_request_id=msa_request.pk, actor=msa_request.applicant)
    payment = Payment.objects.get()
    session = fake_stripe.complete(payment.checkout_session_id)

    results = run_together(lambda: payment_fulfil_from_session(session=session, provider="stripe"))

    assert not [r for r in results if isinstance(r, Exception)]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert (
        RequestEvent.objects.filter(msa_request=msa_request, to_status=Status.SUBMITTED).count()
        == 1
    )


@pytest.mark.parametrize("round_", range(3))
def test_two_checkouts_of_one_visit_paid_at_once_take_the_fee_once_and_keep_the_other(
    fake_stripe, round_
):
    """The customer paid in two tabs at the same moment: both webhooks arrive together.

    The older tab's checkout had just been closed here (its page was still open at Stripe), the
    newer one is pending. One payment settles the fee, the other is kept as a duplicate and
    refunded by itself, and neither webhook fails: fulfilling the older one closes the newer,
    pending one, so without the request row lock taken first the two race on the newer payment.
    """
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)
    payment_start_checkout(msa_request_id=msa_request.pk, actor=msa_request.applicant)
    first = Payment.objects.get()
    Payment.objects.filter(pk=first.pk).update(status=Payment.Status.EXPIRED)
    payment_start_checkout(msa_request_id=msa_request.pk, actor=msa_request.applicant)
    sessions = [fake_stripe.complete(p.checkout_session_id) for p in Payment.objects.all()]

    results = run_together(
        lambda: payment_fulfil_from_session(session=sessions.pop(), provider="stripe"), count=2
    )

    assert not [r for r in results if isinstance(r, Exception)]
    # The duplicate is refunded by itself (the task runs at once in the tests).
    assert sorted(Payment.objects.values_list("status", flat=True)) == sorted(
        [Payment.Status.SUCCEEDED, Payment.Status.REFUNDED]
    )
    assert (
        RequestEvent.objects.filter(msa_request=msa_request, to_status=Status.SUBMITTED).count()
        == 1
    )


def test_the_same_event_delivered_concurrently_is_stored_once(fake_stripe):
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)
    payment_start_checkout(msa_request_id=msa_request.pk, actor=msa_request.applicant)
    payment = Payment.objects.get()
    event = make_event(
        "checkout.session.completed", fake_stripe.complete(payment.checkout_session_id)
    )

    results = run_together(lambda: payment_handle_event(event=event, provider="stripe"))

    assert not [r for r in results if isinstance(r, Exception)]
    assert results.count(True) == 1
    assert StripeEvent.objects.count() == 1
    assert (
        RequestEvent.objects.filter(msa_request=msa_request, to_status=Status.SUBMITTED).count()
        == 1
    )


def test_concurrent_pay_clicks_make_one_session(fake_stripe):
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)

    results = run_together(
        lambda: payment_start_checkout(msa_request_id=msa_request.pk, actor=msa_request.applicant)
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert len(set(results)) == 1
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    assert Payment.objects.count() == 1


def _paid_payment(fake_stripe) -> Payment:
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)
    payment_start_checkout(msa_request_id=msa_request.pk, actor=msa_request.applicant)
    payment = Payment.objects.get()
    return payment_fulfil_from_session(
        session=fake_stripe.complete(payment.checkout_session_id), provider="stripe"
    )


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_full_refunds_give_the_money_back_once(fake_stripe, round_):
    """Two finance clerks (or a double click) refunding the whole fee at once."""
    from payments.services import PaymentError, payment_refund

    payment = _paid_payment(fake_stripe)

    results = run_together(
        lambda: payment_refund(
            payment_id=payment.pk, amount_cents=payment.amount_cents, reason="r", staff_user=None
        ),
        count=4,
    )

    unexpected = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, PaymentError)
    ]
    assert not unexpected
    payment.refresh_from_db()
    assert payment.amount_refunded_cents == payment.amount_cents
    assert fake_stripe.refunded_cents(payment.payment_intent_id) == payment.amount_cents
    assert payment.refunds.count() == 1


def test_the_same_refund_reported_concurrently_is_recorded_once(fake_stripe):
    """Our own call's answer, refund.created and charge.refunded arriving together."""
    from payments.models import Refund
    from payments.services import payment_record_refund

    payment = _paid_payment(fake_stripe)
    refund = fake_stripe.dashboard_refund(payment.payment_intent_id, 5000)

    results = run_together(lambda: payment_record_refund(refund=refund))

    assert not [r for r in results if isinstance(r, Exception)]
    assert Refund.objects.filter(provider_refund_id=refund["id"]).count() == 1
    payment.refresh_from_db()
    assert payment.amount_refunded_cents == 5000


def test_a_refund_waits_while_another_refund_of_the_payment_is_being_written(fake_stripe):
    """A double click on "Refund": the second click must see the first one's attempt.

    Another clerk's refund holds the payment row while it writes its attempt; ours must wait
    for it, then reuse that attempt's key, so Stripe gives the money back once. Without the
    row lock ours misses that attempt and writes one of its own with a key of its own: a second
    refund of the same money on its way to Stripe.
    """
    from payments.models import Refund
    from payments.services import payment_refund

    payment = _paid_payment(fake_stripe)
    holding, release = threading.Event(), threading.Event()

    def other_click() -> None:
        try:
            with transaction.atomic():
                Payment.objects.select_for_update().get(pk=payment.pk)
                holding.set()
                release.wait(10)
                Refund.objects.create(
                    payment=payment,
                    amount_cents=10000,
                    reason="double click",
                    origin=Refund.Origin.PORTAL,
                    status=Refund.Status.UNCONFIRMED,
                    provider_answered=False,
                )
        finally:
            connections.close_all()

    results: list = []

    def our_click() -> None:
        try:
            results.append(
                payment_refund(
                    payment_id=payment.pk,
                    amount_cents=10000,
                    reason="double click",
                    staff_user=None,
                )
            )
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_click)
    other.start()
    assert holding.wait(10)
    ours = threading.Thread(target=our_click)
    ours.start()
    ours.join(timeout=1.0)
    reached_stripe_while_held = len(fake_stripe.calls("POST", "/v1/refunds"))
    release.set()
    other.join(timeout=10)
    ours.join(timeout=10)

    assert reached_stripe_while_held == 0
    assert not [r for r in results if isinstance(r, Exception)]
    assert fake_stripe.refunded_cents(payment.payment_intent_id) == 10000
    assert payment.refunds.count() == 1
    payment.refresh_from_db()
    assert payment.amount_refunded_cents == 10000
