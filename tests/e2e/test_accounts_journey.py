import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import checkpoint, label

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_newcomer_signs_up_verifies_logs_in_and_resets_the_password(page, live_server):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meter Socket Adapter")
    checkpoint(page)
    page.get_by_role("link", name="Create an account to apply").click()
    checkpoint(page)

    page.get_by_label(label("Email")).fill("maria@example.com")
    page.get_by_label(label("Full name")).fill("Maria Lopez")
    page.get_by_label(label("Password")).fill("a-long-Passphrase-42")
    page.get_by_label(label("Password (again)")).fill("a-long-Passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")
    checkpoint(page)

    page.goto(_link(mail.outbox[-1]).replace("http://testserver", live_server.url))
    checkpoint(page)
    page.get_by_role("button", name="Confirm").click()
    # Confirming the address signs the newcomer in; they log out and back in by password.
    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.get_by_text("Maria", exact=True)).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    # Wait for the signed-out page: going on at once can cancel the log-out's navigation.
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/accounts/login/")
    checkpoint(page)
    page.get_by_label(label("Email")).fill("maria@example.com")
    page.get_by_label(label("Password")).fill("a-long-Passphrase-42")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.get_by_text("Maria", exact=True)).to_be_visible()
    checkpoint(page)
    page.get_by_role("button", name="Log out").click()
    # Wait for the signed-out page: going on at once can cancel the log-out's navigation.
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/accounts/password/reset/")
    checkpoint(page)
    page.get_by_label(label("Email")).fill("maria@example.com")
    page.get_by_role("button", name="Reset My Password").click()
    page.goto(_link(mail.outbox[-1]).replace("http://testserver", live_server.url))
    checkpoint(page)
    page.get_by_label(label("New Password")).fill("Another-passphrase-99")
    page.get_by_label(label("New Password (again)")).fill("Another-passphrase-99")
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Password")
    checkpoint(page)

    health = page.request.get(f"{live_server.url}/healthz/")
    assert health.status == 200
    assert health.json()["status"] == "ok"


def test_a_wrong_password_is_announced_and_a_missing_email_is_linked_to_its_field(page):
    page.goto("/accounts/login/")
    page.get_by_label(label("Email")).fill("nobody@example.com")
    page.get_by_label(label("Password")).fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    checkpoint(page)

    page.goto("/accounts/password/reset/")
    page.get_by_label(label("Email")).fill("not an address")
    page.locator("main form").evaluate("form => form.noValidate = true")  # server-side check
    page.get_by_role("button", name="Reset My Password").click()
    email = page.get_by_label(label("Email"))
    expect(email).to_have_attribute("aria-invalid", "true")
    described = (email.get_attribute("aria-describedby") or "").split()
    assert any("valid email" in page.locator(f"[id='{i}']").inner_text() for i in described)
    checkpoint(page)
