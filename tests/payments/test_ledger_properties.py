"""Properties of the ledger: however refunds arrive, the money adds up and never goes negative."""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.errors import PaymentError
from payments.models import Payment, Refund
from payments.services import payment_handle_event, payment_refund

from .conftest import make_event
from .factories import PaymentFactory

pytestmark = pytest.mark.django_db

steps = st.lists(
    st.one_of(
        st.tuples(st.just("refund"), st.integers(min_value=-5, max_value=30000)),
        st.tuples(st.just("charge.refunded"), st.integers(min_value=0, max_value=27922)),
    ),
    max_size=8,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=steps)
def test_refunded_total_stays_within_the_fee_and_matches_the_status(demo_provider, steps):
    payment = PaymentFactory(
        provider=Payment.Provider.DEMO,
        status=Payment.Status.SUCCEEDED,
        payment_intent_id="pi_demo_prop",
    )
    payment.payment_intent_id = f"pi_demo_{payment.pk}"
    payment.save(update_fields=["payment_intent_id"])
    highest_seen = 0

    for kind, amount in steps:
        if kind == "refund":
            with contextlib.suppress(PaymentError):
                payment_refund(
                    payment_id=payment.pk, amount_cents=amount, reason="r", staff_user=None
                )
        else:
            charge = {"payment_intent": payment.payment_intent_id, "amount_refunded": amount}
            payment_handle_event(event=make_event("charge.refunded", charge), provider="demo")
        payment.refresh_from_db()
        assert 0 <= payment.amount_refunded_cents <= payment.amount_cents
        assert payment.amount_refunded_cents >= highest_seen  # never lowered by a late event
        highest_seen = payment.amount_refunded_cents
        recorded = sum(
            Refund.objects.filter(payment=payment).values_list("amount_cents", flat=True)
        )
        assert recorded <= payment.amount_refunded_cents
        expected = (
            Payment.Status.REFUNDED
            if payment.amount_refunded_cents == payment.amount_cents
            else Payment.Status.PARTIALLY_REFUNDED
            if payment.amount_refunded_cents
            else Payment.Status.SUCCEEDED
        )
        assert payment.status == expected
