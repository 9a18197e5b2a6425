"""Celery tasks for requests: thin wrappers over services, safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


def send_eligibility_check(application_id: int) -> None:
    """Queue the authoritative eligibility check for a submitted request."""
    check_eligibility.delay(application_id)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=5)
def check_eligibility(self, application_id: int) -> str:
    """Run the authoritative eligibility check for one request (placeholder until issue 3)."""
    from .services import request_record_eligibility

    application = request_record_eligibility(application_id=application_id, outcome="review")
    return application.status
