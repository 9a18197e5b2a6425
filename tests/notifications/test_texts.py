"""Texts through the real Twilio SDK against a local fake: once, honouring STOP, signed inbound."""

import datetime as dt

import pytest
import time_machine

from notifications import tasks
from notifications.models import InboundMessage, MobileNumber, TextMessage
from scheduling import services as scheduling
from tests.scheduling.conftest import _frozen_clock, _scheduling_settings, approved_request
from tests.scheduling.factories import TechnicianFactory

from .conftest import NUMBER, post_inbound, verify_number

pytestmark = pytest.mark.django_db
__all__ = ["_frozen_clock", "_scheduling_settings"]  # the scheduling tests' clock and settings

TZ = dt.timezone(dt.timedelta(hours=-8))  # Pacific standard time, as in late November
DAY = dt.date(2026, 12, 1)  # a Tuesday


def at(day: dt.date, hour: int, minute: int = 0):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), TZ), tick=False)


@pytest.fixture
def technician():
    return TechnicianFactory(windows=[(8, 12, 2), (12, 16, 2)])


@pytest.fixture
def booked(technician):
    msa_request = approved_request()
    visit = scheduling.visit_book(
        msa_request_id=msa_request.pk,
        window_id=technician.windows.order_by("starts_at").first().pk,
        day=DAY,
        notify=False,
    )
    return visit


def reminders(fake):
    return [m for m in fake.to(NUMBER) if "MSA-" in m["Body"]]


def run_reminders(capture, times: int = 3):
    for _ in range(times):
        with capture(execute=True):
            tasks.send_text_reminders.delay()


def test_a_verified_number_receives_the_day_before_reminder_once(
    booked, fake_twilio, django_capture_on_commit_callbacks
):
    customer = booked.msa_request.applicant
    verify_number(customer, fake_twilio, django_capture_on_commit_callbacks)

    with at(DAY - dt.timedelta(days=1), 11):
        run_reminders(django_capture_on_commit_callbacks)

    sent = reminders(fake_twilio)
    assert len(sent) == 1
    body = sent[0]["Body"]
    assert booked.msa_request.reference in body
    assert "waterproof bag" in body
    # The request number and nothing else personal: no name, address, email or meter.
    msa_request = booked.msa_request
    for personal in (
        msa_request.customer_name,
        msa_request.premises_street,
        msa_request.customer_email,
        msa_request.meter_number,
    ):
        assert personal not in body
    assert sent[0]["From"] == "+16265550100"


def test_the_morning_of_reminder_goes_once_and_not_after_the_window_opened(
    booked, fake_twilio, django_capture_on_commit_callbacks
):
    verify_number(booked.msa_request.applicant, fake_twilio, django_capture_on_commit_callbacks)

    with at(DAY, 6):
        run_reminders(django_capture_on_commit_callbacks)
    assert reminders(fake_twilio) == []  # before SMS_MORNING_HOUR
    with at(DAY, 7, 15):
        run_reminders(django_capture_on_commit_callbacks)
    with at(DAY, 9):
        run_reminders(django_capture_on_commit_callbacks)

    sent = reminders(fake_twilio)
    assert len(sent) == 1
    assert "today" in sent[0]["Body"]


def test_a_spanish_speaker_gets_the_reminder_in_spanish(
    booked, fake_twilio, django_capture_on_commit_callbacks
):
    customer = booked.msa_request.applicant
    customer.preferred_language = "es"
    customer.save(update_fields=["preferred_language"])
    verify_number(customer, fake_twilio, django_capture_on_commit_callbacks)

    with at(DAY - dt.timedelta(days=1), 11):
        run_reminders(django_capture_on_commit_callbacks)

    assert "bolsa" in reminders(fake_twilio)[0]["Body"]


@pytest.mark.parametrize("keyword", ["STOP", "parar", "Alto"])
def test_stop_stops_everything(
    booked, technician, fake_twilio, client, django_capture_on_commit_callbacks, keyword
):
    customer = booked.msa_request.applicant
    verify_number(customer, fake_twilio, django_capture_on_commit_callbacks)
    before = len(fake_twilio.sent)

    answer = post_inbound(
        client, {"MessageSid": "SMin1", "From": NUMBER, "To": "+16265550100", "Body": keyword}
    )

    assert answer.status_code == 200
    assert InboundMessage.objects.get(message_sid="SMin1").action == "stop"
    # Nothing more: not a reminder, not a moved visit, not the morning-of text.
    later = technician.windows.order_by("starts_at").last()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.visit_book(msa_request_id=booked.msa_request_id, window_id=later.pk, day=DAY)
    with at(DAY - dt.timedelta(days=1), 11):
        run_reminders(django_capture_on_commit_callbacks)
    with at(DAY, 7, 30):
        run_reminders(django_capture_on_commit_callbacks)
    assert len(fake_twilio.sent) == before
    # A new code to the same number is refused too, until the person texts START.
    with pytest.raises(Exception, match="STOP"):
        verify_number(customer, fake_twilio, django_capture_on_commit_callbacks)


