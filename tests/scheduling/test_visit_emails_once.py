"""A visit email goes out once per event, however often its task runs (workers ack late)."""

import pytest

from scheduling import services, tasks
from scheduling.models import VisitNotice
from tests.scheduling.conftest import approved_request
from tests.scheduling.factories import TechnicianFactory
from tests.scheduling.test_visits import DAY, morning

pytestmark = pytest.mark.django_db


@pytest.fixture
def technician():
    return TechnicianFactory(windows=[(8, 12, 1), (12, 16, 1)])


def test_visit_booked_task_run_twice_sends_the_customer_one_email(
    technician, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_book(
            msa_request_id=approved_request().pk, window_id=morning(technician).pk, day=DAY
        )
    assert len(mailoutbox) == 1

    # A worker restart redelivers the same task.
    assert tasks.send_visit_email.delay(visit.pk, "booked").get() is False

    assert len(mailoutbox) == 1


@pytest.mark.parametrize("kind", VisitNotice.Kind.values)
def test_each_visit_email_kind_is_sent_once_per_visit(technician, mailoutbox, kind):
    visit = services.visit_book(
        msa_request_id=approved_request().pk,
        window_id=morning(technician).pk,
        day=DAY,
        notify=False,
    )

    tasks.send_visit_email.delay(visit.pk, kind)
    tasks.send_visit_email.delay(visit.pk, kind)

    assert len(mailoutbox) == 1


def test_a_moved_visit_still_gets_its_own_email(
    technician, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = approved_request()
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_book(
            msa_request_id=msa_request.pk, window_id=morning(technician).pk, day=DAY
        )
    later = technician.windows.order_by("starts_at").last()
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_book(msa_request_id=msa_request.pk, window_id=later.pk, day=DAY)

    assert [("booked" in m.subject, "moved" in m.subject) for m in mailoutbox] == [
        (True, False),
        (False, True),
    ]
