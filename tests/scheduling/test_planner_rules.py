"""The planner's hard rules: a day a technician can drive, on time when places allow, and an
improvement phase that never breaks territory, places, time off or targets."""

import datetime as dt
import itertools
import math
import random
from collections import Counter, defaultdict

import pytest

from scheduling.calendar import BusinessCalendar
from scheduling.feasibility import DrivingDemand, max_on_time, max_on_time_driving
from scheduling.geo import haversine_km, zip_centroids
from scheduling.planner import (
    DriveModel,
    FixedStop,
    PlanRequest,
    PlanTechnician,
    plan_schedule,
)

from .step_clock import STEP, StepClock

DAY = ((8 * 60, 12 * 60), (12 * 60, 16 * 60))
DRIVE = DriveModel(road_factor=1.3, kmh=50, service_minutes=30)


def _territory(n_tech: int, n_req: int, seed: int, radius_km: float = 60):
    rng = random.Random(seed)
    centroids = zip_centroids()
    zips = sorted(centroids)
    homes = rng.sample(zips, n_tech)
    techs = []
    for i, home in enumerate(homes):
        here = (centroids[home].lat, centroids[home].lon)
        near = [
            z for z in zips if haversine_km(here, (centroids[z].lat, centroids[z].lon)) < radius_km
        ]
        techs.append(PlanTechnician(i + 1, here, frozenset(near), (i * 10 + 1, i * 10 + 2), DAY))
    served = sorted(set().union(*(t.territory for t in techs)))
    days = BusinessCalendar().business_days(dt.date(2026, 11, 25), 20)
    free = {(t.id, d): {t.window_ids[0]: 4, t.window_ids[1]: 4} for t in techs for d in days}
    requests = []
    for i in range(n_req):
        z = rng.choice(served)
        due = days[rng.randrange(2, 20)]
        requests.append(PlanRequest(i, z, (centroids[z].lat, centroids[z].lon), due, (due, i)))
    return requests, techs, days, free


def _day_timeline_fits(tech, stops, hours_by_window) -> bool:
    """Walk a day in stop order from home at 8:00: each visit starts inside its window, home by
    the last window's end (an independent check of the planner's own rule)."""
    clock, here = DAY[0][0], tech.home
    for point, window_id in stops:
        clock += DRIVE.drive_minutes(haversine_km(here, point))
        start, end = hours_by_window[window_id]
        clock = max(clock, start)
        if clock > end:
            return False
        clock += DRIVE.service_minutes
        here = point
    clock += DRIVE.drive_minutes(haversine_km(here, tech.home))
    return clock <= DAY[-1][1]


def test_no_technician_day_goes_past_the_working_day_and_what_cannot_fit_is_reported():
    # Territories 90 km wide: some stops are too far to share a day with many others.
    requests, techs, days, free = _territory(n_tech=4, n_req=500, seed=5, radius_km=90)
    # One request far outside any day's reach: a ZIP 400+ km from its only technician's home.
    far = next(
        z
        for z, c in sorted(zip_centroids().items())
        if haversine_km(techs[0].home, (c.lat, c.lon)) > 300
    )
    c = zip_centroids()[far]
    techs[0] = PlanTechnician(
        techs[0].id, techs[0].home, techs[0].territory | {far}, techs[0].window_ids, DAY
    )
    requests.append(PlanRequest(9999, far, (c.lat, c.lon), days[-1], (days[-1], 9999)))

    plan = plan_schedule(
        requests=requests,
        technicians=techs,
        days=days,
        free=free,
        drive=DRIVE,
        time_limit=0.5,
        clock=StepClock(),
    )

    by_id = {t.id: t for t in techs}
    point_of = {r.id: r.point for r in requests}
    days_stops: dict = {}
    for a in sorted(plan.assignments, key=lambda a: a.route_order):
        days_stops.setdefault((a.technician_id, a.day), []).append(
            (point_of[a.request_id], a.window_id)
        )
    assert days_stops
    for (tech_id, _day), stops in days_stops.items():
        tech = by_id[tech_id]
        hours = dict(zip(tech.window_ids, DAY, strict=True))
        assert _day_timeline_fits(tech, stops, hours)
    assert (9999, "no_capacity") in plan.unplaced
    assert 9999 not in {a.request_id for a in plan.assignments}


def _brute_force(demands, places) -> int:
    options = [
        [None] + [key for key in places if key[0] in techs and key[1] <= due]
        for techs, due in demands
    ]
    best = 0
    for choice in itertools.product(*options):
        used = Counter(c for c in choice if c is not None)
        if all(n <= places[key] for key, n in used.items()):
            best = max(best, sum(used.values()))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_the_flow_check_equals_brute_force_and_the_planner_reaches_it(seed):
    rng = random.Random(seed)
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(3)]
    tech_ids = [1, 2, 3][: rng.randint(1, 3)]
    places = {(t, d): rng.randint(0, 2) for t in tech_ids for d in days}
    zips = {"A": {tech_ids[0]}, "B": set(tech_ids[-1:]), "C": set(tech_ids)}
    requests = []
    for i in range(rng.randint(1, 6)):
        zip_code = rng.choice(sorted(zips))
        requests.append(PlanRequest(i, zip_code, (34.0 + i / 100, -118.0), rng.choice(days), (i,)))
    demands = [(frozenset(zips[r.zip]), r.due) for r in requests]

    possible = max_on_time(demands=demands, places=places)

    assert possible == _brute_force(demands, places)
    techs = [
        PlanTechnician(t, (34.0, -118.0), frozenset(z for z, ts in zips.items() if t in ts), (t,))
        for t in tech_ids
    ]
    free = {key: {key[0]: n} for key, n in places.items()}
    plan = plan_schedule(requests=requests, technicians=techs, days=days, free=free)
    assert plan.on_time_possible == possible
    assert sum(a.within_target for a in plan.assignments) == possible


