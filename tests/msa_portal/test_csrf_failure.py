"""Issue 24: a form refused by the CSRF check gets a plain page in the reader's language, with a
way back, and a wizard step's answers survive it."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.enrollment.factories import eligible_draft
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORDS = {
    "en": ("Your form was not sent", "Go back to the form", "answers you typed on this step"),
    "es": ("Su formulario no se envió", "Volver al formulario", "respuestas que escribió"),
}


def step_url(msa_request, step: str) -> str:
    return reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": step})


def browser(user, language: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_wizard_step_posted_with_a_stale_token_keeps_its_answers_and_leads_back(language):
    customer = UserFactory()
    msa_request = eligible_draft(applicant=customer, premises_street="8631 Rush St")
    client = browser(customer, language)
    url = step_url(msa_request, "premises")
    client.get(url)  # the page sets the CSRF cookie; the form then posts an outdated token

    refused = client.post(
        url,
        {
            "csrfmiddlewaretoken": "x" * 64,
            "premises_street": "500 Other Ave",
            "premises_unit": "",
            "premises_city": "Rosemead",
            "premises_zip": "91770",
            "next": "",
        },
        HTTP_REFERER=f"http://testserver{url}",
    )

    html = refused.content.decode()
    heading, back, kept = WORDS[language]
    assert refused.status_code == 403
    assert f'<html lang="{language}"' in html
    assert heading in html and back in html and kept in html
    assert f'href="{url}"' in html
    msa_request.refresh_from_db()
    assert msa_request.premises_street == "8631 Rush St"  # nothing saved

    again = client.get(url).content.decode()
    assert 'value="500 Other Ave"' in again
    # Shown once: a later visit shows the saved draft again.
    assert 'value="500 Other Ave"' not in client.get(url).content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_form_from_another_site_gets_the_page_with_a_way_home_and_keeps_nothing(language):
    customer = UserFactory()
    msa_request = eligible_draft(applicant=customer, premises_street="8631 Rush St")
    client = browser(customer, language)
    url = step_url(msa_request, "premises")

    refused = client.post(
        url,
        {"premises_street": "1 Forged Way", "premises_city": "X", "premises_zip": "91770"},
        HTTP_REFERER="https://evil.example/form",
    )

    html = refused.content.decode()
    assert refused.status_code == 403
    assert WORDS[language][0] in html
    assert 'href="/"' in html
    assert "evil.example" not in html
    assert "1 Forged Way" not in client.get(url).content.decode()


def test_under_the_api_a_csrf_failure_answers_in_the_apis_json_shape(rf):
    from msa_portal.views import csrf_failure

    response = csrf_failure(rf.post("/api/v1/requests"), reason="CSRF cookie not set.")

    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "csrf"
