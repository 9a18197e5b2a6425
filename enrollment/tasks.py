"""Celery tasks for requests: thin wrappers over services, safe to run twice."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


def send_eligibility_check(application_id: int) -> None:
    """Queue the authoritative eligibility check for a submitted request."""
    check_eligibility.delay(application_id)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
)
def check_eligibility(self, application_id: int) -> str:
    """Run the authoritative eligibility check for one request; a repeat changes nothing."""
    from .eligibility import eligibility_check_run

    application = eligibility_check_run(application_id=application_id)
    return application.status