def test_start_after_stop_texts_again(
    booked, fake_twilio, client, django_capture_on_commit_callbacks
):
    verify_number(booked.msa_request.applicant, fake_twilio, django_capture_on_commit_callbacks)
    post_inbound(client, {"MessageSid": "SMa", "From": NUMBER, "Body": "STOP"})
    post_inbound(client, {"MessageSid": "SMb", "From": NUMBER, "Body": "Comenzar"})

    with at(DAY - dt.timedelta(days=1), 11):
        run_reminders(django_capture_on_commit_callbacks)

    assert len(reminders(fake_twilio)) == 1


def test_help_is_answered_in_the_keywords_language(booked, fake_twilio, client):
    answer = post_inbound(client, {"MessageSid": "SMh", "From": NUMBER, "Body": "AYUDA"})

    assert answer.status_code == 200
    assert b"<Message>" in answer.content
    assert "PARAR" in answer.content.decode()
    assert InboundMessage.objects.get(message_sid="SMh").language == "es"


def test_a_bad_signature_on_the_inbound_webhook_is_refused_and_changes_nothing(
    booked, fake_twilio, client, django_capture_on_commit_callbacks
):
    verify_number(booked.msa_request.applicant, fake_twilio, django_capture_on_commit_callbacks)
    params = {"MessageSid": "SMforged", "From": NUMBER, "Body": "STOP"}

    forged = post_inbound(client, params, token="not-the-token")
    unsigned = client.post("/notifications/twilio/inbound/", data=params)

    assert forged.status_code == 403
    assert unsigned.status_code == 403
    assert not InboundMessage.objects.exists()
    assert MobileNumber.objects.get(number=NUMBER).stopped_at is None
    with at(DAY - dt.timedelta(days=1), 11):
        run_reminders(django_capture_on_commit_callbacks)
    assert len(reminders(fake_twilio)) == 1


def test_a_rescheduled_visit_gets_one_reminder_for_the_new_day_only(
    booked, technician, fake_twilio, django_capture_on_commit_callbacks
):
    verify_number(booked.msa_request.applicant, fake_twilio, django_capture_on_commit_callbacks)
    new_day = DAY + dt.timedelta(days=2)  # Thursday
    moved_to = scheduling.visit_book(
        msa_request_id=booked.msa_request_id,
        window_id=booked.window_id,
        day=new_day,
        notify=False,
    )

    for day in (DAY - dt.timedelta(days=1), DAY, new_day - dt.timedelta(days=1)):
        with at(day, 11):
            run_reminders(django_capture_on_commit_callbacks)

    day_before = [m for m in reminders(fake_twilio) if "bag" in m["Body"]]
    assert len(day_before) == 1
    assert "Dec. 3" in day_before[0]["Body"]
    assert TextMessage.objects.get(kind="day_before").visit == moved_to


def test_a_reminder_queued_before_a_cancellation_is_not_sent(
    booked, fake_twilio, django_capture_on_commit_callbacks
):
    verify_number(booked.msa_request.applicant, fake_twilio, django_capture_on_commit_callbacks)
    with at(DAY - dt.timedelta(days=1), 11):
        tasks.send_text_reminders.delay()  # queued, not yet delivered (no commit run)
        scheduling.visit_cancel(visit_id=booked.pk, by_customer=False, notify=False)
        message = TextMessage.objects.get(kind="day_before")
        assert tasks.deliver_text.delay(message.pk).get() is False

    assert reminders(fake_twilio) == []


def test_reminders_by_text_can_be_turned_off(
    booked, fake_twilio, django_capture_on_commit_callbacks
):
    from notifications.services import choices_update

    customer = booked.msa_request.applicant
    verify_number(customer, fake_twilio, django_capture_on_commit_callbacks)
    choices_update(user=customer, text_reminder=False)

    with at(DAY - dt.timedelta(days=1), 11):
        run_reminders(django_capture_on_commit_callbacks)

    assert reminders(fake_twilio) == []


@pytest.mark.parametrize("kind", ["booked", "rescheduled", "cancelled"])
def test_a_visit_text_task_run_twice_texts_once(
    booked, fake_twilio, django_capture_on_commit_callbacks, kind
):
    verify_number(booked.msa_request.applicant, fake_twilio, django_capture_on_commit_callbacks)

    for _ in range(2):  # a worker restart redelivers the same task
        with django_capture_on_commit_callbacks(execute=True):
            tasks.text_visit_event.delay(booked.pk, kind)

    assert len(reminders(fake_twilio)) == 1
