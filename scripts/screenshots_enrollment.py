"""Screenshot the customer's enrollment journey on a phone-sized screen.

Runs the portal with its own throw-away SQLite database on 127.0.0.1:8004, loads the demo data
(plus a sample device and meter record when the Approved Product List is empty), then drives
Debian's Chromium through every wizard step to a signed request, saving
``docs/screenshots/wizard-NN-<step>.png``.

    python scripts/screenshots_enrollment.py
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8004
BASE = f"http://127.0.0.1:{PORT}"
DB = ROOT / "var" / "screenshots.sqlite3"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SAMPLE_DATA = """
from eligibility.models import ApprovedProduct, MeterRecord
if not ApprovedProduct.objects.filter(status="active").exists():
    ApprovedProduct.objects.create(
        manufacturer="Sample Maker", model_name="Island Adapter (sample)", model_number="SM-200",
        adapter_type="isolating", request_types=["install", "replacement"],
        rated_current_amps=200, compatible_socket_forms=["2S"], ring_requirement="ring",
        customer_requirements="Ring-type meter socket only. Leave the communication cable "
        "outside liquid-tight conduit.", is_sample=True)
    ApprovedProduct.objects.create(
        manufacturer="Sample Maker", model_name="EV Adapter (sample)", model_number="SM-EV1",
        adapter_type="non_isolating", request_types=["install"], rated_current_amps=200,
        compatible_socket_forms=["2S"], customer_requirements="EV charger up to 48 A.",
        is_sample=True)
MeterRecord.objects.get_or_create(
    meter_number="V2345678",
    defaults=dict(service_account_number="8001234567", service_address="8631 Rush St",
                  city="Rosemead", zip_code="91770", panel_rating_amps=200, is_sample=True))
"""


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


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


def tiny_png() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (220, 224, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle((110, 40, 210, 200), outline=(60, 60, 60), width=6)
    draw.ellipse((125, 70, 195, 140), outline=(0, 84, 110), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


STAFF_ASKS = """
from accounts.models import User
from enrollment import services
from enrollment.models import Request
msa_request = Request.objects.order_by("-pk").first()
staff = User.objects.get(email="staff@example.com")
services.request_mark_paid(msa_request_id=msa_request.pk, note="Paid (demo provider).")
msa_request.refresh_from_db()
if msa_request.status == "submitted":
    services.request_record_eligibility(msa_request_id=msa_request.pk, outcome="review")
services.request_ask_for_info(
    msa_request_id=msa_request.pk, actor=staff,
    question="Please send a photo of the label inside the panel door showing its amp rating.")
"""


def drive(page, env: dict) -> None:
    counter = iter(range(1, 100))

    def shot(name: str) -> None:
        path = OUT / f"wizard-{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print("saved", path.relative_to(ROOT))

    def next_step() -> None:
        page.click("button[name=next]")
        page.wait_for_load_state("networkidle")

    page.goto(f"{BASE}/accounts/login/")
    page.fill("input[name=login]", "customer@example.com")
    page.fill("input[name=password]", "msa-demo-2026")
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")
    shot("home")

    page.click("text=Start a new request")
    page.check("input[name=request_type][value=install]")
    shot("request-type")
    next_step()

    page.fill("input[name=customer_phone]", "(626) 555-0199")
    page.fill("input[name=service_account_number]", "80012345")
    page.fill("input[name=customer_account_number]", "712345678901")
    page.fill("input[name=meter_number]", "V2345678")
    next_step()
    shot("accounts-bad-input-kept")
    page.fill("input[name=service_account_number]", "8001234567")
    shot("accounts")
    next_step()

    page.check("input[name=life_support][value=False]")
    shot("medical-equipment")
    next_step()

    page.fill("input[name=premises_street]", "8631 Rush St")
    page.fill("input[name=premises_city]", "Rosemead")
    page.fill("input[name=premises_zip]", "91770")
    shot("premises")
    next_step()

    page.check("input[name=residential][value=True]")
    page.check("input[name=meter_self_contained][value=True]")
    page.check("input[name=service_phase][value='1']")
    page.check("input[name=service_wires][value='3']")
    page.select_option("select[name=service_voltage]", "120/240")
    page.fill("input[name=panel_rating_amps]", "200")
    shot("meter-and-service")
    next_step()

    page.fill("input[name=backfeed_amps]", "40")
    page.check("input[name=comm_cable_in_liquidtight][value=False]")
    page.check("input[name=energized_conductors][value=solar_load_side_tap]")
    page.check("input[name=energized_in_liquidtight][value=True]")
    shot("generation-and-wiring")
    next_step()

    page.select_option("select[name=meter_socket_form]", "2S")
    page.check("input[name=socket_ring_type][value=ring]")
    page.check("input[name=esr_violation][value=none]")
    shot("socket-and-panel")
    next_step()

    page.locator("input[name=device]").first.check()
    shot("device")
    next_step()

    page.check("input[name=waterproof_bag_commitment]")
    shot("getting-ready")
    next_step()

    page.set_input_files(
        "input[name=photos]",
        files=[{"name": "meter-panel.png", "mimeType": "image/png", "buffer": tiny_png()}],
    )
    shot("photos")
    next_step()
    shot("review-pre-check")

    page.click("text=Continue to the Customer Agreement")
    page.wait_for_load_state("networkidle")
    shot("esign-consent")
    page.check("input[name=agree]")
    page.click("text=I consent to electronic records")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=signer_name]", "Dana Customer")
    page.check("input[name=consent]")
    shot("customer-agreement")
    page.click("text=Sign the agreement")
    page.wait_for_load_state("networkidle")
    shot("status-signed")

    status_url = page.url
    page.goto(f"{BASE}/requests/")
    shot("my-requests")

    # Staff ask a question (through the services, as the back office does); the customer sees it.
    manage("shell", "-c", STAFF_ASKS, env=env)
    page.goto(status_url)
    shot("status-info-requested")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    DB.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DB}",
        "DEBUG": "true",
        "PRIVATE_STORAGE_ROOT": str(ROOT / "var" / "screenshots-private"),
        "SITE_URL": BASE,
    }
    manage("migrate", "--verbosity", "0", env=env)
    manage("seed_demo", env=env)
    manage("shell", "-c", SAMPLE_DATA, env=env)
    server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            context = browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
            )
            drive(context.new_page(), env)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
