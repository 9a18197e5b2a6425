"""Booking, moving, cancelling and closing visits; the emails and calendar files they send."""

import datetime as dt

import pytest
from icalendar import Calendar

from enrollment.models import RequestEvent, Status
from scheduling import services
from scheduling.models import FailureCode, Visit
from tests.scheduling.conftest import approved_request, on_the_day
from tests.scheduling.factories import TechnicianFactory, TimeOffFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def technician():
    return TechnicianFactory(windows=[(8, 12, 1), (12, 16, 1)])


def morning(technician):
    return technician.windows.order_by("starts_at").first()


def afternoon(technician):
    return technician.windows.order_by("starts_at").last()


def ics_of(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "msa-visit.ics"
    calendar = Calendar.from_ical(content)
    # iMIP (RFC 6047): the content type names the calendar's method.
    assert mimetype == f"text/calendar; method={calendar['method']}"
    return calendar


def test_booking_sends_an_ics_with_the_window_and_the_preparation_reminder(
    technician, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = approved_request()

    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_book(
            msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY
        )

    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED
    assert visit.slot == 0
    (message,) = mailoutbox
    assert message.to == [msa_request.customer_email]
    assert "waterproof bag" in message.body
    event = ics_of(message).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)  # 8:00 in Los Angeles
    assert event.decoded("dtend") == dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
    assert "waterproof bag" in str(event.get("description"))
    assert msa_request.premises_zip in str(event.get("location"))


def test_a_full_window_refuses_another_booking(technician):
    services.visit_book(
        msa_request_id=approved_request().pk, window_id=morning(technician).pk, day=DAY
    )
    other = approved_request()

    with pytest.raises(services.SchedulingError):
        services.visit_book(msa_request_id=other.pk, window_id=morning(technician).pk, day=DAY)

    other.refresh_from_db()
    assert other.status == Status.APPROVED
    assert Visit.objects.filter(window=morning(technician), date=DAY, state="booked").count() == 1


def test_reschedule_frees_the_old_window(
    technician, mailoutbox, django_capture_on_commit_callbacks
):
    first = approved_request()
    services.visit_book(msa_request_id=first.pk, window_id=morning(technician).pk, day=DAY)

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.visit_book(
            msa_request_id=first.pk, window_id=afternoon(technician).pk, day=DAY
        )
    second = approved_request()
    taken = services.visit_book(msa_request_id=second.pk, window_id=morning(technician).pk, day=DAY)

    assert first.visits.get(state=Visit.State.BOOKED) == moved
    assert first.visits.filter(state=Visit.State.MOVED).count() == 1
    assert taken.window == morning(technician)
    assert "moved" in mailoutbox[-1].subject
    assert ics_of(mailoutbox[-1]).walk("VEVENT")[0]["uid"].startswith("msa-visit-")
    first.refresh_from_db()
    assert first.status == Status.SCHEDULED


def test_cancel_frees_the_window_and_returns_the_request_to_approved(
    technician, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = approved_request()
    visit = services.visit_book(
        msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_cancel(visit_id=visit.pk, actor=msa_request.applicant)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.APPROVED
    visit.refresh_from_db()
    assert visit.state == Visit.State.CANCELLED
    assert str(ics_of(mailoutbox[-1])["method"]) == "CANCEL"
    other = approved_request()
    services.visit_book(msa_request_id=other.pk, window_id=morning(technician).pk, day=DAY)
    # The customer who cancelled picks their own window: the scheduler leaves them alone.
    services.schedule_approved_requests(notify=False)
    assert not msa_request.visits.filter(state=Visit.State.BOOKED).exists()


def test_booking_outside_territory_on_time_off_or_a_holiday_is_refused(technician):
    TimeOffFactory(technician=technician, starts_on=DAY, ends_on=DAY)
    inside = approved_request()
    outside = approved_request(premises_zip="93001")
    window = morning(technician).pk

    for msa_request_id, day in [
        (outside.pk, dt.date(2026, 12, 2)),  # not in the territory
        (inside.pk, DAY),  # time off
        (inside.pk, dt.date(2026, 11, 27)),  # day after Thanksgiving
        (inside.pk, dt.date(2026, 11, 24)),  # before the earliest bookable day
    ]:
        with pytest.raises(services.SchedulingError):
            services.visit_book(msa_request_id=msa_request_id, window_id=window, day=day)
    assert not Visit.objects.exists()


@pytest.mark.parametrize("utility_fault", [False, True])
def test_failed_visit_moves_the_request_and_tells_the_customer_in_plain_words(
    technician, staff_user, mailoutbox, django_capture_on_commit_callbacks, utility_fault
):
    msa_request = approved_request()
    visit = services.visit_book(
        msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY
    )

    with on_the_day(DAY), django_capture_on_commit_callbacks(execute=True):
        services.visit_record_outcome(
            visit_id=visit.pk,
            actor=staff_user,
            completed=False,
            failure_code=FailureCode.NOT_LEFT_IN_BAG,
            note="Nobody home, no bag by the meter.",
            utility_fault=utility_fault,
        )

    msa_request.refresh_from_db()
    visit.refresh_from_db()
    # The utility's own failure sends the request straight back to the scheduler (no fee),
    # which may already have booked the revisit.
    if utility_fault:
        assert msa_request.status in (Status.APPROVED, Status.SCHEDULED)
    else:
        assert msa_request.status == Status.VISIT_FAILED
    assert visit.failure_code == FailureCode.NOT_LEFT_IN_BAG
    assert visit.utility_fault is utility_fault
    assert visit.outcome_recorded_by == staff_user
    (message,) = [m for m in mailoutbox if "could not complete" in m.subject]
    assert "clearly visible, waterproof bag" in message.body
    assert "Nobody home" in message.body
    assert ("new site-visit fee" in message.body) is not utility_fault
    assert RequestEvent.objects.filter(
        msa_request=msa_request, to_status=Status.VISIT_FAILED, actor=staff_user
    ).exists()


def test_completed_visit_closes_the_request(
    technician, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = approved_request()
    visit = services.visit_book(
        msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY
    )

    with on_the_day(DAY), django_capture_on_commit_callbacks(execute=True):
        services.visit_record_outcome(visit_id=visit.pk, actor=staff_user, completed=True)
        services.visit_record_outcome(visit_id=visit.pk, actor=staff_user, completed=True)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.COMPLETED
    assert len(mailoutbox) == 1
    assert "complete" in mailoutbox[0].subject


def test_a_failure_needs_a_reason_code(technician, staff_user):
    msa_request = approved_request()
    visit = services.visit_book(
        msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY
    )

    with pytest.raises(services.SchedulingError):
        services.visit_record_outcome(visit_id=visit.pk, actor=staff_user, completed=False)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED


def test_reminder_goes_out_two_business_days_before_and_only_once(
    technician, mailoutbox, django_capture_on_commit_callbacks
):
    soon = approved_request()
    later = approved_request()
    # Today is Mon Nov 23; two business days on is Wed Nov 25.
    services.visit_book(
        msa_request_id=soon.pk,
        window_id=morning(technician).pk,
        day=dt.date(2026, 11, 25),
        notify=False,
    )
    services.visit_book(
        msa_request_id=later.pk,
        window_id=morning(technician).pk,
        day=dt.date(2026, 11, 30),
        notify=False,
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.visits_send_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.visits_send_reminders()

    assert (first, second) == (1, 0)
    (message,) = mailoutbox
    assert message.to == [soon.customer_email]
    assert "Reminder" in message.subject
    assert "waterproof bag" in message.body
    assert ics_of(message)


def test_after_a_staff_cancellation_the_scheduler_places_the_request_again(technician):
    msa_request = approved_request()
    visit = services.visit_book(
        msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY, notify=False
    )
    services.visit_cancel(visit_id=visit.pk, by_customer=True, notify=False)
    again = services.visit_book(
        msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY, notify=False
    )

    services.visit_cancel(visit_id=again.pk, by_customer=False, notify=False)
    services.schedule_approved_requests(notify=False)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED
    assert msa_request.visits.get(state=Visit.State.BOOKED).source == Visit.Source.SCHEDULER


@pytest.mark.parametrize("utility_fault", [False, True])
def test_payments_can_ask_whether_the_revisit_is_free(technician, staff_user, utility_fault):
    from scheduling.selectors import revisit_is_free

    msa_request = approved_request()
    visit = services.visit_book(
        msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY, notify=False
    )
    assert not revisit_is_free(msa_request_id=msa_request.pk)

    with on_the_day(DAY):
        services.visit_record_outcome(
            visit_id=visit.pk,
            actor=staff_user,
            completed=False,
            failure_code=FailureCode.OTHER,
            note="Technician called away.",
            utility_fault=utility_fault,
            notify=False,
        )

    assert revisit_is_free(msa_request_id=msa_request.pk) is utility_fault
