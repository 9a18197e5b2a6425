"""Reconciliation, line by line: what staff read after Stripe and the ledger were compared.

``payment_reconcile_with_stripe`` mends what it can and lists the rest for a person; the
periodic ``payment_reconcile`` settles payments whose webhook never came. A fault here is money
taken at Stripe that nobody sees, or a line that tells staff the wrong thing.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from payments.models import Dispute, Payment, Refund
from payments.services import (
    payment_close_session,
    payment_fulfil_from_session,
    payment_reconcile,
    payment_reconcile_with_stripe,
    payment_record_dispute,
    payment_record_refund,
    payment_settle_from_provider,
    payment_start_checkout,
)
from tests.factories import MsaRequestFactory

from .factories import PaymentFactory, receipt_emails

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def since_yesterday():
    return timezone.now() - timedelta(days=1)


def checkout(fake_stripe) -> Payment:
    """A new request's fee with an open Stripe checkout."""
    msa_request = MsaRequestFactory(status="awaiting_payment")
    payment_start_checkout(msa_request_id=msa_request.pk)
    return Payment.objects.get(msa_request=msa_request)


def pay(fake_stripe) -> Payment:
    """A new request's fee, paid at Stripe and recorded."""
    payment = checkout(fake_stripe)
    return payment_fulfil_from_session(
        session=fake_stripe.complete(payment.checkout_session_id), provider="stripe"
    )


def stranger_intent(fake_stripe, intent_id="pi_stranger") -> str:
    """Money taken at Stripe that no payment of ours asked for."""
    fake_stripe.intents[intent_id] = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": 27922,
        "currency": "usd",
        "status": "succeeded",
        "metadata": {},
        "created": int(timezone.now().timestamp()),
    }
    return intent_id


def test_each_object_stripe_lists_since_the_date_is_checked_once_and_older_ones_not_at_all(
    fake_stripe,
):
    first, second = pay(fake_stripe), pay(fake_stripe)
    for payment in (first, second):
        fake_stripe.dashboard_refund(payment.payment_intent_id, 1000)
        fake_stripe.open_dispute(payment.payment_intent_id)
    # Three days old, with a refund and a dispute of that day, none of them in the ledger.
    old = checkout(fake_stripe)
    fake_stripe.complete(old.checkout_session_id)
    old.refresh_from_db()
    old_session = fake_stripe.sessions[old.checkout_session_id]
    old_intent = fake_stripe.intents[old_session["payment_intent"]]
    old_refund = fake_stripe.refunds[
        fake_stripe.dashboard_refund(old_session["payment_intent"], 100)["id"]
    ]
    old_dispute = fake_stripe.disputes[
        fake_stripe.open_dispute(old_session["payment_intent"])["id"]
    ]
    for stripe_object in (old_session, old_intent, old_refund, old_dispute):
        stripe_object["created"] -= 3 * DAY

    report = payment_reconcile_with_stripe(since=since_yesterday())

    # 2 sessions, 2 payment intents, 2 refunds, 2 disputes; the 3-day-old ones are not listed.
    assert report.checked == 8
    old_ids = {old_session["id"], old_intent["id"], old_refund["id"], old_dispute["id"]}
    lines = report.mended + report.unmended
    assert len(lines) == 4  # the recent refunds and disputes, recorded
    assert not [line for line in lines if any(old_id in line for old_id in old_ids)]
    old.refresh_from_db()
    assert old.status == Payment.Status.PENDING


def test_a_refund_or_dispute_already_recorded_does_not_stop_the_ones_listed_after_it(fake_stripe):
    first, second = pay(fake_stripe), pay(fake_stripe)
    payment_record_refund(refund=fake_stripe.dashboard_refund(first.payment_intent_id, 1000))
    payment_record_dispute(dispute=fake_stripe.open_dispute(first.payment_intent_id))
    missed_refund = fake_stripe.dashboard_refund(second.payment_intent_id, 2000)
    missed_dispute = fake_stripe.open_dispute(second.payment_intent_id)

    report = payment_reconcile_with_stripe(since=since_yesterday())

    assert Refund.objects.get(provider_refund_id=missed_refund["id"]).payment == second
    assert Dispute.objects.get(provider_dispute_id=missed_dispute["id"]).payment == second
    assert report.mended == [
        f"refund {missed_refund['id']}: recorded (2000, succeeded)",
        f"dispute {missed_dispute['id']}: recorded (needs_response)",
    ]
    assert report.unmended == []


def test_refunds_disputes_and_payments_of_no_payment_here_are_listed_for_a_person(fake_stripe):
    intent = stranger_intent(fake_stripe)
    refund = fake_stripe.dashboard_refund(intent, 500)
    dispute = fake_stripe.open_dispute(intent)

    report = payment_reconcile_with_stripe(since=since_yesterday())

    assert report.unmended == [
        f"payment intent {intent}: 27922 usd taken at Stripe, no payment in the ledger",
        f"refund {refund['id']}: no payment in the ledger",
        f"dispute {dispute['id']}: no payment in the ledger",
    ]
    assert report.mended == []
    assert not Refund.objects.exists()
    assert not Dispute.objects.exists()


def test_a_stripe_payment_intent_is_matched_only_to_a_stripe_payment(fake_stripe):
    intent = stranger_intent(fake_stripe, "pi_shared")
    PaymentFactory(
        provider=Payment.Provider.DEMO,
        payment_intent_id=intent,
        status=Payment.Status.SUCCEEDED,
        paid_at=timezone.now(),
    )

    report = payment_reconcile_with_stripe(since=since_yesterday())

    assert report.unmended == [
        f"payment intent {intent}: 27922 usd taken at Stripe, no payment in the ledger"
    ]


