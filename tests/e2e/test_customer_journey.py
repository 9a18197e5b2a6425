"""Journey 1: a customer checks eligibility, applies, signs, pays, answers staff, picks a window.

Every page the customer meets is checked with axe-core and at 360 px wide (``checkpoint``).
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import CUSTOMER_EMAIL, DEMO_PASSWORD, STAFF_EMAIL
from accounts.models import User
from enrollment.decisions import request_decide_ask_for_info
from enrollment.models import Request, Status
from tests.e2e.conftest import checkpoint, label, panel_png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    checkpoint(page)
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def save_and_continue(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def fill_wizard(page) -> None:
    """Walk the install wizard from its first step to the review page, checking every step."""
    page.get_by_role("link", name="Start a new request").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    checkpoint(page)
    page.get_by_label("Install an MSA").check()
    save_and_continue(page)

    expect(page.locator("input[name=customer_phone]")).to_be_visible()
    checkpoint(page)
    page.fill("input[name=customer_phone]", "(626) 555-0199")
    page.fill("input[name=service_account_number]", "80000000")
    page.fill("input[name=customer_account_number]", "712345678901")
    page.fill("input[name=meter_number]", "M1000001")
    save_and_continue(page)
    # A mistake is announced and linked to its field, and the other answers are kept.
    account = page.locator("input[name=service_account_number]")
    expect(account).to_have_attribute("aria-invalid", "true")
    described_by = (account.get_attribute("aria-describedby") or "").split()
    linked = " ".join(page.locator(f"[id='{i}']").inner_text() for i in described_by)
    assert "10 digits and starts with 8" in linked, "the error is not linked to its field"
    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    expect(page.locator("input[name=meter_number]")).to_have_value("M1000001")
    checkpoint(page)
    account.fill("8000000001")
    save_and_continue(page)

    # The meter is on record: its address and service are shown to confirm, not asked.
    expect(page.locator("#meter-record")).to_be_visible()
    checkpoint(page)
    # One question a step, answered by pressing the answer.
    page.get_by_role("button", name="Yes, this is right").click()
    expect(page.get_by_role("button", name="No", exact=True)).to_be_visible()
    checkpoint(page)
    page.get_by_role("button", name="No", exact=True).click()

    expect(page.locator("input[name=backfeed_amps]")).to_be_visible()
    checkpoint(page)
    page.fill("input[name=backfeed_amps]", "40")
    page.check("input[name=comm_cable][value=ordinary]")
    page.check("input[name=energized_present][value=True]")
    page.check("input[name=energized_conductors][value=solar_load_side_tap]")
    page.check("input[name=energized_in_liquidtight][value=True]")
    save_and_continue(page)

    expect(page.locator("select[name=meter_socket_form]")).to_be_visible()
    checkpoint(page)
    page.select_option("select[name=meter_socket_form]", "2S")
    page.check("input[name=socket_ring_type][value=ring]")
    page.check("input[name=esr_violation][value=none]")
    save_and_continue(page)

    page.get_by_label(re.compile("IslandDER")).check()
    checkpoint(page)
    save_and_continue(page)

    expect(page.locator("input[name=waterproof_bag_commitment]")).to_be_visible()
    checkpoint(page)
    page.check("input[name=waterproof_bag_commitment]")
    save_and_continue(page)

    expect(page.locator("input[name=photos]")).to_be_attached()
    checkpoint(page)
    page.set_input_files(
        "input[name=photos]",
        files=[{"name": "meter-panel.png", "mimeType": "image/png", "buffer": panel_png()}],
    )
    save_and_continue(page)


def test_a_customer_checks_applies_signs_pays_answers_staff_and_picks_a_window(
    page, live_server, demo_data
):
    # Before an account: the public pre-check.
    page.goto("/")
    checkpoint(page)
    page.goto("/program/")
    checkpoint(page)
    page.goto("/eligibility/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Am I eligible?")
    checkpoint(page)
    adapter = page.get_by_label(re.compile("Which adapter"))
    adapter.select_option(adapter.locator("option", has_text="IslandDER").get_attribute("value"))
    page.get_by_label(label("Service panel rating (amps)")).fill("400")
    page.get_by_role("button", name="Check my eligibility").click()
    results = page.locator("#results")
    expect(results).to_contain_text("200")
    checkpoint(page)
    page.get_by_role("link", name=re.compile("Approved Product List")).click()
    expect(page.get_by_text("IslandDER (sample)").first).to_be_visible()
    checkpoint(page)

    # Sign in and apply.
    log_in(page, CUSTOMER_EMAIL)
    expect(page.get_by_role("link", name="Start a new request").first).to_be_visible()
    checkpoint(page)
    fill_wizard(page)

    expect(page.get_by_role("heading", name="Eligibility pre-check")).to_be_visible()
    expect(page.get_by_text("meter-panel.png")).to_be_visible()
    checkpoint(page)
    page.get_by_role("link", name="Continue to the Customer Agreement").click()
    page.locator("input[name=agree]").check()
    checkpoint(page)
    page.get_by_role("button", name="I consent to electronic records").click()
    page.get_by_label(label("Type your full name to sign")).fill("Dana Customer")
    page.locator("input[name=consent]").check()
    checkpoint(page)
    page.get_by_role("button", name="Sign the agreement").click()

    # Pay with the demo provider; the request is submitted and checked at once (eager tasks).
    page.get_by_role("button", name=re.compile(r"^\s*Pay \$279\.22")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay the site-visit fee")
    checkpoint(page)
    page.get_by_role("button", name="Pay (demo)").click()
    msa_request = Request.objects.get(applicant__email=CUSTOMER_EMAIL)
    expect(page.get_by_text(re.compile("under review", re.I)).first).to_be_visible()
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.eligibility_outcome
    expect(page.get_by_role("heading", name="Eligibility, rule by rule")).to_be_visible()
    expect(page.get_by_text("Account and meter match our records")).to_be_visible()
    checkpoint(page)
    status_url = page.url

    page.goto("/requests/")
    expect(page.get_by_role("link", name=re.compile(msa_request.reference))).to_be_visible()
    checkpoint(page)

    # Staff ask for information; the customer answers on the status page.
    staff = User.objects.get(email=STAFF_EMAIL)
    request_decide_ask_for_info(
        msa_request_id=msa_request.pk, actor=staff, question="Please send the panel's amp label."
    )
    page.goto(status_url)
    expect(page.get_by_role("blockquote")).to_have_text("Please send the panel's amp label.")
    checkpoint(page)
    page.get_by_label(label("Your answer")).fill("The label reads 200 A; photo attached.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text(re.compile("under review", re.I)).first).to_be_visible()
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW

    # Approved: the scheduler books a window; the customer picks another one on the status page.
    from enrollment.decisions import request_decide_approve

    request_decide_approve(msa_request_id=msa_request.pk, actor=staff)
    page.goto(status_url)
    visit_panel = page.locator("#visit")
    expect(visit_panel).to_contain_text("Your visit:")
    checkpoint(page)
    booked = visit_panel.locator("p", has_text=re.compile(r"^\s*Your visit:"))
    booked_before = booked.inner_text()
    offers = visit_panel.get_by_role("radio")
    expect(offers.first).to_be_visible()
    chosen = offers.nth(1 if offers.count() > 1 else 0)
    chosen_label = page.locator(f"label[for='{chosen.get_attribute('id')}']").inner_text()
    chosen.check()
    visit_panel.get_by_role("button", name="Reschedule").click()
    expect(booked).not_to_have_text(booked_before)
    day = ",".join(chosen_label.split(",")[:2]).strip()
    expect(booked).to_contain_text(day)
    checkpoint(page)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED


FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '', value: e.value || '',
          text: (e.textContent || '').trim(), checked: !!e.checked,
          outline: getComputedStyle(e).outlineStyle !== 'none'
                   || getComputedStyle(e).boxShadow !== 'none'};
}"""


