"""The only module that imports ``stripe``: Checkout Sessions, refunds and webhook checks.

Everything leaving this module is a plain dict (``StripeObject`` is not one) and every SDK
error becomes ``ProviderUnavailable`` or ``InvalidWebhook``, so callers never see ``stripe``.
"""

import json
import logging

import stripe
from django.conf import settings

from .errors import InvalidWebhook, ProviderUnavailable

logger = logging.getLogger(__name__)


def _client() -> stripe.StripeClient:
    options: dict = {
        "max_network_retries": 0,
        "http_client": stripe.RequestsClient(timeout=settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS),
    }
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def _call(operation: str, function, *args, **kwargs) -> dict:
    try:
        return function(*args, **kwargs).to_dict()
    except stripe.StripeError as exc:
        logger.warning("stripe %s failed: %s", operation, type(exc).__name__)
        answered = not isinstance(exc, stripe.APIConnectionError)
        raise ProviderUnavailable(operation, answered=answered) from exc


def create_checkout_session(
    *,
    idempotency_key: str,
    amount_cents: int,
    currency: str,
    product_name: str,
    customer_email: str,
    metadata: dict[str, str],
    success_url: str,
    cancel_url: str,
) -> dict:
    """Create a one-payment Checkout Session; the same key returns the same session."""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": amount_cents,
                    "product_data": {"name": product_name},
                },
            }
        ],
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "client_reference_id": metadata.get("payment_id", ""),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if customer_email:
        params["customer_email"] = customer_email
    return _call(
        "checkout.sessions.create",
        _client().v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(*, session_id: str) -> dict:
    """Fetch a Checkout Session as Stripe knows it now."""
    return _call("checkout.sessions.retrieve", _client().v1.checkout.sessions.retrieve, session_id)


def create_refund(
    *, idempotency_key: str, payment_intent_id: str, amount_cents: int, metadata: dict[str, str]
) -> dict:
    """Refund part or all of a payment; the same key returns the same refund."""
    return _call(
        "refunds.create",
        _client().v1.refunds.create,
        params={
            "payment_intent": payment_intent_id,
            "amount": amount_cents,
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def verify_webhook(*, payload: bytes, signature: str) -> dict:
    """Check a webhook's ``Stripe-Signature`` (and its age) and return the event as a dict."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise InvalidWebhook("missing secret or signature")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        event = json.loads(payload)
    # The SDK reads the body before it checks its shape: a signed body that is not an event
    # object raises AttributeError or TypeError, not its own error.
    except (stripe.SignatureVerificationError, ValueError, AttributeError, TypeError) as exc:
        raise InvalidWebhook(type(exc).__name__) from exc
    if not _is_event(event):
        raise InvalidWebhook("not an event")
    return event


def _is_event(event) -> bool:
    """Whether a verified body has an event's shape: an id, a type and a data object."""
    return (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and bool(event["id"])
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    )
