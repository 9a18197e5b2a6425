"""Sample requests for the load test: run with `manage.py shell` against the load database only.

Makes LOAD_REQUESTS requests (default 3,000) spread over sample customers, in the states a live
program holds, plus a few for the demo customer whose status pages the virtual users open, and
writes those ids to LOAD_IDS_FILE. Uses the test factories' .build() (no extra rows per request).
The first LOAD_ACCOUNTS (200) sample customers can sign in (verified email, the demo password):
the simulated customers who file, sign and pay each use one of them, and LOAD_METERS (20,000)
meter records (account 8100000000 + n, meter LOAD + n) give each filing a meter on record.
"""

import os
import random
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.demo import CUSTOMER_EMAIL, DEMO_PASSWORD
from accounts.models import User
from eligibility.models import ApprovedProduct, MeterRecord
from enrollment.models import Request, Status
from tests.factories import MsaRequestFactory

TOTAL = int(os.environ.get("LOAD_REQUESTS", "3000"))
ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS", "200"))
METERS = int(os.environ.get("LOAD_METERS", "20000"))
IDS_FILE = Path(os.environ.get("LOAD_IDS_FILE", "var/load/customer_requests.txt"))
STATES = [Status.UNDER_REVIEW] * 5 + [Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED]
STATES += [Status.SCHEDULED, Status.COMPLETED, Status.REJECTED, Status.CANCELLED, Status.DRAFT]

rng = random.Random(9)
devices = list(ApprovedProduct.objects.filter(status=ApprovedProduct.Status.ACTIVE))
demo_customer = User.objects.get(email=CUSTOMER_EMAIL)
password = make_password(DEMO_PASSWORD)  # hashed once: the same password for every account
customers = User.objects.bulk_create(
    User(
        email=f"load-{n}@example.com",
        full_name=f"Load Customer {n} (sample)",
        password=password if n < ACCOUNTS else "!",
    )
    for n in range(max(TOTAL // 10, ACCOUNTS))
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=user, email=user.email, verified=True, primary=True)
    for user in customers[:ACCOUNTS]
)
now = timezone.now()


def sample(applicant, status):
    submitted = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
    return MsaRequestFactory.build(
        applicant=applicant,
        filed_by=applicant,
        customer_name=applicant.full_name,
        customer_email=applicant.email,
        device=rng.choice(devices),
        status=status,
        submitted_at=None if status == Status.DRAFT else submitted,
    )


SHOWN = [Status.UNDER_REVIEW, Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED]
SHOWN += [Status.SCHEDULED]
rows = [sample(demo_customer, SHOWN[n % len(SHOWN)]) for n in range(10)]
rows += [sample(rng.choice(customers), rng.choice(STATES)) for _ in range(TOTAL - len(rows))]
created = Request.objects.bulk_create(rows, batch_size=500)
IDS_FILE.parent.mkdir(parents=True, exist_ok=True)
IDS_FILE.write_text("\n".join(str(a.pk) for a in created[:10]) + "\n")
MeterRecord.objects.bulk_create(
    (
        MeterRecord(
            service_account_number=f"{8100000000 + n}",
            meter_number=f"LOAD{n:06d}",
            service_address=f"{100 + n % 9000} Load St",
            city="Rosemead",
            zip_code="91770",
            panel_rating_amps=200,
        )
        for n in range(METERS)
    ),
    batch_size=2000,
)
print(f"load seed: {len(created)} requests, {len(customers)} sample customers")
