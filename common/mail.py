"""Email leaves the web request: the message is handed to a Celery task after commit.

``EMAIL_BACKEND`` is ``TaskEmailBackend``; the backend that really sends (SMTP in production, the
console locally) is ``EMAIL_DELIVERY_BACKEND``, used by the task with ``EMAIL_TIMEOUT``. A slow
or silent mail server then holds a worker, never a page: the customer's request is answered and
the email is retried by the task. Locally Celery runs eagerly, so the email prints at once.

The message travels as its rendered MIME bytes (base64 in JSON), never pickled.
"""

import base64
import email
import email.policy
import logging

from celery import current_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .queue import task_send

logger = logging.getLogger(__name__)


class RenderedEmail(EmailMessage):
    """An already rendered message: headers and body as bytes, recipients given apart (Bcc)."""

    def __init__(self, *, raw: bytes, from_email: str, recipients: list[str]):
        super().__init__(from_email=from_email, to=recipients)
        self.raw = raw

    def message(self, *, policy=email.policy.compat32):
        return email.message_from_bytes(self.raw, policy=policy)


def email_payload(message: EmailMessage) -> dict:
    """Return what the delivery task needs to send ``message``, as JSON-safe values."""
    return {
        "raw": base64.b64encode(message.message().as_bytes()).decode("ascii"),
        "from_email": message.from_email,
        "recipients": list(message.recipients()),
    }


def email_deliver(*, raw: str, from_email: str, recipients: list[str]) -> None:
    """Send one rendered message through ``EMAIL_DELIVERY_BACKEND`` now; errors propagate."""
    message = RenderedEmail(raw=base64.b64decode(raw), from_email=from_email, recipients=recipients)
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    connection.send_messages([message])


def _queue(payload: dict) -> None:
    from .tasks import deliver_email  # local: tasks.py imports this module

    if task_send(deliver_email.s(**payload), what="email sent from the web process instead"):
        return
    # The broker is down too: rather a page slowed by at most EMAIL_TIMEOUT than a lost email.
    try:
        email_deliver(**payload)
    except Exception:
        logger.exception("email not sent: task queue and mail server both failed")


class TaskEmailBackend(BaseEmailBackend):
    """Queue each message for the ``deliver_email`` task once the transaction commits."""

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            payload = email_payload(message)
            # current_task is a proxy: false outside a task.
            if current_task and not current_task.request.is_eager:
                # Already on a worker, off the web request: send now; the task retries on failure.
                email_deliver(**payload)
            else:
                transaction.on_commit(lambda payload=payload: _queue(payload))
            sent += 1
        return sent
