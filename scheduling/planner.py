"""The scheduler's algorithm, in pure Python over plain data (no database, no Django).

Phase 1 assigns each request to a technician and a business day, earliest target date first
(so the oldest requests are served first when capacity is short), only to technicians whose
territory holds its ZIP and only to days with free capacity, preferring the day whose stops
(or home base) are nearest; then each on-time request is taken out once and put back where it
now fits best, as its neighbours arrived after it. Phase 2 orders each technician-day on its
own (nearest neighbour, then 2-opt under a time limit) and hands out the day's windows along
that order.

Splitting the problem this way keeps every routing problem to a handful of stops, which is
why 10,000 requests and 50 technicians take seconds rather than a solver's minutes.
"""

from __future__ import annotations

import bisect
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .geo import haversine_km

Point = tuple[float, float]
# Prefer an earlier day when two days are otherwise as good (km per business day later).
DAY_WEIGHT_KM = 0.5

REASON_UNKNOWN_ZIP = "unknown_zip"
REASON_NO_TECHNICIAN = "no_technician"
REASON_NO_CAPACITY = "no_capacity"


@dataclass(frozen=True)
class PlanRequest:
    id: int
    zip: str
    point: Point | None
    due: date
    # Ties between equal target dates go to the older request.
    priority: tuple = ()


@dataclass(frozen=True)
class PlanTechnician:
    id: int
    home: Point
    territory: frozenset[str]
    # (window id, start order) in the order of the day.
    window_ids: tuple[int, ...]


@dataclass(frozen=True)
class FixedStop:
    """A visit already booked (by a customer or earlier run): it keeps its window."""

    visit_id: int
    point: Point
    window_id: int


@dataclass
class Assignment:
    request_id: int
    technician_id: int
    day: date
    window_id: int = 0
    route_order: int = 0
    within_target: bool = True


@dataclass
class Plan:
    assignments: list[Assignment] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    # Existing visits whose stop number changed because new stops joined their day.
    reorders: dict[int, int] = field(default_factory=dict)
    # (technician id, day) → the day's stops in visiting order, for travel figures.
    routes: dict[tuple[int, date], list[Point]] = field(default_factory=dict)


