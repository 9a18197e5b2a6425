"""Compare the scheduler's plan with Google OR-Tools on small instances (a benchmark, not a test).

The instances are cut from the scheduler benchmark:

    python manage.py benchmark_scheduler --export-instances var/instances

Then, in a throw-away environment that has OR-Tools (it stays out of the portal's runtime):

    python -m venv /tmp/ortools && /tmp/ortools/bin/pip install ortools networkx
    /tmp/ortools/bin/python scripts/benchmark_ortools.py var/instances/*.json --seconds 60

Both solve the same problem: each request on one technician-day of a technician whose territory
holds its ZIP, on or before its target date, no more stops a day than free places, and the day
(driving at the drive model's speed plus service time) within the working day. OR-Tools gets the
working day as one span (it does not hand out the windows), a slightly looser rule than ours.
Distances are great-circle km between ZIP centroids. It prints our km / OR-Tools km per instance.
Without OR-Tools installed (``--ours-only``) it prints our figures alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.planner import (
    DriveModel,
    PlanRequest,
    PlanTechnician,
    plan_figures,
    plan_schedule,
)


def load_instance(path: Path):
    """Return (requests, technicians, days, free, drive) from an exported instance."""
    data = json.loads(path.read_text(encoding="utf-8"))
    technicians = [
        PlanTechnician(
            id=t["id"],
            home=tuple(t["home"]),
            territory=frozenset(t["territory"]),
            window_ids=tuple(t["window_ids"]),
            window_hours=tuple(tuple(h) for h in t["window_hours"]),
        )
        for t in data["technicians"]
    ]
    days = [date.fromisoformat(d) for d in data["days"]]
    free = {
        (tech_id, date.fromisoformat(day)): {int(w): n for w, n in windows.items()}
        for tech_id, day, windows in data["free"]
    }
    requests = [
        PlanRequest(
            id=r["id"],
            zip=r["zip"],
            point=tuple(r["point"]),
            due=date.fromisoformat(r["due"]),
            priority=(r["priority"],),
        )
        for r in data["requests"]
    ]
    return requests, technicians, days, free, DriveModel(**data["drive"])


def solve_with_ortools(requests, technicians, days, free, drive, seconds: float):
    """Return OR-Tools' total km for the instance (None if it found no solution)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    from scheduling.geo import haversine_km

    vehicles = [
        (t, day, sum(free.get((t.id, day), {}).values()))
        for t in technicians
        for day in days
        if sum(free.get((t.id, day), {}).values()) > 0
    ]
    # Only days up to the last target can be useful.
    last_due = max(r.due for r in requests)
    vehicles = [v for v in vehicles if v[1] <= last_due]
    homes = sorted({t.home for t in technicians})
    points = homes + [r.point for r in requests]
    depot_of = {home: i for i, home in enumerate(homes)}
    n_homes = len(homes)
    starts = [depot_of[t.home] for t, _day, _cap in vehicles]
    manager = pywrapcp.RoutingIndexManager(len(points), len(vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)
    metres = [[round(haversine_km(a, b) * 1000) for b in points] for a in points]

    def distance(i, j):
        return metres[manager.IndexToNode(i)][manager.IndexToNode(j)]

    transit = routing.RegisterTransitCallback(distance)
    routing.SetArcCostEvaluatorOfAllVehicles(transit)

    def demand(i):
        return 0 if manager.IndexToNode(i) < n_homes else 1

    demand_index = routing.RegisterUnaryTransitCallback(demand)
    routing.AddDimensionWithVehicleCapacity(
        demand_index, 0, [cap for _t, _d, cap in vehicles], True, "places"
    )
    seconds_per_metre = drive.road_factor / drive.kmh * 3.6  # seconds per straight-line metre

    def duration(i, j):
        node = manager.IndexToNode(i)
        service = 0 if node < n_homes else drive.service_minutes * 60
        return round(metres[node][manager.IndexToNode(j)] * seconds_per_metre + service)

    time_index = routing.RegisterTransitCallback(duration)
    day_seconds = max(
        (t.window_hours[-1][1] - t.window_hours[0][0]) * 60 for t in technicians if t.window_hours
    )
    routing.AddDimension(time_index, 0, day_seconds, True, "time")
    for r_index, request in enumerate(requests):
        allowed = [
            v
            for v, (t, day, _cap) in enumerate(vehicles)
            if request.zip in t.territory and day <= request.due
        ]
        index = manager.NodeToIndex(n_homes + r_index)
        # -1: the request may also stay unserved (the disjunction below prices that).
        routing.VehicleVar(index).SetValues([-1, *allowed])
        # A request left out costs far more than any route: all are served if at all possible.
        routing.AddDisjunction([index], 10_000_000)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromSeconds(int(seconds))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return None, 0
    total, served = 0, 0
    for v in range(len(vehicles)):
        index = routing.Start(v)
        while not routing.IsEnd(index):
            nxt = solution.Value(routing.NextVar(index))
            total += distance(index, nxt)
            index = nxt
            if not routing.IsEnd(index):
                served += 1
    return total / 1000, served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("instances", nargs="+", type=Path)
    parser.add_argument("--seconds", type=float, default=60, help="OR-Tools time per instance")
    parser.add_argument("--time-limit", type=float, default=20, help="our planner's time limit")
    parser.add_argument("--ours-only", action="store_true")
    options = parser.parse_args()
    for path in options.instances:
        requests, technicians, days, free, drive = load_instance(path)
        started = time.perf_counter()
        plan = plan_schedule(
            requests=requests,
            technicians=technicians,
            days=days,
            free=free,
            time_limit=options.time_limit,
            drive=drive,
        )
        ours_seconds = time.perf_counter() - started
        ours = plan_figures(plan=plan, technicians=technicians, free=free, drive=drive)
        line = (
            f"{path.name}: {len(technicians)} technicians, {len(requests)} requests; ours "
            f"{ours['travel_km']:.0f} km, on time {ours['inside_target']}/{len(requests)} "
            f"(possible {plan.on_time_possible}), unplaced {ours['unplaced']}, "
            f"longest day {ours['longest_day_km']:.0f} km / {ours['longest_day_hours']:.1f} h, "
            f"{ours_seconds:.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in plan.timings.items())})"
        )
        if not options.ours_only:
            started = time.perf_counter()
            km, served = solve_with_ortools(
                requests, technicians, days, free, drive, options.seconds
            )
            seconds = time.perf_counter() - started
            line += (
                f"; OR-Tools {km:.0f} km, {served} served, {seconds:.0f} s; "
                f"ours / OR-Tools = {ours['travel_km'] / km:.3f}"
                if km
                else "; OR-Tools found no solution"
            )
        print(line, flush=True)


if __name__ == "__main__":
    main()
