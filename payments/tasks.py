"""Celery tasks for payments: thin wrappers over services, taking ids, safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .errors import ProviderUnavailable
from .services import (
    payment_reconcile,
    payment_reconcile_with_stripe,
    payment_refund_duplicate,
    payment_send_dispute_alert,
    payment_send_failed_notice,
    payment_send_receipt,
    payment_send_refund_notice,
    payment_sync_refunds,
)

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
    """Email the customer that a refund was made (once per refund)."""
    try:
        payment_send_refund_notice(refund_id=refund_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_payment_failed_notice(self, payment_id: int) -> bool:
    """Email the customer that a bank debit failed (once)."""
    try:
        return payment_send_failed_notice(payment_id=payment_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_dispute_alert(self, dispute_id: int) -> bool:
    """Email the finance staff role about a new dispute (once)."""
    try:
        return payment_send_dispute_alert(dispute_id=dispute_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=10, default_retry_delay=60)
def refund_duplicate(self, payment_id: int) -> None:
    """Refund a second payment of an already settled fee; Stripe down means try later."""
    try:
        payment_refund_duplicate(payment_id=payment_id)
    except ProviderUnavailable as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def sync_refunds(self, payment_id: int) -> int:
    """Record every refund Stripe holds for one payment (after a ``charge.refunded``)."""
    try:
        return payment_sync_refunds(payment_id=payment_id)
    except ProviderUnavailable as exc:
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def reconcile_payments() -> int:
    """Settle checkouts whose webhook never arrived, then compare Stripe with the ledger."""
    settled = payment_reconcile(older_than_minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
    logger.info("reconcile: %d payment(s) settled", settled)
    if settings.PAYMENT_PROVIDER == "stripe":
        since = timezone.now() - timedelta(hours=settings.PAYMENTS_RECONCILE_WINDOW_HOURS)
        try:
            report = payment_reconcile_with_stripe(since=since)
        except ProviderUnavailable:
            logger.warning("reconcile: Stripe could not be listed")
        else:
            logger.info(
                "reconcile: %d checked, %d mended, %d for staff",
                report.checked,
                len(report.mended),
                len(report.unmended),
            )
    return settled
