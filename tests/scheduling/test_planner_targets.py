"""The planner's targets on small plans a person can check by hand (issue 28, mutation testing)."""

import datetime as dt

import pytest

from scheduling.calendar import BusinessCalendar
from scheduling.geo import zip_centroids
from scheduling.planner import (
    REASON_NO_CAPACITY,
    DriveModel,
    FixedStop,
    PlanRequest,
    PlanTechnician,
    plan_schedule,
    route_km,
)

DAY = ((8 * 60, 12 * 60), (12 * 60, 16 * 60))
DRIVE = DriveModel(road_factor=1.3, kmh=50, service_minutes=30)
DAYS = BusinessCalendar().business_days(dt.date(2026, 11, 25), 3)
ZIP = "91770"


def _point(zip_code=ZIP):
    c = zip_centroids()[zip_code]
    return (c.lat, c.lon)


def _tech():
    return PlanTechnician(1, _point(), frozenset({ZIP}), (11, 12), DAY)


def _request(i, due, filed=None):
    """Request ``i`` due on ``due``, filed ``filed``-th (its id unless told): the planner's
    priority is the filing order, as the scheduling service passes it."""
    return PlanRequest(i, ZIP, _point(), due, (i if filed is None else filed,))


def _plan(requests, free, technicians=None):
    return plan_schedule(
        requests=requests,
        technicians=technicians or [_tech()],
        days=DAYS,
        free=free,
        drive=DRIVE,
        time_limit=2,
    )


def _free(per_day):
    return {(1, d): {11: per_day.get(d, 0), 12: 0} for d in DAYS}


def test_when_one_place_is_left_the_earliest_target_gets_it():
    # The later target was filed first: the target, not the filing order, decides.
    later, sooner = _request(1, DAYS[2], filed=1), _request(2, DAYS[1], filed=2)

    plan = _plan([later, sooner], _free({DAYS[0]: 1}))

    assert [a.request_id for a in plan.assignments] == [2]
    assert [r for r, _why in plan.unplaced] == [1]


def test_a_visit_booked_past_its_target_is_recorded_late():
    overdue = _request(1, DAYS[0] - dt.timedelta(days=7))

    [assignment] = _plan([overdue], _free({DAYS[1]: 1})).assignments

    assert assignment.day == DAYS[1]
    assert assignment.within_target is False


def test_a_visit_on_its_target_day_is_on_time():
    [assignment] = _plan([_request(1, DAYS[1])], _free({DAYS[1]: 1})).assignments

    assert assignment.day == DAYS[1]
    assert assignment.within_target is True


def test_a_visit_after_its_target_day_is_late():
    [assignment] = _plan([_request(1, DAYS[0])], _free({DAYS[1]: 1})).assignments

    assert assignment.day == DAYS[1]
    assert assignment.within_target is False


def test_a_request_due_on_the_first_plannable_day_is_served_that_day_on_time():
    plan = _plan([_request(1, DAYS[0])], _free({DAYS[0]: 1, DAYS[1]: 1, DAYS[2]: 1}))

    [assignment] = plan.assignments
    assert assignment.day == DAYS[0]
    assert assignment.within_target is True
    assert plan.on_time_possible == 1


def test_arrival_windows_follow_the_route_order():
    far = "91001"
    requests = [
        PlanRequest(1, far, _point(far), DAYS[0], (DAYS[0], 1)),
        PlanRequest(2, ZIP, _point(), DAYS[0], (DAYS[0], 2)),
    ]
    tech = PlanTechnician(1, _point(), frozenset({ZIP, far}), (11, 12), DAY)
    free = {(1, d): {11: 1, 12: 1} for d in DAYS}

    plan = plan_schedule(requests=requests, technicians=[tech], days=DAYS, free=free, drive=DRIVE)

    stops = sorted((a for a in plan.assignments if a.day == DAYS[0]), key=lambda a: a.route_order)
    assert len(stops) == 2
    assert [a.window_id for a in stops] == [11, 12]
    assert [a.route_order for a in stops] == [1, 2]


def test_among_equally_short_days_the_earlier_one_is_taken():
    """A day's lateness is part of its cost: with the same drive, the sooner day wins.

    Technician 1's only place is on the target day, technician 2's two days earlier; both live
    where the customer is, so the drive is the same and only the day can decide.
    """
    techs = [
        PlanTechnician(1, _point(), frozenset({ZIP}), (11, 12), DAY),
        PlanTechnician(2, _point(), frozenset({ZIP}), (21, 22), DAY),
    ]
    free = {(1, DAYS[2]): {11: 1, 12: 0}, (2, DAYS[0]): {21: 1, 22: 0}}

    plan = _plan([_request(1, DAYS[2])], free, techs)

    [assignment] = plan.assignments
    assert (assignment.technician_id, assignment.day) == (2, DAYS[0])


