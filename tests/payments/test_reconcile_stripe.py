"""``manage.py payments_reconcile``: Stripe's recent money compared with the ledger."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from payments.models import Dispute, Payment, Refund
from payments.services import payment_start_checkout
from payments.tasks import reconcile_payments
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db


def reconcile() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("payments_reconcile", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def test_reconcile_mends_missed_payment_refund_and_dispute(fake_stripe, paid):
    other = MsaRequestFactory(status="awaiting_payment")
    payment_start_checkout(msa_request_id=other.pk)
    missed = Payment.objects.get(msa_request=other)
    fake_stripe.complete(missed.checkout_session_id)  # its webhook never came
    refund = fake_stripe.dashboard_refund(paid.payment_intent_id, 2000)
    dispute = fake_stripe.open_dispute(paid.payment_intent_id)

    output, agreed = reconcile()

    missed.refresh_from_db()
    assert missed.status == Payment.Status.SUCCEEDED
    assert Refund.objects.get().provider_refund_id == refund["id"]
    assert Dispute.objects.get().provider_dispute_id == dispute["id"]
    assert f"mended: refund {refund['id']}" in output
    assert agreed
    # Run again: nothing left to mend.
    output, agreed = reconcile()
    assert "mended" not in output
    assert agreed


def test_reconcile_lists_money_it_cannot_place(fake_stripe, paid):
    fake_stripe.sessions["cs_stranger"] = {
        **fake_stripe.sessions[paid.checkout_session_id],
        "id": "cs_stranger",
        "status": "open",
        "metadata": {},
    }
    fake_stripe.complete("cs_stranger")

    output, agreed = reconcile()

    assert not agreed
    assert "needs a person: session cs_stranger" in output
    assert "needs a person: payment intent" in output


def test_periodic_task_also_compares_with_stripe(fake_stripe, paid):
    fake_stripe.dashboard_refund(paid.payment_intent_id, 1000)

    reconcile_payments.delay()

    assert Refund.objects.get().amount_cents == 1000
