"""The Stripe webhook: signatures, replays, and events arriving twice or out of order."""

import json
import time

import pytest
from django.urls import reverse

from enrollment.models import RequestEvent, Status
from payments.models import Payment, StripeEvent
from tests.payments.factories import receipt_emails

from .conftest import WEBHOOK_URL, make_event, post_event, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_session(fake_stripe, customer_client, awaiting):
    """The customer pressed Pay: a pending payment with its session at the fake Stripe."""
    customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))
    payment = Payment.objects.get()
    return payment, payment.checkout_session_id


def test_replayed_event_ten_times_records_one_payment(
    client, fake_stripe, open_session, awaiting, django_capture_on_commit_callbacks
):
    payment, session_id = open_session
    event = make_event("checkout.session.completed", fake_stripe.complete(session_id))

    with django_capture_on_commit_callbacks(execute=True):
        responses = [post_event(client, event) for _ in range(10)]

    assert [r.status_code for r in responses] == [200] * 10
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.payment_intent_id.startswith("pi_test_")
    assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).count() == 1
    assert StripeEvent.objects.count() == 1
    # The eligibility check queued after commit has run too.
    assert awaiting.status == Status.UNDER_REVIEW
    assert (
        RequestEvent.objects.filter(msa_request=awaiting, to_status=Status.SUBMITTED).count() == 1
    )
    assert len(receipt_emails()) == 1
    assert "$279.22" in receipt_emails()[0].body
    assert receipt_emails()[0].attachments[0][2] == "application/pdf"


def test_same_session_completed_under_two_event_ids_pays_once(
    client, fake_stripe, open_session, awaiting, django_capture_on_commit_callbacks
):
    _payment, session_id = open_session
    session = fake_stripe.complete(session_id)

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, make_event("checkout.session.completed", session))
        post_event(client, make_event("checkout.session.async_payment_succeeded", session))

    assert (
        RequestEvent.objects.filter(msa_request=awaiting, to_status=Status.SUBMITTED).count() == 1
    )
    assert StripeEvent.objects.count() == 2
    assert len(receipt_emails()) == 1


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1700000000,v1=deadbeef",
        sign("{}", secret="whsec_someone_else"),
    ],
    ids=["missing", "garbage", "wrong-secret"],
)
def test_bad_signature_is_400_and_changes_nothing(client, fake_stripe, open_session, header):
    payment, session_id = open_session
    body = json.dumps(make_event("checkout.session.completed", fake_stripe.complete(session_id)))
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}

    response = client.post(WEBHOOK_URL, data=body, content_type="application/json", **extra)

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert payment.msa_request.status == Status.AWAITING_PAYMENT
    assert StripeEvent.objects.count() == 0