def test_the_improvement_phase_keeps_territory_places_time_off_and_targets():
    requests, techs, days, free = _territory(n_tech=6, n_req=450, seed=11)
    # Technician 2 is off the second week, technician 3 has half a day left on day 5 and a
    # customer's visit already booked there.
    for day in days[5:10]:
        free.pop((2, day))
    free[(3, days[5])] = {31: 0, 32: 2}
    booked = FixedStop(visit_id=77, point=techs[2].home, window_id=31)
    due_of = {r.id: r.due for r in requests}
    zip_of = {r.id: r.zip for r in requests}

    plan = plan_schedule(
        requests=requests,
        technicians=techs,
        days=days,
        free=free,
        fixed={(3, days[5]): [booked]},
        drive=DRIVE,
        time_limit=1.5,
        clock=StepClock(),
    )

    assert plan.timings["improvement"] > 0
    by_id = {t.id: t for t in techs}
    used = Counter((a.technician_id, a.day, a.window_id) for a in plan.assignments)
    for (tech_id, day, window_id), n in used.items():
        assert (tech_id, day) in free  # a working day, not time off
        assert n <= free[(tech_id, day)][window_id]
    for a in plan.assignments:
        assert zip_of[a.request_id] in by_id[a.technician_id].territory
        assert a.within_target == (a.day <= due_of[a.request_id])
    on_time = sum(a.within_target for a in plan.assignments)
    # The drive-aware check is a relaxation: it may promise a few more than any plan can do.
    assert 0.95 * plan.on_time_possible <= on_time <= plan.on_time_possible


def test_a_request_that_needs_a_whole_day_gets_one_by_moving_that_days_requests_elsewhere():
    # Technician A lives next to two requests; B a few km further. F is 140 km out, in A's
    # territory only: a round trip there fills A's working day, so F fits only a day of its own.
    a_home, b_home = (34.0, -118.0), (34.05, -118.0)
    near, far = (34.01, -118.0), (34.0, -116.482)
    assert 135 < haversine_km(a_home, far) < 144
    day = dt.date(2026, 12, 1)
    techs = [
        PlanTechnician(1, a_home, frozenset({"near", "far"}), (11, 12), DAY),
        PlanTechnician(2, b_home, frozenset({"near"}), (21, 22), DAY),
    ]
    free = {(t.id, day): {t.window_ids[0]: 4, t.window_ids[1]: 4} for t in techs}
    requests = [
        PlanRequest(1, "near", near, day, (0,)),  # planned first: both go to A, the nearer
        PlanRequest(2, "near", near, day, (1,)),
        PlanRequest(3, "far", far, day, (2,)),
    ]

    plan = plan_schedule(
        requests=requests, technicians=techs, days=[day], free=free, drive=DRIVE, time_limit=5
    )

    assert plan.unplaced == []
    assert all(a.within_target for a in plan.assignments)
    by_request = {a.request_id: a.technician_id for a in plan.assignments}
    assert by_request == {1: 2, 2: 2, 3: 1}


