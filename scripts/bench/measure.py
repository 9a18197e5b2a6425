"""`make bench`, in-process: queries and time of each page at the loaded volume.

Run with `manage.py shell` on msa_bench only. Prints one row per page (queries, median of
BENCH_REPEAT renders after a warm-up) and writes var/bench/pages.tsv for wrk: name, method,
path, cookie (a signed-in session where the page needs one), body file.
"""

import json
import os
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.demo import CONTRACTOR_EMAIL, CUSTOMER_EMAIL, STAFF_EMAIL
from accounts.models import User
from eligibility.models import ApprovedProduct
from enrollment.models import Request, Status

OUT = Path(os.environ.get("BENCH_OUT", "var/bench"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
OUT.mkdir(parents=True, exist_ok=True)
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


visitor = Client()
customer = signed_in(CUSTOMER_EMAIL)
contractor = signed_in(CONTRACTOR_EMAIL)
staff = signed_in(STAFF_EMAIL)
status_page = (
    Request.objects.filter(applicant__email=CUSTOMER_EMAIL, status=Status.APPROVED)
    .order_by("pk")
    .first()
)
device = ApprovedProduct.objects.filter(status=ApprovedProduct.Status.ACTIVE).first()
facts = {
    "request_type": "install",
    "residential": True,
    "meter_self_contained": True,
    "service_phase": 1,
    "service_wires": 3,
    "service_voltage": "120/240",
    "panel_rating_amps": 200,
    "backfeed_amps": 0,
    "device": device.pk,
    "meter_socket_form": "2S",
    "socket_ring_type": "ring",
    "comm_cable_in_liquidtight": None,
    "energized_conductors": [],
    "energized_in_liquidtight": None,
    "esr_violation": "none",
    "waterproof_bag_commitment": True,
}
body = OUT / "precheck.json"
body.write_text(json.dumps(facts))

PAGES = [
    ("trivial view", visitor, "GET", "/loadtest/ping/"),
    ("home", visitor, "GET", "/"),
    ("program", visitor, "GET", "/program/"),
    ("Approved Product List", visitor, "GET", "/eligibility/approved-products/"),
    ("eligibility pre-check (API)", visitor, "POST", "/api/v1/eligibility/check"),
    ("status page", customer, "GET", f"/requests/{status_page.pk}/"),
    ("status page, rendered", customer, "GET", f"/requests/{status_page.pk}/"),
    ("contractor dashboard", contractor, "GET", "/requests/company/"),
    ("contractor dashboard, rendered", contractor, "GET", "/requests/company/"),
    ("staff list", staff, "GET", "/admin/enrollment/request/"),
    ("staff list, search", staff, "GET", "/admin/enrollment/request/?q=Bench+Customer+42"),
    ("staff list, overdue", staff, "GET", "/admin/enrollment/request/?sla=overdue"),
    ("dashboard", staff, "GET", "/admin/dashboard/"),
]


def fetch(client, method, path):
    if method == "POST":
        return client.post(path, data=body.read_text(), content_type="application/json")
    return client.get(path)


print(f"{'page':32} {'status':>6} {'queries':>7} {'median ms':>9}")
rows = []
for name, client, method, path in PAGES:
    # "rendered": the reader's own page rendered each time, not again from the cache
    # (READER_PAGE_SECONDS; the other row, and wrk, read it from the cache as a reader would).
    rendered = name.endswith(", rendered")
    with override_settings(**({"READER_PAGE_SECONDS": 0} if rendered else {})):
        response = fetch(client, method, path)  # warm-up: caches, the calendar's day index
        times = []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = fetch(client, method, path)
                times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(f"{name:32} {response.status_code:>6} {len(queries):>7} {median:>9.1f}")
    if rendered:
        continue
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    cookie = f"{settings.SESSION_COOKIE_NAME}={cookie.value}" if cookie else "-"
    rows.append(
        "\t".join([name, method, path, cookie, str(body) if method == "POST" else "-"])
        + f"\t{len(queries)}\t{median:.1f}"
    )
(OUT / "pages.tsv").write_text("\n".join(rows) + "\n")