def test_body_changed_after_signing_is_400(client, fake_stripe, open_session):
    _payment, session_id = open_session
    body = json.dumps(make_event("checkout.session.completed", fake_stripe.complete(session_id)))
    header = sign(body)

    response = client.post(
        WEBHOOK_URL,
        data=body.replace("27922", "100"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_stale_timestamp_is_400_and_changes_nothing(client, fake_stripe, open_session):
    payment, session_id = open_session
    event = make_event("checkout.session.completed", fake_stripe.complete(session_id))

    response = post_event(client, event, timestamp=int(time.time()) - 3600)

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert StripeEvent.objects.count() == 0


def test_webhook_without_a_configured_secret_is_400(client, fake_stripe, open_session, settings):
    _payment, session_id = open_session
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_event(
        client, make_event("checkout.session.completed", fake_stripe.complete(session_id))
    )

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_webhook_answers_only_post(client, fake_stripe):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_completed_before_the_session_is_known_locally_finds_the_payment_by_metadata(
    client, fake_stripe, awaiting
):
    # The session exists at Stripe but its id never reached our database (the create call's
    # answer was lost): the payment is found from the metadata we sent.
    payment = Payment.objects.create(
        msa_request=awaiting,
        purpose=Payment.Purpose.INITIAL,
        amount_cents=27922,
        provider=Payment.Provider.STRIPE,
    )
    session = fake_stripe._create_session(
        {
            "mode": "payment",
            "line_items[0][price_data][unit_amount]": "27922",
            "line_items[0][price_data][currency]": "usd",
            "metadata[request_id]": str(awaiting.pk),
            "metadata[payment_id]": str(payment.pk),
        }
    )

    response = post_event(
        client, make_event("checkout.session.completed", fake_stripe.complete(session["id"]))
    )

    assert response.status_code == 200
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.checkout_session_id == session["id"]
    assert awaiting.status in (Status.SUBMITTED, Status.UNDER_REVIEW)


def test_expired_after_completed_does_not_undo_the_payment(
    client, fake_stripe, open_session, awaiting
):
    payment, session_id = open_session
    completed = fake_stripe.complete(session_id)
    expired = {**completed, "status": "expired"}

    post_event(client, make_event("checkout.session.expired", expired))  # late, out of order
    post_event(client, make_event("checkout.session.completed", completed))
    post_event(client, make_event("checkout.session.expired", expired))

    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert awaiting.status in (Status.SUBMITTED, Status.UNDER_REVIEW)


def test_expired_session_lets_the_customer_start_a_new_one(
    client, customer_client, fake_stripe, open_session, awaiting
):
    payment, session_id = open_session

    post_event(client, make_event("checkout.session.expired", fake_stripe.expire(session_id)))
    response = customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert len(fake_stripe.sessions) == 2
    new = Payment.objects.get(status=Payment.Status.PENDING)
    assert response.url.endswith(new.checkout_session_id)


def test_delayed_payment_method_is_fulfilled_only_when_it_succeeds(
    client, fake_stripe, open_session, awaiting
):
    payment, session_id = open_session
    unpaid = fake_stripe.complete(session_id, paid=False)

    post_event(client, make_event("checkout.session.completed", unpaid))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING

    paid = fake_stripe.complete(session_id)
    post_event(client, make_event("checkout.session.async_payment_succeeded", paid))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_async_payment_failed_marks_the_payment_failed_and_the_fee_stays_due(
    client, fake_stripe, open_session, awaiting
):
    payment, session_id = open_session
    unpaid = fake_stripe.complete(session_id, paid=False)

    post_event(client, make_event("checkout.session.async_payment_failed", unpaid))

    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert awaiting.status == Status.AWAITING_PAYMENT


def test_session_whose_amount_differs_from_the_record_is_not_fulfilled(
    client, fake_stripe, open_session, awaiting
):
    payment, session_id = open_session
    session = {**fake_stripe.complete(session_id), "amount_total": 100}

    response = post_event(client, make_event("checkout.session.completed", session))

    assert response.status_code == 200
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert awaiting.status == Status.AWAITING_PAYMENT


def test_session_of_another_currency_is_not_fulfilled(client, fake_stripe, open_session):
    payment, session_id = open_session
    session = {**fake_stripe.complete(session_id), "currency": "eur"}

    post_event(client, make_event("checkout.session.completed", session))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_refund_made_in_the_stripe_dashboard_is_followed(
    client, fake_stripe, open_session, django_capture_on_commit_callbacks
):
    payment, session_id = open_session
    session = fake_stripe.complete(session_id)
    post_event(client, make_event("checkout.session.completed", session))
    fake_stripe.dashboard_refund(session["payment_intent"], 10000)
    charge = fake_stripe.charge(session["payment_intent"])

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, make_event("charge.refunded", charge))
    post_event(client, make_event("charge.refunded", {**charge, "amount_refunded": 5000}))

    payment.refresh_from_db()
    assert payment.amount_refunded_cents == 10000  # an older event never lowers the total
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_event_about_an_unknown_session_is_acknowledged(client, fake_stripe):
    session = {
        "id": "cs_unknown",
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": 27922,
        "currency": "usd",
        "metadata": {},
    }

    response = post_event(client, make_event("checkout.session.completed", session))

    assert response.status_code == 200
    assert Payment.objects.count() == 0


def test_unhandled_event_type_is_stored_and_acknowledged(client, fake_stripe):
    response = post_event(client, make_event("customer.created", {"id": "cus_1"}))

    assert response.status_code == 200
    assert StripeEvent.objects.get().processed_at is not None