def test_a_late_request_takes_an_on_time_day_that_opened_after_it_was_placed():
    home, near = (34.0, -118.0), (34.01, -118.0)
    days = [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    tech = PlanTechnician(1, home, frozenset({"near"}), (11, 12), DAY)
    free = {(1, d): {11: 4, 12: 4} for d in days}
    request = PlanRequest(1, "near", near, days[0], (0,))
    planner = _one_technicians_planner([request], tech, days, free)
    planner.place(0, 1, [0])  # booked late, on the second day, when the first had no room
    assert not planner.on_time[0]

    assert planner.catch_up(until=float("inf")) == 1

    assert planner.day_of[0] == 0
    assert planner.on_time[0]
    assert planner.key_left == [7, 8]


def _one_technicians_planner(requests, tech, days, free):
    """A planning run's state before any request is placed (reach worked out), no deadline."""
    from scheduling.planner import _Planner

    planner = _Planner(
        requests=requests,
        technicians=[tech],
        days=days,
        free=free,
        fixed={},
        drive=DRIVE,
        deadline=float("inf"),
        rng=random.Random(3),
    )
    planner._reach()
    return planner


def test_ruin_and_recreate_gathers_a_zip_spread_over_two_days_and_keeps_every_rule():
    home, north, south = (34.0, -118.0), (34.27, -118.0), (33.73, -118.0)
    days = [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    tech = PlanTechnician(1, home, frozenset({"north", "south"}), (11, 12), DAY)
    free = {(1, d): {11: 1, 12: 1} for d in days}  # two places a day: no single move fits
    requests = [
        PlanRequest(1, "north", north, days[1], (0,)),
        PlanRequest(2, "south", south, days[1], (1,)),
        PlanRequest(3, "north", north, days[1], (2,)),
        PlanRequest(4, "south", south, days[1], (3,)),
    ]
    planner = _one_technicians_planner(requests, tech, days, free)
    planner.place(0, 0, [0])
    planner.place(1, 0, [0, 1])  # north and south the same day, twice
    planner.place(2, 1, [2])
    planner.place(3, 1, [2, 3])
    scattered = planner.route_km(0, planner.route[0]) + planner.route_km(1, planner.route[1])

    saved = planner.ruin_and_recreate(until=float("inf"))

    gathered = planner.route_km(0, planner.route[0]) + planner.route_km(1, planner.route[1])
    assert gathered < scattered - 50
    assert saved == pytest.approx(scattered - gathered)
    for k in (0, 1):
        assert len({requests[s].zip for s in planner.route[k]}) == 1
        assert len(planner.route[k]) == 2 and planner.key_left[k] == 0
        assert planner.fits(k, planner.route[k])
    assert all(planner.on_time)


def test_ruin_and_recreate_leaves_a_plan_of_one_visit_alone():
    tech = PlanTechnician(1, (34.0, -118.0), frozenset({"north"}), (11, 12), DAY)
    day = dt.date(2026, 12, 1)
    request = PlanRequest(1, "north", (34.27, -118.0), day, (0,))
    planner = _one_technicians_planner([request], tech, [day], {(1, day): {11: 1, 12: 1}})
    planner.place(0, 0, [0])

    assert planner.ruin_and_recreate(until=float("inf")) == 0.0
    assert planner.route == [[0]] and planner.key_left == [1]


def _point_at(home, km: float, bearing: float):
    lat = home[0] + km / 111.0 * math.cos(math.radians(bearing))
    lon = home[1] + km / (111.0 * math.cos(math.radians(home[0]))) * math.sin(math.radians(bearing))
    return (lat, lon)


def _day_can_hold(home, points, places) -> bool:
    """Any visiting order and any windows (in order, places per window): the day fits."""
    n = len(points)
    for order in itertools.permutations(range(n)):
        for windows in itertools.product(range(len(DAY)), repeat=n):
            if list(windows) != sorted(windows):
                continue
            if any(windows.count(w) > places[w] for w in range(len(DAY))):
                continue
            if _day_timeline_fits_points(home, [points[i] for i in order], windows):
                return True
    return False


def _day_timeline_fits_points(home, points, windows) -> bool:
    clock, here = DAY[0][0], home
    for point, window in zip(points, windows, strict=True):
        clock = max(clock + DRIVE.drive_minutes(haversine_km(here, point)), DAY[window][0])
        if clock > DAY[window][1]:
            return False
        clock += DRIVE.service_minutes
        here = point
    return clock + DRIVE.drive_minutes(haversine_km(here, home)) <= DAY[-1][1]


def _brute_force_driving(requests, techs, days, places) -> int:
    """The most requests on time over every assignment to (technician, day) or late."""
    homes = {t.id: t.home for t in techs}
    options = [
        [None] + [(t.id, d) for t in techs if r.zip in t.territory for d in days if d <= r.due]
        for r in requests
    ]
    holds: dict = {}
    best = 0
    for choice in itertools.product(*options):
        count = sum(c is not None for c in choice)
        if count <= best:
            continue
        days_points: dict = {}
        for request, key in zip(requests, choice, strict=True):
            if key is not None:
                days_points.setdefault(key, []).append(request.point)
        for key, points in days_points.items():
            memo = (key[0], tuple(sorted(points)))
            if memo not in holds:
                holds[memo] = _day_can_hold(homes[key[0]], points, places)
            if not holds[memo]:
                break
        else:
            best = count
    return best


# Nothing next door: every ZIP of the area 60-140 km out.
FAR_KM = (60, 100, 120, 140)


def _same_places(rng, techs, days, places):
    """Draw the places of a morning and an afternoon window (``places``: a range) and give
    every technician-day those: returns (free, [morning, afternoon])."""
    window_places = [rng.randint(*places), rng.randint(*places)]
    free = {
        (t.id, d): {t.window_ids[0]: window_places[0], t.window_ids[1]: window_places[1]}
        for t in techs
        for d in days
    }
    return free, window_places


def _remote_instance(
    seed: int,
    *,
    days=(1, 3),
    zips="ABCD",
    second_technician=0.5,
    km=(10, 60, 100, 120, 140),
    requests=(2, 6),
    places=(1, 3),
):
    """1-3 days, one or two technicians, up to six requests 10-140 km out in four directions.

    The keywords widen it: how many days and requests (ranges), which ZIPs (the second
    technician, with that chance, serves all but the first two), how far out each may be, the
    places per window (a range).
    """
    rng = random.Random(seed)
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(rng.randint(*days))]
    home = (34.5, -116.0)
    techs = [PlanTechnician(1, home, frozenset(zips), (1, 2), DAY)]
    if rng.random() < second_technician:
        techs.append(PlanTechnician(2, _point_at(home, 40, 90), frozenset(zips[2:]), (3, 4), DAY))
    points = {z: _point_at(home, rng.choice(km), rng.choice([0, 45, 90, 180])) for z in zips}
    chosen = []
    for i in range(rng.randint(*requests)):
        zip_code = rng.choice(zips)
        chosen.append(PlanRequest(i, zip_code, points[zip_code], rng.choice(days), (i,)))
    free, window_places = _same_places(rng, techs, days, places)
    return chosen, techs, days, free, window_places


@pytest.mark.parametrize("seed", range(80))
def test_the_drive_aware_check_never_promises_less_than_brute_force_and_the_planner_reaches_it(
    seed,
):
    # Remote requests (a 140 km visit fills a working day) make the places-only flow promise
    # too much; the drive-aware check is a relaxation, so it may promise more than brute force
    # finds but never less, and on these tiny instances the planner finds what brute force does.
    requests, techs, days, free, places = _remote_instance(seed)
    best = _brute_force_driving(requests, techs, days, places)

    plan = plan_schedule(
        requests=requests, technicians=techs, days=days, free=free, drive=DRIVE, time_limit=2
    )

    assert plan.on_time_possible >= best
    assert sum(a.within_target for a in plan.assignments) == best


# Two technicians, two or three days, five to seven requests: the wider family the tests below
# take seeds of (with their places and ZIPs).
FIVE_TO_SEVEN = {"days": (2, 3), "requests": (5, 7), "second_technician": 1.0}


# Seeds of the wider family below where packing a technician's days latest first, each as full
# as it can be, left one request late that brute force puts on time: 13 of the first 200. With
# the day-pattern packing the planner reaches brute force on all 200.
LATEST_FIRST_MISSES = [2, 10, 22, 32, 44, 55, 64, 78, 96, 99, 142, 164, 192]


@pytest.mark.parametrize("seed", LATEST_FIRST_MISSES)
def test_where_a_day_holds_few_visits_the_planner_puts_as_many_on_time_as_brute_force(seed):
    # One technician, two to four days, five to seven requests 60-140 km out (a day holds one
    # to five of them): which visits share a day decides how many can be on time, and the
    # fullest day first is not always the choice that serves the most.
    requests, plan, best = _planned_and_brute_forced(
        seed, days=(2, 4), requests=(5, 7), second_technician=0.0, places=(2, 4)
    )

    assert sum(a.within_target for a in plan.assignments) == best
    assert len(plan.assignments) + len(plan.unplaced) == len(requests)


def test_a_request_due_later_leaves_the_other_technicians_place_to_one_due_sooner():
    # Two technicians share C and D (60-140 km out). Packing technician 1's days sends the
    # shared requests to technician 2's free places first; taken in the order they were on
    # the days, one due on the third day took technician 2's place on the first, which the
    # one due on the first day needed, so one request stayed late that brute force puts on
    # time (seed 148 of this family; 1 of the first 150 seeds fell short, 0 now).
    requests, plan, best = _planned_and_brute_forced(
        148, days=(2, 3), requests=(4, 6), second_technician=1.0, places=(1, 3)
    )

    assert best == len(requests)
    assert sum(a.within_target for a in plan.assignments) == best


@pytest.mark.parametrize("seed", [177, 374, 466])
def test_the_other_technician_empties_a_day_to_drive_out_to_the_shared_requests(seed):
    # The seeds of the family above that still fell one short of brute force (3 of 600): the
    # last on-time request needs a day of technician 2's, full of its own nearer visits, to
    # drive out to a shared ZIP, its own visits moving to its other days (still on time). No
    # single move or insertion does that; the day-pattern packing now empties such days first.
    # The emptied day visits only ZIPs of technician 2's territory.
    family = {"days": (2, 3), "requests": (4, 6), "second_technician": 1.0, "places": (1, 3)}
    requests, plan, best = _planned_and_brute_forced(seed, **family)
    territory = {t.id: t.territory for t in _remote_instance(seed, **family)[1]}
    zip_of = {r.id: r.zip for r in requests}

    assert sum(a.within_target for a in plan.assignments) == best
    assert len(plan.assignments) == len(requests)
    assert all(zip_of[a.request_id] in territory[a.technician_id] for a in plan.assignments)


@pytest.mark.parametrize(
    ("seed", "places", "zips"),
    [
        (264, (1, 2), "ABCD"),
        (334, (1, 2), "ABCD"),
        (396, (1, 2), "ABCD"),
        (19, (1, 3), "ABCDE"),
        (22, (1, 3), "ABCDE"),
        (118, (1, 3), "ABCDE"),
        (170, (1, 3), "ABCDE"),
    ],
)
def test_shared_visits_that_cannot_move_off_the_other_technicians_day_join_the_packing(
    seed, places, zips
):
    # Wider families (five to seven requests): technician 2's day holds a shared visit due as
    # early as the day itself, so it cannot move and the day could not be emptied; the packing
    # of technician 1's days then left one request late that brute force puts on time. Such a
    # visit now joins the packing (a fourth packing, kept only when more are on time), which
    # may put it on technician 1's day and send technician 2's day out for another.
    family = {**FIVE_TO_SEVEN, "places": places, "zips": zips}
    _assert_brute_force_reached(seed, **family)


@pytest.mark.parametrize(
    ("seed", "places", "zips"), [(455, (1, 2), "ABCD"), (176, (1, 3), "ABCDE")]
)
def test_a_day_is_emptied_before_the_shared_requests_take_the_free_places_its_visits_need(
    seed, places, zips
):
    # The last seeds of the two families above that fell one short of brute force. Technician
    # 2's first day held one visit; its second day was free. The packing first sent a shared
    # request to that free day, so the first day's visit had nowhere to move, the day could
    # not be emptied, and technician 1's late request kept its place taken by the shared ones.
    # Brute force empties technician 2's first day (its visit moves to the second) and sends
    # it out for the shared requests. Days are now emptied before the free places are handed out.
    family = {**FIVE_TO_SEVEN, "places": places, "zips": zips}
    _assert_brute_force_reached(seed, **family)


@pytest.mark.parametrize("seed", [49, 65])
def test_eight_requests_on_two_days_of_three_places_are_on_time_as_brute_force_allows(seed):
    # Two days, two windows of one or two places, seven or eight requests 60-140 km out in
    # five ZIPs: 2 of the first 150 seeds fell one short of brute force. Seed 49: a day of one
    # visit to B and two to A fits only with the A's first (the morning's two places), and the
    # pattern listing kept one order per multiset, B's first, so it never listed the day.
    # Seed 65: technician 2's first day empties for the shared E's and its C due on the second
    # day joins the packing, but technician 1's packing covered only its first day, so the C
    # had no day there and the packing gained nothing; technician 1's later days with room now
    # take part.
    family = {
        "days": (2, 2),
        "requests": (7, 8),
        "second_technician": 1.0,
        "places": (1, 2),
        "zips": "ABCDE",
    }
    _assert_brute_force_reached(seed, **family)


def test_an_emptied_day_takes_only_its_technicians_zips_where_two_zips_share_a_point():
    # Five ZIPs, seed 1: B (technician 1's alone) and E (shared) fall on one point. The packing
    # counted requests by point, so technician 2's emptied day took B's request as one of E's:
    # a visit outside its territory, and one more on time than brute force allows.
    family = {**FIVE_TO_SEVEN, "places": (1, 3), "zips": "ABCDE"}
    requests, plan, best = _planned_and_brute_forced(1, **family)
    territory = {t.id: t.territory for t in _remote_instance(1, **family)[1]}
    by_id = {r.id: r for r in requests}
    assert by_id[1].point == by_id[3].point and {by_id[1].zip, by_id[3].zip} == {"B", "E"}

    assert all(by_id[a.request_id].zip in territory[a.technician_id] for a in plan.assignments)
    assert sum(a.within_target for a in plan.assignments) == best


def _three_technician_instance(
    seed: int, *, days=(2, 2), requests=(5, 7), places=(1, 2), km=(10, 60, 100, 140), own=0.4
):
    """Two days (a range), three technicians: 1 at home serving ZIPs A-F (10-140 km out, eight
    directions), 2 40 km east sharing C, D and E, 3 40 km west sharing A, B and F; each of 2
    and 3 also has a ZIP of its own 15 km from its home (X, Y), where a request falls with the
    chance ``own``. Places per window: a range, the same for all."""
    rng = random.Random(seed)
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(rng.randint(*days))]
    home = (34.5, -116.0)
    east, west = _point_at(home, 40, 90), _point_at(home, 40, 270)
    techs = [
        PlanTechnician(1, home, frozenset("ABCDEF"), (1, 2), DAY),
        PlanTechnician(2, east, frozenset("CDEX"), (3, 4), DAY),
        PlanTechnician(3, west, frozenset("ABFY"), (5, 6), DAY),
    ]
    points = {z: _point_at(home, rng.choice(km), rng.choice(range(0, 360, 45))) for z in "ABCDEF"}
    points["X"] = _point_at(east, 15, rng.choice([0, 90, 180]))
    points["Y"] = _point_at(west, 15, rng.choice([0, 180, 270]))
    chosen = []
    for i in range(rng.randint(*requests)):
        zip_code = rng.choice("XY") if rng.random() < own else rng.choice("ABCDEF")
        chosen.append(PlanRequest(i, zip_code, points[zip_code], rng.choice(days), (i,)))
    free, window_places = _same_places(rng, techs, days, places)
    return chosen, techs, days, free, window_places


