"""Celery tasks of the shared library: delivering queued emails (see ``common.mail``)."""

import logging
import smtplib

from celery import shared_task

from .mail import email_deliver

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=8)
def deliver_email(self, *, raw: str, from_email: str, recipients: list[str]) -> None:
    """Send one queued email; a mail server that fails or times out is tried again later."""
    try:
        email_deliver(raw=raw, from_email=from_email, recipients=recipients)
    except (smtplib.SMTPException, OSError) as exc:
        if self.request.is_eager:
            # In-process (local, tests): the page must not fail for it; the log says so.
            logger.error("email not sent: %s", type(exc).__name__)
            return
        logger.warning("email not sent (%s); retrying", type(exc).__name__)
        raise self.retry(exc=exc, countdown=min(3600, 60 * 2**self.request.retries)) from exc
