"""Celery tasks of the shared library: delivering the email outbox (see ``common.mail``)."""

from celery import shared_task

from .mail import outbox_deliver, outbox_drain


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> bool:
    """Send one outbox email (sent after the commit that wrote it); a repeat sends nothing.

    A failure is not retried by Celery: the row stays and ``deliver_outbox`` tries again.
    """
    return outbox_deliver(email_id)


@shared_task(acks_late=True)
def deliver_outbox() -> int:
    """Send the outbox emails left waiting by a broker outage or a failed mail server (beat)."""
    return outbox_drain()