def test_the_wizards_first_step_works_by_keyboard_alone(page, live_server, demo_data):
    log_in(page, CUSTOMER_EMAIL)
    expect(page.get_by_role("link", name="Start a new request").first).to_be_visible()
    page.goto("/requests/new/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "Skip to main content", first
    page.keyboard.press("Enter")  # skip the navigation: focus moves to <main>
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        assert focused["outline"], f"no visible focus on {focused}"
        if focused["name"] == "request_type" and not focused["checked"]:
            page.keyboard.press("Space")
            assert page.evaluate(FOCUSED)["checked"]
        if focused["name"] == "next":
            break
    else:
        pytest.fail(f"Tab never reached 'Save and continue': {stops}")
    assert any(s["name"] == "request_type" for s in stops), stops
    chosen = page.locator("input[name=request_type]:checked").get_attribute("value")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Account and meter")
    msa_request = Request.objects.get(applicant__email=CUSTOMER_EMAIL)
    assert msa_request.request_type == chosen


def test_a_homeowner_applies_with_the_precheck_answers_and_a_photo_instead(
    page, live_server, demo_data
):
    page.goto("/eligibility/check/")
    page.get_by_label(label("Service panel rating (amps)")).fill("200")
    page.locator("input[name=comm_cable][value=unknown]").check()
    page.locator("input[name=energized_present][value=False]").check()
    page.get_by_role("button", name="Check my eligibility").click()
    expect(page.locator("#answer")).to_be_visible()
    checkpoint(page)
    page.get_by_role("button", name="Apply with these answers").click()

    # Not signed in: the answers wait in the session through the login.
    page.get_by_label(label("Email")).fill(CUSTOMER_EMAIL)
    page.get_by_label(label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply with your pre-check answers")
    checkpoint(page)
    page.get_by_role("button", name="Start my request with these answers").click()

    expect(page.locator("input[name=customer_phone]")).to_be_visible()
    msa_request = Request.objects.get(applicant__email=CUSTOMER_EMAIL)
    assert msa_request.panel_rating_amps == 200
    assert (msa_request.comm_cable_present, msa_request.energized_present) == (None, False)

    # The socket's questions answered with a photo instead: the photos step then needs one.
    page.goto(f"/requests/{msa_request.pk}/apply/socket/")
    expect(page.get_by_role("img", name=re.compile("Two meter sockets"))).to_be_visible()
    checkpoint(page)
    page.get_by_role("button", name=re.compile("send a photo of my meter instead")).click()
    msa_request.refresh_from_db()
    assert msa_request.answers_by_photo == ["socket"]
