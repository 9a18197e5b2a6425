"""Printing PDFs waits for the work a customer is waiting on: two queues, one worker (issue 27).

Under the 150-user mix one queue let a burst of signatures' PDFs (~10x a check's CPU each) hold
every eligibility check after payment behind them: 2.7-17 s from paid to checked at the median.
"""

import re
from datetime import date

import pytest

from enrollment import tasks
from enrollment.models import AgreementSignature, AgreementVersion, Request, Status
from msa_portal.celery import app
from payments import tasks as payment_tasks
from tests.eligibility.factories import eligible_submitted_request
from tests.enrollment.test_signing import sign_agreement
from tests.integration.conftest import start_worker, stop_worker, wait_for

pytestmark = pytest.mark.integration

FINISHED = re.compile(
    r"Task enrollment\.tasks\.(check_eligibility|store_signed_pdf)\[[^]]+\] succeeded"
)


def queue_of(task) -> str:
    """The queue Celery's router sends ``task`` to with this project's settings."""
    return app.amqp.router.route({}, task.name)["queue"].name


def test_pdfs_go_to_the_documents_queue_and_the_rest_to_the_default_one():
    assert queue_of(tasks.store_signed_pdf) == "documents"
    assert queue_of(tasks.sweep_unrendered_signatures) == "documents"
    assert queue_of(payment_tasks.send_receipt) == "documents"
    assert queue_of(tasks.check_eligibility) == "celery"
    assert queue_of(payment_tasks.send_refund_notice) == "celery"
    # A worker started as the README says (no -Q) consumes both, the default one first.
    assert [queue.name for queue in app.conf.task_queues] == ["celery", "documents"]
    assert app.conf.broker_transport_options["queue_order_strategy"] == "priority"


def test_a_worker_runs_the_checks_before_the_pdfs_queued_ahead_of_them(transactional_db, broker):
    # A transactional test before this one flushed the version the migrations seed.
    AgreementVersion.objects.get_or_create(
        version="1.0",
        defaults={
            "title": "Customer Agreement",
            "body": "Terms\n",
            "effective_date": date(2026, 11, 1),
        },
    )
    # A burst of signatures first: its PDF task, and the same task twice more (a repeat stores
    # nothing but takes the worker's turn as a real one would).
    row, _ = sign_agreement()
    for _ in range(2):
        tasks.store_signed_pdf.delay("agreement", row.pk)
    # Then three paid requests' checks.
    waiting = [eligible_submitted_request() for _ in range(3)]
    for msa_request in waiting:
        tasks.check_eligibility.delay(msa_request.pk)

    worker = start_worker(broker)
    try:
        wait_for(
            lambda: (
                Request.objects.filter(
                    pk__in=[r.pk for r in waiting], status=Status.UNDER_REVIEW
                ).count()
                == 3
                and AgreementSignature.objects.exclude(pdf="").filter(pk=row.pk).exists()
            )
        )
    finally:
        log = stop_worker(worker)

    # In the order the worker finished them (one at a time): every check, then the PDFs (the
    # repeats may still be queued when it stops; a single queue ran the PDFs first, a fair
    # round robin between the two queues one PDF between checks).
    finished = [match.group(1) for match in FINISHED.finditer(log)]
    assert finished[:4] == ["check_eligibility"] * 3 + ["store_signed_pdf"], log
