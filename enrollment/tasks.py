"""Celery tasks for requests: thin wrappers over services, safe to run twice.

Nothing is lost when the broker is down at the moment a task is sent: the request row itself
records what is owed (a submitted request without a check; an approved request without a visit),
and periodic sweeps pick those up once Redis is back. A sweep was chosen over a transactional
outbox because that state already lives in the request's status, so an outbox table would only
repeat it.
"""

import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from common.queue import task_send

from . import eligibility, signing
from .models import Request, Status

logger = logging.getLogger(__name__)
SCHEDULER_TASK = "scheduling.tasks.schedule_approved_requests"
# How long a submitted request may wait for its check before the sweep runs it itself.
SWEEP_GRACE = timedelta(seconds=30)
SWEEP_BATCH = 200


def _send(signature, *, what: str) -> bool:
    """Send a task; if the broker is down, log it and leave the work to the periodic sweep."""
    return task_send(signature, what=f"{what} left for the periodic sweep")


def send_eligibility_check(msa_request_id: int) -> bool:
    """Queue the authoritative eligibility check for a submitted request."""
    return _send(check_eligibility.s(msa_request_id), what="eligibility check")


def send_scheduler_run() -> bool:
    """Ask the scheduler (a higher app, so sent by name) to place approved requests now."""
    return _send(current_app.signature(SCHEDULER_TASK), what="scheduler run")


def send_by_name(name: str, *args, what: str) -> bool:
    """Send a higher app's task by name (this app may not import it)."""
    return task_send(current_app.signature(name, args=args), what=f"{what} not sent")


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
)
def check_eligibility(self, msa_request_id: int) -> str:
    """Run the authoritative eligibility check for one request; a repeat changes nothing."""
    msa_request = eligibility.eligibility_check_run(msa_request_id=msa_request_id)
    return msa_request.status


@shared_task(acks_late=True)
def sweep_unchecked_requests() -> int:
    """Check submitted requests whose check never ran (e.g. Redis was down at submission)."""
    waiting = list(
        Request.objects.filter(
            status=Status.SUBMITTED, submitted_at__lt=timezone.now() - SWEEP_GRACE
        )
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for msa_request_id in waiting:
        eligibility.eligibility_check_run(msa_request_id=msa_request_id)
    if waiting:
        logger.info("sweep checked %d request(s) left waiting", len(waiting))
    return len(waiting)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def store_signed_pdf(kind: str, signature_id: int) -> bool:
    """Print and store one signature's PDF (and email the signer's copy); a repeat does nothing."""
    return signing.signed_pdf_store(kind=kind, signature_id=signature_id)


@shared_task(acks_late=True)
def sweep_unrendered_signatures() -> int:
    """Store the signed PDFs whose task was lost (e.g. Redis was down at signing; beat, 1 min)."""
    return signing.signed_pdf_sweep()
