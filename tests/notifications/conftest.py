"""Texting fixtures: the real Twilio SDK against a local fake, signed inbound webhooks."""

import re

import pytest
from twilio.request_validator import RequestValidator

from notifications import services

from .fake_twilio import FakeTwilio

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-test-token"
SITE_URL = "https://msa.example.com"
INBOUND_PATH = "/notifications/twilio/inbound/"
NUMBER = "+16265550123"


@pytest.fixture
def fake_twilio(settings):
    """The real SDK pointed at a local fake Twilio; the provider switched to Twilio."""
    fake = FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
    server = fake.serve()
    host, port = server.server_address[:2]
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = "+16265550100"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE = f"http://{host}:{port}"
    settings.TWILIO_TIMEOUT_SECONDS = 2
    settings.SITE_URL = SITE_URL
    yield fake
    server.shutdown()
    server.server_close()


def verify_number(user, fake, capture, number: str = NUMBER):
    """Go through the real flow: ask for a code, read it off the fake, confirm with consent."""
    with capture(execute=True):
        services.mobile_number_start(user=user, number=number)
    code = re.search(r"\b(\d{6})\b", fake.to(number)[-1]["Body"]).group(1)
    return services.mobile_number_verify(user=user, code=code, consent=True, language="en")


def post_inbound(client, params: dict, *, token: str = AUTH_TOKEN):
    signature = RequestValidator(token).compute_signature(SITE_URL + INBOUND_PATH, params)
    return client.post(INBOUND_PATH, data=params, HTTP_X_TWILIO_SIGNATURE=signature)
