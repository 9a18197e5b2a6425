"""The .ics calendar file sent with every booking, move, reminder and cancellation."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Visit
from .selectors import request_url


def _moment(visit: Visit, at) -> datetime:
    local = timezone.make_aware(datetime.combine(visit.date, at), timezone.get_default_timezone())
    return local.astimezone(UTC)


def preparation_reminder() -> str:
    """Return the preparation step every visit message repeats."""
    return _(
        "Before the visit, place your MSA in a clearly visible waterproof bag next to the meter "
        "panel. The technician cannot install it otherwise."
    )


def visit_ics(*, visit: Visit, cancel: bool = False) -> bytes:
    """Return an iCalendar file for a visit; one UID per request so moves update the event."""
    calendar = Calendar()
    calendar.add("prodid", "-//MSA Portal//Visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    msa_request = visit.msa_request
    event.add("uid", f"msa-visit-{msa_request.pk}@msa-portal")
    # Later visits of the same request have larger ids, so calendars apply them in order.
    event.add("sequence", visit.pk)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", _moment(visit, visit.window.starts_at))
    event.add("dtend", _moment(visit, visit.window.ends_at))
    event.add(
        "summary",
        _("MSA site visit (%(reference)s)") % {"reference": msa_request.reference},
    )
    event.add("location", msa_request.premises_address)
    event.add(
        "description",
        "\n\n".join(
            [
                preparation_reminder(),
                _("Details and changes: %(url)s")
                % {"url": settings.SITE_URL.rstrip("/") + request_url(msa_request)},
            ]
        ),
    )
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
