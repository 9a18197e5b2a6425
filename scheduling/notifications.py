"""Emails to the customer (and their contractor) about their visit."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from enrollment.notifications import request_recipients, send_request_email

from .ics import preparation_reminder, visit_ics, visit_ics_mimetype
from .models import FailureCode, Visit, VisitNotice

# Plain words for each failure code, and what the customer can do about it.
FAILURE_EXPLANATIONS = {
    FailureCode.NOT_LEFT_IN_BAG: _(
        "The MSA was not waiting next to the meter panel in a clearly visible, waterproof bag."
    ),
    FailureCode.DEVICE_DAMAGED_DIRTY_WET: _("The MSA was damaged, dirty or wet."),
    FailureCode.COMM_CABLE_IN_LIQUIDTIGHT: _(
        "Communication cables of the isolating MSA ran in liquid-tight conduit. They carry low or "
        "no voltage and must not be in liquid-tight conduit."
    ),
    FailureCode.ENERGIZED_NOT_IN_LIQUIDTIGHT: _(
        "Energized wiring (a solar load-side tap to the A/C disconnect, or a 120/240 V EV charging "
        "cable) was not covered by liquid-tight conduit."
    ),
    FailureCode.OVER_200A_OR_CODE: _(
        "The meter is rated over 200 A, or the service did not meet utility service and National "
        "Electrical Code standards."
    ),
    FailureCode.ESR_VIOLATION: _("The meter panel has an Electric Service Requirement violation."),
    FailureCode.BACKFEED_EXCEEDS_RATING: _(
        "The generating system's back-feed exceeds the rated load of the service panel."
    ),
    FailureCode.SOCKET_INCOMPATIBLE: _("The meter socket is not compatible with this MSA."),
    FailureCode.OTHER: _("The technician could not complete the visit; see the note below."),
}

ICS_KINDS = {"booked", "rescheduled", "reminder", "cancelled"}


def failure_explanation(code: str) -> str:
    """Return the plain-words reason for a failure code (translated)."""
    text = FAILURE_EXPLANATIONS.get(code)
    return str(text) if text else ""


def send_visit_email(*, visit_id: int, kind: str) -> bool:
    """Send one visit email (booked, rescheduled, reminder, cancelled, completed, failed), once.

    Return False when this visit's email of this kind went out already (a repeated task).
    """
    if kind not in VisitNotice.Kind.values:
        raise ValueError(kind)
    with transaction.atomic():
        # The visit's row lock makes a second worker wait, then find the marker.
        Visit.objects.select_for_update().filter(pk=visit_id).first()
        if VisitNotice.objects.filter(visit_id=visit_id, kind=kind).exists():
            return False
        visit = Visit.objects.select_related(
            "msa_request",
            "msa_request__filed_by",
            "msa_request__applicant",
            "window",
            "technician",
        ).get(pk=visit_id)
        _send(visit=visit, kind=kind)
        VisitNotice.objects.create(visit=visit, kind=kind)
    return True


def _send(*, visit: Visit, kind: str) -> None:
    msa_request = visit.msa_request

    recipients = request_recipients(msa_request, key=True)

    def attachments() -> list[tuple[str, bytes, str]]:
        if kind not in ICS_KINDS:
            return []
        cancel = kind == "cancelled"
        ics = visit_ics(visit=visit, cancel=cancel, attendees=recipients)
        return [("msa-visit.ics", ics, visit_ics_mimetype(cancel=cancel))]

    # Every visit email matters to the customer too (the bag, the day, the outcome).
    send_request_email(
        msa_request=msa_request,
        to=recipients,
        template=f"scheduling/emails/visit_{kind}",
        context={
            "msa_request": msa_request,
            "visit": visit,
            "preparation": preparation_reminder,
            "failure_explanation": FAILURE_EXPLANATIONS.get(visit.failure_code, ""),
        },
        attachments=attachments,
    )
