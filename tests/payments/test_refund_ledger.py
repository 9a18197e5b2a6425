"""Stripe is the ledger after the charge: one refund row per Stripe refund id, whatever path."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from payments.models import Payment, Refund
from payments.selectors import money_figures
from payments.services import payment_refund
from tests.factories import StaffFactory

from .conftest import make_event, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=roles.FINANCE))
    client.force_login(user)
    return user


def refund_emails():
    return [m for m in mail.outbox if "Refund on your MSA site-visit fee" in m.subject]


def test_refund_retried_after_a_timeout_counts_once_even_when_its_webhook_came_first(
    client, finance, fake_stripe, paid, django_capture_on_commit_callbacks, answer_lost
):
    url = reverse("admin:payments_payment_refund", kwargs={"payment_pk": paid.pk})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        with answer_lost():  # Stripe refunds $100 but answers after we gave up
            client.post(url, {"amount": "100.00", "reason": "Visit shortened"})
        [made] = fake_stripe.refunds.values()
        post_event(client, make_event("refund.created", made))  # the webhook beats the retry
        client.post(url, {"amount": "100.00", "reason": "Visit shortened"})  # staff retry
        post_event(
            client, make_event("charge.refunded", fake_stripe.charge(made["payment_intent"]))
        )

    paid.refresh_from_db()
    assert fake_stripe.refunded_cents() == 10000
    assert paid.amount_refunded_cents == 10000
    refund = Refund.objects.get()
    assert (refund.provider_refund_id, refund.origin) == (made["id"], Refund.Origin.PORTAL)
    assert refund.staff_user == finance
    assert len(refund_emails()) == 1


@pytest.mark.parametrize("kind", ["charge.refunded", "refund.created", "refund.updated"])
def test_dashboard_refund_becomes_a_refund_row_an_email_and_a_dashboard_figure(
    client, fake_stripe, paid, kind, django_capture_on_commit_callbacks
):
    made = fake_stripe.dashboard_refund(paid.payment_intent_id, 5000)
    obj = fake_stripe.charge(paid.payment_intent_id) if kind == "charge.refunded" else made
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, make_event(kind, obj))
        post_event(client, make_event("refund.updated", made))

    refund = Refund.objects.get()
    assert refund.provider_refund_id == made["id"]
    assert refund.origin == Refund.Origin.STRIPE
    assert refund.amount_cents == 5000
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 5000
    assert paid.status == Payment.Status.PARTIALLY_REFUNDED
    assert len(refund_emails()) == 1
    assert "$50.00" in refund_emails()[0].body
    assert money_figures(today=timezone.localdate()).refunded_year_cents == 5000


def test_failed_refund_puts_the_payment_on_the_attention_list(client, fake_stripe, paid):
    refund = payment_refund(payment_id=paid.pk, amount_cents=27922, reason="r", staff_user=None)
    failed = fake_stripe.set_refund_status(refund.provider_refund_id, "failed")

    post_event(client, make_event("refund.updated", failed))

    paid.refresh_from_db()
    assert paid.attention == Payment.Attention.REFUND_FAILED
    assert paid.amount_refunded_cents == 0
    assert paid.status == Payment.Status.SUCCEEDED