class _Distances:
    """Haversine distances between points, memoised: stops share few distinct ZIP centroids."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Point, Point], float] = {}

    def __call__(self, a: Point, b: Point) -> float:
        key = (a, b) if a <= b else (b, a)
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = haversine_km(a, b)
        return value


def plan_schedule(
    *,
    requests: list[PlanRequest],
    technicians: list[PlanTechnician],
    days: list[date],
    free: dict[tuple[int, date], dict[int, int]],
    fixed: dict[tuple[int, date], list[FixedStop]] | None = None,
    time_limit: float = 20.0,
    improve_passes: int = 1,
) -> Plan:
    """Assign requests to technician-days, then order each day and give out its windows."""
    fixed = fixed or {}
    distance = _Distances()
    plan = Plan()
    by_id = {tech.id: tech for tech in technicians}
    zip_techs: dict[str, list[PlanTechnician]] = defaultdict(list)
    for tech in technicians:
        for zip_code in tech.territory:
            zip_techs[zip_code].append(tech)
    day_index = {day: i for i, day in enumerate(days)}
    remaining: dict[tuple[int, int], int] = {}
    open_days: dict[int, list[int]] = defaultdict(list)
    for (tech_id, day), windows in free.items():
        total = sum(windows.values())
        if tech_id in by_id and day in day_index and total > 0:
            remaining[(tech_id, day_index[day])] = total
            open_days[tech_id].append(day_index[day])
    for tech_days in open_days.values():
        tech_days.sort()
    stops: dict[tuple[int, int], list[Point]] = defaultdict(list)
    for (tech_id, day), day_fixed in fixed.items():
        if day in day_index:
            stops[(tech_id, day_index[day])].extend(stop.point for stop in day_fixed)
    new_stops: dict[tuple[int, int], list[PlanRequest]] = defaultdict(list)

    def best_day(request: PlanRequest, techs: list[PlanTechnician], on_time: bool):
        """The cheapest (technician, day) on time, or else the earliest late one."""
        last_on_time = bisect.bisect_right(days, request.due) - 1
        best = None  # ((lateness, km), tech id, day index)
        for tech in techs:
            tech_days = open_days.get(tech.id)
            if not tech_days:
                continue
            home_km = distance(tech.home, request.point)
            for di in tech_days:
                late = di > last_on_time
                if late and (on_time or (best is not None and di > best[2])):
                    break  # days are sorted: nothing later of this technician does better
                if not late and not on_time:
                    continue
                nearest = home_km
                for point in stops.get((tech.id, di), ()):
                    d = distance(point, request.point)
                    if d < nearest:
                        nearest = d
                cost = (di if late else 0, nearest + DAY_WEIGHT_KM * di)
                if best is None or cost < best[0]:
                    best = (cost, tech.id, di)
        return best

    placed_at: dict[int, tuple[Assignment, int]] = {}  # request id → (assignment, day index)

    def assign(request: PlanRequest, tech_id: int, di: int, within_target: bool) -> None:
        key = (tech_id, di)
        stops[key].append(request.point)
        new_stops[key].append(request)
        assignment = Assignment(
            request_id=request.id, technician_id=tech_id, day=days[di], within_target=within_target
        )
        placed_at[request.id] = (assignment, di)
        remaining[key] -= 1
        if remaining[key] == 0:
            open_days[tech_id].remove(di)

    def unassign(request: PlanRequest) -> None:
        assignment, di = placed_at.pop(request.id)
        key = (assignment.technician_id, di)
        stops[key].remove(request.point)
        new_stops[key].remove(request)
        if remaining[key] == 0:
            bisect.insort(open_days[assignment.technician_id], di)
        remaining[key] += 1

    # Phase 1a: technician and day inside the target, earliest target first. A request already
    # past its target takes the earliest day (oldest first); one that cannot make its target
    # any more waits for 1b, so it never takes a place another request could still make it in.
    overdue: list[tuple[PlanRequest, list[PlanTechnician]]] = []
    placed: list[PlanRequest] = []
    for request in sorted(requests, key=lambda r: (r.due, r.priority, r.id)):
        if request.point is None:
            plan.unplaced.append((request.id, REASON_UNKNOWN_ZIP))
            continue
        techs = zip_techs.get(request.zip)
        if not techs:
            plan.unplaced.append((request.id, REASON_NO_TECHNICIAN))
            continue
        if days and request.due < days[0]:
            # Already past its target: the oldest are served first, on the earliest day.
            best = best_day(request, techs, on_time=False)
            if best is None:
                plan.unplaced.append((request.id, REASON_NO_CAPACITY))
            else:
                assign(request, best[1], best[2], False)
            continue
        best = best_day(request, techs, on_time=True)
        if best is None:
            overdue.append((request, techs))
        else:
            assign(request, best[1], best[2], True)
            placed.append(request)
    # Phase 1b: the rest, oldest first, each on the earliest day left.
    for request, techs in overdue:
        best = best_day(request, techs, on_time=False)
        if best is None:
            plan.unplaced.append((request.id, REASON_NO_CAPACITY))
        else:
            assign(request, best[1], best[2], False)

    # Phase 1c: an early request chose its day before its neighbours arrived. Take each on-time
    # request out and put it back where it now fits best (still on time), while time allows.
    started = time.monotonic()
    on_time_requests = [r for r in placed if placed_at[r.id][0].within_target]
    for _pass in range(improve_passes):
        if time.monotonic() - started > time_limit / 2:
            break
        for request in on_time_requests:
            techs = zip_techs[request.zip]
            unassign(request)
            best = best_day(request, techs, on_time=True)
            assign(request, best[1], best[2], True)

    plan.assignments = [assignment for assignment, _di in placed_at.values()]

    # Phase 2: order each technician-day and give out its windows along the route.
    assignment_of = {a.request_id: a for a in plan.assignments}
    deadline = started + time_limit
    day_keys = sorted(new_stops)
    for tech_id, di in day_keys:
        day = days[di]
        tech = by_id[tech_id]
        day_fixed = fixed.get((tech_id, day), [])
        day_new = new_stops.get((tech_id, di), [])
        points = [s.point for s in day_fixed] + [r.point for r in day_new]
        order = order_route(home=tech.home, points=points, distance=distance, deadline=deadline)
        window_rank = {w: i for i, w in enumerate(tech.window_ids)}
        left = dict(free.get((tech_id, day), {}))
        placed: list[tuple[int, int, int]] = []  # (window rank, tour position, stop index)
        current = 0
        for position, index in enumerate(order):
            if index < len(day_fixed):
                rank = window_rank.get(day_fixed[index].window_id, 0)
                current = max(current, rank)
            else:
                ranks = [window_rank[w] for w in tech.window_ids if left.get(w, 0) > 0]
                later = [r for r in ranks if r >= current]
                rank = min(later) if later else max(ranks)
                left[tech.window_ids[rank]] -= 1
                current = max(current, rank)
            placed.append((rank, position, index))
        placed.sort()
        route: list[Point] = []
        for stop_number, (rank, _position, index) in enumerate(placed, start=1):
            route.append(points[index])
            if index < len(day_fixed):
                plan.reorders[day_fixed[index].visit_id] = stop_number
            else:
                assignment = assignment_of[day_new[index - len(day_fixed)].id]
                assignment.window_id = tech.window_ids[rank]
                assignment.route_order = stop_number
        plan.routes[(tech_id, day)] = route
    return plan


def order_route(
    *, home: Point, points: list[Point], distance=haversine_km, deadline: float | None = None
) -> list[int]:
    """Return an order of ``points`` for a round trip from ``home``: nearest neighbour + 2-opt."""
    n = len(points)
    if n <= 1:
        return list(range(n))
    left = set(range(n))
    order: list[int] = []
    here = home
    while left:
        nxt = min(left, key=lambda i: (distance(here, points[i]), i))
        order.append(nxt)
        left.remove(nxt)
        here = points[nxt]
    # 2-opt on the closed tour home → order → home; stops when no move helps or time is up.
    tour = [home] + [points[i] for i in order] + [home]
    improved = True
    while improved and (deadline is None or time.monotonic() < deadline):
        improved = False
        for i in range(1, len(tour) - 2):
            for j in range(i + 1, len(tour) - 1):
                a, b, c, d = tour[i - 1], tour[i], tour[j], tour[j + 1]
                delta = distance(a, c) + distance(b, d) - distance(a, b) - distance(c, d)
                if delta < -1e-9:
                    tour[i : j + 1] = reversed(tour[i : j + 1])
                    order[i - 1 : j] = reversed(order[i - 1 : j])
                    improved = True
    return order


def plan_first_come_first_served(
    *,
    requests: list[PlanRequest],
    technicians: list[PlanTechnician],
    days: list[date],
    free: dict[tuple[int, date], dict[int, int]],
) -> Plan:
    """Baseline: oldest first, each takes the earliest free window of any eligible technician."""
    plan = Plan()
    by_id = {tech.id: tech for tech in technicians}
    left = {key: dict(windows) for key, windows in free.items()}
    zip_techs: dict[str, list[PlanTechnician]] = defaultdict(list)
    for tech in technicians:
        for zip_code in tech.territory:
            zip_techs[zip_code].append(tech)
    # Per technician, the first day index that may still have room (days only ever fill up).
    first_open: dict[int, int] = defaultdict(int)
    counts: dict[tuple[int, date], int] = defaultdict(int)
    routes: dict[tuple[int, date], list[tuple[int, int, Point]]] = defaultdict(list)
    for request in sorted(requests, key=lambda r: (r.priority, r.id)):
        if request.point is None:
            plan.unplaced.append((request.id, REASON_UNKNOWN_ZIP))
            continue
        techs = zip_techs.get(request.zip)
        if not techs:
            plan.unplaced.append((request.id, REASON_NO_TECHNICIAN))
            continue
        best = None
        for tech in techs:
            for di in range(first_open[tech.id], len(days)):
                windows = left.get((tech.id, days[di]))
                if windows and any(windows.values()):
                    rank = next(i for i, w in enumerate(tech.window_ids) if windows.get(w, 0) > 0)
                    if best is None or (di, rank) < best[:2]:
                        best = (di, rank, tech.id)
                    break
                first_open[tech.id] = di + 1
        if best is None:
            plan.unplaced.append((request.id, REASON_NO_CAPACITY))
            continue
        di, rank, tech_id = best
        window_id = by_id[tech_id].window_ids[rank]
        key = (tech_id, days[di])
        left[key][window_id] -= 1
        counts[key] += 1
        routes[key].append((rank, counts[key], request.point))
        plan.assignments.append(
            Assignment(
                request_id=request.id,
                technician_id=tech_id,
                day=days[di],
                window_id=window_id,
                route_order=counts[key],
                within_target=days[di] <= request.due,
            )
        )
    plan.routes = {key: [p for _r, _n, p in sorted(stops)] for key, stops in routes.items()}
    return plan


def route_km(*, home: Point, route: list[Point], distance=haversine_km) -> float:
    """Return the length of the round trip home → route → home in kilometres."""
    total, here = 0.0, home
    for point in route:
        total += distance(here, point)
        here = point
    return total + (distance(here, home) if route else 0.0)


def plan_figures(
    *, plan: Plan, technicians: list[PlanTechnician], free: dict[tuple[int, date], dict[int, int]]
) -> dict:
    """Return the figures the benchmark prints: placed, inside target, utilisation, travel."""
    homes = {tech.id: tech.home for tech in technicians}
    placed = len(plan.assignments)
    total_km = sum(
        route_km(home=homes[tech_id], route=route) for (tech_id, _day), route in plan.routes.items()
    )
    last_day = max((a.day for a in plan.assignments), default=None)
    capacity = sum(
        sum(windows.values()) for (_t, day), windows in free.items() if last_day and day <= last_day
    )
    return {
        "placed": placed,
        "unplaced": len(plan.unplaced),
        "inside_target": sum(a.within_target for a in plan.assignments),
        "inside_target_share": (
            sum(a.within_target for a in plan.assignments) / placed if placed else 0.0
        ),
        "utilisation": placed / capacity if capacity else 0.0,
        "travel_km": total_km,
        "km_per_visit": total_km / placed if placed else 0.0,
        "last_day": last_day,
    }
