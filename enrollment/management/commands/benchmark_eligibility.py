"""Measure the authoritative eligibility check through a real Celery worker (not a test).

Creates N requests awaiting payment, submits each through ``request_mark_paid`` (which queues the
check after commit, as a paid webhook does), waits until every one is under review and prints
checks per second and the submit → result times. Needs PostgreSQL and Redis, and a worker
started separately against the same database and broker, e.g.::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/msa_h3_bench
    export REDIS_URL=redis://127.0.0.1:6379/3
    python manage.py migrate
    celery -A msa_portal worker --concurrency=2 --loglevel=WARNING &
    python manage.py benchmark_eligibility --n 1000

The benchmark's own rows are deleted afterwards unless ``--keep``.
"""

import statistics
import time
import uuid

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import User
from eligibility.models import ApprovedProduct, MeterRecord
from enrollment.models import Request, Status
from enrollment.services import request_mark_paid


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Command(BaseCommand):
    help = "Send N eligibility checks through a real worker; print checks/s and p95 latency."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=1000, help="number of requests")
        parser.add_argument("--timeout", type=float, default=600, help="seconds to wait")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark's rows")

    def handle(self, *args, n: int, timeout: float, keep: bool, **options):
        app = current_app  # the project's Celery app (msa_portal/celery.py), not imported

        if settings.CELERY_TASK_ALWAYS_EAGER or app.conf.task_always_eager:
            raise CommandError(
                "Celery is eager here: set REDIS_URL and start a worker (see --help)."
            )
        if not app.control.ping(timeout=2):
            raise CommandError(
                "No Celery worker answers: start `celery -A msa_portal worker` with the same "
                "DATABASE_URL and REDIS_URL."
            )
        if connection.vendor != "postgresql":
            self.stderr.write("warning: not PostgreSQL; figures will not be representative.")

        run = uuid.uuid4().hex[:6]
        try:
            self._measure(n, run, timeout)
        finally:
            self._cleanup(run, keep)

    def _measure(self, n: int, run: str, timeout: float) -> None:
        ids = self._create(n, run)
        self.stdout.write(f"created {n} requests (run {run}); submitting...")

        started = time.monotonic()
        for msa_request_id in ids:
            request_mark_paid(msa_request_id=msa_request_id)
        submitted = time.monotonic()

        deadline = started + timeout
        pending = Request.objects.filter(pk__in=ids, status=Status.SUBMITTED)
        while (left := pending.count()) and time.monotonic() < deadline:
            time.sleep(0.2)
        finished = time.monotonic()
        if left:
            raise CommandError(f"{left} of {n} checks not done within {timeout:.0f} s")

        rows = Request.objects.filter(pk__in=ids).values_list(
            "submitted_at", "eligibility_checked_at", "eligibility_outcome"
        )
        latencies = [(checked - sent).total_seconds() for sent, checked, _ in rows]
        outcomes: dict[str, int] = {}
        for *_, outcome in rows:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        first_sent = min(s for s, _, _ in rows)
        last_done = max(c for _, c, _ in rows)
        span = (last_done - first_sent).total_seconds()

        self.stdout.write(
            "\n".join(
                [
                    f"checks:               {n}  (outcomes {outcomes})",
                    f"submitting took:      {submitted - started:.1f} s "
                    f"({n / (submitted - started):.0f} submits/s)",
                    f"first submit → last result: {span:.1f} s (waited {finished - started:.1f} s)",
                    f"throughput:           {n / span:.1f} checks/s",
                    f"submit → result p50:  {statistics.median(latencies) * 1000:.0f} ms",
                    f"submit → result p95:  {percentile(latencies, 0.95) * 1000:.0f} ms",
                    f"submit → result max:  {max(latencies) * 1000:.0f} ms",
                ]
            )
        )

    def _create(self, n: int, run: str) -> list[int]:
        """Create N requests awaiting payment, each on its own meter; one in ten fails a rule."""
        user, _ = User.objects.get_or_create(
            email=f"benchmark-{run}@example.invalid", defaults={"full_name": "Benchmark"}
        )
        device = ApprovedProduct.objects.create(
            manufacturer="Benchmark (sample)",
            model_name=f"Bench adapter {run}",
            model_number=f"BENCH-{run}",
            adapter_type=ApprovedProduct.AdapterType.ISOLATING,
            request_types=["install", "replacement"],
            rated_current_amps=200,
            compatible_socket_forms=["2S"],
            is_sample=True,
        )
        prefix = int(run, 16) % 1000
        accounts = [f"8{prefix:03d}{i:06d}" for i in range(n)]
        meters = [f"BENCH{run}{i:06d}" for i in range(n)]
        with transaction.atomic():
            MeterRecord.objects.bulk_create(
                MeterRecord(
                    service_account_number=account,
                    meter_number=meter,
                    service_address="1 Benchmark St (sample)",
                    city="Rosemead",
                    zip_code="91770",
                    panel_rating_amps=200,
                    is_sample=True,
                )
                for account, meter in zip(accounts, meters, strict=True)
            )
            created = Request.objects.bulk_create(
                Request(
                    applicant=user,
                    filed_by=user,
                    customer_name="Benchmark",
                    status=Status.AWAITING_PAYMENT,
                    request_type="install",
                    service_account_number=account,
                    meter_number=meter,
                    residential=True,
                    meter_self_contained=True,
                    service_phase=1,
                    service_wires=3,
                    service_voltage="120/240",
                    panel_rating_amps=400 if i % 10 == 0 else 200,
                    backfeed_amps=0,
                    device=device,
                    meter_socket_form="2S",
                    socket_ring_type="ring",
                    esr_violation="none",
                    waterproof_bag_commitment=True,
                )
                for i, (account, meter) in enumerate(zip(accounts, meters, strict=True))
            )
        return [a.pk for a in created]

    def _cleanup(self, run: str, keep: bool) -> None:
        if keep:
            self.stdout.write(f"kept the benchmark's rows (run {run}).")
            return
        with transaction.atomic():
            Request.objects.filter(meter_number__startswith=f"BENCH{run}").delete()
            MeterRecord.objects.filter(meter_number__startswith=f"BENCH{run}").delete()
            ApprovedProduct.objects.filter(model_number=f"BENCH-{run}").delete()
            User.objects.filter(email=f"benchmark-{run}@example.invalid").delete()