def test_an_overdue_request_takes_the_earliest_day_even_if_a_later_one_is_a_shorter_drive():
    """Already past its target, a request is served as soon as possible, not where it is cheap.

    Technician 1 lives 10 km away and has a place on the first day; technician 2 lives at the
    customer's door but only has a place the day after.
    """
    far = "91001"
    techs = [
        PlanTechnician(1, _point(far), frozenset({ZIP}), (11, 12), DAY),
        PlanTechnician(2, _point(), frozenset({ZIP}), (21, 22), DAY),
    ]
    free = {(1, DAYS[0]): {11: 1, 12: 0}, (2, DAYS[1]): {21: 1, 22: 0}}
    overdue = _request(1, DAYS[0] - dt.timedelta(days=7))

    plan = _plan([overdue], free, techs)

    [assignment] = plan.assignments
    assert (assignment.technician_id, assignment.day) == (1, DAYS[0])
    assert assignment.within_target is False


def test_requests_past_their_target_take_the_earliest_place_oldest_first_the_rest_reported():
    """One place left: the request longest past its target takes it, the other is reported as
    finding no place (and the one placed is not reported)."""
    oldest = _request(1, DAYS[0] - dt.timedelta(days=7))
    younger = _request(2, DAYS[0] - dt.timedelta(days=6))

    plan = _plan([younger, oldest], _free({DAYS[1]: 1}))

    assert [(a.request_id, a.day) for a in plan.assignments] == [(1, DAYS[1])]
    assert plan.unplaced == [(2, REASON_NO_CAPACITY)]


def test_the_requests_after_one_already_past_its_target_are_planned_too():
    overdue = _request(1, DAYS[0] - dt.timedelta(days=7))
    on_time = _request(2, DAYS[2])

    plan = _plan([on_time, overdue], _free({DAYS[0]: 1, DAYS[1]: 1}))

    assert sorted((a.request_id, a.day, a.within_target) for a in plan.assignments) == [
        (1, DAYS[0], False),
        (2, DAYS[1], True),
    ]
    assert plan.unplaced == []


def test_a_request_that_cannot_make_its_target_takes_the_earliest_day_after_it():
    """No place on or before the target: the visit is as little late as it can be, even though
    a technician living at the customer's door has a place a day later."""
    far = "91001"
    techs = [
        PlanTechnician(1, _point(far), frozenset({ZIP}), (11, 12), DAY),
        PlanTechnician(2, _point(), frozenset({ZIP}), (21, 22), DAY),
    ]
    free = {(1, DAYS[1]): {11: 1, 12: 0}, (2, DAYS[2]): {21: 1, 22: 0}}

    plan = _plan([_request(1, DAYS[0])], free, techs)

    [assignment] = plan.assignments
    assert (assignment.technician_id, assignment.day) == (1, DAYS[1])
    assert assignment.within_target is False


def test_a_new_stop_after_a_booked_afternoon_visit_is_not_handed_a_morning_window():
    """The windows follow the drive the planner measured, booked visits included.

    Four corners of a square: home, a new request, a visit already booked for the afternoon,
    another new request. The shortest day drives round the square, so whichever new request
    comes after the booked visit must be in the afternoon too; handed a morning window it is
    visited before the booked one, across the square's diagonal.
    """
    lat, lon = _point()
    north, corner, east = (lat + 0.1, lon), (lat + 0.1, lon + 0.12), (lat, lon + 0.12)
    requests = [
        PlanRequest(1, ZIP, north, DAYS[0], (1,)),
        PlanRequest(2, ZIP, east, DAYS[0], (2,)),
    ]
    fixed = {(1, DAYS[0]): [FixedStop(visit_id=99, point=corner, window_id=12)]}
    free = {(1, d): {11: 2, 12: 2} for d in DAYS}

    plan = plan_schedule(
        requests=requests,
        technicians=[_tech()],
        days=DAYS,
        free=free,
        fixed=fixed,
        drive=DRIVE,
        time_limit=2,
    )

    route = plan.routes[(1, DAYS[0])]
    around = route_km(home=(lat, lon), route=[north, corner, east])
    assert route_km(home=(lat, lon), route=route) == pytest.approx(around)
    stops = sorted(plan.assignments, key=lambda a: a.route_order)
    after_booked = [a for a in stops if a.route_order > plan.reorders[99]]
    assert [a.window_id for a in after_booked] == [12]
