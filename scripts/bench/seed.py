"""100,000 sample requests for `make bench`: run with `manage.py shell` on msa_bench only.

Requests in every state over 10,000 sample customers (a tenth filed by the demo contractor's
company), submitted over the last 400 days, with the target dates payment stores, the review
events the dashboard reads, and visits for the scheduled, completed and failed ones. Bulk inserts:
what is measured is reading, not writing.
"""

import os
import random
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.demo import CONTRACTOR_EMAIL, CUSTOMER_EMAIL
from accounts.models import User
from common.business_days import current_calendar
from eligibility.models import ApprovedProduct
from enrollment.models import Request, RequestEvent, Status
from scheduling.models import FailureCode, Technician, Visit

TOTAL = int(os.environ.get("BENCH_REQUESTS", "100000"))
STATES = [Status.UNDER_REVIEW] * 4 + [Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED]
STATES += [Status.SCHEDULED] * 2 + [Status.COMPLETED] * 6 + [Status.VISIT_FAILED]
STATES += [Status.REJECTED, Status.CANCELLED, Status.DRAFT, Status.AWAITING_PAYMENT]
DECIDED = {Status.APPROVED, Status.SCHEDULED, Status.COMPLETED, Status.VISIT_FAILED}

rng = random.Random(27)
calendar = current_calendar()
devices = list(ApprovedProduct.objects.filter(status=ApprovedProduct.Status.ACTIVE))
customer = User.objects.get(email=CUSTOMER_EMAIL)
contractor = User.objects.get(email=CONTRACTOR_EMAIL)
customers = User.objects.bulk_create(
    (
        User(email=f"bench-{n}@example.com", full_name=f"Bench Customer {n} (sample)")
        for n in range(TOTAL // 10)
    ),
    batch_size=2000,
)
technician = Technician.objects.filter(is_active=True).prefetch_related("windows").first()
windows = list(technician.windows.all())
now = timezone.now()
target = settings.MSA_TARGET_BUSINESS_DAYS
CITIES = ["Rosemead", "Pasadena", "Alhambra", "Monterey Park", "El Monte", "Arcadia"]


def sample(n: int, applicant: User, status: str) -> Request:
    submitted = now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
    by_contractor = n % 10 == 0
    msa_request = Request(
        applicant=applicant,
        filed_by=contractor if by_contractor else applicant,
        contractor_company_id=contractor.company_id if by_contractor else None,
        customer_name=applicant.full_name,
        customer_email=applicant.email,
        customer_phone="(626) 555-0199",
        request_type="install",
        status=status,
        service_account_number=f"9{n:09d}",
        customer_account_number=f"6{n:011d}",
        meter_number=f"B{n:08d}",
        premises_street=f"{100 + n % 9000} Bench St",
        premises_city=rng.choice(CITIES),
        premises_zip="91770",
        residential=True,
        meter_self_contained=True,
        service_phase=1,
        service_wires=3,
        service_voltage="120/240",
        panel_rating_amps=200,
        backfeed_amps=0,
        device=rng.choice(devices),
        meter_socket_form="2S",
        socket_ring_type="ring",
        energized_conductors=[],
        esr_violation="none",
        waterproof_bag_commitment=True,
    )
    if status not in (Status.DRAFT, Status.AWAITING_PAYMENT):
        msa_request.submitted_at = submitted
        msa_request.target_date = calendar.nth_business_day_after(
            timezone.localdate(submitted), target
        )
    if status == Status.INFO_REQUESTED:
        msa_request.target_paused_on = timezone.localdate(now) - timedelta(days=rng.randint(0, 9))
        msa_request.target_days_left_when_paused = rng.randint(-5, 29)
    if status in DECIDED or status == Status.REJECTED:
        msa_request.decided_at = submitted + timedelta(days=rng.randint(1, 20))
    return msa_request


SHOWN = [Status.APPROVED, Status.SCHEDULED, Status.UNDER_REVIEW, Status.INFO_REQUESTED]
rows = [sample(n, customer, SHOWN[n % len(SHOWN)]) for n in range(20)]
rows += [sample(n, rng.choice(customers), rng.choice(STATES)) for n in range(20, TOTAL)]
created = Request.objects.bulk_create(rows, batch_size=2000)

events, visits, slots = [], [], {}
for msa_request in created:
    if msa_request.decided_at is None:
        continue
    to_status = Status.REJECTED if msa_request.status == Status.REJECTED else Status.APPROVED
    events.append(
        RequestEvent(msa_request=msa_request, from_status=Status.UNDER_REVIEW, to_status=to_status)
    )
    if msa_request.status in (Status.SCHEDULED, Status.COMPLETED, Status.VISIT_FAILED):
        day = calendar.nth_business_day_after(timezone.localdate(msa_request.decided_at), 5)
        window = windows[len(visits) % len(windows)]
        slot = slots[(window.pk, day)] = slots.get((window.pk, day), 0) + 1
        state = {
            Status.SCHEDULED: Visit.State.BOOKED,
            Status.COMPLETED: Visit.State.COMPLETED,
            Status.VISIT_FAILED: Visit.State.FAILED,
        }[msa_request.status]
        visits.append(
            Visit(
                msa_request=msa_request,
                technician=technician,
                window=window,
                date=day,
                slot=slot,
                source=Visit.Source.SCHEDULER,
                state=state,
                failure_code=FailureCode.NOT_LEFT_IN_BAG if state == Visit.State.FAILED else "",
            )
        )
RequestEvent.objects.bulk_create(events, batch_size=2000)
# created_at is auto_now_add: move each decision to its request's decided_at in one statement.
with connection.cursor() as cursor:
    cursor.execute(
        "UPDATE enrollment_requestevent e SET created_at = a.decided_at "
        "FROM enrollment_application a WHERE e.msa_request_id = a.id AND a.decided_at IS NOT NULL"
    )
Visit.objects.bulk_create(visits, batch_size=2000)
print(f"bench seed: {len(created)} requests, {len(events)} decisions, {len(visits)} visits")
