"""Celery tasks for texts: thin wrappers over services, safe to run twice.

Lower apps send ``text_visit_event`` and ``text_status_changed`` by name (they may not import
this app); the reminders run from beat.
"""

from celery import shared_task

from . import services
from .sms import SendFailed


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SendFailed,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver_text(self, message_id: int, body: str | None = None) -> bool:
    """Send one queued text; False when it was sent already or must not be sent."""
    return services.text_deliver(message_id=message_id, body=body)


@shared_task(acks_late=True)
def send_text_reminders() -> int:
    """Queue the day-before and morning-of reminders that are due (beat; each goes once)."""
    return services.reminders_send()


@shared_task(acks_late=True)
def text_visit_event(visit_id: int, kind: str) -> int:
    """Text the request's contacts that its visit was booked, moved or cancelled."""
    return services.visit_text_send(visit_id=visit_id, kind=kind)


@shared_task(acks_late=True)
def text_status_changed(event_id: int) -> int:
    """Text the request's contacts about one status change."""
    return services.status_text_send(event_id=event_id)
