"""Issue 19: a homeowner whose meter is on record applies from a phone, from the home page to a
paid request, in at most 20 fields and 25 clicks, in English and in Spanish.

Every answer and every press goes through ``Counted``, so the figures printed (``-s``) and
asserted are the journey's own. Opening the confirmation email's link counts as a click.
Every page is checked with axe-core and at 360 px wide (``checkpoint``).
Set ``E2E_SCREENSHOTS=1`` to write the pages to docs/screenshots/homeowner-<language>-*.png.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from enrollment.models import Request, Status
from tests.e2e.conftest import checkpoint, panel_png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_FIELDS = 20
MAX_CLICKS = 25


class Counted:
    """The page, with every answer (a field) and every press (a click) counted.

    A field is one answer given: text typed, an option chosen, a box ticked, a file chosen. A
    click is one press: a button, a link, a radio button or box ticked, a list opened to choose.
    """

    def __init__(self, page):
        self.page = page
        self.fields = 0
        self.clicks = 0

    def fill(self, selector: str, text: str) -> None:
        self.page.locator(selector).fill(text)
        self.fields += 1

    def check(self, selector: str) -> None:
        self.page.locator(selector).check()
        self.fields += 1
        self.clicks += 1

    def select(self, selector: str, value: str) -> None:
        self.page.locator(selector).select_option(value)
        self.fields += 1
        self.clicks += 1

    def set_files(self, selector: str, files) -> None:
        self.page.locator(selector).set_input_files(files)
        self.fields += 1
        self.clicks += 1

    def click(self, selector: str) -> None:
        self.page.locator(selector).click()
        self.clicks += 1

    def answer(self, selector: str) -> None:
        """A button whose press is the answer: one field and one click."""
        self.page.locator(selector).click()
        self.fields += 1
        self.clicks += 1

    def open_link(self, url: str) -> None:
        """A link followed from outside the page (the confirmation email's)."""
        self.page.goto(url)
        self.clicks += 1


def shot(page, language: str, name: str) -> None:
    """The page at phone width, in 256 colours to keep the PNG small."""
    if os.environ.get("E2E_SCREENSHOTS"):
        from PIL import Image

        image = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
        path = SCREENSHOTS / f"homeowner-{language}-{name}.png"
        image.quantize(colors=256).save(path, optimize=True)


SAVE = "main button[name=next]"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_homeowner_on_record_applies_signs_and_pays_in_few_fields_and_clicks(
    page, live_server, demo_data, language
):
    you = Counted(page)
    page.goto("/")
    checkpoint(page)
    if language == "es":
        you.select("select[name=language]", "es")
        you.click("form:has(select[name=language]) button[type=submit]")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        checkpoint(page)
    you.click("main a[href^='/accounts/signup/?next=']")

    # Sign up: a homeowner's form has no company fields.
    expect(page.locator("input[name=email]")).to_be_visible()
    checkpoint(page)
    you.fill("input[name=email]", "rosa@example.com")
    you.fill("input[name=full_name]", "Rosa Martinez")
    you.fill("input[name=password1]", "a-long-Passphrase-42")
    you.fill("input[name=password2]", "a-long-Passphrase-42")
    you.click("main form button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    checkpoint(page)

    # The email's link; confirming the address signs the homeowner in.
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    you.open_link(link.replace("http://testserver", live_server.url))
    checkpoint(page)
    you.click("main form button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    checkpoint(page)

    # Signed up to apply: the new request opens, "Install an MSA" already chosen.
    expect(page.locator("input[name=request_type][value=install]")).to_be_checked()
    checkpoint(page)
    shot(page, language, "type")
    you.click(SAVE)

    # Account and meter: the numbers as the bill prints them.
    expect(page.locator("input[name=meter_number]")).to_be_visible()
    checkpoint(page)
    you.fill("input[name=customer_phone]", "(626) 555-0142")
    you.fill("input[name=service_account_number]", "8000-000-001")
    you.fill("input[name=customer_account_number]", "7123 4567 8901")
    you.fill("input[name=meter_number]", "M1000001")
    you.click(SAVE)

    # The meter is on record: the address and service to confirm, not to type.
    expect(page.get_by_text("8631 Rush St (sample)")).to_be_visible()
    checkpoint(page)
    shot(page, language, "records")
    you.answer("main button[name=record_right][value=True]")

    expect(page.locator("main button[name=life_support][value=False]")).to_be_visible()
    checkpoint(page)
    shot(page, language, "safety")
    you.answer("main button[name=life_support][value=False]")

    # The hard questions: a photo of the meter instead.
    expect(page.locator("input[name=backfeed_amps]")).to_be_visible()
    checkpoint(page)
    shot(page, language, "wiring")
    you.answer("main button[name=photo_instead]")
    expect(page.locator("select[name=meter_socket_form]")).to_be_visible()
    checkpoint(page)
    shot(page, language, "socket")
    you.answer("main button[name=photo_instead]")

    expect(page.locator("input[name=device]").first).to_be_visible()
    checkpoint(page)
    device = page.locator("main label", has_text="IslandDER").get_attribute("for")
    you.check(f"#{device}")
    you.click(SAVE)

    expect(page.locator("input[name=waterproof_bag_commitment]")).to_be_visible()
    checkpoint(page)
    you.check("input[name=waterproof_bag_commitment]")
    you.click(SAVE)

    expect(page.locator("input[name=photos]")).to_be_attached()
    checkpoint(page)
    shot(page, language, "photos")
    you.set_files(
        "input[name=photos]",
        [{"name": "meter.png", "mimeType": "image/png", "buffer": panel_png()}],
    )
    you.click(SAVE)

    # The review: the pre-check passes, and on to the agreement.
    expect(page.get_by_text("meter.png")).to_be_visible()
    checkpoint(page)
    you.click("main a[href$='/agreement/']")

    expect(page.locator("input[name=agree]")).to_be_visible()
    checkpoint(page)
    you.check("input[name=agree]")
    you.click("main form:has(input[name=esign_action][value=consent]) button[type=submit]")

    expect(page.locator("input[name=signer_name]")).to_have_value("Rosa Martinez")
    checkpoint(page)
    you.check("input[name=consent]")
    you.click("main form:has(input[name=signer_name]) button[type=submit]")

    # Pay with the demo provider: the request is submitted and checked at once (eager tasks).
    expect(page.locator("html")).to_have_attribute("lang", language)
    checkpoint(page)
    you.click("main form[action$='/pay/'] button[type=submit]")
    expect(page.locator("main button[name=action][value=pay]")).to_be_visible()
    checkpoint(page)
    you.click("main button[name=action][value=pay]")

    msa_request = Request.objects.get(applicant__email="rosa@example.com")
    expect(page).to_have_url(re.compile(rf"/requests/{msa_request.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    checkpoint(page)
    shot(page, language, "status")
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.meter_record_state == "confirmed"
    assert msa_request.answers_by_photo == ["wiring", "socket"]

    print(f"\nhomeowner journey ({language}): {you.fields} fields, {you.clicks} clicks")
    assert you.fields <= MAX_FIELDS, f"{you.fields} fields"
    assert you.clicks <= MAX_CLICKS, f"{you.clicks} clicks"
