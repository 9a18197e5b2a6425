"""The load test's users (make load): a busy day's mix of visitors, customers and staff.

Run only through scripts/loadtest.sh, against gunicorn on 127.0.0.1 with LOADTEST_ENABLED (the
trivial /loadtest/ping/ view) and the documented rate limits on. Each simulated user comes from
its own address: every request carries ``X-Forwarded-For`` as the production proxy would send it
(the server trusts one proxy, ``TRUSTED_PROXY_COUNT=1``), so the per-address login and API limits
apply per user, as they do to real people behind the proxy.

The mix (weights 7:2:1):
- visitors: the home page, the Approved Product List, the eligibility questionnaire and the
  pre-check API;
- customers (one sample account each): sign in, open their requests and status pages, and file
  a new request from start to end: every wizard step, the review, signing the Customer Agreement
  and paying the fee through the fake Stripe (``LOAD_STRIPE``, scripts/load/fake_stripe_server.py):
  the portal opens a Checkout Session with the real SDK, the customer "pays" at the fake, and
  Stripe's success link brings them back, where the portal settles the payment from Stripe;
- staff (the demo staff account): the queue, a search, the overdue filter, a request's page and
  the program dashboard.
A page that sends a signed-in user back to the login form counts as a failure, as does any
status >= 400 (a 429 from a rate limit included).
"""

import itertools
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "msa-demo-2026")
STAFF = os.environ.get("LOAD_STAFF", "staff@example.com")
ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS", "200"))
METERS = int(os.environ.get("LOAD_METERS", "20000"))
IDS = Path(os.environ.get("LOAD_IDS_FILE", "var/load/customer_requests.txt"))
REQUEST_IDS = [int(line) for line in IDS.read_text().split()] if IDS.exists() else []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEVICE_OPTION = re.compile(r'<option value="(\d+)"')
DEVICE_RADIO = re.compile(r'name="device"[^>]*value="(\d+)"')
SHOWN_SHA = re.compile(r'name="shown_sha256" value="([0-9a-f]{64})"')
STEP = re.compile(r"/requests/(\d+)/apply/([a-z-]+)/")
STRIPE = os.environ.get("LOAD_STRIPE", "http://127.0.0.1:12111")
CHECKOUT_SESSION = re.compile(r"^https://checkout\.stripe\.test/c/pay/(cs_test_\w+)$")
PAID_MESSAGE = "your payment of"
ESIGN_CONSENT = 'name="esign_action" value="consent"'

_addresses = itertools.count(1)
_accounts = itertools.count(0)
_meters = itertools.count(0)
_lock = threading.Lock()


def next_address() -> str:
    """A distinct client address per simulated user (TEST-NET-like private space)."""
    with _lock:
        n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def next_account() -> str:
    with _lock:
        n = next(_accounts) % ACCOUNTS
    return f"load-{n}@example.com"


QUESTIONNAIRE = {
    "request_type": "install",
    "residential": "yes",
    "meter_self_contained": "yes",
    "service_phase": "1",
    "service_wires": "3",
    "service_voltage": "120/240",
    "panel_rating_amps": "200",
    "backfeed_amps": "0",
    "meter_socket_form": "2S",
    "socket_ring_type": "ring",
    "esr_violation": "none",
    "waterproof_bag_commitment": "yes",
}


def wizard_answers() -> dict[str, dict]:
    """One request's answers, step by step: a meter on record (scripts/load/seed.py) no other
    filing of this run uses, so the duplicate rule never refuses it."""
    with _lock:
        n = next(_meters) % METERS
    return {
        "accounts": {
            "customer_name": "Load Customer",
            "customer_phone": "(626) 555-0199",
            "service_account_number": f"{8100000000 + n}",
            "customer_account_number": f"7{n:011d}",
            "meter_number": f"LOAD{n:06d}",
            "rule21_reference": "",
        },
        "records": {"record_right": "True"},
        "safety": {"life_support": "False"},
        "premises": {
            "premises_street": f"{100 + n % 9000} Load St",
            "premises_unit": "",
            "premises_city": "Rosemead",
            "premises_zip": "91770",
        },
        "meter": {
            "residential": "True",
            "meter_self_contained": "True",
            "service_phase": "1",
            "service_wires": "3",
            "service_voltage": "120/240",
            "panel_rating_amps": "200",
        },
        "wiring": {"backfeed_amps": "0", "comm_cable": "none", "energized_present": "False"},
        "socket": {"meter_socket_form": "2S", "socket_ring_type": "ring", "esr_violation": "none"},
        "preparation": {"waterproof_bag_commitment": "on"},
        "photos": {},
    }