@pytest.mark.parametrize(
    ("seed", "family"),
    [
        (192, {}),
        (14, {"requests": (7, 8), "places": (1, 3)}),
        (217, {"requests": (7, 8), "places": (1, 2), "own": 0.0, "km": FAR_KM}),
        (122, {"requests": (7, 8), "places": (1, 2), "own": 0.0, "km": FAR_KM}),
        (90, {"days": (3, 3), "requests": (7, 8), "places": (1, 1), "own": 0.2, "km": FAR_KM}),
        (82, {"days": (3, 3), "requests": (7, 8), "places": (1, 2), "own": 0.4, "km": FAR_KM}),
    ],
)
def test_with_three_technicians_as_many_are_on_time_as_brute_force_allows(seed, family):
    # Three technicians, two of them sharing ZIPs with the first, each with a ZIP of its own
    # next door: 1 of 400 seeds (192) and 1 of 300 with seven or eight requests (14) fell one
    # short of brute force. 192: a visit 100 km out fitted technician 3's day only after its
    # two visits next door, not at its cheapest place before them (the morning's places gone
    # by the time they were reached), and only the cheapest place was tried. 14: technician
    # 1's day had to swap a shared visit with technician 3's day and hand another to
    # technician 2's, for the late request 100 km out; the packings took only technician 1's
    # own days apart, so a fifth pulls in the shared visits of the neighbours' days too.
    # 217 (1 of 300, nothing next door): the request 120 km west fits only technician 1's
    # day 1, which holds two visits 100 km south that technician 2 can take on its day 1 only
    # if its two visits 60 km out leave it, one for technician 1's day 1, one for technician
    # 2's empty day 2. The pulled visits were handed to the neighbours' free places one by one
    # (both back on technician 2's day 1); the neighbours' days with room now take part in
    # the pattern search. 90 (three days, one place a window, 1 of 300): the request 120 km
    # out must be late for technician 1's day to take two others, one of them off technician
    # 3's day, which then has room for technician 3's own request still without a day; such
    # requests join the search too. 122: one of them, outside technician 1's territory, was
    # put on technician 1's day. 82 (three days, 1 of 200): technician 1's day 1 must take B
    # (140 km out, or technician 3's own Y is late), its two visits 60 km west (D, which
    # technician 3 may not serve) move to technician 2's day 1, whose visit 115 km out moves
    # to day 3: a neighbour's day empties only through a chain of moves (an augmenting path).
    requests, techs, days, free, places = _three_technician_instance(seed, **family)
    plan = _plan_in_steps(requests, techs, days, free, steps=30_000)
    territory = {t.id: t.territory for t in techs}
    zip_of = {r.id: r.zip for r in requests}

    assert sum(a.within_target for a in plan.assignments) == _brute_force_driving(
        requests, techs, days, places
    )
    assert len(plan.assignments) + len(plan.unplaced) == len(requests)
    assert all(zip_of[a.request_id] in territory[a.technician_id] for a in plan.assignments)


