"""How good a valid plan is: the planner's km and lateness, pinned so that a worse plan fails.

The rule tests (``test_planner_rules.py``) check what a plan may never do. These check how well
it does what it may: on tiny instances against the exact optimum found by brute force, and on
three seeded instances — all on time, places tight, targets too early for every request — against
the planner's own figures of 2026-11-30 with a small margin (issue 28: a change that makes plans
worse must fail a test). A change that makes plans better passes; lower the figures with it.
Every run uses a clock that counts steps (``step_clock``), so a plan is the same on any machine.
"""

import datetime as dt
import itertools
import random
from collections import Counter
from dataclasses import replace

import pytest

from scheduling.planner import PlanRequest, PlanTechnician, plan_schedule, route_km

from .step_clock import StepClock
from .test_planner_rules import _plan_in_steps, _territory

# How much worse than the pinned figure a plan may get before a test fails: 0.5 % more km.
KM_MARGIN = 1.005


def _plan(requests, techs, days, free):
    """The planner with the rules tests' drive model, on a budget of 30,000 clock steps."""
    return _plan_in_steps(requests, techs, days, free, steps=30_000)


def _total_km(plan, techs) -> float:
    home = {tech.id: tech.home for tech in techs}
    return sum(route_km(home=home[tech_id], route=r) for (tech_id, _), r in plan.routes.items())


def _days_late(plan, requests, days) -> int:
    """Business days past target summed over the placed requests (days are business days)."""
    index = {day: i for i, day in enumerate(days)}
    due = {r.id: r.due for r in requests}
    return sum(max(0, index[a.day] - index[due[a.request_id]]) for a in plan.assignments)


def _shortest_round_trip(home, points) -> float:
    if not points:
        return 0.0
    return min(route_km(home=home, route=list(order)) for order in itertools.permutations(points))


def _optimum_km(requests, techs, days, free) -> float:
    """The least km over every placement of every request in its technicians' days' places,
    each day driven in its best order (brute force: tiny instances only)."""
    by_id = {tech.id: tech for tech in techs}
    keys = [(tech.id, day) for tech in techs for day in days]
    places = {key: sum(free[key].values()) for key in keys}
    options = [[key for key in keys if r.zip in by_id[key[0]].territory] for r in requests]
    trips: dict = {}
    best = float("inf")
    for choice in itertools.product(*options):
        if any(n > places[key] for key, n in Counter(choice).items()):
            continue
        total = 0.0
        for key in set(choice):
            points = tuple(
                sorted(r.point for r, k in zip(requests, choice, strict=True) if k == key)
            )
            if (key[0], points) not in trips:
                trips[(key[0], points)] = _shortest_round_trip(by_id[key[0]].home, points)
            total += trips[(key[0], points)]
        best = min(best, total)
    return best


def _tiny(seed: int):
    """Two technicians 30 km apart sharing all but one ZIP each, two days of three places, seven
    requests due on the last day (so every placement is on time and only km can differ)."""
    rng = random.Random(seed)
    days = [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]

    def point():
        return (34.0 + rng.random() * 0.3, -118.3 + rng.random() * 0.3)

    homes = [point(), point()]
    zips = [f"9{i:04d}" for i in range(7)]
    techs = [
        PlanTechnician(1, homes[0], frozenset(zips[:6]), (11, 12)),
        PlanTechnician(2, homes[1], frozenset(zips[1:]), (21, 22)),
    ]
    free = {(t.id, d): {t.window_ids[0]: 2, t.window_ids[1]: 1} for t in techs for d in days}
    requests = [PlanRequest(i, z, point(), days[-1], (days[-1], i)) for i, z in enumerate(zips)]
    return requests, techs, days, free


@pytest.mark.parametrize("seed", range(12))
def test_on_tiny_instances_the_plan_drives_no_more_than_the_best_possible(seed):
    requests, techs, days, free = _tiny(seed)

    plan = plan_schedule(
        requests=requests, technicians=techs, days=days, free=free, clock=StepClock()
    )

    assert len(plan.assignments) == len(requests)
    assert _total_km(plan, techs) <= _optimum_km(requests, techs, days, free) + 1e-6


def test_with_room_for_everyone_all_are_on_time_and_the_km_do_not_grow():
    requests, techs, days, free = _territory(n_tech=4, n_req=160, seed=5)

    plan = _plan(requests, techs, days, free)

    assert plan.unplaced == []
    assert sum(a.within_target for a in plan.assignments) == 160
    assert _total_km(plan, techs) <= 2894.710 * KM_MARGIN


def test_with_places_tight_as_many_as_possible_are_on_time_and_the_km_do_not_grow():
    requests, techs, days, free = _territory(n_tech=3, n_req=150, seed=4)
    free = {key: dict.fromkeys(windows, 1) for key, windows in free.items()}

    plan = _plan(requests, techs, days, free)

    on_time = sum(a.within_target for a in plan.assignments)
    assert on_time == plan.on_time_possible == 92
    assert len(plan.assignments) == 92
    assert _total_km(plan, techs) <= 3109.913 * KM_MARGIN


def test_when_targets_are_too_early_for_all_the_late_are_as_few_days_late_as_before():
    requests, techs, days, free = _territory(n_tech=3, n_req=90, seed=7)
    free = {key: dict.fromkeys(windows, 1) for key, windows in free.items()}
    # Every target in the first eight business days: 44 can make it, the rest are late.
    requests = [
        replace(r, due=days[2 + r.id % 6], priority=(days[2 + r.id % 6], r.id)) for r in requests
    ]

    plan = _plan(requests, techs, days, free)

    assert sum(a.within_target for a in plan.assignments) == plan.on_time_possible == 44
    assert len(plan.assignments) >= 68
    assert _days_late(plan, requests, days) <= 240
    assert _total_km(plan, techs) <= 3121.335 * KM_MARGIN


def test_the_same_requests_and_seed_give_the_same_plan():
    """The search's random choices come from ``seed``: a benchmark run, or a test, planned again
    gets the same plan."""
    requests, techs, days, free = _territory(n_tech=3, n_req=90, seed=11)

    first, again = _plan(requests, techs, days, free), _plan(requests, techs, days, free)

    assert first.assignments == again.assignments
