"""A bank debit that fails days after checkout: the customer hears of it, once."""

import pytest
from django.core import mail

from payments.models import Payment
from payments.services import payment_start_checkout

from .conftest import make_event, post_event

pytestmark = pytest.mark.django_db


def test_failed_bank_debit_emails_the_customer_once(
    client, fake_stripe, awaiting, django_capture_on_commit_callbacks
):
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    payment = Payment.objects.get()
    unpaid = fake_stripe.complete(payment.checkout_session_id, paid=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, make_event("checkout.session.async_payment_failed", unpaid))
        post_event(client, make_event("checkout.session.async_payment_failed", unpaid))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    [email] = mail.outbox
    assert awaiting.customer_email in email.to
    assert "did not go through" in email.subject
    assert "nothing was charged" in email.body