class Person(HttpUser):
    """Someone behind the proxy: every request carries their own forwarded address."""

    abstract = True

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = next_address()

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def log_in(self, email: str) -> bool:
        page = self.client.get("/accounts/login/", name="login [GET]")
        match = CSRF.search(page.text)
        if not match:
            return False
        with self.client.post(
            "/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)},
            name="login [POST]",
            catch_response=True,
        ) as response:
            # A good login redirects away; landing on the login form again means it failed.
            if response.url.split("?")[0].endswith("/accounts/login/"):
                response.failure("login refused")
                return False
        return True

    def get_signed_in(self, url: str, name: str):
        """GET a page that needs the login; being sent to the login form counts as a failure."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if "/accounts/login/" in response.url:
                response.failure("sent to the login page")
            return response


class Visitor(Person):
    """Someone reading about the program: home, the APL, the questionnaire, the pre-check API."""

    weight = 7
    wait_time = between(1, 5)

    def on_start(self):
        super().on_start()
        page = self.client.get("/eligibility/check/", name="pre-check page [GET]")
        self.devices = DEVICE_OPTION.findall(page.text) or [""]

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def approved_products(self):
        self.client.get("/eligibility/approved-products/", name="Approved Product List")

    @task(1)
    def approved_products_filtered(self):
        self.client.get(
            "/eligibility/approved-products/?adapter_type=isolating",
            name="Approved Product List, filtered",
        )

    @task(2)
    def questionnaire(self):
        self.client.get("/eligibility/check/", name="pre-check page [GET]")
        answers = {**QUESTIONNAIRE, "device": random.choice(self.devices)}
        self.client.get("/eligibility/check/", params=answers, name="pre-check page [answer]")

    @task(1)
    def api_check(self):
        facts = {
            "request_type": "install",
            "residential": True,
            "meter_self_contained": True,
            "service_phase": 1,
            "service_wires": 3,
            "service_voltage": "120/240",
            "panel_rating_amps": random.choice([100, 200, 400]),
            "backfeed_amps": 0,
        }
        self.client.post("/api/v1/eligibility/check", json=facts, name="pre-check API")


class Customer(Person):
    """A customer with an account: checks their requests, files, signs and pays a new one."""

    weight = 2
    wait_time = between(1, 4)

    def on_start(self):
        super().on_start()
        self.signed_in = self.log_in(next_account())
        self.mine: list[int] = []

    @task(3)
    def my_requests(self):
        page = self.get_signed_in("/requests/", "my requests")
        found = re.findall(r'href="/requests/(\d+)/"', page.text or "")
        self.mine = sorted({int(pk) for pk in found}) or self.mine

    @task(4)
    def status_page(self):
        if not self.mine:
            self.my_requests()
        if self.mine:
            self.get_signed_in(f"/requests/{random.choice(self.mine)}/", "status page")

    @task(2)
    def file_sign_and_pay(self):
        """A whole filing: the wizard's steps, the review, the signature, paying at Stripe."""
        start = self.get_signed_in("/requests/new/", "wizard [GET]")
        response = self.client.post(
            "/requests/new/",
            {"request_type": "install", "csrfmiddlewaretoken": self.csrf()},
            name="wizard: start",
        )
        answers = wizard_answers()
        for _ in range(15):  # more than the wizard has steps: a loop guard
            match = STEP.search(response.url)
            if not match or start.status_code >= 400:
                return
            pk, slug = match.group(1), match.group(2)
            if slug == "review":
                break
            # ``response`` is the step's page: the previous POST's redirect was followed.
            data = dict(answers.get(slug, {}))
            if slug == "device":
                devices = DEVICE_RADIO.findall(response.text)
                if not devices:
                    return
                data["device"] = random.choice(devices)
            data["csrfmiddlewaretoken"] = self.csrf()
            with self.client.post(
                response.url, data, name="wizard: step [POST]", catch_response=True
            ) as response:
                # A step that keeps its answers and shows itself again refused them: a broken
                # filing is a failure of the run, not a loop of requests.
                if response.ok and f"/apply/{slug}/" in response.url:
                    response.failure(f"wizard step {slug!r} refused the answers")
                    return
        else:
            return
        self.client.get(f"/requests/{pk}/apply/review/", name="wizard: review")
        agreement = f"/requests/{pk}/agreement/"
        sign_page = self.client.get(agreement, name="agreement [GET]")
        if ESIGN_CONSENT in sign_page.text:
            # An account that has not consented to electronic records sees the E-SIGN
            # disclosure first (its own shown_sha256); consenting shows the agreement to sign.
            disclosure = SHOWN_SHA.search(sign_page.text)
            sign_page = self.client.post(
                agreement,
                {
                    "esign_action": "consent",
                    "agree": "on",
                    "shown_sha256": disclosure.group(1) if disclosure else "",
                    "csrfmiddlewaretoken": self.csrf(),
                },
                name="agreement: consent to electronic records",
            )
        shown = SHOWN_SHA.search(sign_page.text)
        with self.client.post(
            agreement,
            {
                "signer_name": "Load Customer",
                "consent": "on",
                "shown_sha256": shown.group(1) if shown else "",
                "csrfmiddlewaretoken": self.csrf(),
            },
            name="agreement [sign]",
            catch_response=True,
        ) as signed:
            if not shown or signed.url.endswith(agreement):
                signed.failure("the Customer Agreement was not signed")
                return
        with self.client.post(
            f"/payments/requests/{pk}/pay/",
            {"csrfmiddlewaretoken": self.csrf()},
            name="pay: start",
            allow_redirects=False,
            catch_response=True,
        ) as checkout:
            session = CHECKOUT_SESSION.match(checkout.headers.get("Location", ""))
            if not session:
                checkout.failure("a signed request was not sent to Stripe's checkout")
                return
        # On Stripe's page (the fake's): the customer pays, and is sent back to the portal.
        with self.client.post(
            f"{STRIPE}/_fake/pay/{session.group(1)}",
            name="[fake Stripe] the customer pays",
            catch_response=True,
        ) as paid:
            if paid.status_code != 200:
                paid.failure("the fake Stripe refused the payment")
                return
            back = paid.json()["success_url"]
        with self.client.get(back, name="pay: back from Stripe", catch_response=True) as settled:
            if PAID_MESSAGE not in settled.text:
                settled.failure("a fee paid at Stripe was not settled on the way back")
                return
        self.mine.append(int(pk))


class Staff(Person):
    """A reviewer working the queue and looking at the dashboard."""

    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.log_in(STAFF)

    @task(4)
    def queue(self):
        self.get_signed_in("/admin/enrollment/request/", "staff list")

    @task(2)
    def queue_under_review(self):
        self.get_signed_in(
            "/admin/enrollment/request/?status__exact=under_review", "staff list, under review"
        )

    @task(1)
    def search(self):
        word = random.choice(["Customer", "Rosemead", "Load", "sample"])
        self.get_signed_in(f"/admin/enrollment/request/?q={word}", "staff list, search")

    @task(1)
    def overdue(self):
        self.get_signed_in("/admin/enrollment/request/?sla=overdue", "staff list, overdue")

    @task(1)
    def request_page(self):
        if REQUEST_IDS:
            self.get_signed_in(
                f"/admin/enrollment/request/{random.choice(REQUEST_IDS)}/change/",
                "staff request page",
            )

    @task(1)
    def dashboard(self):
        self.get_signed_in("/admin/dashboard/", "dashboard")


class Ping(Person):
    """The trivial Django view, run alone after the mix as the in-run baseline."""

    wait_time = between(1, 5)

    @task
    def ping(self):
        self.client.get("/loadtest/ping/", name="trivial view")
