"""Recording a visit's outcome cannot contradict itself: what staff choose is what the customer
is told (the form on the route sheet and in admin, and the service behind them)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from enrollment.models import Status
from scheduling import services
from scheduling.forms import OutcomeForm
from scheduling.models import Visit
from tests.scheduling.conftest import TODAY, approved_request, on_the_day
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def visit():
    technician = TechnicianFactory(windows=[(8, 12, 1)])
    msa_request = approved_request()
    return services.visit_book(
        msa_request_id=msa_request.pk, window_id=technician.windows.get().pk, day=DAY
    )


def form_for(visit, data):
    return OutcomeForm(data, visit=visit)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        # A reason with the outcome left on "Completed" once told the customer the work was done.
        ({"completed": "1", "failure_code": "NOT_LEFT_IN_BAG"}, "completed"),
        # Nothing chosen: staff must say which it was.
        ({"failure_code": "NOT_LEFT_IN_BAG"}, "completed"),
        ({"completed": "0"}, "failure_code"),
        # "Other" with no note left the customer "see the note below" above nothing.
        ({"completed": "0", "failure_code": "OTHER", "note": "  "}, "note"),
        ({"completed": "1", "utility_fault": "on"}, "utility_fault"),
    ],
)
def test_an_outcome_that_contradicts_itself_is_refused(visit, data, field):
    with on_the_day(DAY):
        form = form_for(visit, data)
        assert not form.is_valid()
    assert field in form.errors


def test_an_outcome_for_a_visit_still_to_come_is_refused(visit):
    form = form_for(visit, {"completed": "1"})

    assert visit.date > TODAY
    assert not form.is_valid()
    assert "its outcome can be recorded from that day on" in str(form.non_field_errors())


def test_the_visits_day_counts_in_the_utilitys_time_zone(visit):
    # 11 p.m. on Nov 30 in California is already Dec 1 in UTC: still the day before the visit.
    late = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)

    with time_machine.travel(late, tick=False):
        assert not form_for(visit, {"completed": "1"}).is_valid()
        with pytest.raises(services.SchedulingError):
            services.visit_record_outcome(visit_id=visit.pk, actor=None, completed=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"completed": True, "failure_code": "NOT_LEFT_IN_BAG"},
        {"completed": True, "utility_fault": True},
        {"completed": False, "failure_code": "OTHER", "note": ""},
    ],
)
def test_the_service_refuses_the_same_contradictions_whoever_calls_it(visit, staff_user, kwargs):
    with on_the_day(DAY), pytest.raises(services.SchedulingError):
        services.visit_record_outcome(visit_id=visit.pk, actor=staff_user, **kwargs)

    visit.refresh_from_db()
    assert visit.state == Visit.State.BOOKED
    assert visit.msa_request.status == Status.SCHEDULED


def test_a_reason_chosen_on_the_route_sheet_never_saves_a_completed_visit(
    client, visit, staff_user, mailoutbox
):
    client.force_login(staff_user)

    with on_the_day(DAY):
        response = client.post(
            reverse("scheduling:visit_outcome", args=[visit.pk]),
            {"completed": "1", "failure_code": "NOT_LEFT_IN_BAG"},
            follow=True,
        )

    visit.refresh_from_db()
    assert visit.state == Visit.State.BOOKED
    assert mailoutbox == []
    assert "You chose a reason the visit failed" in response.content.decode()


def test_other_with_a_note_is_recorded_and_the_customer_reads_the_note(
    visit, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    with on_the_day(DAY), django_capture_on_commit_callbacks(execute=True):
        form = form_for(
            visit, {"completed": "0", "failure_code": "OTHER", "note": "Dog in the yard."}
        )
        assert form.is_valid(), form.errors
        services.visit_record_outcome(visit_id=visit.pk, actor=staff_user, **form.cleaned_data)

    visit.refresh_from_db()
    assert (visit.state, visit.outcome_note) == (Visit.State.FAILED, "Dog in the yard.")
    assert "Dog in the yard." in mailoutbox[-1].body


def test_the_admin_outcome_page_names_the_request_not_a_row_id(client, visit, staff_user):
    client.force_login(staff_user)

    html = client.get(reverse("admin:scheduling_visit_outcome", args=[visit.pk])).content.decode()

    assert f"Outcome of the visit for {visit.msa_request.reference}" in html
    assert visit.msa_request.reference.startswith("MSA-0")


def test_the_visit_is_named_by_its_request_everywhere_staff_see_it(client, visit, staff_user):
    # The admin's title, breadcrumbs and messages name a visit by its text: the request's
    # reference, never the request's row id.
    client.force_login(staff_user)

    html = client.get(reverse("admin:scheduling_visit_change", args=[visit.pk])).content.decode()

    assert str(visit).startswith(f"{visit.msa_request.reference} @ {visit.date}")
    assert f"{visit.msa_request.reference} @ " in html
    assert f">{visit.msa_request_id} @ " not in html
