"""The only module that imports ``twilio``: sending a text and checking an inbound signature."""

import logging

from django.conf import settings
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

logger = logging.getLogger(__name__)
# The SDK logs every request's URL and headers at INFO: enough noise, and no use in production.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
TWILIO_API = "https://api.twilio.com"


class SendFailed(Exception):
    """Twilio did not accept the message (outage, refused number, timeout)."""


class _HttpClient(TwilioHttpClient):
    """The SDK's own client, pointed at ``TWILIO_API_BASE`` when set (a local fake in tests)."""

    def __init__(self, base: str, **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if self.base and url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def _client() -> Client:
    http_client = _HttpClient(settings.TWILIO_API_BASE, timeout=settings.TWILIO_TIMEOUT_SECONDS)
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)


def send(*, to: str, body: str) -> str:
    """Send one text through Twilio; return its message sid. Raises ``SendFailed``."""
    params = {"to": to, "body": body}
    if settings.TWILIO_MESSAGING_SERVICE_SID:
        params["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
    else:
        params["from_"] = settings.TWILIO_FROM_NUMBER
    try:
        return _client().messages.create(**params).sid
    except (TwilioException, OSError) as exc:
        logger.warning("twilio send failed: %s", type(exc).__name__)
        raise SendFailed(type(exc).__name__) from exc


def signature_valid(*, url: str, params: dict, signature: str) -> bool:
    """Whether ``X-Twilio-Signature`` matches the URL and form fields Twilio posted."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    return RequestValidator(token).validate(url, params, signature)


def reply(text: str = "") -> str:
    """TwiML answering an inbound text (with ``text`` as the reply, or nothing)."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
