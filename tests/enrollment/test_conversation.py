"""After submission: a to-do list, a tracker with expected dates, messages with staff both ways,
and files added without waiting for staff's question (issue 19)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from common.business_days import current_calendar
from enrollment import conversation, services, tracker
from enrollment.models import Document, EligibilityResult, RequestMessage, Status
from tests.enrollment.factories import png_bytes, upload
from tests.factories import ContractorFactory, MsaRequestFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    staff = StaffFactory(email="reviewer@utility.example", is_superuser=False)
    staff.groups.add(Group.objects.get(name=roles.REVIEWER))
    return staff


@pytest.fixture
def under_review(customer):
    return MsaRequestFactory(
        applicant=customer,
        status=Status.UNDER_REVIEW,
        submitted_at=timezone.make_aware(dt.datetime(2026, 11, 2, 10)),
    )


def post_message(client, msa_request, body):
    return client.post(reverse("enrollment:request_message", args=[msa_request.pk]), {"body": body})


def test_a_customer_writes_to_staff_who_are_emailed_and_the_answer_comes_back_by_email(
    client, customer, under_review, reviewer, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_message(client, under_review, "Is the gate code needed?")

    assert response.status_code == 302
    [message] = RequestMessage.objects.all()
    assert (message.from_staff, message.author, message.body) == (
        False,
        customer,
        "Is the gate code needed?",
    )
    [to_staff] = mail.outbox
    assert to_staff.to == ["reviewer@utility.example"]
    assert "Is the gate code needed?" in to_staff.body
    assert under_review.reference in to_staff.subject

    mail.outbox.clear()
    admin = StaffFactory()
    client.force_login(admin)
    url = reverse("admin:enrollment_request_message", args=[under_review.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Yes: leave it in the notes, please."})
    [to_customer] = mail.outbox
    assert to_customer.to == [customer.email]
    assert "Yes: leave it in the notes, please." in to_customer.body
    assert RequestMessage.objects.filter(from_staff=True, author=admin).count() == 1

    client.force_login(customer)
    html = client.get(under_review.get_absolute_url()).content.decode()
    assert "Is the gate code needed?" in html
    assert "Yes: leave it in the notes, please." in html
    assert "Utility staff" in html


def test_staff_see_the_messages_on_the_request_page(admin_client, customer, under_review):
    conversation.request_message_post(
        msa_request_id=under_review.pk, actor=customer, body="Our dog is friendly."
    )

    html = admin_client.get(
        reverse("admin:enrollment_request_change", args=[under_review.pk])
    ).content.decode()

    assert "Our dog is friendly." in html
    assert reverse("admin:enrollment_request_message", args=[under_review.pk]) in html


def test_a_stranger_cannot_write_on_someone_elses_request(client, under_review):
    client.force_login(UserFactory())

    response = post_message(client, under_review, "hello")

    assert response.status_code == 404
    assert not RequestMessage.objects.exists()


def test_a_contractor_acting_for_the_customer_may_write_a_colleague_elsewhere_may_not(
    customer,
):
    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(
        applicant=customer,
        filed_by=contractor,
        contractor_company=contractor.company,
        status=Status.SUBMITTED,
    )
    conversation.request_message_post(msa_request_id=msa_request.pk, actor=contractor, body="Hi")

    with pytest.raises(conversation.PermissionDenied):
        conversation.request_message_post(
            msa_request_id=msa_request.pk, actor=ContractorFactory(), body="Hi"
        )


def test_an_empty_message_is_refused_and_a_too_long_one_keeps_what_was_typed(
    client, customer, under_review
):
    client.force_login(customer)
    post_message(client, under_review, "   ")
    long_text = "x" * 4001
    post_message(client, under_review, long_text)

    assert not RequestMessage.objects.exists()
    html = client.get(under_review.get_absolute_url()).content.decode()
    assert long_text in html  # back in the box, not lost


def test_no_messages_on_a_draft(customer):
    draft = MsaRequestFactory(applicant=customer)

    with pytest.raises(services.TransitionError):
        conversation.request_message_post(msa_request_id=draft.pk, actor=customer, body="hi")


def test_a_file_is_added_after_submission_and_a_bad_one_is_refused_with_the_reason(
    client, customer, under_review
):
    client.force_login(customer)
    url = reverse("enrollment:document_add", args=[under_review.pk])

    client.post(url, {"file": upload("meter.png", png_bytes())})
    response = client.post(url, {"file": upload("notes.png", b"not a picture")}, follow=True)

    [document] = Document.objects.all()
    assert (document.original_name, document.kind) == ("meter.png", Document.Kind.OTHER)
    assert "notes.png" not in [d.original_name for d in Document.objects.all()]
    assert "not a" in response.content.decode() or "PNG" in response.content.decode()
    assert under_review.events.filter(note__contains="meter.png").exists()


def test_files_cannot_be_added_once_the_request_is_closed(customer):
    closed = MsaRequestFactory(applicant=customer, status=Status.COMPLETED)

    with pytest.raises(services.TransitionError):
        conversation.request_add_document(
            msa_request_id=closed.pk, actor=customer, upload=upload("m.png", png_bytes())
        )


def test_the_to_do_list_offers_a_photo_for_each_rule_staff_will_check(
    client, customer, under_review
):
    EligibilityResult.objects.create(
        msa_request=under_review,
        code="DEVICE_REQUIREMENTS",
        result="review",
        message="x",
        position=1,
        checked_at=timezone.now(),
    )
    EligibilityResult.objects.create(
        msa_request=under_review,
        code="PANEL_MAX_200A",
        result="pass",
        message="x",
        position=2,
        checked_at=timezone.now(),
    )
    client.force_login(customer)

    response = client.get(under_review.get_absolute_url())

    todo = response.context["todo"]
    assert [item.anchor for item in todo] == ["add-document"]
    assert 'id="add-document"' in response.content.decode()


def test_the_tracker_gives_every_step_ahead_an_expected_date(customer, under_review):
    calendar = current_calendar()
    events = list(under_review.events.all())

    steps = tracker.request_milestones(under_review, events=events, calendar=calendar)

    by_key = {s.key: s for s in steps}
    assert [s.key for s in steps] == [
        "signed",
        "paid",
        "checked",
        "reviewed",
        "booked",
        "visit",
        "done",
    ]
    assert by_key["paid"].state == tracker.DONE
    assert by_key["paid"].day == dt.date(2026, 11, 2)
    assert by_key["reviewed"].state == tracker.NOW
    assert by_key["reviewed"].day == calendar.nth_business_day_after(dt.date(2026, 11, 2), 5)
    assert by_key["booked"].day == calendar.nth_business_day_after(by_key["reviewed"].day, 1)
    assert by_key["visit"].state == tracker.AHEAD
    assert by_key["visit"].day == under_review.target_date
    assert by_key["done"].label == "MSA installed"


def test_the_tracker_shows_the_booked_visit_day_and_stops_where_a_request_ended(customer):
    calendar = current_calendar()
    scheduled = MsaRequestFactory(
        applicant=customer,
        status=Status.SCHEDULED,
        submitted_at=timezone.now(),
        eligibility_checked_at=timezone.now(),
    )
    visit_day = dt.date(2026, 12, 9)

    steps = tracker.request_milestones(scheduled, events=[], calendar=calendar, visit_day=visit_day)
    assert {s.key: s.state for s in steps}["booked"] == tracker.DONE
    assert {s.key: s.day for s in steps}["visit"] == visit_day

    rejected = MsaRequestFactory(
        applicant=customer, status=Status.REJECTED, submitted_at=timezone.now()
    )
    steps = tracker.request_milestones(rejected, events=[], calendar=calendar)
    assert steps[-1].key == "reviewed" and steps[-1].state == tracker.STOPPED


def test_the_tracker_is_on_the_status_page_in_spanish(client, customer, under_review):
    customer.preferred_language = "es"
    customer.save()
    client.force_login(customer)

    html = client.get(under_review.get_absolute_url()).content.decode()

    assert "Su solicitud, paso a paso" in html
    assert "Mensajes con nuestro personal" in html


def correct_url(msa_request, step):
    return reverse("enrollment:answers_correct", args=[msa_request.pk, step])


WIRING = {"backfeed_amps": "250", "comm_cable": "none", "energized_present": "False"}


def test_a_wrong_answer_is_corrected_after_submission_and_checked_again(
    client, customer, under_review
):
    from enrollment.eligibility import eligibility_results_refresh

    under_review.panel_rating_amps = 200
    under_review.backfeed_amps = 0
    under_review.save()
    eligibility_results_refresh(under_review)
    client.force_login(customer)
    assert (
        correct_url(under_review, "wiring")
        in client.get(under_review.get_absolute_url()).content.decode()
    )

    response = client.post(correct_url(under_review, "wiring"), WIRING)

    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.backfeed_amps == 250
    backfeed = under_review.eligibility_results.get(code="BACKFEED_WITHIN_RATING")
    assert backfeed.result == "fail"  # 250 A back-feed on a 200 A panel
    note = under_review.events.filter(note__startswith="Answers corrected").get()
    assert note.actor == customer and "back-feed" in note.note.lower()


def test_nothing_is_corrected_once_staff_decided_or_by_someone_else(client, customer):
    approved = MsaRequestFactory(applicant=customer, status=Status.APPROVED)
    client.force_login(customer)
    assert client.get(correct_url(approved, "wiring")).status_code == 404

    reviewing = MsaRequestFactory(applicant=customer, status=Status.UNDER_REVIEW)
    client.force_login(UserFactory())
    assert client.post(correct_url(reviewing, "wiring"), WIRING).status_code == 404
    reviewing.refresh_from_db()
    assert reviewing.backfeed_amps == 0
    assert client.get(correct_url(reviewing, "accounts")).status_code == 404


def test_a_bad_corrected_answer_keeps_what_was_typed_and_changes_nothing(
    client, customer, under_review
):
    client.force_login(customer)

    response = client.post(correct_url(under_review, "wiring"), {**WIRING, "backfeed_amps": "-5"})

    assert response.status_code == 200
    assert 'value="-5"' in response.content.decode()
    under_review.refresh_from_db()
    assert under_review.backfeed_amps == 0
    assert not under_review.events.filter(note__startswith="Answers corrected").exists()


def test_the_correction_page_is_in_spanish(client, customer, under_review):
    customer.preferred_language = "es"
    customer.save()
    client.force_login(customer)

    html = client.get(correct_url(under_review, "wiring")).content.decode()

    assert "Corrija sus respuestas" in html
