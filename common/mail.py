"""Email leaves the web request through an outbox table, delivered by Celery after commit.

``EMAIL_BACKEND`` is ``TaskEmailBackend``; the backend that really sends (SMTP in production, the
console locally) is ``EMAIL_DELIVERY_BACKEND``, used with ``EMAIL_TIMEOUT``. A slow or silent
mail server then holds a worker, never a page. Locally Celery runs eagerly, so the email prints
at once.

Why an outbox: each message is written as an ``OutgoingEmail`` row in the transaction of the
change that caused it (a booked visit, a paid fee, a signed authorization), and only then handed
to the ``deliver_email`` task by id. If the broker (Redis) is down at that moment, or the mail
server fails, the row stays and the periodic ``deliver_outbox`` task (beat, every minute) sends
it once both are back; a row is deleted when sent. So an email is neither lost to an outage nor
sent from the web process, and it can never go out for a change that was rolled back. Retrying
by Celery alone would not do: a task that cannot be queued has nobody to retry it.

Delivery is at least once: a row is locked while it is sent, so two workers never send it at
the same moment, but a worker killed between the mail server's answer and the commit leaves a
row that is sent again later.
"""

import email
import email.policy
import logging
from datetime import timedelta

from celery import current_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail
from .queue import task_send

logger = logging.getLogger(__name__)

# The task sent after commit normally delivers within seconds; the sweep leaves a row this long.
OUTBOX_GRACE = timedelta(seconds=30)
# Failed attempts before a row is left alone (kept, for staff to see in the admin): with the
# backoff below, about a day and a half of trying.
OUTBOX_MAX_ATTEMPTS = 12
OUTBOX_BATCH = 100


class RenderedEmail(EmailMessage):
    """An already rendered message: headers and body as bytes, recipients given apart (Bcc)."""

    def __init__(self, *, raw: bytes, from_email: str, recipients: list[str]):
        super().__init__(from_email=from_email, to=recipients)
        self.raw = raw

    def message(self, *, policy=email.policy.compat32):
        return email.message_from_bytes(self.raw, policy=policy)


def email_deliver(*, raw: bytes, from_email: str, recipients: list[str]) -> None:
    """Send one rendered message through ``EMAIL_DELIVERY_BACKEND`` now; errors propagate."""
    message = RenderedEmail(raw=raw, from_email=from_email, recipients=recipients)
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    connection.send_messages([message])


def outbox_add(message: EmailMessage) -> OutgoingEmail:
    """Write ``message`` (rendered now) to the outbox, in the caller's transaction."""
    return OutgoingEmail.objects.create(
        from_email=message.from_email,
        recipients=list(message.recipients()),
        raw=message.message().as_bytes(),
        next_attempt_at=timezone.now() + OUTBOX_GRACE,
    )


def _retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failure, at most an hour."""
    return timedelta(seconds=min(3600, 60 * 2 ** (attempts - 1)))


def outbox_deliver(email_id: int) -> bool:
    """Send outbox row ``email_id`` and delete it; True when it was sent by this call.

    False when it is gone (sent already), being sent by another worker right now, or the mail
    server failed: then the failure is counted and the next attempt put off (``_retry_delay``).
    Never raises for a mail server's failure, so it is safe in ``on_commit`` callbacks.
    """
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if row is None:
            return False
        try:
            email_deliver(
                raw=bytes(row.raw), from_email=row.from_email, recipients=list(row.recipients)
            )
        except Exception as exc:  # any backend failure: count it, keep the row
            row.attempts += 1
            row.next_attempt_at = timezone.now() + _retry_delay(row.attempts)
            row.last_error = type(exc).__name__[:100]
            row.save(update_fields=["attempts", "next_attempt_at", "last_error"])
            level = logging.CRITICAL if row.attempts >= OUTBOX_MAX_ATTEMPTS else logging.ERROR
            logger.log(
                level,
                "email not sent (%s): outbox row %s, attempt %d of %d",
                row.last_error,
                row.pk,
                row.attempts,
                OUTBOX_MAX_ATTEMPTS,
            )
            return False
        row.delete()
    return True


def outbox_drain(*, limit: int = OUTBOX_BATCH) -> int:
    """Send the outbox rows that are due (their task was lost, or the mail server failed).

    Returns how many were sent. Rows failed ``OUTBOX_MAX_ATTEMPTS`` times are left alone.
    """
    due = list(
        OutgoingEmail.objects.filter(
            next_attempt_at__lte=timezone.now(), attempts__lt=OUTBOX_MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:limit]
    )
    sent = sum(outbox_deliver(email_id) for email_id in due)
    if due:
        logger.info("outbox: %d of %d waiting email(s) sent", sent, len(due))
    return sent


def outbox_retry(*, email_ids: list[int]) -> int:
    """Make outbox rows due now with a fresh count of attempts (staff, after fixing the cause).

    Returns how many rows there were; the sweep sends them within a minute.
    """
    return OutgoingEmail.objects.filter(pk__in=email_ids).update(
        attempts=0, next_attempt_at=timezone.now(), last_error=""
    )


def _queue(email_id: int) -> None:
    from .tasks import deliver_email  # local: tasks.py imports this module

    task_send(deliver_email.s(email_id), what="email left in the outbox for the periodic sweep")


class TaskEmailBackend(BaseEmailBackend):
    """Write each message to the outbox; deliver it once the transaction commits.

    From a web process delivery is the ``deliver_email`` task's; on a worker (already off the
    web request) the message is sent in the same process after commit.
    """

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            row = outbox_add(message)
            # current_task is a proxy: false outside a task.
            if current_task and not current_task.request.is_eager:
                transaction.on_commit(lambda email_id=row.pk: outbox_deliver(email_id))
            else:
                transaction.on_commit(lambda email_id=row.pk: _queue(email_id))
            sent += 1
        return sent