def _desert_with_a_busy_neighbour(seed: int):
    """Three to five days, two technicians: 1 at home serving A (140 km out: a visit fills a
    working day), B and C (60-120 km) and S, which it shares with 2, 60-100 km east, whose own
    X, Y and Z are 10-20 km from its home; ten to eighteen requests, S and the neighbour's own
    ZIPs the likeliest; one to three places a window, the same for all."""
    rng = random.Random(seed)
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(rng.randint(3, 5))]
    home = (34.5, -116.0)
    east = _point_at(home, rng.choice([60, 80, 100]), 90)
    techs = [
        PlanTechnician(1, home, frozenset("ABCS"), (1, 2), DAY),
        PlanTechnician(2, east, frozenset("SXYZ"), (3, 4), DAY),
    ]
    points = {
        "A": _point_at(home, 140, rng.choice([0, 180, 270])),
        "B": _point_at(home, rng.choice([60, 100]), rng.choice([0, 180, 270])),
        "C": _point_at(home, rng.choice([60, 100, 120]), rng.choice([0, 180, 270])),
        "S": _point_at(home, rng.choice([40, 60]), rng.choice([45, 90, 135])),
        "X": _point_at(east, 10, 0),
        "Y": _point_at(east, 20, 90),
        "Z": _point_at(east, 15, 180),
    }
    requests = []
    for i in range(rng.randint(10, 18)):
        zip_code = rng.choices("ABCSXYZ", weights=[2, 2, 2, 3, 3, 3, 3])[0]
        requests.append(PlanRequest(i, zip_code, points[zip_code], rng.choice(days), (i,)))
    window_places = (rng.randint(1, 3), rng.randint(1, 3))
    free = {
        (t.id, d): {t.window_ids[0]: window_places[0], t.window_ids[1]: window_places[1]}
        for t in techs
        for d in days
    }
    return requests, techs, days, free


