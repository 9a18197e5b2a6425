"""Stripe's refunds, charges and disputes as they arrive: each recorded once, on the right fee.

Shapes as Stripe sends them (docs.stripe.com/api/refunds/object, /api/charges/object,
/api/disputes/object); older API versions carry a charge's refunds inside the charge.
"""

from datetime import UTC, datetime

import pytest

from payments.models import Dispute, Payment, Refund, StripeEvent
from payments.services import (
    payment_handle_event,
    payment_record_dispute,
    payment_record_refund,
)

from .conftest import make_event

pytestmark = pytest.mark.django_db


def refund_object(paid, **fields) -> dict:
    return {
        "id": "re_test_outside",
        "object": "refund",
        "amount": 1000,
        "currency": "usd",
        "payment_intent": paid.payment_intent_id,
        "status": "succeeded",
        "reason": None,
        "metadata": {},
        **fields,
    }


# --- events ------------------------------------------------------------------------------------


def test_an_event_is_applied_once_and_a_replay_says_so(paid):
    event = make_event("refund.created", refund_object(paid))

    assert payment_handle_event(event=event, provider="stripe") is True
    assert payment_handle_event(event=event, provider="stripe") is False

    assert Refund.objects.get().amount_cents == 1000
    stored = StripeEvent.objects.get()
    assert stored.type == "refund.created"
    assert stored.processed_at is not None


def test_an_event_without_a_type_is_stored_and_ignored(paid):
    event = make_event("refund.created", refund_object(paid))
    del event["type"]

    assert payment_handle_event(event=event, provider="stripe") is True

    assert StripeEvent.objects.get().type == ""
    assert not Refund.objects.exists()


@pytest.mark.parametrize("kind", ["refund.failed", "charge.refund.updated"])
def test_a_refund_reported_under_either_event_name_is_recorded(paid, kind):
    payment_handle_event(event=make_event(kind, refund_object(paid)), provider="stripe")

    assert Refund.objects.get().provider_refund_id == "re_test_outside"


# --- refunds -----------------------------------------------------------------------------------


def test_a_refund_without_an_id_is_not_recorded(paid):
    refund = refund_object(paid)
    del refund["id"]

    assert payment_record_refund(refund=refund) is None
    assert not Refund.objects.exists()


def test_a_refund_made_in_the_dashboard_keeps_stripes_reason_in_words(paid):
    record = payment_record_refund(refund=refund_object(paid, reason="requested_by_customer"))

    assert record.reason == "requested by customer"
    assert record.origin == Refund.Origin.STRIPE
    assert payment_record_refund(refund=refund_object(paid, id="re_no_reason")).reason == ""


@pytest.mark.parametrize(
    ("metadata", "origin"),
    [
        ({"origin": "automatic"}, Refund.Origin.AUTOMATIC),
        ({"origin": "portal"}, Refund.Origin.PORTAL),
        ({"origin": "made up"}, Refund.Origin.STRIPE),
        ({}, Refund.Origin.STRIPE),
    ],
)
def test_a_refund_first_heard_of_by_webhook_keeps_the_origin_the_portal_sent(
    paid, metadata, origin
):
    assert payment_record_refund(refund=refund_object(paid, metadata=metadata)).origin == origin


@pytest.mark.parametrize("answered", [0, 1])
def test_a_lost_answer_is_matched_to_its_own_attempt_by_key_not_to_another_attempt(paid, answered):
    attempts = [
        Refund.objects.create(
            payment=paid,
            amount_cents=cents,
            reason="visit cancelled",
            origin=Refund.Origin.PORTAL,
            status=Refund.Status.UNCONFIRMED,
            provider_answered=False,
        )
        for cents in (1000, 2000)
    ]
    mine, other = attempts[answered], attempts[1 - answered]

    payment_record_refund(
        refund=refund_object(paid, amount=mine.amount_cents, metadata={"refund_key": mine.key})
    )

    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.provider_refund_id, mine.status) == ("re_test_outside", "succeeded")
    assert (other.provider_refund_id, other.status) == ("", "unconfirmed")


# --- charges -----------------------------------------------------------------------------------


def _charge(paid, **fields) -> dict:
    return {
        "id": "ch_" + paid.payment_intent_id[3:],
        "object": "charge",
        "payment_intent": paid.payment_intent_id,
        "amount": paid.amount_cents,
        **fields,
    }


