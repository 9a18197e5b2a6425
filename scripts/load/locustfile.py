"""The load test's users (make load): the public, customers checking their request, and staff.

Run only through scripts/loadtest.sh, against gunicorn on 127.0.0.1 with LOADTEST_ENABLED.
"""

import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "msa-demo-2026")
CUSTOMER = os.environ.get("LOAD_CUSTOMER", "customer@example.com")
STAFF = os.environ.get("LOAD_STAFF", "staff@example.com")
IDS = Path(os.environ.get("LOAD_IDS_FILE", "var/load/customer_requests.txt"))
REQUEST_IDS = [int(line) for line in IDS.read_text().split()] if IDS.exists() else []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEVICE = re.compile(r'<option value="(\d+)"')

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


def log_in(user: HttpUser, email: str) -> None:
    page = user.client.get("/accounts/login/", name="/accounts/login/ [GET]")
    token = CSRF.search(page.text).group(1)
    with user.client.post(
        "/accounts/login/",
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        name="/accounts/login/ [POST]",
        catch_response=True,
    ) as response:
        # A good login redirects away; landing on the login form again means it failed.
        if response.url.split("?")[0].endswith("/accounts/login/"):
            response.failure("login refused")


def get_signed_in(user: HttpUser, url: str, name: str | None = None) -> None:
    """GET a page that needs the login; being sent to the login form counts as a failure."""
    with user.client.get(url, name=name or url, catch_response=True) as response:
        if "/accounts/login/" in response.url:
            response.failure("sent to the login page")


class Visitor(HttpUser):
    """Someone looking at the program: the APL, the questionnaire, the pre-check API."""

    weight = 5
    wait_time = between(0.5, 2)

    def on_start(self):
        page = self.client.get("/eligibility/check/", name="/eligibility/check/ [GET]")
        self.devices = DEVICE.findall(page.text) or [""]

    @task(4)
    def approved_products(self):
        self.client.get("/eligibility/approved-products/")

    @task(2)
    def approved_products_filtered(self):
        self.client.get(
            "/eligibility/approved-products/?adapter_type=isolating",
            name="/eligibility/approved-products/?filter",
        )

    @task(3)
    def questionnaire(self):
        self.client.get("/eligibility/check/", name="/eligibility/check/ [GET]")
        answers = {**QUESTIONNAIRE, "device": random.choice(self.devices)}
        self.client.get("/eligibility/check/", params=answers, name="/eligibility/check/ [answer]")

    @task(2)
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
        self.client.post("/api/v1/eligibility/check", json=facts)


class Customer(HttpUser):
    """The demo customer: logs in, opens their requests' status pages."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, CUSTOMER)

    @task(5)
    def status_page(self):
        get_signed_in(self, f"/requests/{random.choice(REQUEST_IDS)}/", "/requests/<pk>/")

    @task(1)
    def my_requests(self):
        get_signed_in(self, "/requests/")

    @task(1)
    def log_in_again(self):
        token = self.client.cookies.get("csrftoken", "")
        self.client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
        log_in(self, CUSTOMER)


class Staff(HttpUser):
    """A reviewer working the queue."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, STAFF)

    @task(4)
    def queue(self):
        get_signed_in(self, "/admin/enrollment/request/")

    @task(2)
    def queue_under_review(self):
        get_signed_in(
            self,
            "/admin/enrollment/request/?status__exact=under_review",
            "/admin/enrollment/request/?status",
        )

    @task(1)
    def request_page(self):
        get_signed_in(
            self,
            f"/admin/enrollment/request/{random.choice(REQUEST_IDS)}/change/",
            "/admin/enrollment/request/<pk>/change/",
        )


class Ping(HttpUser):
    """The trivial Django view, run alone after the mix as the in-run baseline."""

    wait_time = between(0.5, 2)

    @task
    def ping(self):
        self.client.get("/loadtest/ping/")
