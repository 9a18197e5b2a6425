"""Payments that need a person in one admin list; Stripe never keeps a customer waiting."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from msa_portal.settings import base as base_settings
from payments.models import Payment
from payments.services import (
    payment_clear_attention,
    payment_fulfil_from_session,
    payment_start_checkout,
)

from .conftest import make_event, post_event
from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_mismatched_payment_is_listed_for_staff_and_counted_on_the_admin_home(
    admin_client, client, fake_stripe, awaiting
):
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    payment = Payment.objects.get()
    session = {**fake_stripe.complete(payment.checkout_session_id), "amount_total": 100}

    post_event(client, make_event("checkout.session.completed", session))

    payment.refresh_from_db()
    assert payment.attention == Payment.Attention.MISMATCH
    changelist = reverse("admin:payments_payment_changelist") + "?needs_attention=yes"
    assert payment.receipt_number in admin_client.get(changelist).content.decode()
    assert "1 payment needs attention" in admin_client.get("/admin/").content.decode()


def test_a_hanging_stripe_answers_the_customer_within_a_few_seconds(
    fake_stripe, customer_client, awaiting, settings
):
    # The installation's own default, not the fixture's short test timeout.
    settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS = base_settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS
    fake_stripe.hang_next = [7]

    started = time.monotonic()
    response = customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))

    assert time.monotonic() - started < 6
    assert response.url == awaiting.get_absolute_url()
    fake_stripe.wait_idle(timeout=8)


def test_second_click_while_the_first_is_in_flight_reuses_the_key(
    fake_stripe, customer_client, awaiting, settings
):
    settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS = 1.5
    fake_stripe.hang_next = [2]  # Stripe makes the session but is slow to answer
    url = reverse("payments:checkout_start", kwargs={"pk": awaiting.pk})

    first = customer_client.post(url)  # gives up after 1.5 s; Stripe still working
    second = customer_client.post(url)  # "key in use" until the first ends: same key again

    assert first.url == awaiting.get_absolute_url()
    [session_id] = fake_stripe.sessions
    assert second.url.endswith(session_id)
    calls = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert len(calls) > 2  # the in-use answers were retried
    assert len({c.headers["idempotency-key"] for c in calls}) == 1
    assert Payment.objects.get().checkout_session_id == session_id


def test_a_second_payment_waiting_for_its_refund_is_on_the_attention_list(
    admin_client, fake_stripe, awaiting
):
    """Paid twice: listed for staff until the automatic refund has given it all back."""
    payment_start_checkout(msa_request_id=awaiting.pk)
    first = Payment.objects.get()
    second = PaymentFactory(msa_request=awaiting, status=Payment.Status.EXPIRED)
    fake_stripe.sessions["cs_old"] = {
        **fake_stripe.sessions[first.checkout_session_id],
        "id": "cs_old",
        "metadata": {"request_id": str(awaiting.pk), "payment_id": str(second.pk)},
    }
    Payment.objects.filter(pk=second.pk).update(checkout_session_id="cs_old")
    payment_fulfil_from_session(
        session=fake_stripe.complete(first.checkout_session_id), provider="stripe"
    )

    # The refund task has not run yet (it runs after commit, with Stripe perhaps down).
    payment_fulfil_from_session(session=fake_stripe.complete("cs_old"), provider="stripe")

    second.refresh_from_db()
    assert (second.status, second.attention) == ("duplicate", Payment.Attention.DUPLICATE)
    changelist = reverse("admin:payments_payment_changelist") + "?needs_attention=yes"
    listed = admin_client.get(changelist).content.decode()
    assert second.receipt_number in listed
    assert first.receipt_number not in listed
    assert "1 payment needs attention" in admin_client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("minutes_left", "staff_cleared_it"), [(60 * 12, False), (1, False), (1, True)]
)
def test_pay_after_a_refused_mismatched_payment_says_staff_are_checking_it(
    fake_stripe, client, customer_client, awaiting, admin_user, minutes_left, staff_cleared_it
):
    """The customer paid a session Stripe reports with another amount: no second charge is
    offered (nor a page that fails), the customer reads that staff are checking the payment."""
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    payment = Payment.objects.get()
    session = fake_stripe.complete(payment.checkout_session_id)
    fake_stripe.sessions[payment.checkout_session_id]["amount_total"] = 100
    post_event(client, make_event("checkout.session.completed", {**session, "amount_total": 100}))
    if staff_cleared_it:
        payment_clear_attention(payment_id=payment.pk, staff_user=admin_user)

    with time_machine.travel(payment.session_expires_at - timedelta(minutes=minutes_left)):
        response = customer_client.post(
            reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}), follow=True
        )

    assert response.redirect_chain[-1][0] == awaiting.get_absolute_url()
    assert "our staff are checking it" in response.content.decode()
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