def test_a_session_paid_at_stripe_without_its_webhook_is_recorded_and_said_so(fake_stripe):
    payment = checkout(fake_stripe)
    fake_stripe.complete(payment.checkout_session_id)

    report = payment_reconcile_with_stripe(since=since_yesterday())

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert report.mended == [
        f"session {payment.checkout_session_id}: paid at Stripe, recorded on {payment}"
    ]


def test_a_bank_debit_still_processing_at_stripe_is_not_recorded_as_paid(fake_stripe):
    payment = checkout(fake_stripe)
    fake_stripe.complete(payment.checkout_session_id, paid=False)  # complete, payment unpaid

    report = payment_reconcile_with_stripe(since=since_yesterday())

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert report.mended == []
    assert report.unmended == []


def test_a_session_that_expired_at_stripe_closes_its_pending_payment(fake_stripe):
    payment = checkout(fake_stripe)
    fake_stripe.expire(payment.checkout_session_id)

    report = payment_reconcile_with_stripe(since=since_yesterday())

    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert report.mended == [
        f"session {payment.checkout_session_id}: expired at Stripe, closed {payment}"
    ]
    # A settled fee whose session expired later is left as it is.
    paid = pay(fake_stripe)
    fake_stripe.sessions[paid.checkout_session_id]["status"] = "expired"
    report = payment_reconcile_with_stripe(since=since_yesterday())
    paid.refresh_from_db()
    assert paid.status == Payment.Status.SUCCEEDED
    assert report.mended == []


def test_a_session_still_open_at_stripe_for_a_closed_fee_is_expired_there(fake_stripe):
    payment = checkout(fake_stripe)
    session = dict(fake_stripe.sessions[payment.checkout_session_id])
    payment_close_session(session=session, provider="stripe", status=Payment.Status.EXPIRED)

    report = payment_reconcile_with_stripe(since=since_yesterday())

    assert fake_stripe.sessions[payment.checkout_session_id]["status"] == "expired"
    assert report.mended == [
        f"session {payment.checkout_session_id}: open for a closed fee, expired"
    ]


def test_a_session_stripe_will_not_expire_is_listed_for_a_person(fake_stripe):
    payment = checkout(fake_stripe)
    session = dict(fake_stripe.sessions[payment.checkout_session_id])
    payment_close_session(session=session, provider="stripe", status=Payment.Status.EXPIRED)
    fake_stripe.fail_next = [0, 400]  # the list answered, the expiry refused

    report = payment_reconcile_with_stripe(since=since_yesterday())

    assert fake_stripe.sessions[payment.checkout_session_id]["status"] == "open"
    assert report.unmended == [
        f"session {payment.checkout_session_id}: open for a closed fee, not expired"
    ]


def _aged(payment: Payment, minutes: int) -> Payment:
    Payment.objects.filter(pk=payment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    return payment


def test_the_periodic_reconcile_counts_each_payment_it_settled(fake_stripe):
    paid_late = _aged(checkout(fake_stripe), 20)
    fake_stripe.complete(paid_late.checkout_session_id)  # its webhook never came
    expired_late = _aged(checkout(fake_stripe), 25)
    fake_stripe.expire(expired_late.checkout_session_id)
    still_open = _aged(checkout(fake_stripe), 30)
    # Checkouts whose session was never created (Stripe down each time), a day old: given up.
    orphans = [_aged(PaymentFactory(checkout_session_id=""), 25 * 60) for _ in range(2)]
    # Settled long ago: not counted again.
    _aged(pay(fake_stripe), 40)

    settled = payment_reconcile(older_than_minutes=15)

    assert settled == 4
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses[paid_late.pk] == Payment.Status.SUCCEEDED
    assert statuses[expired_late.pk] == Payment.Status.EXPIRED
    assert statuses[still_open.pk] == Payment.Status.PENDING
    assert {statuses[o.pk] for o in orphans} == {Payment.Status.EXPIRED}


def test_a_young_orphaned_checkout_does_not_stop_the_payments_after_it(fake_stripe):
    young_orphan = _aged(PaymentFactory(checkout_session_id=""), 60)
    paid_late = _aged(checkout(fake_stripe), 20)
    fake_stripe.complete(paid_late.checkout_session_id)

    assert payment_reconcile(older_than_minutes=15) == 1

    young_orphan.refresh_from_db()
    paid_late.refresh_from_db()
    assert young_orphan.status == Payment.Status.PENDING  # Stripe may still answer its key
    assert paid_late.status == Payment.Status.SUCCEEDED


def test_a_lost_receipt_is_resent_but_one_just_paid_is_left_to_its_own_task(fake_stripe):
    lost = pay(fake_stripe)
    Payment.objects.filter(pk=lost.pk).update(paid_at=timezone.now() - timedelta(minutes=30))
    just_paid = pay(fake_stripe)
    mail.outbox.clear()

    payment_reconcile(older_than_minutes=15)

    [receipt] = receipt_emails()
    assert lost.receipt_number in receipt.body
    just_paid.refresh_from_db()
    assert just_paid.receipt_sent_at is None


def test_settling_a_checkout_that_never_reached_stripe_asks_stripe_nothing(fake_stripe):
    orphan = PaymentFactory(checkout_session_id="")

    assert payment_settle_from_provider(payment_id=orphan.pk).status == Payment.Status.PENDING
    assert fake_stripe.requests == []


def test_a_payment_is_settled_with_the_provider_it_was_made_with(fake_stripe, settings):
    payment = checkout(fake_stripe)
    fake_stripe.complete(payment.checkout_session_id)
    settings.PAYMENT_PROVIDER = "demo"  # new payments go elsewhere; this one is Stripe's

    assert payment_settle_from_provider(payment_id=payment.pk).status == Payment.Status.SUCCEEDED
