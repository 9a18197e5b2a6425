"""Payments fixtures: a fake Stripe on 127.0.0.1, signed webhooks, requests awaiting payment."""

import hashlib
import hmac
import json
import time
import uuid
from contextlib import contextmanager

import pytest

from enrollment.models import Status
from payments.models import Payment
from payments.services import payment_fulfil_from_session, payment_start_checkout
from tests.factories import MsaRequestFactory

from .fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"
WEBHOOK_URL = "/payments/stripe/webhook/"
# Long enough that a loaded CI machine never times out an answer the fake gives at once.
PATIENT_TIMEOUT_SECONDS = 5


@pytest.fixture
def fake_stripe(settings):
    """The real SDK pointed at a local fake Stripe; the provider switched to Stripe."""
    fake = FakeStripe()
    server = fake.serve()
    host, port = server.server_address[:2]
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = f"http://{host}:{port}"
    settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS = PATIENT_TIMEOUT_SECONDS
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def answer_lost(fake_stripe, settings):
    """A block in which Stripe does the next call but answers after the portal gave up.

    Inside: a 1 s timeout and a 2 s answer. On leaving, the fake has finished the call and the
    patient timeout is back, so the calls that follow are never cut short on a busy machine.
    """

    @contextmanager
    def block():
        settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS = 1
        fake_stripe.hang_next = [2]
        try:
            yield
        finally:
            fake_stripe.wait_idle()
            settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS = PATIENT_TIMEOUT_SECONDS

    return block


@pytest.fixture
def demo_provider(settings):
    settings.PAYMENT_PROVIDER = "demo"
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


def sign(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header made exactly as Stripe makes it."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def make_event(kind: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:20]}",
        "object": "event",
        "api_version": "2025-01-01",
        "created": int(time.time()),
        "livemode": False,
        "type": kind,
        "data": {"object": obj},
    }


def post_event(client, event: dict, **sign_kwargs):
    body = json.dumps(event)
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, **sign_kwargs),
    )


@pytest.fixture
def awaiting(customer):
    """A request by ``customer`` whose agreement is signed and whose fee is due."""
    return MsaRequestFactory(applicant=customer, status=Status.AWAITING_PAYMENT)


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def paid(fake_stripe, awaiting):
    """``awaiting``'s fee, paid through the fake Stripe and recorded."""
    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    payment = Payment.objects.get()
    return payment_fulfil_from_session(
        session=fake_stripe.complete(payment.checkout_session_id), provider="stripe"
    )
