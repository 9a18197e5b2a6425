"""Screenshot the portal's main pages in English and Spanish at phone (390 px) and desktop width.

    /work/main/.venv/bin/python scripts/screenshots_pages.py

Creates var/screenshots-pages.sqlite3 from scratch, loads seed_demo plus two sample requests for
the demo customer (a draft ready for review, and an approved request the scheduler booked),
starts runserver on 127.0.0.1:8010 and saves ``docs/screenshots/pages-<page>-<width>.png`` (English)
and ``docs/screenshots/pages-es-<page>-<width>.png`` (Spanish, chosen with the footer switcher):
home, program, eligibility check (with its answer), Approved Product List, the wizard's first
step, the review and pre-check, the agreement, the status page with its visit panel, my requests.
PNGs are reduced to a 256-colour palette to keep the folder small.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DB = ROOT / "var" / "screenshots-pages.sqlite3"
PORT = 8010
BASE = f"http://127.0.0.1:{PORT}"
ENV = {
    **os.environ,
    "DATABASE_URL": f"sqlite:///{DB}",
    "DEBUG": "true",
    "CELERY_TASK_ALWAYS_EAGER": "true",
    "PRIVATE_STORAGE_ROOT": str(ROOT / "var" / "screenshots-private"),
    "SITE_URL": BASE,
}
CHROMIUM = next(p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}

# Two sample requests for the demo customer, through the services wherever a state changes.
SAMPLE_REQUESTS = """
from accounts.models import User
from eligibility.models import ApprovedProduct
from enrollment import decisions, services
from enrollment.models import Request
customer = User.objects.get(email="customer@example.com")
staff = User.objects.get(email="staff@example.com")
device = ApprovedProduct.objects.get(model_number="SAMPLE-CD-ISLANDDER")
answers = dict(
    applicant=customer, filed_by=customer, customer_name=customer.full_name,
    customer_email=customer.email, customer_phone="(626) 555-0199", request_type="install",
    customer_account_number="712345678901", life_support=False, premises_street="8631 Rush St",
    premises_city="Rosemead", premises_zip="91770", residential=True, meter_self_contained=True,
    service_phase=1, service_wires=3, service_voltage="120/240", panel_rating_amps=200,
    backfeed_amps=40, device=device, meter_socket_form="2S", socket_ring_type="ring",
    comm_cable_in_liquidtight=False, energized_conductors=["solar_load_side_tap"],
    energized_in_liquidtight=True, esr_violation="none", waterproof_bag_commitment=True)
booked = Request.objects.create(
    status="awaiting_payment", service_account_number="8000000001", meter_number="M1000001",
    wizard_step="review", **answers)
services.request_mark_paid(msa_request_id=booked.pk)
decisions.request_decide_approve(msa_request_id=booked.pk, actor=staff)
draft = Request.objects.create(
    status="draft", service_account_number="8000000002", meter_number="M1000002",
    wizard_step="photos", **answers)
print("SAMPLE-REQUESTS", booked.pk, draft.pk, Request.objects.get(pk=booked.pk).status)
"""


def manage(*args: str) -> str:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wait_for_server(process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("runserver exited")
        try:
            urllib.request.urlopen(f"{BASE}/", timeout=1)  # noqa: S310 (local URL)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("runserver did not answer within 30 s")


def save(page, name: str, width: str, language: str) -> None:
    prefix = "pages" if language == "en" else f"pages-{language}"
    path = OUT / f"{prefix}-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)
    print("saved", path.relative_to(ROOT), f"{path.stat().st_size // 1024} KB")


def drive(browser, width: str, language: str, booked: int, draft: int) -> None:
    context = browser.new_context(viewport=WIDTHS[width], device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{BASE}/")
    # Choose the language with the footer's switcher, as a visitor would.
    page.select_option("#language-select", language)
    page.locator("footer form button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    def shot(name: str) -> None:
        save(page, name, width, language)

    shot("home")
    page.goto(f"{BASE}/program/")
    shot("program")
    page.goto(f"{BASE}/eligibility/check/")
    page.fill("input[name=panel_rating_amps]", "400")
    page.locator("main form [name=check]").click()
    page.wait_for_load_state("networkidle")
    shot("eligibility-check")
    page.goto(f"{BASE}/eligibility/approved-products/")
    shot("approved-products")

    page.goto(f"{BASE}/accounts/login/")
    page.fill("input[name=login]", "customer@example.com")
    page.fill("input[name=password]", "msa-demo-2026")
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{BASE}/requests/new/")
    shot("wizard-first-step")
    page.goto(f"{BASE}/requests/{draft}/apply/review/")
    shot("review")
    page.goto(f"{BASE}/requests/{draft}/agreement/")
    shot("agreement")
    page.goto(f"{BASE}/requests/{booked}/")
    shot("status-visit")
    page.goto(f"{BASE}/requests/")
    shot("my-requests")
    context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    DB.unlink(missing_ok=True)
    manage("migrate", "--verbosity", "0")
    manage("seed_demo")
    output = manage("shell", "-c", SAMPLE_REQUESTS)
    line = next(x for x in output.splitlines() if x.startswith("SAMPLE-REQUESTS"))
    _, booked, draft, status = line.split()
    if status != "scheduled":
        raise SystemExit(f"the sample request was not booked: {status}")
    server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for language in ("en", "es"):
                for width in WIDTHS:
                    drive(browser, width, language, int(booked), int(draft))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
