"""Journey 5: a device maker signs up, is verified by staff, submits a device with its
certificates; meter engineering asks, the vendor answers, the checklist is ticked, the device
is approved and appears on the public Approved Product List.

The vendor, the staff administrator and the meter engineer each have their own browser context
on a 390 px phone; every page any of them meets is checked with axe-core and at 360 px wide
(``checkpoint``). Set ``E2E_SCREENSHOTS=1`` to write the pages to docs/screenshots/vendor-*.png.
"""

import importlib
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, STAFF_EMAIL
from accounts.models import User
from tests.e2e.conftest import checkpoint, label, panel_png
from tests.e2e.test_staff_journey import log_in
from tests.enrollment.factories import pdf_bytes
from vendors.models import DeviceEvaluation, Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VENDOR_EMAIL = "vera@collar-devices.example.com"
ENGINEER_EMAIL = "engineer@example.com"
PASSWORD = "a-long-Passphrase-42"


def shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"vendor-{name}.png"), full_page=True)


@pytest.fixture
def engineer(demo_data):
    """A meter engineering staff member (the role a migration creates; a flush removed it)."""
    migration = importlib.import_module("vendors.migrations.0002_meter_engineering_role")
    migration.create_role(apps, None)
    user = User.objects.create_user(
        email=ENGINEER_EMAIL,
        password=DEMO_PASSWORD,
        full_name="Mei Engineer",
        role=User.Role.STAFF,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Meter engineering"))
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=ENGINEER_EMAIL, verified=True, primary=True)
    return user


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def add_file(page, kind: str, file: dict, standard: str = "") -> None:
    page.get_by_label("What the file is").select_option(label=kind)
    if standard:
        page.get_by_label("Standard (certificates)").select_option(standard)
    page.get_by_label(label("File")).set_input_files(file)
    page.get_by_role("button", name="Add the file").click()
    expect(page.get_by_role("link", name=file["name"])).to_be_visible()


def decide(page, evaluation: DeviceEvaluation, action: str, text: str = "") -> None:
    page.goto(f"/admin/vendors/deviceevaluation/{evaluation.pk}/decide/")
    checkpoint(page)
    page.get_by_label("Decision").select_option(label=action)
    if text:
        page.get_by_label("Reason or message").fill(text)
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Done.")).to_be_visible()


