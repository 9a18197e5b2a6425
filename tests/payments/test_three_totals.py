"""After every kind of refund and a dispute, Stripe, the ledger and the dashboard agree."""

import re

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from common.money import format_cents
from payments.models import Payment, Refund
from payments.selectors import money_figures
from payments.services import payment_fulfil_from_session, payment_refund, payment_start_checkout
from tests.factories import MsaRequestFactory

from .conftest import make_event, post_event

pytestmark = pytest.mark.django_db


def pay(fake_stripe) -> Payment:
    msa_request = MsaRequestFactory(status="awaiting_payment")
    payment_start_checkout(msa_request_id=msa_request.pk)
    payment = Payment.objects.get(msa_request=msa_request)
    return payment_fulfil_from_session(
        session=fake_stripe.complete(payment.checkout_session_id), provider="stripe"
    )


def test_stripe_ledger_and_dashboard_totals_agree(
    admin_client, client, fake_stripe, django_capture_on_commit_callbacks, answer_lost
):
    a, b, c, d = (pay(fake_stripe) for _ in range(4))
    refund_url = reverse("admin:payments_payment_refund", kwargs={"payment_pk": b.pk})

    with django_capture_on_commit_callbacks(execute=True):
        # A portal refund, and its webhook.
        portal = payment_refund(payment_id=a.pk, amount_cents=10000, reason="r", staff_user=None)
        post_event(
            client, make_event("refund.created", fake_stripe.refunds[portal.provider_refund_id])
        )
        # A portal refund whose answer is lost, retried by staff after its webhook arrived.
        with answer_lost():
            admin_client.post(refund_url, {"amount": "100.00", "reason": "Shortened visit"})
        [lost] = [
            r for r in fake_stripe.refunds.values() if r["payment_intent"] == b.payment_intent_id
        ]
        post_event(client, make_event("refund.created", lost))
        admin_client.post(refund_url, {"amount": "100.00", "reason": "Shortened visit"})
        post_event(client, make_event("charge.refunded", fake_stripe.charge(b.payment_intent_id)))
        # Dashboard refunds: one told by charge.refunded only, one by refund.created/updated.
        fake_stripe.dashboard_refund(c.payment_intent_id, 27922)
        post_event(client, make_event("charge.refunded", fake_stripe.charge(c.payment_intent_id)))
        dash = fake_stripe.dashboard_refund(a.payment_intent_id, 5000)
        post_event(client, make_event("refund.created", dash))
        post_event(client, make_event("refund.updated", dash))
        # A dispute on the fourth fee.
        post_event(
            client,
            make_event("charge.dispute.created", fake_stripe.open_dispute(d.payment_intent_id)),
        )

    stripe_total = fake_stripe.refunded_cents()
    ledger_total = Payment.objects.aggregate(total=Sum("amount_refunded_cents"))["total"]
    rows_total = Refund.objects.filter(status__in=Refund.COUNTED).aggregate(
        total=Sum("amount_cents")
    )["total"]
    dashboard_total = money_figures(today=timezone.localdate()).refunded_year_cents
    html = admin_client.get("/admin/dashboard/").content.decode()
    shown = re.search(r"Refunded this year</dt><dd>([^<]+)</dd>", html).group(1)

    assert stripe_total == 10000 + 10000 + 27922 + 5000
    assert ledger_total == stripe_total
    assert rows_total == stripe_total
    assert dashboard_total == stripe_total
    assert shown == format_cents(stripe_total)
    assert Refund.objects.count() == 4
    d.refresh_from_db()
    assert d.status == Payment.Status.DISPUTED
