"""The .ics calendar file sent with every booking, move, reminder and cancellation."""

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

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


def site_domain() -> str:
    """The host name of ``SITE_URL``: the domain of the portal's UIDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def visit_ics_mimetype(*, cancel: bool) -> str:
    """The attachment's content type: iMIP (RFC 6047) names the method on it."""
    return f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}"


def visit_ics(*, visit: Visit, cancel: bool = False, attendees: Iterable[str] = ()) -> bytes:
    """Return an iTIP invitation (RFC 5546) for a visit, or its cancellation.

    One UID per booking (kept by moves, new after a cancellation); SEQUENCE rises with every
    change, the cancellation included, so calendars apply them in order.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//MSA Portal//Visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    msa_request = visit.msa_request
    uid = visit.calendar_uid or f"msa-visit-{msa_request.pk}"
    event.add("uid", f"{uid}@{site_domain()}")
    event.add("sequence", visit.calendar_sequence)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText(_("MSA Portal"))
    event.add("organizer", organizer)
    for address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
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
