"""A fee moves only along its declared lifecycle: a settled fee is never reopened or undone."""

import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from payments.models import Payment
from payments.services import payment_handle_event

from .conftest import make_event
from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


def refunded_fee() -> Payment:
    return PaymentFactory(
        status=Payment.Status.REFUNDED,
        amount_refunded_cents=27922,
        checkout_session_id="cs_refunded",
        payment_intent_id="pi_refunded",
    )


@pytest.mark.parametrize(
    "kind", ["checkout.session.expired", "checkout.session.async_payment_failed"]
)
def test_late_checkout_event_leaves_a_refunded_fee_refunded(kind):
    payment = refunded_fee()

    payment_handle_event(event=make_event(kind, {"id": "cs_refunded"}), provider="stripe")

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.amount_refunded_cents == 27922


def test_a_refunded_fee_cannot_become_pending_or_be_closed_again():
    payment = refunded_fee()

    for step in (payment.expire, payment.fail, payment.mark_paid, payment.mark_paid_twice):
        with pytest.raises(TransitionNotAllowed):
            step()
    # Nothing in the lifecycle leads back to pending: a fee is born pending and leaves it once.
    for status in Payment.Status.values:
        targets = {t.target for t in Payment(status=status).get_all_status_transitions()}
        assert Payment.Status.PENDING not in targets
    assert payment.status == Payment.Status.REFUNDED


def test_a_second_checkout_for_a_settled_visit_cannot_be_marked_paid():
    paid = PaymentFactory(status=Payment.Status.SUCCEEDED, payment_intent_id="pi_1")
    second = PaymentFactory(msa_request=paid.msa_request, status=Payment.Status.EXPIRED)

    with pytest.raises(TransitionNotAllowed):
        second.mark_paid()
    assert can_proceed(second.mark_paid_twice)


def test_a_fee_with_money_still_kept_cannot_be_marked_refunded():
    payment = PaymentFactory(status=Payment.Status.SUCCEEDED, amount_refunded_cents=10000)

    with pytest.raises(TransitionNotAllowed):
        payment.mark_refunded()
    payment.mark_partially_refunded()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_a_fee_paid_twice_stays_flagged_until_refunded_in_full():
    duplicate = PaymentFactory(status=Payment.Status.DUPLICATE, payment_intent_id="pi_dup")
    refund = {"id": "re_1", "payment_intent": "pi_dup", "amount": 10000, "status": "succeeded"}

    payment_handle_event(event=make_event("refund.created", refund), provider="stripe")
    duplicate.refresh_from_db()
    assert duplicate.status == Payment.Status.DUPLICATE
    assert duplicate.amount_refunded_cents == 10000

    rest = {**refund, "id": "re_2", "amount": 17922}
    payment_handle_event(event=make_event("refund.created", rest), provider="stripe")
    duplicate.refresh_from_db()
    assert duplicate.status == Payment.Status.REFUNDED


def test_an_expired_checkout_is_written_to_the_fee_history():
    payment = PaymentFactory(checkout_session_id="cs_open")

    payment_handle_event(
        event=make_event("checkout.session.expired", {"id": "cs_open"}), provider="stripe"
    )

    assert list(payment.history.values_list("status", flat=True)) == [
        Payment.Status.EXPIRED,
        Payment.Status.PENDING,
    ]
