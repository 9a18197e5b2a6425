"""Issue 24: visit emails carry iTIP invitations (RFC 5546) that calendars apply in order."""

import datetime as dt
import email

import pytest
from icalendar import Calendar

from scheduling import services
from tests.scheduling.conftest import approved_request
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def technician():
    return TechnicianFactory(windows=[(8, 12, 1), (12, 16, 1)])


def windows(technician):
    return list(technician.windows.order_by("starts_at"))


def invitation(message):
    """The calendar part of the sent MIME message, and its Content-Type header."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)), part.get_param("method")


def event(calendar):
    (vevent,) = calendar.walk("VEVENT")
    return vevent


def test_booking_moving_and_cancelling_send_invitations_calendars_apply_in_order(
    technician, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://msa.example.org"
    msa_request = approved_request()
    morning, afternoon = windows(technician)

    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_book(msa_request_id=msa_request.pk, window_id=morning.pk, day=DAY)
    booked, content_type = invitation(mailoutbox[-1])
    assert str(booked["method"]) == "REQUEST"
    assert content_type == "REQUEST"
    first = event(booked)
    assert str(first["organizer"]).startswith("mailto:")
    attendees = first["attendee"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert f"mailto:{msa_request.customer_email}" in [str(a) for a in attendees]
    assert str(first["uid"]).endswith("@msa.example.org")

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.visit_book(msa_request_id=msa_request.pk, window_id=afternoon.pk, day=DAY)
    second = event(invitation(mailoutbox[-1])[0])
    assert second["uid"] == first["uid"]
    assert second["sequence"] > first["sequence"]

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_cancel(visit_id=moved.pk, by_customer=False)
    cancelled, content_type = invitation(mailoutbox[-1])
    third = event(cancelled)
    assert str(cancelled["method"]) == "CANCEL"
    assert content_type == "CANCEL"
    assert third["uid"] == first["uid"]
    assert third["sequence"] > second["sequence"]
    assert "organizer" in third and "attendee" in third

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_book(msa_request_id=msa_request.pk, window_id=morning.pk, day=DAY)
    again = event(invitation(mailoutbox[-1])[0])
    # A new booking is a new event, not the cancelled one revived.
    assert again["uid"] != first["uid"]
    assert visit.pk != moved.pk
