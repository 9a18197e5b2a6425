"""The edges of the fee ledger: retries, a provider switched, the attention list, waivers.

Each test names what a customer or staff would suffer if the code were wrong.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.errors import PaymentError, ProviderUnavailable
from payments.models import Payment, Refund
from payments.services import (
    payment_clear_attention,
    payment_demo_finish,
    payment_handle_event,
    payment_record_refund,
    payment_refund,
    payment_start_checkout,
    payment_sync_refunds,
    payment_waive_revisit_fee,
)
from tests.factories import ContractorFactory, MsaRequestFactory

from .conftest import make_event
from .factories import PaymentFactory
from .test_revisit import failed_visit

pytestmark = pytest.mark.django_db


def refund(paid, cents, **kwargs):
    return payment_refund(
        payment_id=paid.pk, amount_cents=cents, reason="visit shortened", staff_user=None, **kwargs
    )


# --- refund attempts ---------------------------------------------------------------------------


def test_an_attempt_is_unconfirmed_and_not_counted_until_stripe_answers(paid, answer_lost):
    with answer_lost(), pytest.raises(ProviderUnavailable):
        refund(paid, 1000)

    attempt = Refund.objects.get()
    assert attempt.status == Refund.Status.UNCONFIRMED
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 0


def test_a_refund_of_another_amount_after_a_lost_answer_is_a_refund_of_its_own(
    fake_stripe, paid, answer_lost
):
    with answer_lost(), pytest.raises(ProviderUnavailable):
        refund(paid, 1000)

    refund(paid, 2500)

    assert sorted(r["amount"] for r in fake_stripe.refunds.values()) == [1000, 2500]
    assert Refund.objects.count() == 2


def test_an_automatic_refund_does_not_take_over_a_staff_attempt_of_the_same_amount(
    fake_stripe, paid, answer_lost
):
    with answer_lost(), pytest.raises(ProviderUnavailable):
        refund(paid, 1000)

    made = refund(paid, 1000, origin=Refund.Origin.AUTOMATIC)

    assert made.origin == Refund.Origin.AUTOMATIC
    assert len(fake_stripe.refunds) == 2


def test_an_attempt_older_than_stripes_key_memory_is_not_retried_under_its_key(
    fake_stripe, paid, answer_lost
):
    with answer_lost(), pytest.raises(ProviderUnavailable):
        refund(paid, 1000)
    stale = Refund.objects.get()
    Refund.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=25))

    made = refund(paid, 1000)

    assert made.pk != stale.pk
    assert made.key != stale.key


def test_a_refund_of_one_cent_is_allowed(fake_stripe, paid):
    assert refund(paid, 1).amount_cents == 1


def test_stripe_refusing_a_refund_removes_that_attempt_only(fake_stripe, paid, answer_lost):
    with answer_lost(), pytest.raises(ProviderUnavailable):
        refund(paid, 1000)
    fake_stripe.fail_next = [400]

    with pytest.raises(ProviderUnavailable):
        refund(paid, 2000)

    [kept] = Refund.objects.all()
    assert kept.amount_cents == 1000  # the lost one, still to be confirmed by a retry


def test_stripes_copy_of_a_refund_says_who_made_it(fake_stripe, paid):
    refund(paid, 1000)

    [made] = fake_stripe.refunds.values()
    assert made["metadata"]["origin"] == Refund.Origin.PORTAL


# --- a provider switched while payments were open ----------------------------------------------


def test_payments_stay_with_their_provider_after_the_setting_changes(fake_stripe, paid, settings):
    open_checkout = PaymentFactory()
    payment_start_checkout(msa_request_id=open_checkout.msa_request_id)
    stripe_session = Payment.objects.get(
        msa_request=open_checkout.msa_request, status=Payment.Status.PENDING
    ).checkout_session_id
    fake_stripe.dashboard_refund(paid.payment_intent_id, 500)
    settings.PAYMENT_PROVIDER = "demo"  # new payments go to the demo provider from now on

    assert payment_sync_refunds(payment_id=paid.pk) == 1
    assert refund(paid, 1000).provider_refund_id.startswith("re_test_")
    payment_start_checkout(msa_request_id=open_checkout.msa_request_id)
    # The Stripe checkout still open is expired at Stripe, where it could still be paid.
    assert fake_stripe.sessions[stripe_session]["status"] == "expired"


def test_a_payment_without_a_charge_has_no_refunds_to_sync(fake_stripe):
    assert payment_sync_refunds(payment_id=PaymentFactory().pk) == 0
    assert fake_stripe.requests == []


# --- closing sessions --------------------------------------------------------------------------


def _session_event(kind, payment):
    return make_event(
        kind,
        {
            "id": payment.checkout_session_id or "cs_unknown",
            "object": "checkout.session",
            "metadata": {"payment_id": str(payment.pk)} if payment.pk else {},
        },
    )


def test_an_expired_checkout_does_not_tell_the_customer_a_payment_failed(
    fake_stripe, awaiting, django_capture_on_commit_callbacks, mailoutbox
):
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    payment = Payment.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        payment_handle_event(
            event=_session_event("checkout.session.expired", payment), provider="stripe"
        )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert mailoutbox == []


def test_a_failed_debit_reported_after_the_fee_was_paid_neither_undoes_it_nor_emails(
    paid, django_capture_on_commit_callbacks, mailoutbox
):
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        payment_handle_event(
            event=_session_event("checkout.session.async_payment_failed", paid),
            provider="stripe",
        )

    paid.refresh_from_db()
    assert paid.status == Payment.Status.SUCCEEDED
    assert paid.failure_notified_at is None
    assert mailoutbox == []


def test_a_failed_debit_of_a_session_we_never_made_is_ignored(fake_stripe):
    event = _session_event("checkout.session.async_payment_failed", Payment())

    assert payment_handle_event(event=event, provider="stripe") is True


# --- the attention list ------------------------------------------------------------------------


def test_clearing_attention_clears_that_payment_only_and_dates_it(fake_stripe, staff_user):
    flagged, other = (
        PaymentFactory(attention=Payment.Attention.MISMATCH, attention_note="paid 1 usd")
        for _ in range(2)
    )
    before = Payment.objects.get(pk=flagged.pk).updated_at

    payment_clear_attention(payment_id=flagged.pk, staff_user=staff_user)

    flagged.refresh_from_db()
    other.refresh_from_db()
    assert (flagged.attention, flagged.attention_note) == ("", "")
    assert flagged.updated_at > before
    assert (other.attention, other.attention_note) == (Payment.Attention.MISMATCH, "paid 1 usd")


def test_a_failed_refund_is_flagged_with_stripes_reason(paid):
    before = paid.updated_at

    payment_record_refund(
        refund={
            "id": "re_failed",
            "amount": 1000,
            "payment_intent": paid.payment_intent_id,
            "status": "failed",
            "failure_reason": "expired_or_canceled_card",
        }
    )

    paid.refresh_from_db()
    assert paid.attention == Payment.Attention.REFUND_FAILED
    assert paid.attention_note == "Stripe refund re_failed failed: expired_or_canceled_card."
    assert paid.updated_at > before


def test_a_full_refund_clears_the_paid_twice_flag_but_not_another_one(paid):
    for attention in (Payment.Attention.DUPLICATE, Payment.Attention.REFUND_FAILED):
        Payment.objects.filter(pk=paid.pk).update(
            status=Payment.Status.SUCCEEDED,
            amount_refunded_cents=0,
            attention=attention,
            attention_note="see the refunds",
        )
        Refund.objects.all().delete()

        payment_record_refund(
            refund={
                "id": f"re_full_{attention}",
                "amount": paid.amount_cents,
                "payment_intent": paid.payment_intent_id,
                "status": "succeeded",
            }
        )

        paid.refresh_from_db()
        assert paid.status == Payment.Status.REFUNDED
        if attention == Payment.Attention.DUPLICATE:
            assert (paid.attention, paid.attention_note) == ("", "")
        else:
            assert (paid.attention, paid.attention_note) == (attention, "see the refunds")


# --- waivers and the demo provider -------------------------------------------------------------


def test_a_waived_revisit_fee_is_recorded_as_the_revisit_with_the_staff_reason(staff_user):
    contractor = ContractorFactory()
    msa_request = failed_visit(
        MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company), staff_user
    )

    waived = payment_waive_revisit_fee(
        msa_request_id=msa_request.pk, staff_user=staff_user, reason="  Our truck broke down  "
    )

    waived.refresh_from_db()
    assert (waived.purpose, waived.currency, waived.note) == (
        Payment.Purpose.REVISIT,
        "usd",
        "Our truck broke down",
    )
    assert msa_request.events.last().actor == staff_user


def test_the_demo_page_finishes_the_payment_it_was_opened_for(demo_provider):
    first, second = (
        PaymentFactory(provider=Payment.Provider.DEMO, checkout_session_id=f"demo_{n}")
        for n in range(2)
    )

    payment_demo_finish(payment_id=second.pk, paid=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Payment.Status.PENDING, Payment.Status.SUCCEEDED)


def test_the_demo_page_cannot_finish_a_stripe_payment(demo_provider):
    stripe_payment = PaymentFactory(provider=Payment.Provider.STRIPE)

    with pytest.raises(Payment.DoesNotExist):
        payment_demo_finish(payment_id=stripe_payment.pk, paid=True)


def test_the_demo_page_is_refused_when_the_demo_provider_is_off(fake_stripe):
    with pytest.raises(PaymentError):
        payment_demo_finish(payment_id=PaymentFactory().pk, paid=True)
