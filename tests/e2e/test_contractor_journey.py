"""A contractor files for a customer, who signs the authorization through the emailed link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, checkpoint, label

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _agreement_seeded(seeded_agreement):
    """Other transactional tests flush the database, seeded agreement included."""


# The wizard's answers for a removal, by field name: (kind, value), one dict a step.
STEPS = [
    {
        "customer_name": ("text", "Dana Customer"),
        "customer_email": ("text", "dana@example.com"),
        "customer_phone": ("text", "(626) 555-0199"),
        "service_account_number": ("text", "8123456789"),
        "customer_account_number": ("text", "712345678901"),
        "meter_number": ("text", "M1234567"),
    },
    # The meter is on record: its address and service are confirmed, not asked.
    {"record_right": ("button", "True")},
    {"life_support": ("button", "False")},
    {
        "backfeed_amps": ("text", "0"),
        "comm_cable": ("radio", "none"),
        "energized_present": ("radio", "False"),
    },
    {
        "meter_socket_form": ("text", "2S"),
        "socket_ring_type": ("radio", "ring"),
        "esr_violation": ("radio", "none"),
    },
    {
        "existing_device_kind": ("radio", "gma"),
        "existing_device_manufacturer": ("text", "Sample Maker"),
        "existing_device_model": ("text", "GMA-200"),
        "existing_device_isolating": ("radio", "False"),
    },
]


def _answer(page, answers: dict) -> None:
    for name, (kind, value) in answers.items():
        field = page.locator(f'[name="{name}"]')
        if kind == "button":  # a one-question step: the answer's button saves it
            page.locator(f'button[name="{name}"][value="{value}"]').click()
            return
        if kind == "radio":
            page.locator(f'input[name="{name}"][value="{value}"]').check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_role("button", name="Save and continue").click()


def test_a_contractor_files_the_customer_signs_by_link_and_the_dashboard_shows_it(
    page, browser, live_server
):
    from tests.factories import ContractorFactory, MeterRecordFactory

    contractor = ContractorFactory(email="casey@installer.example", full_name="Casey Installer")
    MeterRecordFactory(
        service_account_number="8123456789", meter_number="M1234567", service_address="8631 Rush St"
    )

    page.goto("/accounts/login/")
    page.get_by_label(label("Email")).fill(contractor.email)
    page.get_by_label(label("Password")).fill("pw-for-tests-123")
    page.get_by_role("button", name="Sign In").click()

    page.goto("/requests/new/")
    page.locator('input[name="request_type"][value="removal"]').check()
    page.get_by_role("button", name="Save and continue").click()
    for answers in STEPS:
        _answer(page, answers)
        expect(page.locator(".invalid-feedback")).to_have_count(0)

    # The photos step: the contractor asks the customer to sign online.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Photos")
    page.get_by_role("button", name="Email the customer a signing link").click()
    expect(page.get_by_text("A link was sent to dana@example.com")).to_be_visible()
    checkpoint(page)
    message = mail.outbox[-1]
    assert message.to == ["dana@example.com"]
    link = re.search(r"https?://\S+/authorize/\S+/", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # The customer, with no account, opens the link in their own browser.
    customer_context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    customer = customer_context.new_page()
    customer.goto(path)
    # First the E-SIGN disclosure and the consent to electronic records.
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        "Before you sign: electronic records"
    )
    checkpoint(customer)
    customer.locator("input[name=agree]").check()
    customer.get_by_role("button", name="I consent to electronic records").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Authorize your contractor")
    checkpoint(customer)
    expect(customer.get_by_role("region", name="Customer Agreement text")).to_contain_text(
        "Authorization Form"
    )
    customer.get_by_label(label("Type your full name to sign")).fill("Dana Customer")
    customer.get_by_label(re.compile("I authorize the contractor")).check()
    customer.get_by_role("button", name="Sign the authorization").click()
    expect(customer.get_by_role("heading", level=1)).to_contain_text("authorization is signed")
    checkpoint(customer)
    # The link works once.
    customer.goto(path)
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        "This signing link cannot be used"
    )
    customer_context.close()

    # Back to the contractor: the authorization is on file; the review passes; sign and pay.
    page.reload()
    expect(page.get_by_text("The customer's authorization is on file.")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review")
    checkpoint(page)

    page.goto("/requests/company/")
    row = page.get_by_role("row").filter(has_text="Dana Customer")
    expect(row).to_contain_text("On file")
    checkpoint(page)
    expect(row).to_contain_text("Draft")
    page.get_by_label(label("Search")).fill("8631 Rush")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row").filter(has_text="Dana Customer")).to_have_count(1)
    page.get_by_role("link", name=re.compile(r"^MSA-\d+$")).click()
    expect(page.get_by_role("region", name="Customer authorization")).to_contain_text(
        "signed by Dana Customer"
    )