def sign_up_as_vendor(page, live_server) -> None:
    page.goto("/vendors/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    checkpoint(page)
    shot(page, "guide")
    page.goto("/accounts/signup/business/")
    page.get_by_label(label("Email")).fill(VENDOR_EMAIL)
    page.get_by_label(label("Full name")).fill("Vera Vendor")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_label(label("Password (again)")).fill(PASSWORD)
    page.get_by_label("A device maker seeking approval of an MSA").check()
    page.get_by_label(label("Company name")).fill("Collar Devices Inc.")
    page.get_by_label(label("Company phone")).fill("(626) 555-0188")
    checkpoint(page)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()
    # Until staff verify the company, the vendor cannot start an evaluation.
    response = page.goto("/vendors/evaluations/")
    assert response.status == 404


def verify_company(staff) -> None:
    log_in(staff, STAFF_EMAIL, "/admin/accounts/contractorcompany/?kind__exact=vendor")
    checkpoint(staff)
    row = staff.get_by_role("row").filter(has_text="Collar Devices Inc.")
    row.get_by_role("checkbox").check()
    staff.locator("select[name=action]").select_option(label="Verify selected companies")
    staff.get_by_role("button", name="Go").click()
    expect(staff.get_by_text("1 company verified.")).to_be_visible()
    checkpoint(staff)


def start_evaluation(page) -> DeviceEvaluation:
    page.goto("/vendors/evaluations/")
    checkpoint(page)
    page.get_by_label(label("Manufacturer")).fill("Collar Devices")
    page.get_by_label(label("Model name")).fill("GridGate 200")
    page.get_by_label(label("Model number")).fill("GG-200")
    page.get_by_label(label("Variants")).fill("GG-200-R")
    page.get_by_label(label("Type")).select_option("isolating")
    page.get_by_label(label("Continuous rating (A)")).fill("200")
    page.get_by_label(label("Interrupting rating (kA)")).fill("22")
    page.get_by_label("Single-phase, 3-wire, 120/240 V").check()
    page.get_by_label(label("Compatible meter socket forms")).fill("2S")
    page.get_by_label(label("Socket ring type")).select_option("ringless")
    page.get_by_label(label("Communication interface")).fill("RS-485 to the battery inverter")
    page.get_by_label(label("Max back-feed (A)")).fill("100")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GridGate 200")
    evaluation = DeviceEvaluation.objects.get(model_number="GG-200")
    checkpoint(page)
    shot(page, "draft")

    add_file(page, "Certificate of listing", pdf("UL414-certificate.pdf"), "UL 414")
    add_file(page, "Certificate of listing", pdf("UL2735-certificate.pdf"), "UL 2735")
    add_file(page, "Spec sheet", pdf("GG-200-spec.pdf"))
    add_file(page, "Installation instructions", pdf("GG-200-install.pdf"))
    add_file(
        page, "Product photo", {"name": "gg200.png", "mimeType": "image/png", "buffer": panel_png()}
    )
    expect(page.get_by_text("Still missing before you can submit")).to_have_count(0)
    checkpoint(page)
    page.get_by_role("button", name="Submit for evaluation").click()
    expect(page.get_by_text("Submitted. Meter engineering will review it.")).to_be_visible()
    checkpoint(page)
    shot(page, "submitted")
    return evaluation


def tick_checklist(engineer_page, evaluation: DeviceEvaluation) -> None:
    engineer_page.goto(f"/admin/vendors/deviceevaluation/{evaluation.pk}/change/")
    checkpoint(engineer_page)
    count = evaluation.standard_reviews.count()
    for index in range(count):
        for field in ("certificate_matches_model", "listing_current", "ratings_match"):
            engineer_page.locator(f"input[name='standard_reviews-{index}-{field}']").check()
    engineer_page.get_by_role("button", name="Save", exact=True).click()
    expect(engineer_page.locator(".messagelist, .alert-success").first).to_be_visible()


def test_a_vendors_device_goes_from_sign_up_to_the_public_list(
    page, new_context, live_server, engineer
):
    sign_up_as_vendor(page, live_server)
    staff = new_context().new_page()
    verify_company(staff)

    evaluation = start_evaluation(page)

    meter = new_context().new_page()
    log_in(meter, ENGINEER_EMAIL, "/admin/vendors/deviceevaluation/")
    expect(meter.get_by_text("GridGate 200")).to_be_visible()
    checkpoint(meter)
    shot(meter, "queue")
    decide(meter, evaluation, "Take into review")
    decide(meter, evaluation, "Ask the vendor for information", "Please send the UL 916 report.")

    page.reload()
    expect(page.get_by_text("Please send the UL 916 report.")).to_be_visible()
    add_file(page, "Certificate of listing", pdf("UL916-report.pdf"), "UL 916")
    page.get_by_label(label("Message")).fill("Attached the UL 916 report.")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("Your message was sent to meter engineering.")).to_be_visible()
    checkpoint(page)

    decide(meter, evaluation, "Send to lab evaluation")
    # The certificate sent with the answer has its own checklist, like the first two.
    assert sorted(evaluation.standard_reviews.values_list("standard", flat=True)) == [
        "UL 2735",
        "UL 414",
        "UL 916",
    ]
    tick_checklist(meter, evaluation)
    decide(
        meter,
        evaluation,
        "Approve and write the Approved Product List",
        "Certificates match and the lab tests pass.",
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Status.APPROVED

    page.reload()
    expect(page.get_by_text("Certificates match and the lab tests pass.")).to_be_visible()
    checkpoint(page)
    shot(page, "approved")

    public = new_context().new_page()
    public.goto("/eligibility/approved-products/")
    expect(public.get_by_text("GridGate 200").first).to_be_visible()
    expect(public.get_by_text("UL 2735, UL 414, UL 916").first).to_be_visible()
    checkpoint(public)
    shot(public, "approved-products")
