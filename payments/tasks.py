"""Celery tasks for payments: thin wrappers over services, taking ids, safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings

from .services import payment_reconcile, payment_send_receipt, payment_send_refund_notice

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_receipt(self, payment_id: int) -> bool:
    """Email one payment's receipt (once, however often this runs)."""
    try:
        return payment_send_receipt(payment_id=payment_id)
    except OSError as exc:  # SMTP trouble: try again later
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_refund_notice(self, refund_id: int) -> None:
    """Email the customer that a refund was made."""
    try:
        payment_send_refund_notice(refund_id=refund_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def reconcile_payments() -> int:
    """Settle checkouts whose webhook never arrived (run by beat)."""
    settled = payment_reconcile(older_than_minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
    logger.info("reconcile: %d payment(s) settled", settled)
    return settled
