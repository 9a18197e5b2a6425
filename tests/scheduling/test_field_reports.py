"""Outcomes and arrivals sent from a technician's phone: once per phone-made id, conflicts kept."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enrollment.models import Status
from scheduling import services
from scheduling.models import FailureCode, FieldReport, Visit, VisitPhoto
from tests.enrollment.factories import pdf_bytes, png_bytes
from tests.factories import StaffFactory, UserFactory
from tests.scheduling.conftest import approved_request, on_the_day
from tests.scheduling.factories import TechnicianFactory
from tests.scheduling.test_visits import DAY, morning

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_user():
    from accounts.models import User

    return UserFactory(role=User.Role.TECHNICIAN)


@pytest.fixture
def visit(phone_user):
    technician = TechnicianFactory(windows=[(8, 12, 2)], user=phone_user)
    return services.visit_book(
        msa_request_id=approved_request().pk,
        window_id=morning(technician).pk,
        day=DAY,
        notify=False,
    )


def photo(name="meter.png"):
    return SimpleUploadedFile(name, png_bytes((64, 48)), content_type="image/png")


def send(visit, user, client_id, **fields):
    fields.setdefault("completed", True)
    fields.setdefault("photos", [photo()])
    return services.visit_report_from_field(
        visit_id=visit.pk, actor=user, client_id=client_id, **fields
    )


def test_the_same_upload_sent_twice_records_one_outcome_one_photo_and_one_email(
    visit, phone_user, mailoutbox, django_capture_on_commit_callbacks
):
    client_id = uuid.uuid4()
    with on_the_day(DAY):
        with django_capture_on_commit_callbacks(execute=True):
            first = send(visit, phone_user, client_id)
        with django_capture_on_commit_callbacks(execute=True):
            again = send(visit, phone_user, client_id)

    visit.refresh_from_db()
    assert visit.state == Visit.State.COMPLETED
    assert visit.msa_request.status == Status.COMPLETED
    assert (first.repeat, again.repeat) == (False, True)
    assert again.report == first.report
    assert FieldReport.objects.count() == 1
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    assert len(mailoutbox) == 1
    assert visit.outcome_recorded_by == phone_user


def test_a_failed_outcome_from_the_phone_moves_the_request_and_tells_the_customer_once(
    visit, phone_user, mailoutbox, django_capture_on_commit_callbacks
):
    with on_the_day(DAY), django_capture_on_commit_callbacks(execute=True):
        send(
            visit,
            phone_user,
            uuid.uuid4(),
            completed=False,
            failure_code=FailureCode.NOT_LEFT_IN_BAG,
            note="No bag by the meter.",
        )

    visit.refresh_from_db()
    assert (visit.state, visit.failure_code) == (Visit.State.FAILED, "NOT_LEFT_IN_BAG")
    assert visit.msa_request.status == Status.VISIT_FAILED
    assert len(mailoutbox) == 1


def test_an_outcome_sent_after_staff_cancelled_the_visit_is_kept_as_a_conflict_and_moves_nothing(
    visit, phone_user, mailoutbox, django_capture_on_commit_callbacks
):
    with on_the_day(DAY):
        services.visit_cancel(
            visit_id=visit.pk, actor=StaffFactory(), by_customer=False, notify=False
        )
        with django_capture_on_commit_callbacks(execute=True):
            answer = send(
                visit,
                phone_user,
                uuid.uuid4(),
                completed=False,
                failure_code=FailureCode.SOCKET_INCOMPATIBLE,
            )

    visit.refresh_from_db()
    assert visit.state == Visit.State.CANCELLED
    assert visit.msa_request.status == Status.APPROVED
    assert answer.report.result == FieldReport.Result.CONFLICT
    assert answer.report.visit_state_found == Visit.State.CANCELLED
    # The reason the technician gave is kept with the conflict, never dropped.
    assert (answer.report.completed, answer.report.failure_code) == (
        False,
        FailureCode.SOCKET_INCOMPATIBLE,
    )
    # The technician's evidence is kept for staff, and the customer hears nothing wrong.
    assert answer.report.photos.count() == 1
    assert mailoutbox == []


def test_an_outcome_contradicting_the_one_staff_recorded_is_a_conflict(visit, phone_user):
    with on_the_day(DAY):
        services.visit_record_outcome(
            visit_id=visit.pk, actor=StaffFactory(), completed=True, notify=False
        )
        answer = send(
            visit, phone_user, uuid.uuid4(), completed=False, failure_code="ESR_VIOLATION"
        )
        same = send(visit, phone_user, uuid.uuid4(), completed=True)

    assert answer.report.result == FieldReport.Result.CONFLICT
    assert same.report.result == FieldReport.Result.ALREADY
    visit.refresh_from_db()
    assert visit.state == Visit.State.COMPLETED


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"completed": False, "failure_code": ""}, "Choose why"),
        ({"completed": False, "failure_code": "OTHER", "note": " "}, "Other"),
        ({"completed": True, "failure_code": "ESR_VIOLATION"}, "no failure reason"),
        (
            {
                "completed": True,
                "photos": [SimpleUploadedFile("meter.jpg", pdf_bytes(), "image/jpeg")],
            },
            "not a",
        ),
    ],
)
def test_a_contradictory_outcome_or_a_photo_that_is_no_image_records_nothing(
    visit, phone_user, fields, problem
):
    with on_the_day(DAY), pytest.raises(ValidationError, match=problem):
        send(visit, phone_user, uuid.uuid4(), **fields)

    visit.refresh_from_db()
    assert visit.state == Visit.State.BOOKED
    assert not FieldReport.objects.exists()
    assert not VisitPhoto.objects.exists()


def test_an_outcome_id_reused_for_another_visit_is_refused(visit, phone_user):
    other = services.visit_book(
        msa_request_id=approved_request().pk,
        window_id=visit.window_id,
        day=DAY,
        notify=False,
    )
    client_id = uuid.uuid4()
    with on_the_day(DAY):
        send(visit, phone_user, client_id)
        with pytest.raises(services.SchedulingError, match="another visit"):
            send(other, phone_user, client_id)

    other.refresh_from_db()
    assert other.state == Visit.State.BOOKED


def test_an_outcome_before_the_visits_day_is_refused(visit, phone_user):
    with pytest.raises(services.SchedulingError, match="from that day on"):
        send(visit, phone_user, uuid.uuid4())
    assert not FieldReport.objects.exists()


def test_the_first_arrival_sent_is_kept_and_a_phone_clock_ahead_is_not_believed(visit, phone_user):
    with on_the_day(DAY):
        now = timezone.now()
        services.visit_mark_arrived(
            visit_id=visit.pk, actor=phone_user, at=now + dt.timedelta(hours=3)
        )
        services.visit_mark_arrived(
            visit_id=visit.pk, actor=phone_user, at=now - dt.timedelta(minutes=5)
        )

    visit.refresh_from_db()
    assert visit.arrived_at == now


def test_an_arrival_at_a_cancelled_visit_is_a_conflict(visit, phone_user):
    with on_the_day(DAY):
        services.visit_cancel(visit_id=visit.pk, by_customer=False, notify=False)
        with pytest.raises(services.VisitChanged) as raised:
            services.visit_mark_arrived(visit_id=visit.pk, actor=phone_user)

    assert raised.value.state == Visit.State.CANCELLED
