"""A visit leaves "booked" once, along a declared step; a closed visit is never reopened."""

import datetime as dt

import pytest
from django_fsm import TransitionNotAllowed

from enrollment.models import Status
from scheduling import services
from scheduling.models import FailureCode, Visit
from tests.scheduling.conftest import approved_request, on_the_day
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def technician():
    return TechnicianFactory(windows=[(8, 12, 1), (12, 16, 1)])


@pytest.fixture
def completed_visit(technician, staff_user):
    msa_request = approved_request()
    visit = services.visit_book(
        msa_request_id=msa_request.pk,
        window_id=technician.windows.first().pk,
        day=DAY,
        notify=False,
    )
    with on_the_day(DAY):
        return services.visit_record_outcome(
            visit_id=visit.pk, actor=staff_user, completed=True, notify=False
        )


def test_a_completed_visit_cannot_be_recorded_as_failed_afterwards(completed_visit, staff_user):
    with pytest.raises(services.SchedulingError):
        services.visit_record_outcome(
            visit_id=completed_visit.pk,
            actor=staff_user,
            completed=False,
            failure_code=FailureCode.NOT_LEFT_IN_BAG,
            notify=False,
        )

    completed_visit.refresh_from_db()
    assert completed_visit.state == Visit.State.COMPLETED
    assert completed_visit.failure_code == ""
    completed_visit.msa_request.refresh_from_db()
    assert completed_visit.msa_request.status == Status.COMPLETED


def test_cancelling_a_completed_visit_leaves_it_completed(completed_visit, staff_user):
    services.visit_cancel(
        visit_id=completed_visit.pk, actor=staff_user, by_customer=False, notify=False
    )

    completed_visit.refresh_from_db()
    assert completed_visit.state == Visit.State.COMPLETED
    assert completed_visit.cancelled_by_customer is False
    completed_visit.msa_request.refresh_from_db()
    assert completed_visit.msa_request.status == Status.COMPLETED


def test_a_completed_visit_cannot_go_back_to_booked(completed_visit):
    for step in (completed_visit.move, completed_visit.complete, completed_visit.fail):
        with pytest.raises(TransitionNotAllowed):
            step()
    with pytest.raises(TransitionNotAllowed):
        completed_visit.cancel(by_customer=False)
    # Visits are born booked: no step in the lifecycle leads back there.
    for state in Visit.State.values:
        targets = {t.target for t in Visit(state=state).get_all_state_transitions()}
        assert Visit.State.BOOKED not in targets


def test_a_visit_moved_to_another_window_cannot_have_an_outcome(technician, staff_user):
    msa_request = approved_request()
    first, second = technician.windows.order_by("starts_at")
    old = services.visit_book(msa_request_id=msa_request.pk, window_id=first.pk, day=DAY)
    services.visit_book(msa_request_id=msa_request.pk, window_id=second.pk, day=DAY)

    with pytest.raises(services.SchedulingError):
        services.visit_record_outcome(
            visit_id=old.pk, actor=staff_user, completed=True, notify=False
        )

    old.refresh_from_db()
    assert old.state == Visit.State.MOVED


def test_a_visit_cannot_be_marked_failed_without_a_reason_code():
    visit = Visit(state=Visit.State.BOOKED, failure_code="")

    with pytest.raises(TransitionNotAllowed):
        visit.fail()
    visit.failure_code = FailureCode.OTHER
    visit.fail()
    assert visit.state == Visit.State.FAILED
