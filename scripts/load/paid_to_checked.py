"""After the load test: how long each fee paid during the run waited for its eligibility check.

Run by scripts/loadtest.sh through ``manage.py shell`` with ``LOAD_STARTED`` (ISO time, UTC) set:
for every site-visit fee paid since then, the seconds from ``Payment.paid_at`` to the request's
``eligibility_checked_at`` (the Celery worker's check), and how many were still unchecked.
"""

import os
import statistics
from datetime import datetime

from payments.models import Payment, PaymentStatus

started = datetime.fromisoformat(os.environ["LOAD_STARTED"])
paid = Payment.objects.filter(paid_at__gte=started, status=PaymentStatus.SUCCEEDED).select_related(
    "msa_request"
)
waits, unchecked = [], 0
for payment in paid:
    checked = payment.msa_request.eligibility_checked_at
    if checked is None or checked < payment.paid_at:
        unchecked += 1
    else:
        waits.append((checked - payment.paid_at).total_seconds())
print(
    f"== paid during the run: {len(waits) + unchecked}; checked by the worker: {len(waits)}; "
    f"not checked when the run ended: {unchecked}"
)
if waits:
    waits.sort()
    p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
    print(
        f"== paid-to-checked wait (s): p50 {statistics.median(waits):.2f}, p95 {p95:.2f}, "
        f"max {waits[-1]:.2f}"
    )
