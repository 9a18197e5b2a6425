"""Emails to applicants about their request, sent after the transaction that caused them."""

import logging

from django.urls import reverse

from msa_portal.emails import send_templated_email

from .models import Application, Status

logger = logging.getLogger(__name__)

# event -> the status whose audit note the email quotes (staff's question, the reasons)
EVENTS = {
    "draft_saved": None,
    "submitted": None,
    "info_requested": Status.INFO_REQUESTED,
    "approved": Status.APPROVED,
    "rejected": Status.REJECTED,
    "cancelled": Status.CANCELLED,
}


def recipients_for(application: Application) -> list[str]:
    """The customer, and whoever filed the request when that is someone else."""
    addresses = [application.customer_email]
    if application.filed_by.email and application.filed_by.email != application.customer_email:
        addresses.append(application.filed_by.email)
    return [a for a in addresses if a]


def notify_applicant(*, application_id: int, event: str) -> None:
    """Email the applicant about ``event``; a mail failure is logged, never raised."""
    try:
        application = Application.objects.select_related("filed_by").get(pk=application_id)
        quoted = EVENTS[event]
        note = ""
        if quoted is not None:
            latest = application.events.filter(to_status=quoted).order_by("-created_at", "-pk")
            note = latest.values_list("note", flat=True).first() or ""
        path = (
            reverse("enrollment:wizard_resume", kwargs={"pk": application.pk})
            if event == "draft_saved"
            else application.get_absolute_url()
        )
        send_templated_email(
            to=recipients_for(application),
            template=f"enrollment/emails/{event}",
            context={"application": application, "note": note, "path": path},
        )
    except Exception:
        # The state change is committed; a lost email must not turn it into an error page.
        logger.exception("email %s for request %s failed", event, application_id)
