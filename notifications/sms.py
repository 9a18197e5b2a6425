"""Which provider carries texts: Twilio, or the console provider that sends nothing."""

import logging
import uuid

from django.conf import settings

from . import twilio_client
from .twilio_client import SendFailed

logger = logging.getLogger(__name__)

__all__ = ["SendFailed", "provider_name", "send"]


def provider_name() -> str:
    return settings.SMS_PROVIDER


def send(*, to: str, body: str) -> str:
    """Send a text with the configured provider; return the provider's message id."""
    if settings.SMS_PROVIDER == "twilio":
        return twilio_client.send(to=to, body=body)
    if settings.SMS_PROVIDER != "console":
        raise SendFailed(f"unknown SMS_PROVIDER {settings.SMS_PROVIDER!r}")
    # Local development only (production refuses this provider): nothing leaves the machine.
    logger.info("CONSOLE SMS PROVIDER, NOT SENT: to …%s: %s", to[-4:], body.replace("\n", " "))
    return f"console-{uuid.uuid4().hex[:16]}"
