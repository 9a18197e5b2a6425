"""In Spanish, in the browser: the switcher, the pre-check's answer, signing in, a new device.

Each Spanish page passes the same checks as the English journeys (axe-core, 360 px).
"""

import pytest
from playwright.sync_api import expect

from accounts.demo import CUSTOMER_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import checkpoint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_switches_to_spanish_and_the_choice_follows_them(
    page, browser, live_server, demo_data
):
    page.goto("/")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("adaptador para base de medidor")
    checkpoint(page)

    page.goto("/eligibility/check/")
    page.locator("input[name=panel_rating_amps]").fill("400")
    page.get_by_role("button", name="Verificar mi elegibilidad").click()
    expect(page.get_by_text("Su panel de servicio tiene una capacidad de 400 A")).to_be_visible()
    checkpoint(page)

    page.goto("/accounts/login/")
    checkpoint(page)
    page.locator("input[name=login]").fill(CUSTOMER_EMAIL)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto("/requests/new/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    checkpoint(page)

    # Another device, no cookie: once signed in, the portal is in Spanish again.
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    phone = other.new_page()
    phone.goto("/accounts/login/")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.locator("input[name=login]").fill(CUSTOMER_EMAIL)
    phone.locator("input[name=password]").fill(DEMO_PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.goto("/requests/")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mis solicitudes")
    other.close()
