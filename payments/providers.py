"""Payment providers behind one small interface: Stripe, and the local demo stand-in.

Both hand back Checkout-Session-shaped dicts, so the services, the fulfilment function and the
event handler are the same code whichever provider took the payment.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from . import stripe_client
from .models import Payment

SESSION_LIFETIME = timedelta(hours=24)


class StripeProvider:
    name = Payment.Provider.STRIPE

    def create_session(self, *, payment: Payment, customer_email: str, product_name: str) -> dict:
        msa_request_id = payment.msa_request_id
        return stripe_client.create_checkout_session(
            idempotency_key=payment.idempotency_key("checkout"),
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            product_name=product_name,
            customer_email=customer_email,
            metadata={"request_id": str(msa_request_id), "payment_id": str(payment.pk)},
            success_url=_absolute(
                reverse("payments:checkout_success", kwargs={"pk": msa_request_id})
            )
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_absolute(
                reverse("payments:checkout_cancelled", kwargs={"pk": msa_request_id})
            ),
        )

    def retrieve_session(self, *, payment: Payment) -> dict:
        return stripe_client.retrieve_checkout_session(session_id=payment.checkout_session_id)

    def expire_session(self, *, session_id: str) -> dict:
        return stripe_client.expire_checkout_session(session_id=session_id)

    def create_refund(
        self,
        *,
        payment: Payment,
        amount_cents: int,
        idempotency_key: str,
        origin: str,
        refund_key: str,
    ) -> dict:
        return stripe_client.create_refund(
            idempotency_key=idempotency_key,
            payment_intent_id=payment.payment_intent_id,
            amount_cents=amount_cents,
            metadata={
                "request_id": str(payment.msa_request_id),
                "payment_id": str(payment.pk),
                "origin": origin,
                "refund_key": refund_key,
            },
        )

    def list_refunds(self, *, payment: Payment) -> list[dict]:
        return stripe_client.list_refunds_for(payment_intent_id=payment.payment_intent_id)


class DemoProvider:
    """A local stand-in for Stripe: its checkout page is ours and no card is ever charged."""

    name = Payment.Provider.DEMO

    def create_session(self, *, payment: Payment, customer_email: str, product_name: str) -> dict:
        return {
            "id": f"cs_demo_{payment.pk}",
            "object": "checkout.session",
            "url": _absolute(reverse("payments:demo_checkout", kwargs={"payment_pk": payment.pk})),
            "expires_at": int((timezone.now() + SESSION_LIFETIME).timestamp()),
            **self._state(payment=payment, status="open", payment_status="unpaid"),
        }

    def retrieve_session(self, *, payment: Payment) -> dict:
        if payment.status in Payment.PAID_STATUSES:
            status, paid = "complete", "paid"
        elif payment.session_expires_at and payment.session_expires_at < timezone.now():
            status, paid = "expired", "unpaid"
        else:
            status, paid = "open", "unpaid"
        return {"id": payment.checkout_session_id, **self._state(payment, status, paid)}

    def expire_session(self, *, session_id: str) -> dict:
        return {"id": session_id, "object": "checkout.session", "status": "expired"}

    def create_refund(
        self,
        *,
        payment: Payment,
        amount_cents: int,
        idempotency_key: str,
        origin: str,
        refund_key: str,
    ) -> dict:
        return {
            "id": f"re_demo_{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex[:16]}",
            "object": "refund",
            "amount": amount_cents,
            "payment_intent": payment.payment_intent_id,
            "status": "succeeded",
            "metadata": {"payment_id": str(payment.pk), "origin": origin, "refund_key": refund_key},
        }

    def list_refunds(self, *, payment: Payment) -> list[dict]:
        return []

    def completed_session(self, *, payment: Payment, paid: bool) -> dict:
        """The session as it stands once the demo page's "pay" (or "fail") was pressed."""
        return {
            "id": payment.checkout_session_id,
            **self._state(payment, "complete", "paid" if paid else "unpaid"),
            "payment_intent": f"pi_demo_{payment.pk}",
        }

    @staticmethod
    def _state(payment: Payment, status: str, payment_status: str) -> dict:
        return {
            "object": "checkout.session",
            "mode": "payment",
            "status": status,
            "payment_status": payment_status,
            "amount_total": payment.amount_cents,
            "currency": payment.currency,
            "payment_intent": payment.payment_intent_id or None,
            "metadata": {"request_id": str(payment.msa_request_id), "payment_id": str(payment.pk)},
        }


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def get_provider(name: str | None = None):
    """Return the provider called ``name``, or the one the settings choose for new payments."""
    name = name or settings.PAYMENT_PROVIDER
    if name == Payment.Provider.STRIPE:
        return StripeProvider()
    if name == Payment.Provider.DEMO:
        return DemoProvider()
    raise ValueError(f"unknown payment provider {name!r}")