def test_a_charge_that_carries_its_refunds_has_them_recorded_on_its_payment(paid):
    # API versions before 2022-11-15 list the refunds in the charge, without a payment intent.
    refund = refund_object(paid, id="re_in_charge", amount=1500)
    del refund["payment_intent"]
    charge = _charge(paid, amount_refunded=1500, refunds={"object": "list", "data": [refund]})

    payment_handle_event(event=make_event("charge.refunded", charge), provider="stripe")

    [record] = Refund.objects.all()
    assert (record.provider_refund_id, record.payment, record.amount_cents) == (
        "re_in_charge",
        paid,
        1500,
    )
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 1500


def test_a_charge_of_no_payment_here_is_ignored(fake_stripe, paid):
    stranger = {"id": "ch_stranger", "object": "charge", "payment_intent": "pi_stranger"}

    payment_handle_event(
        event=make_event("charge.refunded", {**stranger, "amount_refunded": 500}),
        provider="stripe",
    )

    assert not Refund.objects.exists()


@pytest.mark.parametrize(("recorded", "amount_refunded"), [(0, None), (0, 0), (1500, 1500)])
def test_stripe_is_asked_for_the_refunds_only_when_the_charge_counts_more_than_recorded(
    fake_stripe, paid, recorded, amount_refunded, django_capture_on_commit_callbacks
):
    if recorded:
        payment_record_refund(refund=refund_object(paid, amount=recorded))
    charge = _charge(paid, amount_refunded=amount_refunded)

    with django_capture_on_commit_callbacks(execute=True):
        payment_handle_event(event=make_event("charge.refunded", charge), provider="stripe")

    assert fake_stripe.calls("GET", "/v1/refunds") == []


# --- disputes ----------------------------------------------------------------------------------


def test_a_dispute_records_its_evidence_deadline_and_reason_for_staff(fake_stripe, paid):
    dispute = fake_stripe.open_dispute(paid.payment_intent_id, reason="product_not_received")

    record = payment_record_dispute(dispute=dispute)

    due = datetime.fromtimestamp(dispute["evidence_details"]["due_by"], tz=UTC)
    assert record.evidence_due_by == due
    assert record.status == Dispute.Status.NEEDS_RESPONSE
    paid.refresh_from_db()
    assert paid.attention == Payment.Attention.DISPUTE
    assert paid.attention_note == f"Stripe dispute {dispute['id']} (product_not_received)."


def test_a_dispute_without_a_reason_says_so_on_the_attention_list(fake_stripe, paid):
    dispute = {**fake_stripe.open_dispute(paid.payment_intent_id), "reason": ""}

    payment_record_dispute(dispute=dispute)

    paid.refresh_from_db()
    assert paid.attention_note == f"Stripe dispute {dispute['id']} (no reason)."


def test_a_dispute_status_stripe_adds_later_is_read_as_needing_a_response(fake_stripe, paid):
    dispute = {**fake_stripe.open_dispute(paid.payment_intent_id), "status": "something_new"}

    assert payment_record_dispute(dispute=dispute).status == Dispute.Status.NEEDS_RESPONSE


def test_an_update_without_a_deadline_keeps_the_one_recorded_and_a_new_one_replaces_it(
    fake_stripe, paid
):
    dispute = fake_stripe.open_dispute(paid.payment_intent_id)
    first = payment_record_dispute(dispute=dispute)

    update = {**dispute, "status": "under_review", "evidence_details": {}}
    second = payment_record_dispute(dispute=update)
    assert (second.status, second.evidence_due_by) == ("under_review", first.evidence_due_by)

    later = dispute["evidence_details"]["due_by"] + 3 * 24 * 3600
    payment_record_dispute(dispute={**update, "evidence_details": {"due_by": later}})
    assert Dispute.objects.get().evidence_due_by == datetime.fromtimestamp(later, tz=UTC)


def test_a_dispute_without_an_id_is_not_recorded(fake_stripe, paid):
    dispute = fake_stripe.open_dispute(paid.payment_intent_id)
    del dispute["id"]

    assert payment_record_dispute(dispute=dispute) is None
    assert not Dispute.objects.exists()
    paid.refresh_from_db()
    assert paid.status == Payment.Status.SUCCEEDED