@pytest.mark.parametrize("seed", [90, 156])
def test_a_desert_area_planned_first_has_as_many_on_time_as_the_check_allows(seed):
    # Seeds 90 and 156 of 300 of this family: placed as usual, technician 2's days fill with
    # its own visits next door before the shared S's, and emptying one of them an augmenting
    # path at a time frees none, so one request stayed late that the drive-aware check (an
    # upper bound) allows on time. With technician 1's area planned first (its days for A, B
    # and C, the S's on technician 2's latest days, everything else around them as booked
    # stops) the plan reaches the check. The area's visits keep their days, windows and route
    # order: every request booked once or reported, each day in order 1, 2, ... within its
    # working day, inside its technician's territory.
    requests, techs, days, free = _desert_with_a_busy_neighbour(seed)

    plan = _plan_in_steps(requests, techs, days, free, steps=30_000)

    assert sum(a.within_target for a in plan.assignments) == plan.on_time_possible
    booked = Counter(a.request_id for a in plan.assignments)
    reported = Counter(pk for pk, _reason in plan.unplaced)
    assert booked + reported == Counter(r.id for r in requests)
    by_id = {r.id: r for r in requests}
    tech_of = {t.id: t for t in techs}
    days_of: dict = {}
    for a in plan.assignments:
        assert by_id[a.request_id].zip in tech_of[a.technician_id].territory
        assert a.day <= by_id[a.request_id].due or not a.within_target
        days_of.setdefault((a.technician_id, a.day), []).append(a)
    for (tech_id, _day), visits in days_of.items():
        tech = tech_of[tech_id]
        visits.sort(key=lambda a: a.route_order)
        assert [a.route_order for a in visits] == list(range(1, len(visits) + 1))
        hours = dict(zip(tech.window_ids, DAY, strict=True))
        stops = [(by_id[a.request_id].point, a.window_id) for a in visits]
        assert _day_timeline_fits(tech, stops, hours)


def _booked_near_home(techs, days, where) -> dict:
    """Visits booked before: for each (technician, day index) of ``where``, one 5, 10, 15 ...
    km north of the technician's home, in its first window, then its second, by turns."""
    fixed = {}
    for j, (tech_id, di) in enumerate(where):
        tech = next(t for t in techs if t.id == tech_id)
        point = _point_at(tech.home, 5 + 5 * j, 0)
        fixed[tech_id, days[di]] = [FixedStop(9001 + j, point, tech.window_ids[j % 2])]
    return fixed


def _assert_days_keep_their_booked_visits(plan, requests, techs, free, fixed) -> None:
    """Every request booked or reported once; each day in order 1, 2, ... with its booked
    visits among them (``plan.reorders``), within its working day, no window over its free
    places."""
    booked = Counter(a.request_id for a in plan.assignments)
    reported = Counter(pk for pk, _reason in plan.unplaced)
    assert booked + reported == Counter(r.id for r in requests)
    by_id = {r.id: r for r in requests}
    tech_of = {t.id: t for t in techs}
    days_of: dict = defaultdict(list)
    for a in plan.assignments:
        days_of[a.technician_id, a.day].append(
            (a.route_order, by_id[a.request_id].point, a.window_id)
        )
    for key, stops in fixed.items():
        for stop in stops:
            if key in days_of:
                order = plan.reorders[stop.visit_id]
                days_of[key].append((order, stop.point, stop.window_id))
    for (tech_id, day), stops in days_of.items():
        stops.sort()
        assert [order for order, _point, _window in stops] == list(range(1, len(stops) + 1))
        tech = tech_of[tech_id]
        hours = dict(zip(tech.window_ids, DAY, strict=True))
        assert _day_timeline_fits(tech, [(point, window) for _o, point, window in stops], hours)
        in_window = Counter(
            a.window_id for a in plan.assignments if (a.technician_id, a.day) == (tech_id, day)
        )
        assert all(in_window[w] <= free[tech_id, day][w] for w in in_window)


def _plan_with_booked(requests, techs, days, free, fixed):
    return plan_schedule(
        requests=requests,
        technicians=techs,
        days=days,
        free=free,
        fixed=fixed,
        drive=DRIVE,
        time_limit=30_000 * STEP,
        clock=StepClock(),
    )


def test_a_day_the_area_planned_first_fills_keeps_its_booked_visit_and_its_order():
    # Seed 100 with a visit booked before on every day of both technicians: the area's visits
    # fill technician 1's first day and technician 2's last (their places all taken, so the
    # plan around the area has no such day), and another day of technician 1 holds two of
    # them, one in each window, with the booked afternoon visit 30 km north. Each day keeps
    # the area plan's order (the booked afternoon visit between the two, it did not fit).
    requests, techs, days, free = _desert_with_a_busy_neighbour(100)
    fixed = _booked_near_home(techs, days, [(2, -1), (1, 0), (1, -1), (2, 0), (2, -2), (1, -2)])

    plan = _plan_with_booked(requests, techs, days, free, fixed)

    _assert_days_keep_their_booked_visits(plan, requests, techs, free, fixed)


def _assert_brute_force_reached(seed: int, **family) -> None:
    """Plan a ``_remote_instance`` 60-140 km out (``_planned_and_brute_forced``) and assert: as
    many on time as brute force, every request booked or reported once, every visit inside its
    technician's territory."""
    requests, plan, best = _planned_and_brute_forced(seed, **family)
    territory = {t.id: t.territory for t in _remote_instance(seed, **family)[1]}
    zip_of = {r.id: r.zip for r in requests}

    assert sum(a.within_target for a in plan.assignments) == best
    assert len(plan.assignments) + len(plan.unplaced) == len(requests)
    assert all(zip_of[a.request_id] in territory[a.technician_id] for a in plan.assignments)


def _planned_and_brute_forced(seed: int, **family):
    """A ``_remote_instance`` 60-140 km out (``family``: its other keywords): its requests, the
    plan on a budget of 30,000 clock steps, and the most on time by brute force."""
    requests, techs, days, free, places = _remote_instance(seed, km=FAR_KM, **family)
    plan = _plan_in_steps(requests, techs, days, free, steps=30_000)
    return requests, plan, _brute_force_driving(requests, techs, days, places)


