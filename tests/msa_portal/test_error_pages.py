"""Production's error pages: the portal's own layout, in the reader's language (issue 17)."""

import pytest
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.msa_portal.error_urls")]

PAGES = [
    ("/requests/999999/", 404, "We could not find this page", "No pudimos encontrar esta página"),
    ("/test-only/forbidden/", 403, "You may not open this page", "No puede abrir esta página"),
    ("/test-only/boom/", 500, "Something went wrong on our side", "Algo falló de nuestro lado"),
]


@pytest.fixture
def production_like(client, settings, customer):
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(customer)
    return client


@pytest.mark.parametrize(("url", "status", "english", "_spanish"), PAGES)
def test_error_pages_are_the_portals_own(production_like, url, status, english, _spanish):
    response = production_like.get(url)

    body = response.content.decode()
    assert response.status_code == status
    assert english in body
    assert "MSA Portal" in body  # the base layout's brand
    assert "Back to the MSA Portal" in body
    assert "Not Found" not in body and "Server Error (500)" not in body


@pytest.mark.parametrize(("url", "status", "_english", "spanish"), PAGES)
def test_error_pages_speak_spanish_to_a_spanish_reader(
    production_like, settings, url, status, _english, spanish
):
    production_like.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    response = production_like.get(url, HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == status
    assert spanish in response.content.decode()
    translation.activate("en")
