"""Starting a checkout: one session per fee, the right amount, and provider failures."""

import pytest
from django.urls import reverse

from enrollment.models import Status
from payments.models import Payment
from tests.factories import MsaRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

SESSIONS = "/v1/checkout/sessions"


def pay(client, msa_request):
    return client.post(reverse("payments:checkout_start", kwargs={"pk": msa_request.pk}))


def test_pay_redirects_to_a_stripe_session_for_27922_usd(fake_stripe, customer_client, awaiting):
    response = pay(customer_client, awaiting)

    [create] = fake_stripe.calls("POST", SESSIONS)
    session = fake_stripe.sessions[response.url.rsplit("/", 1)[1]]
    assert response.status_code == 302
    assert create.params["mode"] == "payment"
    assert create.params["line_items[0][price_data][unit_amount]"] == "27922"
    assert create.params["line_items[0][price_data][currency]"] == "usd"
    assert create.params["line_items[0][price_data][product_data][name]"] == "MSA site-visit fee"
    assert create.params["line_items[0][quantity]"] == "1"
    assert create.params["customer_email"] == awaiting.customer_email
    payment = Payment.objects.get()
    assert create.params["metadata[request_id]"] == str(awaiting.pk)
    assert create.params["metadata[payment_id]"] == str(payment.pk)
    assert create.headers["idempotency-key"] == f"checkout-{payment.key}"
    assert create.headers["authorization"] == "Bearer sk_test_fake"
    assert f"/payments/requests/{awaiting.pk}/paid/?session_id=" in create.params["success_url"]
    assert create.params["cancel_url"].endswith(f"/payments/requests/{awaiting.pk}/cancelled/")
    assert session["amount_total"] == 27922
    assert payment.checkout_session_id == session["id"]
    assert payment.status == Payment.Status.PENDING


def test_double_clicked_pay_makes_one_session(fake_stripe, customer_client, awaiting):
    first = pay(customer_client, awaiting)
    second = pay(customer_client, awaiting)
    third = pay(customer_client, awaiting)  # a second tab, or the back button

    assert first.url == second.url == third.url
    assert len(fake_stripe.calls("POST", SESSIONS)) == 1
    assert Payment.objects.count() == 1
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_PAYMENT


def test_stripe_500_shows_a_message_and_a_retry_makes_one_session(
    fake_stripe, customer_client, awaiting
):
    fake_stripe.fail_next = [500]

    response = pay(customer_client, awaiting)

    assert response.url == awaiting.get_absolute_url()
    page = customer_client.get(response.url)
    assert "did not answer, so nothing was charged" in page.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_PAYMENT

    retry = pay(customer_client, awaiting)

    # Stripe keeps its 500 under the key, so the retry needs (and gets) a fresh one.
    assert retry.url.startswith("https://checkout.stripe.test/")
    payment = Payment.objects.get()
    keys = [c.headers["idempotency-key"] for c in fake_stripe.calls("POST", SESSIONS)]
    assert keys == [f"checkout-{payment.key}", f"checkout-{payment.key}-retry1"]
    assert len(fake_stripe.sessions) == 1
    assert retry.url.endswith(payment.checkout_session_id)


def test_timeout_then_retry_returns_the_session_stripe_already_made(
    fake_stripe, customer_client, awaiting, answer_lost
):
    with answer_lost():  # Stripe creates the session but answers after we gave up
        response = pay(customer_client, awaiting)

    assert response.url == awaiting.get_absolute_url()
    assert len(fake_stripe.sessions) == 1  # made at Stripe, unknown to us
    assert Payment.objects.get().checkout_session_id == ""

    retry = pay(customer_client, awaiting)

    [session_id] = fake_stripe.sessions
    assert retry.url.endswith(session_id)
    assert len(fake_stripe.sessions) == 1
    keys = {c.headers["idempotency-key"] for c in fake_stripe.calls("POST", SESSIONS)}
    assert len(keys) == 1
    assert Payment.objects.get().checkout_session_id == session_id


def test_someone_elses_request_cannot_be_paid(fake_stripe, client, awaiting):
    client.force_login(UserFactory())

    response = pay(client, awaiting)

    assert response.status_code == 404
    assert fake_stripe.requests == []


def test_contractor_of_the_company_may_pay(fake_stripe, client):
    from tests.factories import ContractorFactory

    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(
        filed_by=contractor,
        contractor_company=contractor.company,
        status=Status.AWAITING_PAYMENT,
    )
    colleague = ContractorFactory(company=contractor.company)
    client.force_login(colleague)

    response = pay(client, msa_request)

    assert response.url.startswith("https://checkout.stripe.test/")
    assert Payment.objects.get().started_by == colleague


def test_nothing_to_pay_on_a_submitted_request(fake_stripe, customer_client, customer):
    msa_request = MsaRequestFactory(applicant=customer, status=Status.SUBMITTED)

    response = pay(customer_client, msa_request)

    assert response.url == msa_request.get_absolute_url()
    assert fake_stripe.requests == []
    assert Payment.objects.count() == 0


def test_pay_needs_a_post(fake_stripe, customer_client, awaiting):
    response = customer_client.get(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))

    assert response.status_code == 405
