"""Two schedulers (and two customers) at once on PostgreSQL never overfill a window."""

import contextlib
import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from enrollment.models import RequestEvent, Status
from scheduling import services
from scheduling.models import Visit
from tests.conftest import require_service
from tests.scheduling.conftest import approved_request
from tests.scheduling.factories import TechnicianFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL to a PostgreSQL database")


def run_in_threads(target, count: int) -> list:
    results, errors = [None] * count, []

    def run(i):
        try:
            results[i] = target(i)
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), name=f"scheduler-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_two_schedulers_at_once_never_book_past_capacity(settings, monkeypatch):
    settings.SCHEDULING_HORIZON_BUSINESS_DAYS = 3
    technicians = [TechnicianFactory(windows=[(8, 12, 2), (12, 16, 1)]) for _ in range(2)]
    requests = [approved_request() for _ in range(25)]
    capacity = 2 * 3 * 3  # technicians x days x places per day

    # Both runs plan from the same picture before either writes, and at first each sees half
    # of the requests, so both put different requests into the same windows: the worst case.
    barrier = threading.Barrier(2)
    real_plan = services.plan_schedule
    first_call = threading.local()

    def plan_then_wait(**kwargs):
        if not getattr(first_call, "done", False):
            first_call.done = True
            half = int(threading.current_thread().name == "scheduler-1")
            kwargs["requests"] = [r for r in kwargs["requests"] if r.id % 2 == half]
            plan = real_plan(**kwargs)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=20)
            return plan
        return real_plan(**kwargs)

    monkeypatch.setattr(services, "plan_schedule", plan_then_wait)

    results, errors = run_in_threads(lambda i: services.schedule_approved_requests(notify=False), 2)

    assert not errors
    booked = Visit.objects.filter(state=Visit.State.BOOKED)
    per_window = Counter(booked.values_list("window_id", "date"))
    capacities = dict(Visit.objects.values_list("window_id", "window__capacity"))
    assert all(n <= capacities[w] for (w, _d), n in per_window.items())
    assert booked.count() == capacity
    assert sum(r.placed for r in results) == capacity
    assert results[0].conflicts + results[1].conflicts > 0  # the race really happened
    assert results[0].placed and results[1].placed
    per_request = Counter(booked.values_list("msa_request_id", flat=True))
    assert max(per_request.values()) == 1
    scheduled_events = Counter(
        RequestEvent.objects.filter(to_status=Status.SCHEDULED).values_list(
            "msa_request_id", flat=True
        )
    )
    assert set(scheduled_events.values()) == {1}
    assert len(scheduled_events) == capacity
    assert len(requests) - capacity == (
        type(requests[0]).objects.filter(status=Status.APPROVED).count()
    )
    assert technicians


def test_two_customers_racing_for_the_last_place_one_wins(settings):
    technician = TechnicianFactory(windows=[(8, 12, 1)])
    window = technician.windows.get()
    first, second = approved_request(), approved_request()
    day = dt.date(2026, 12, 1)
    barrier = threading.Barrier(2)

    def book(i):
        barrier.wait(timeout=20)
        return services.visit_book(
            msa_request_id=(first, second)[i].pk, window_id=window.pk, day=day, notify=False
        )

    results, errors = run_in_threads(book, 2)

    assert len([r for r in results if r]) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.SchedulingError)
    assert Visit.objects.filter(window=window, date=day, state=Visit.State.BOOKED).count() == 1
