"""Staff refunds from admin: recorded with who and why, sent to Stripe, customer emailed."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from payments.models import Payment, Refund
from payments.services import payment_refund
from tests.factories import StaffFactory

from .conftest import make_event, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client):
    """A staff member with only the refund permission (the finance role)."""
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(
        Permission.objects.get(codename="refund_payment"),
        Permission.objects.get(codename="view_payment"),
    )
    client.force_login(user)
    return user


def refund_url(payment):
    return reverse("admin:payments_payment_refund", kwargs={"payment_pk": payment.pk})


def test_staff_partial_refund_is_recorded_and_reaches_stripe(
    client, finance, fake_stripe, paid, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            refund_url(paid), {"amount": "100.00", "reason": "Visit shortened by the utility"}
        )

    assert response.status_code == 302
    [call] = fake_stripe.calls("POST", "/v1/refunds")
    assert call.params["amount"] == "10000"
    assert call.params["payment_intent"] == paid.payment_intent_id
    assert call.headers["idempotency-key"] == f"refund-{paid.key}-{Refund.objects.get().key}"
    refund = Refund.objects.get()
    assert refund.staff_user == finance
    assert refund.reason == "Visit shortened by the utility"
    assert refund.amount_cents == 10000
    assert refund.provider_refund_id in fake_stripe.refunds
    assert refund.status == Refund.Status.SUCCEEDED
    paid.refresh_from_db()
    assert paid.status == Payment.Status.PARTIALLY_REFUNDED
    assert paid.amount_refunded_cents == 10000
    [email] = mail.outbox
    assert "$100.00" in email.body
    assert paid.msa_request.customer_email in email.to


def test_full_refund_then_no_more(client, finance, fake_stripe, paid):
    client.post(refund_url(paid), {"amount": "279.22", "reason": "Duplicate request"})
    response = client.post(refund_url(paid), {"amount": "0.01", "reason": "again"})

    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED
    assert paid.amount_refunded_cents == 27922
    assert "at most $0.00" in response.content.decode()
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1


def test_refund_above_what_is_left_is_refused(client, finance, fake_stripe, paid):
    response = client.post(refund_url(paid), {"amount": "300.00", "reason": "too much"})

    assert response.status_code == 200
    assert "at most $279.22" in response.content.decode()
    assert Refund.objects.count() == 0
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def test_refund_when_stripe_is_down_records_nothing(client, finance, fake_stripe, paid):
    fake_stripe.fail_next = [500]

    response = client.post(refund_url(paid), {"amount": "279.22", "reason": "Duplicate"})

    assert "nothing is recorded yet" in response.content.decode()
    assert Refund.objects.count() == 0
    paid.refresh_from_db()
    assert paid.status == Payment.Status.SUCCEEDED

    client.post(refund_url(paid), {"amount": "279.22", "reason": "Duplicate"})  # try again

    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED
    assert Refund.objects.count() == 1
    assert len(fake_stripe.refunds) == 1


def test_refund_retried_after_a_timeout_reaches_stripe_once(
    client, finance, fake_stripe, paid, answer_lost
):
    with answer_lost():  # Stripe refunds, but its answer comes after we gave up
        first = client.post(refund_url(paid), {"amount": "279.22", "reason": "Duplicate"})
    client.post(refund_url(paid), {"amount": "279.22", "reason": "Duplicate"})

    assert "nothing is recorded yet" in first.content.decode()
    keys = {c.headers["idempotency-key"] for c in fake_stripe.calls("POST", "/v1/refunds")}
    assert len(keys) == 1
    assert len(fake_stripe.refunds) == 1
    assert Refund.objects.get().provider_refund_id in fake_stripe.refunds


def test_staff_without_the_refund_permission_cannot_refund(client, fake_stripe, paid):
    client.force_login(StaffFactory(is_superuser=False))

    response = client.post(refund_url(paid), {"amount": "279.22", "reason": "x"})

    assert response.status_code == 403
    assert Refund.objects.count() == 0


def test_refund_action_opens_the_refund_page(client, finance, paid):
    response = client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "refund_payment", "_selected_action": [paid.pk]},
    )

    assert response.status_code == 302
    assert response.url == refund_url(paid)
    assert client.get(response.url).status_code == 200


def test_refund_failing_later_at_stripe_gives_the_amount_back(client, fake_stripe, paid):
    refund = payment_refund(
        payment_id=paid.pk, amount_cents=27922, reason="Duplicate", staff_user=None
    )
    failed = {**fake_stripe.refunds[refund.provider_refund_id], "status": "failed"}

    post_event(client, make_event("refund.updated", failed))
    post_event(client, make_event("refund.updated", failed))

    paid.refresh_from_db()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert paid.amount_refunded_cents == 0
    assert paid.status == Payment.Status.SUCCEEDED


def test_refund_webhook_after_our_refund_changes_nothing_twice(client, fake_stripe, paid):
    refund = payment_refund(payment_id=paid.pk, amount_cents=5000, reason="r", staff_user=None)
    charge = {"id": "ch_1", "payment_intent": paid.payment_intent_id, "amount_refunded": 5000}

    post_event(client, make_event("charge.refunded", charge))
    post_event(client, make_event("refund.updated", fake_stripe.refunds[refund.provider_refund_id]))

    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 5000
    assert paid.status == Payment.Status.PARTIALLY_REFUNDED


def test_refund_notice_task_run_twice_emails_once(fake_stripe, paid):
    from payments import tasks

    refund = payment_refund(payment_id=paid.pk, amount_cents=27922, reason="r", staff_user=None)
    mail.outbox.clear()

    tasks.send_refund_notice.delay(refund.pk)
    tasks.send_refund_notice.delay(refund.pk)

    assert len(mail.outbox) == 1
    assert "$279.22" in mail.outbox[0].body
