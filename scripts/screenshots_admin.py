"""Take the back-office screenshots in docs/screenshots/ from a throw-away demo database.

    /work/main/.venv/bin/python scripts/screenshots_admin.py

Creates var/screenshots.sqlite3 from scratch, loads seed_demo plus sample requests spread over
the last eight weeks (every one labelled sample), starts runserver on 127.0.0.1:8008, logs in
as the demo staff user with Debian's Chromium and saves admin-queue.png, admin-request.png,
admin-reject.png and admin-dashboard.png.
"""

import datetime
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "screenshots.sqlite3"
PORT = 8008
BASE = f"http://127.0.0.1:{PORT}"
OUT = ROOT / "docs" / "screenshots"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "msa_portal.settings.local",
    "DATABASE_URL": f"sqlite:///{DB}",
    "DEBUG": "true",
    "CELERY_TASK_ALWAYS_EAGER": "true",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SAMPLE_DEVICES = [
    ("ConnectDER", "IslandDER (sample)", "CD-ISL-200", "isolating"),
    ("ConnectDER", "EV MSA (sample)", "CD-EV-200", "non_isolating"),
    ("Enphase", "IQ Meter Collar (sample)", "EN-IQMC-1", "isolating"),
    ("Tesla", "Backup Switch (sample)", "TS-BS-200", "isolating"),
]
NAMES = [
    "Maria Lopez",
    "James Nguyen",
    "Aisha Patel",
    "Robert Kim",
    "Sofia Hernandez",
    "David Chen",
    "Grace Okafor",
    "Luis Ramirez",
    "Emily Tran",
    "Omar Haddad",
]
CITIES = [("Rosemead", "91770"), ("Pasadena", "91101"), ("Irvine", "92618"), ("Ontario", "91761")]


def manage(*args: str) -> None:
    # Our own interpreter and manage.py with fixed arguments.
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)  # noqa: S603