def _plan_in_steps(requests, techs, days, free, steps: int = 1000):
    """Plan with the drive model on a budget of ``steps`` clock steps: the same plan anywhere."""
    return plan_schedule(
        requests=requests,
        technicians=techs,
        days=days,
        free=free,
        drive=DRIVE,
        time_limit=steps * STEP,
        clock=StepClock(),
    )


def test_a_request_a_packing_took_off_its_day_is_still_booked_late():
    # One technician, four days of five places. Three requests due on the first day: 60 and
    # 120 km north fit one day together, 100 km south does not fit with them. The packing for
    # the late one took the south request off its day to serve the two north ones; it found no
    # on-time day again and was neither booked nor reported (found in the 10,000-request
    # benchmark: 12 requests lost). It is booked on the first day with room after its target.
    home = (34.5, -116.0)
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(4)]
    techs = [PlanTechnician(1, home, frozenset("ABCDE"), (1, 2), DAY)]
    requests = [
        PlanRequest(0, "D", _point_at(home, 100, 180), days[0], (0,)),
        PlanRequest(1, "E", _point_at(home, 140, 45), days[1], (1,)),
        PlanRequest(2, "A", _point_at(home, 120, 0), days[0], (2,)),
        PlanRequest(3, "B", _point_at(home, 120, 45), days[3], (3,)),
        PlanRequest(4, "C", _point_at(home, 60, 0), days[0], (4,)),
    ]

    plan = _plan_in_steps(requests, techs, days, {(1, d): {1: 4, 2: 1} for d in days})

    by_request = {a.request_id: a for a in plan.assignments}
    assert sorted(by_request) == [0, 1, 2, 3, 4]
    assert plan.unplaced == []
    assert (by_request[0].day, by_request[0].within_target) == (days[3], False)
    assert sum(a.within_target for a in plan.assignments) == 4


@pytest.mark.parametrize("seed", range(40))
def test_every_request_is_booked_once_or_reported(seed):
    # Remote requests crowding a few days (up to twelve on four days) make the repair and the
    # packings move requests around; whatever they do, each request ends on one day or in the
    # report, never both and never neither. Before the repair placed every request left
    # without a day, seeds 0, 1, 7, 14, 23, 30 and 36 each lost one or more.
    requests, techs, days, free, _places = _remote_instance(
        seed,
        days=(2, 4),
        zips="ABCDE",
        second_technician=0.6,
        km=(2, 10, 60, 100, 120, 140),
        requests=(4, 12),
        places=(1, 4),
    )

    plan = _plan_in_steps(requests, techs, days, free)

    booked = Counter(a.request_id for a in plan.assignments)
    reported = Counter(pk for pk, _reason in plan.unplaced)
    assert booked + reported == Counter(r.id for r in requests)


@pytest.mark.parametrize("seed", [126, *range(40)])
def test_a_request_reported_for_lack_of_capacity_fits_on_no_day_of_the_final_plan(seed):
    # The repair reports a request that no day has room for; the improvement phase after it
    # moves visits between days and can free a place the request fits in. It is then booked
    # there, not reported: seed 126 of this family (two technicians, two days of two places)
    # ended with 6 on time and one reported although technician 1's first day had a free place
    # it fitted in, on time (brute force: 7 on time).
    requests, techs, days, free, _places = _remote_instance(
        seed,
        days=(2, 3),
        km=FAR_KM,
        requests=(5, 7),
        second_technician=1.0,
        places=(1, 2),
    )
    from scheduling.planner import _Planner

    clock = StepClock()
    planner = _Planner(
        requests=requests,
        technicians=techs,
        days=days,
        free=free,
        fixed={},
        drive=DRIVE,
        deadline=clock() + 30_000 * STEP,
        rng=random.Random(0),
        clock=clock,
    )

    plan = planner.run()

    reported = {pk for pk, _reason in plan.unplaced}
    for r, request in enumerate(requests):
        if request.id in reported:
            assert planner._cheapest_fit(r, planner.candidate_keys(r, len(days))) is None
    if seed == 126:
        assert (len(reported), sum(a.within_target for a in plan.assignments)) == (0, 7)


