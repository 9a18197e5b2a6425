"""The planner's small parts: a day's minutes, and the first-come-first-served baseline the
benchmark compares it with (a wrong baseline makes every "better than" figure wrong)."""

import datetime as dt

import pytest

from scheduling.planner import (
    REASON_NO_CAPACITY,
    REASON_NO_TECHNICIAN,
    REASON_UNKNOWN_ZIP,
    DriveModel,
    PlanRequest,
    PlanTechnician,
    plan_first_come_first_served,
)

DAYS = [dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3)]
HOME = (34.06, -118.08)
NEAR = (34.07, -118.07)


def _tech(tech_id: int, windows=(1, 2)) -> PlanTechnician:
    return PlanTechnician(tech_id, HOME, frozenset({"91770"}), windows)


def _request(request_id: int, *, zip_code="91770", point=NEAR) -> PlanRequest:
    return PlanRequest(request_id, zip_code, point, DAYS[-1], (DAYS[-1], request_id))


@pytest.mark.parametrize("visits", [0, 1, 3])
def test_a_days_minutes_are_its_driving_plus_each_visits_service_time(visits):
    drive = DriveModel(road_factor=1.3, kmh=50, service_minutes=30)

    assert drive.day_minutes(100, visits) == pytest.approx(156.0 + 30 * visits)


def test_the_baseline_reports_what_it_cannot_place_and_places_the_rest():
    requests = [
        _request(1, point=None),  # a ZIP with no centroid
        _request(2),
        _request(3, zip_code="90001"),  # nobody serves it
        _request(4),
        _request(5),  # the one place left is taken by 4
        _request(6, point=None),
    ]
    free = {(7, DAYS[0]): {1: 2}, (7, DAYS[1]): {}, (7, DAYS[2]): {}}

    plan = plan_first_come_first_served(
        requests=requests, technicians=[_tech(7)], days=DAYS, free=free
    )

    assert plan.unplaced == [
        (1, REASON_UNKNOWN_ZIP),
        (3, REASON_NO_TECHNICIAN),
        (5, REASON_NO_CAPACITY),
        (6, REASON_UNKNOWN_ZIP),
    ]
    assert [a.request_id for a in plan.assignments] == [2, 4]


def test_the_baseline_takes_a_later_window_when_the_first_is_not_offered_that_day():
    free = {(7, day): {2: 1} for day in DAYS}  # only the afternoon window has places

    plan = plan_first_come_first_served(
        requests=[_request(1)], technicians=[_tech(7)], days=DAYS, free=free
    )

    [assignment] = plan.assignments
    assert (assignment.day, assignment.window_id) == (DAYS[0], 2)


def test_the_baseline_gives_a_tie_to_the_technician_listed_first():
    free = {(tech, day): {tech * 10: 1} for tech in (7, 8) for day in DAYS}

    plan = plan_first_come_first_served(
        requests=[_request(1)],
        technicians=[_tech(7, windows=(70,)), _tech(8, windows=(80,))],
        days=DAYS,
        free=free,
    )

    assert [(a.technician_id, a.day) for a in plan.assignments] == [(7, DAYS[0])]


def test_the_baseline_fills_the_first_day_with_room_before_the_next():
    # Day 1 is full; day 2 has two places: both requests go there, none to day 3.
    free = {(7, DAYS[0]): {1: 0}, (7, DAYS[1]): {1: 2}, (7, DAYS[2]): {1: 5}}

    plan = plan_first_come_first_served(
        requests=[_request(1), _request(2)],
        technicians=[_tech(7, windows=(1,))],
        days=DAYS,
        free=free,
    )

    assert [(a.request_id, a.day, a.route_order) for a in plan.assignments] == [
        (1, DAYS[1], 1),
        (2, DAYS[1], 2),
    ]
    assert [a.within_target for a in plan.assignments] == [True, True]
