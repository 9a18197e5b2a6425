"""Celery tasks for scheduling: thin wrappers over services, safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import notifications, selectors, services

logger = logging.getLogger(__name__)
# How long an approval's own scheduler run may take to arrive before the sweep stands in.
SWEEP_GRACE = timedelta(seconds=30)


@shared_task(acks_late=True)
def schedule_approved_requests() -> dict:
    """Place every approved request without a visit (sent after approval and by beat)."""
    result = services.schedule_approved_requests()
    return {"placed": result.placed, "unplaced": result.unplaced, "late": result.late}


@shared_task(acks_late=True)
def sweep_never_scheduled() -> int:
    """Run the scheduler for approvals whose own run was lost to a broker outage (beat, 1 min)."""
    waiting = selectors.requests_never_scheduled(
        approved_before=timezone.now() - SWEEP_GRACE
    ).count()
    if waiting:
        logger.info("sweep: %d approved request(s) never scheduled; running the scheduler", waiting)
        services.schedule_approved_requests()
    return waiting


@shared_task(acks_late=True)
def send_visit_reminders() -> int:
    """Send the two-business-day reminders that are due (beat, hourly; each is sent once)."""
    return services.visits_send_reminders()


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_visit_email(self, visit_id: int, kind: str) -> bool:
    """Email the customer about one visit; False when that email had already gone out."""
    try:
        return notifications.send_visit_email(visit_id=visit_id, kind=kind)
    except OSError as exc:  # SMTP down: try again later rather than lose the message
        raise self.retry(exc=exc) from exc
