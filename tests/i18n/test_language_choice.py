"""Choosing Spanish: the switcher remembers, the choice follows the user, formats follow it."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from common.money import format_cents
from enrollment.eligibility import eligibility_check_run
from enrollment.models import Status
from enrollment.notifications import send_request_email
from tests.enrollment.factories import eligible_draft
from tests.factories import ContractorFactory, UserFactory

pytestmark = pytest.mark.django_db


def lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_switcher_remembers_the_choice_beyond_the_browser_session(client):
    assert lang(client.get("/")) == "en"

    response = client.post(reverse("set_language"), {"language": "es", "next": "/program/"})

    assert response.url == "/program/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["max-age"] >= 365 * 24 * 60 * 60
    assert lang(client.get("/program/")) == "es"
    assert "Acerca del programa" in client.get("/").content.decode()


def test_the_switcher_names_each_language_in_itself(client):
    for chosen in ("en", "es"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = chosen
        page = client.get("/").content.decode()
        assert '<option value="en" lang="en"' in page and ">English</option>" in page
        assert '<option value="es" lang="es"' in page and ">Español</option>" in page


def test_a_browser_asking_for_spanish_gets_spanish_before_any_choice(client):
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")) == "es"


def test_the_choice_follows_a_signed_in_user_to_a_new_device(client):
    user = UserFactory(email="dana@example.com")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    client.get("/")
    user.refresh_from_db()
    assert user.preferred_language == "es"

    new_phone = Client()
    new_phone.force_login(user)
    response = new_phone.get(reverse("enrollment:request_list"))

    assert lang(response) == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_money_and_dates_read_as_in_us_spanish():
    day = datetime.datetime(2026, 11, 23, 14, 5, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert format_cents(123456) == "$1,234.56"
    with translation.override("es"):
        # Dollars as Californians write them; day and month names in Spanish.
        assert format_cents(123456) == "$1,234.56"
        assert format_cents(27922) == "$279.22"
        assert translation.gettext("l, F j, Y") == r"l j \d\e F \d\e Y"
        from django.utils.formats import date_format

        assert date_format(day, "DATE_FORMAT") == "23 de noviembre de 2026"
        assert date_format(day.date(), translation.gettext("l, F j, Y")) == (
            "lunes 23 de noviembre de 2026"
        )


def test_a_check_run_in_english_reads_in_spanish_later(seeded_agreement):
    msa_request = eligible_draft(status=Status.SUBMITTED, panel_rating_amps=400)
    with translation.override("en"):
        eligibility_check_run(msa_request_id=msa_request.pk)
    row = msa_request.eligibility_results.get(code="PANEL_MAX_200A")

    assert "400 A" in row.message and "rated" in row.message  # staff read English
    with translation.override("es"):
        assert row.text == (
            "Su panel de servicio tiene una capacidad de 400 A; el programa atiende paneles "
            "con capacidad de 200 A o menos."
        )


def test_a_request_email_goes_to_each_reader_in_their_language(settings):
    contractor = ContractorFactory(email="casey@installer.example", preferred_language="en")
    msa_request = eligible_draft(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name="Dana Cliente",
        customer_email="dana@example.com",
        customer_language="es",
    )

    send_request_email(
        msa_request=msa_request,
        to=["casey@installer.example", "dana@example.com"],
        template="enrollment/emails/approved",
        context={"msa_request": msa_request, "note": "", "path": "/"},
    )

    by_reader = {message.to[0]: message for message in mail.outbox}
    assert by_reader["dana@example.com"].subject.startswith("[Portal MSA]")
    assert "aprobada" in by_reader["dana@example.com"].subject
    assert by_reader["casey@installer.example"].subject.startswith("[MSA Portal]")
    assert "approved" in by_reader["casey@installer.example"].subject


def test_a_rejection_written_in_english_reads_in_the_customers_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    from enrollment.decisions import request_decide_reject
    from tests.factories import StaffFactory

    msa_request = eligible_draft(status=Status.UNDER_REVIEW, customer_language="es")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        request_decide_reject(
            msa_request_id=msa_request.pk,
            actor=StaffFactory(),
            reason_code="INELIGIBLE_SITE",
            message="Panel 400 A.",
        )
    event = msa_request.events.get(to_status=Status.REJECTED)

    assert event.note == "The site does not meet the program's requirements. Panel 400 A."
    with translation.override("es"):
        assert event.display_note == (
            "El sitio no cumple los requisitos del programa. Panel 400 A."
        )
    (email,) = mailoutbox
    assert "El sitio no cumple los requisitos del programa. Panel 400 A." in email.body