def test_the_drive_aware_check_counts_a_day_a_remote_visit_fills():
    # Three requests 140 km out (a day each) and eight next door, two days of eight places,
    # all due on the second day: places alone say all eleven; driving says nine at most
    # (8 next door on one day, one remote visit on the other).
    home = (34.5, -116.0)
    far, near = _point_at(home, 140, 90), _point_at(home, 2, 0)
    days = [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    demands = [DrivingDemand(frozenset({1}), days[1], 1)] * 3 + [
        DrivingDemand(frozenset({1}), days[1], 8)
    ] * 8
    places = {(1, d): 8 for d in days}

    answer = max_on_time_driving(demands=demands, places=places, day_places=places)

    assert max_on_time(demands=[(d.techs, d.due) for d in demands], places=places) == 11
    assert answer.bound == 9
    assert answer.share[3:] == [1.0] * 8
    techs = [PlanTechnician(1, home, frozenset({"far", "near"}), (1, 2), DAY)]
    requests = [PlanRequest(i, "far", far, days[1], (i,)) for i in range(3)] + [
        PlanRequest(10 + i, "near", near, days[1], (10 + i,)) for i in range(8)
    ]
    free = {(1, d): {1: 4, 2: 4} for d in days}
    plan = plan_schedule(
        requests=requests, technicians=techs, days=days, free=free, drive=DRIVE, time_limit=2
    )
    assert plan.on_time_possible == 9
    assert sum(a.within_target for a in plan.assignments) == 9


def test_a_visit_after_the_morning_window_has_closed_takes_the_afternoon_window():
    # 121 km out (about 3 h 9 min each way): arriving at 11:09, two visits start in the
    # morning window and the third at 12:09 in the afternoon one, home by 15:48. The morning
    # window still has places, but one that has closed is not handed out.
    home = (34.5, -116.0)
    point = _point_at(home, 121, 90)
    day = dt.date(2026, 12, 1)
    techs = [PlanTechnician(1, home, frozenset({"far"}), (1, 2), DAY)]
    requests = [PlanRequest(i, "far", point, day, (i,)) for i in range(4)]

    plan = plan_schedule(
        requests=requests,
        technicians=techs,
        days=[day],
        free={(1, day): {1: 4, 2: 4}},
        drive=DRIVE,
        time_limit=2,
    )

    windows = [a.window_id for a in sorted(plan.assignments, key=lambda a: a.route_order)]
    assert windows == [1, 1, 2]
    assert len(plan.unplaced) == 1


def test_a_new_stop_comes_after_booked_morning_visits_when_only_the_afternoon_has_room():
    # Two customers booked the morning at the technician's door; one afternoon place is left.
    # The cheapest place for the new stop in the route is first, but the morning is full: the
    # day is driven window by window, so it goes third, in the afternoon.
    home = (34.5, -116.0)
    day = dt.date(2026, 12, 1)
    techs = [PlanTechnician(1, home, frozenset({"door"}), (1, 2), DAY)]
    booked = [FixedStop(visit_id=70 + i, point=home, window_id=1) for i in range(2)]

    plan = plan_schedule(
        requests=[PlanRequest(1, "door", home, day, (0,))],
        technicians=techs,
        days=[day],
        free={(1, day): {1: 0, 2: 1}},
        fixed={(1, day): booked},
        drive=DRIVE,
        time_limit=2,
    )

    assert [(a.window_id, a.route_order) for a in plan.assignments] == [(2, 3)]
    assert plan.reorders == {70: 1, 71: 2}


def test_with_no_request_or_no_free_place_the_flow_check_says_none_can_be_on_time():
    day = dt.date(2026, 12, 1)
    demand = (frozenset({1}), day)

    assert max_on_time(demands=[], places={(1, day): 3}) == 0
    assert max_on_time(demands=[demand], places={}) == 0
    assert max_on_time(demands=[demand], places={(1, day): 0}) == 0
    assert max_on_time(demands=[demand, demand], places={(1, day): 1}) == 1


def test_the_drive_aware_check_on_edge_inputs_promises_nothing_it_cannot_keep():
    """No request or no free place: none on time, no share served. A technician without a free
    day among a request's technicians, or days whose places in all are not given, count as
    nothing rather than failing."""
    day = dt.date(2026, 12, 1)
    near = DrivingDemand(techs=frozenset({1}), due=day, visits_a_day=8)

    assert max_on_time_driving(demands=[], places={(1, day): 3}, day_places={}).bound == 0
    nothing = max_on_time_driving(demands=[near], places={}, day_places={})
    assert (nothing.bound, nothing.share) == (0, [0.0])

    # Two requests that each need a whole day, one day with a place: one of them.
    alone = [
        DrivingDemand(techs=frozenset(techs), due=day, visits_a_day=1) for techs in ({1, 2}, {1})
    ]
    assert max_on_time_driving(demands=alone, places={(1, day): 1}, day_places={}).bound == 1


@pytest.mark.parametrize("ids", [(7, 8, 9), (101, 102, 103)])
def test_the_drive_aware_checks_shares_follow_the_technicians_order_not_their_ids(ids):
    """The shares are the planner's hint (the kinds left late are placed last), and the
    relaxation often has several best answers: which one must not depend on the ids' values.
    Technicians 7 and 8 in a frozenset come out 8 first (by hash); the edges were added in that
    order, and the simplex served all of the first kind and none of the fourth, not half of
    each. The
    10,000-request benchmark went 9,981 or 9,986 on time with the same data in another run of
    the same database (its technicians' ids 50 higher)."""
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(3)]
    free = [[0, 2, 0], [1, 0, 1], [1, 1, 2]]  # technician → free places on each day

    def answer(a, b, c):
        places = {
            (t, day): free[i][d] for i, t in enumerate((a, b, c)) for d, day in enumerate(days)
        }
        demands = [
            DrivingDemand(frozenset(techs), days[d], visits)
            for techs, d, visits in [
                ({a}, 1, 1),
                ({a, b}, 2, 2),
                ({a, c}, 2, 1),
                ({a, c}, 0, 1),
                ({a, c}, 1, 1),
            ]
        ]
        return max_on_time_driving(
            demands=demands, places=places, day_places=dict.fromkeys(places, 2)
        )

    first, again = answer(1, 2, 3), answer(*ids)

    assert (again.bound, again.share) == (first.bound, first.share)


def test_the_drive_aware_check_serves_no_share_of_a_request_nobody_can_reach_in_time():
    """A request no technician serves, and one whose technician has no free day up to its
    target: neither counts, and neither is shown as served."""
    day, later = dt.date(2026, 12, 1), dt.date(2026, 12, 2)
    nobody = DrivingDemand(techs=frozenset(), due=day, visits_a_day=1)
    too_early = DrivingDemand(techs=frozenset({1}), due=day, visits_a_day=1)

    answer = max_on_time_driving(
        demands=[nobody, too_early], places={(1, later): 1}, day_places={(1, later): 1}
    )

    assert (answer.bound, answer.share) == (0, [0.0, 0.0])


@pytest.mark.parametrize("limit_steps", [1000, 2000])
def test_the_search_ends_by_the_time_limit(limit_steps):
    """450 requests with too few places for all: the repair, the improvement and the catch-up
    share the time limit and stop at it. The clock counts the planner's own looks at it, so
    "by the limit" is exact: past the deadline it only notices it in the steps in hand (an
    augmenting path and the catch-up's loop each look once more), times the phase and writes
    the routes, a handful of looks (6 here), never another search step. (The construction and
    the routes are not timed.)"""
    requests, techs, days, free = _territory(n_tech=4, n_req=450, seed=11)
    steps = StepClock(start=1000.0)  # a real clock does not start at 0

    plan = plan_schedule(
        requests=requests,
        technicians=techs,
        days=days,
        free=free,
        drive=DRIVE,
        time_limit=limit_steps * STEP,
        clock=steps,
    )

    assert plan.timings["improvement"] > 0
    assert steps.calls <= limit_steps + 8
