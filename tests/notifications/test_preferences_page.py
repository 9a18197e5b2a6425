"""The notification choices page: a number verified by code with consent, and the choices."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from notifications import texts
from notifications.models import MobileNumber, NotificationChoices
from tests.factories import UserFactory

from .conftest import NUMBER

pytestmark = pytest.mark.django_db
URL = reverse("notifications:preferences")


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def post(client, action: str, **fields):
    prefix = {"number": "number", "verify": "verify", "choices": "choices"}.get(action)
    data = {f"{prefix}-{k}" if prefix else k: v for k, v in fields.items()}
    return client.post(URL, {"action": action, **data}, follow=True)


def test_the_page_needs_an_account(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_page_labels_the_console_provider_and_offers_every_choice(client, person):
    response = client.get(URL)

    page = response.content.decode()
    assert "Demo texts: this installation logs text messages and sends none." in page
    for channel in ("email", "text"):
        for topic in ("status", "visit", "reminder", "payment"):
            assert f'name="choices-{channel}_{topic}"' in page


def test_a_wrong_number_is_refused_and_what_was_typed_is_kept(client, person):
    response = post(client, "number", number="555-12")

    page = response.content.decode()
    assert 'value="555-12"' in page
    assert "is-invalid" in page
    assert not MobileNumber.objects.exists()


def test_a_number_is_verified_by_code_with_the_consent_recorded(
    client, person, fake_twilio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "number", number="(626) 555-0123")
    assert "We texted you a code." in response.content.decode()
    code = re.search(r"\b(\d{6})\b", fake_twilio.to(NUMBER)[-1]["Body"]).group(1)
    wrong = "000000" if code != "000000" else "111111"

    response = post(client, "verify", code=wrong, consent="on")
    assert "That code is not right." in response.content.decode()
    response = post(client, "verify", code=code)  # no consent
    assert MobileNumber.objects.get(user=person).verified_at is None
    assert texts.consent_wording() in response.content.decode()

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    response = post(client, "verify", code=code, consent="on")

    mobile = MobileNumber.objects.get(user=person)
    assert mobile.textable
    assert mobile.consent_at == mobile.verified_at
    assert mobile.consent_version == texts.CONSENT_VERSION
    assert mobile.consent_language == "es"
    assert mobile.code_attempts == 1
    assert "(626) 555-0123" in response.content.decode()


def test_choices_are_saved_and_an_unticked_box_means_no(client, person):
    post(client, "choices", email_status="on", text_reminder="on", text_payment="on")

    saved = NotificationChoices.objects.get(user=person)
    assert (saved.email_status, saved.email_visit, saved.email_reminder) == (True, False, False)
    assert (saved.text_status, saved.text_reminder, saved.text_payment) == (False, True, True)
    page = client.get(URL).content.decode()
    assert re.search(r'name="choices-text_payment"[^>]*checked', page)
    assert not re.search(r'name="choices-email_visit"[^>]*checked', page)


def test_a_stopped_number_says_so_and_can_be_removed(
    client, person, fake_twilio, django_capture_on_commit_callbacks
):
    from .conftest import verify_number

    mobile = verify_number(person, fake_twilio, django_capture_on_commit_callbacks)
    MobileNumber.objects.filter(pk=mobile.pk).update(stopped_at=mobile.verified_at)

    assert "You replied STOP" in client.get(URL).content.decode()

    response = post(client, "remove")
    assert "Your mobile number was removed" in response.content.decode()
    assert not MobileNumber.objects.filter(user=person).exists()


def test_wrong_codes_are_counted_until_the_code_expires(
    client, person, fake_twilio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "number", number="(626) 555-0123")
    code = re.search(r"\b(\d{6})\b", fake_twilio.to(NUMBER)[-1]["Body"]).group(1)
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(5):
        post(client, "verify", code=wrong, consent="on")
    response = post(client, "verify", code=code, consent="on")

    assert "That code has expired. Ask for a new one." in response.content.decode()
    assert not MobileNumber.objects.get(user=person).textable
