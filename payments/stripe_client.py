"""The only module that imports ``stripe``: Checkout Sessions, refunds and webhook checks.

Everything leaving this module is a plain dict (``StripeObject`` is not one) and every SDK
error becomes ``ProviderUnavailable`` or ``InvalidWebhook``, so callers never see ``stripe``.
"""

import json
import logging
import time

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


# Stripe answers 409 ``idempotency_key_in_use`` while another request with the same key is
# still running (docs.stripe.com/error-codes#idempotency-key-in-use): wait and ask again.
IN_USE_PAUSE_SECONDS = 0.25


def _key_in_use(exc: stripe.StripeError) -> bool:
    return exc.http_status == 409 or getattr(exc, "code", None) == "idempotency_key_in_use"


def _call(operation: str, function, *args, **kwargs) -> dict:
    """Run one SDK call within ``PAYMENTS_STRIPE_TIMEOUT_SECONDS`` and return a plain dict.

    A "key in use" answer is retried with the same key until the deadline (a new key would
    create a second object); it then counts as unanswered, like a timeout, so the caller keeps
    the key. Raises ``ProviderUnavailable``; ``answered`` is True only for a final error answer.
    """
    deadline = time.monotonic() + settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS
    while True:
        try:
            return function(*args, **kwargs).to_dict()
        except stripe.StripeError as exc:
            in_use = _key_in_use(exc)
            if in_use and time.monotonic() + IN_USE_PAUSE_SECONDS < deadline:
                time.sleep(IN_USE_PAUSE_SECONDS)
                continue
            logger.warning("stripe %s failed: %s", operation, type(exc).__name__)
            answered = not (in_use or isinstance(exc, stripe.APIConnectionError))
            raise ProviderUnavailable(operation, answered=answered) from exc


def _list(operation: str, resource, params: dict, limit: int) -> list[dict]:
    """Every object of a Stripe list call (following its pages), at most ``limit``."""
    try:
        page = resource.list(params={**params, "limit": 100})
        found = []
        for item in page.auto_paging_iter():
            found.append(item.to_dict())
            if len(found) >= limit:
                break
        return found
    except stripe.StripeError as exc:
        logger.warning("stripe %s failed: %s", operation, type(exc).__name__)
        raise ProviderUnavailable(operation, answered=True) from exc


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


def expire_checkout_session(*, session_id: str) -> dict:
    """Expire an open Checkout Session so it can no longer be paid; return it as Stripe has it.

    Stripe refuses (an answered ``ProviderUnavailable``) when the session is no longer open.
    """
    return _call("checkout.sessions.expire", _client().v1.checkout.sessions.expire, session_id)


def list_recent(kind: str, *, created_after: int, limit: int = 1000) -> list[dict]:
    """Return Stripe's ``kind`` objects created since a Unix time, newest first.

    ``kind`` is ``sessions``, ``payment_intents``, ``refunds`` or ``disputes``.
    """
    v1 = _client().v1
    resource = {
        "sessions": v1.checkout.sessions,
        "payment_intents": v1.payment_intents,
        "refunds": v1.refunds,
        "disputes": v1.disputes,
    }[kind]
    return _list(f"{kind}.list", resource, {"created": {"gte": created_after}}, limit)


def list_refunds_for(*, payment_intent_id: str) -> list[dict]:
    """Return every refund Stripe holds for one payment intent."""
    return _list("refunds.list", _client().v1.refunds, {"payment_intent": payment_intent_id}, 100)


def create_refund(
    *, idempotency_key: str, payment_intent_id: str, amount_cents: int, metadata: dict[str, str]
) -> dict:
    """Refund part or all of a payment (cents); the same key returns the same refund."""
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