def seed_requests() -> str:
    """Create sample requests through the services; return the change-page path to shoot."""
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import time_machine
    from django.utils import timezone

    from accounts.models import ContractorCompany, User
    from eligibility.models import ApprovedProduct
    from enrollment import decisions, services
    from enrollment.models import Request

    rng = random.Random(8)
    devices = []
    for manufacturer, model_name, number, kind in SAMPLE_DEVICES:
        device, _ = ApprovedProduct.objects.get_or_create(
            manufacturer=manufacturer,
            model_number=number,
            defaults={
                "model_name": model_name,
                "adapter_type": kind,
                "request_types": ["install", "replacement"],
                "rated_current_amps": 200,
                "compatible_socket_forms": ["2S"],
                "ring_requirement": "ring" if manufacturer == "Tesla" else "any",
                "max_panel_rating_amps": 200,
                "standards": "UL 414, UL 2735",
                "customer_requirements": "Leave the adapter in a waterproof bag by the meter.",
                "is_sample": True,
            },
        )
        devices.append(device)
    staff = User.objects.get(email="staff@example.com")
    contractor = User.objects.get(email="contractor@example.com")
    company = ContractorCompany.objects.get(pk=contractor.company_id)
    customer = User.objects.get(email="customer@example.com")

    now = timezone.now()
    showcase = None
    for n in range(46):
        name = NAMES[n % len(NAMES)] + " (sample)"
        city, zip_code = CITIES[n % len(CITIES)]
        by_contractor = n % 3 == 0
        request_type = rng.choice(["install"] * 6 + ["replacement"] * 2 + ["removal"])
        if n == 1:
            request_type = "install"
        device = rng.choice(devices) if request_type != "removal" else None
        submitted = now - datetime.timedelta(days=rng.randint(0, 55), hours=rng.randint(0, 9))
        with time_machine.travel(submitted - datetime.timedelta(hours=2), tick=False):
            msa_request = Request.objects.create(
                applicant=customer if n == 0 else None,
                filed_by=contractor if by_contractor else customer,
                contractor_company=company if by_contractor else None,
                customer_name=name,
                customer_email=f"sample{n}@example.com",
                customer_phone=f"(626) 555-01{n:02d}",
                request_type=request_type,
                service_account_number=f"8{100000000 + n * 7919:09d}",
                customer_account_number=f"7{10000000000 + n * 104729:011d}",
                meter_number=f"V{3400000 + n * 37}",
                life_support=n % 11 == 0,
                premises_street=f"{100 + n * 13} Sample Ave",
                premises_city=city,
                premises_zip=zip_code,
                residential=True,
                meter_self_contained=True,
                service_phase=1,
                service_wires=3,
                service_voltage="120/240",
                panel_rating_amps=rng.choice([100, 125, 200, 200]),
                backfeed_amps=rng.choice([0, 0, 40, 60]),
                device=device,
                meter_socket_form="2S",
                socket_ring_type=rng.choice(["ring", "ringless"]),
                comm_cable_in_liquidtight=False if device and device.is_isolating else None,
                energized_conductors=["solar_load_side_tap"] if n % 4 == 0 else [],
                energized_in_liquidtight=True if n % 4 == 0 else None,
                esr_violation="none",
                waterproof_bag_commitment=True,
            )
        if n >= 42:
            continue  # a few drafts
        with time_machine.travel(submitted - datetime.timedelta(hours=1), tick=False):
            services.request_sign_agreement(msa_request_id=msa_request.pk, actor=customer)
        with time_machine.travel(submitted, tick=False):
            services.request_mark_paid(msa_request_id=msa_request.pk, note="Sample payment.")
        if n >= 38:
            continue  # left in "submitted"
        outcome = rng.choice(["pass"] * 5 + ["review"] * 2 + ["fail"])
        if n in (1, 2):
            outcome = "review"
        checked = submitted + datetime.timedelta(minutes=3)
        with time_machine.travel(checked, tick=False):
            Request.objects.filter(pk=msa_request.pk, status="under_review").update(
                eligibility_outcome=outcome,
                device_snapshot=device.snapshot() if device else None,
            )
        age = (now - submitted).days
        decided = submitted + datetime.timedelta(days=rng.randint(1, max(1, min(age, 12))))
        if decided > now or n < 14:
            if n == 1:
                with time_machine.travel(checked + datetime.timedelta(hours=20), tick=False):
                    decisions.request_decide_ask_for_info(
                        msa_request_id=msa_request.pk,
                        actor=staff,
                        question="Please upload a photo of the meter socket showing its ring.",
                    )
                with time_machine.travel(checked + datetime.timedelta(days=1), tick=False):
                    services.request_answer_info(
                        msa_request_id=msa_request.pk,
                        actor=contractor if by_contractor else customer,
                        answer="Photo uploaded: it is a ring-type socket.",
                    )
                showcase = msa_request
            elif n % 7 == 3:
                with time_machine.travel(checked + datetime.timedelta(hours=6), tick=False):
                    decisions.request_decide_ask_for_info(
                        msa_request_id=msa_request.pk,
                        actor=staff,
                        question="Is there an EV charging cable at the meter?",
                    )
            continue
        with time_machine.travel(decided, tick=False):
            if outcome == "fail":
                decisions.request_decide_reject(
                    msa_request_id=msa_request.pk,
                    actor=staff,
                    reason_code=rng.choice(["INELIGIBLE_SITE", "DEVICE_NOT_APPROVED", "DUPLICATE"]),
                    message="Sample rejection message.",
                )
            else:
                decisions.request_decide_approve(msa_request_id=msa_request.pk, actor=staff)
    Request.objects.filter(pk=showcase.pk).update(
        device_snapshot={**showcase.device.snapshot(), "customer_requirements": "Older text."}
    )
    return f"/admin/enrollment/request/{showcase.pk}/change/"


def wait_for_server() -> None:
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{BASE}/admin/login/", timeout=1)  # noqa: S310 (fixed http URL)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("runserver did not start")


def shoot(request_path: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        # Admin logins go through the portal's (throttled) login page.
        page.goto(f"{BASE}/accounts/login/?next=/admin/")
        page.fill("#id_login", "staff@example.com")
        page.fill("#id_password", "msa-demo-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{BASE}/admin/")
        page.goto(f"{BASE}/admin/enrollment/request/?status__exact=under_review")
        page.click("#toggle-nav-sidebar")  # remembered for the next pages
        page.screenshot(path=OUT / "admin-queue.png", full_page=True)
        page.goto(f"{BASE}{request_path}")
        page.screenshot(path=OUT / "admin-request.png", full_page=True)
        page.goto(f"{BASE}{request_path.replace('/change/', '/reject/')}")
        page.screenshot(path=OUT / "admin-reject.png", full_page=True)
        page.goto(f"{BASE}/admin/dashboard/")
        page.screenshot(path=OUT / "admin-dashboard.png", full_page=True)
        browser.close()


def main() -> None:
    DB.unlink(missing_ok=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo")
    request_path = seed_requests()
    server = subprocess.Popen(  # noqa: S603 (our own runserver)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server()
        shoot(request_path)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Screenshots in {OUT}")


if __name__ == "__main__":
    main()
