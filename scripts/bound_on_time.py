"""An upper bound on the benchmark's on-time requests that counts far trips (a benchmark).

Issue 25: the drive-aware check (``scheduling.feasibility.max_on_time_driving``) says at most
9,988 of the 10,000 benchmark requests can be on time, and a bound over the desert technician's
own requests says 9,987; the planner reached 9,986 then (9,980-9,986 with the technicians' ids
shuffled), 9,987 since the twelfth round. Both let the desert area's neighbours take every
request they share with it, although a day that visits a ZIP 100 km out holds only a few visits.
This program counts that too, as one mixed-integer program over the whole benchmark (SCIP
through OR-Tools, which stays out of the portal's runtime):

- *Every technician* (the drive-aware relaxation): a request on a day of technician ``t``
  takes at least 1/m of that day, where m is the most visits a day can hold after driving to it
  and back (per technician), and one of the day's places; a place or day share on an earlier
  day serves every later target (a chain over the days).
- *The desert technician* (the one with the most late requests in our plan): each day takes one
  of the day patterns it can drive (``exact_remote_days.day_patterns``: every multiset of its
  area's ZIPs some order of which fits the planner's own rule for a day), counted per block of
  alike days.
- *Its neighbours* (technicians whose territory shares a ZIP with it): a day holding a request
  whose m is L holds at most L visits in all (a binary per day and level), not just L shares.

Requests are counted per (ZIP, technicians, last on-time day), how many are served continuous,
so every plan is a solution and SCIP's proven bound, rounded down, bounds every plan. On the
benchmark of 2026-12-01 it proves 9,988 (best solution of the program 9,984, 120 s): no tighter
than the drive-aware check. The neighbours' own requests keep it loose: each takes only its
1/m share of a day, so visits 40 km out in different directions share a day in the program as
they cannot on the road, and that room absorbs the shared requests. None can be tighter than
``exact_remote_days.py``'s 9,987: ``plan_area_first.py`` builds a plan with 9,987 on time.

    python manage.py benchmark_scheduler --export-instances var/instances
    python -m venv /tmp/ortools && /tmp/ortools/bin/pip install ortools networkx
    /tmp/ortools/bin/python scripts/bound_on_time.py var/instances/instance_all.json

It reads the planner's private state (a benchmark's privilege, not an interface).
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from exact_remote_days import arguments, day_patterns, planned

from scheduling.planner import _Planner


def most_visits(planner: _Planner, k: int, point: int) -> int:
    """Return the most visits technician-day ``k`` can hold when one of them is at ``point``.

    The drive there and back (any route through the point drives at least that far) and the
    service time per visit within the day's span; no more than the day's places. 0: none fits.
    """
    places = planner.key_places[k]
    hours = planner.key_hours[k]
    if hours is None:
        return places
    span = hours[-1][1] - hours[0][0]
    km = planner.distance[planner.key_home[k]][point]
    return max(
        0,
        min(places, int((span - 2 * km * planner.minutes_per_km) // planner.drive.service_minutes)),
    )


def solve(planner: _Planner, desert: int, neighbours: set[int], seconds: float):
    """Build and solve the program; return (status, best, bound, sizes)."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("SCIP")
    n = planner.n_requests
    groups: dict[tuple[int, tuple[int, ...], int], int] = Counter()
    for r in range(n):
        if planner.req_techs[r] and planner.last_on_time[r] >= 0:
            key = (
                planner.stop_point[r],
                tuple(sorted(planner.req_techs[r])),
                planner.last_on_time[r],
            )
            groups[key] += 1
    group_list = list(groups.items())
    served_parts: dict[int, list] = defaultdict(list)
    keys_of = {
        tech: sorted(keys, key=planner.key_di.__getitem__)
        for tech, keys in planner.tech_keys.items()
    }
    binaries = 0
    # The free places before the plan: the day's places less its booked (fixed) stops.
    left = [
        planner.key_places[k] - sum(1 for stop in route if stop >= n)
        for k, route in enumerate(planner.route)
    ]

    # Every technician but the desert one and its neighbours: chains of places and day shares.
    by_tech: dict[int, list[int]] = defaultdict(list)
    for g, ((_point, techs, _last), _count) in enumerate(group_list):
        for tech in techs:
            by_tech[tech].append(g)
    for tech, members in by_tech.items():
        if tech == desert or tech in neighbours:
            continue
        keys = keys_of[tech]
        dis = [planner.key_di[k] for k in keys]
        inflow_places: list[list] = [[] for _k in keys]
        inflow_shares: list[list] = [[] for _k in keys]
        for g in members:
            point, _techs, last = group_list[g][0]
            position = _last_position(dis, last)
            m = max(most_visits(planner, k, point) for k in keys)
            if position < 0 or m <= 0:
                continue
            x = solver.NumVar(0, group_list[g][1], f"x{g}_{tech}")
            served_parts[g].append(x)
            inflow_places[position].append(x)
            inflow_shares[position].append(x * (1.0 / m))
        for inflow, capacity in (
            (inflow_places, [left[k] for k in keys]),
            (inflow_shares, [left[k] / planner.key_places[k] for k in keys]),
        ):
            carried = 0
            for i in range(len(keys) - 1, -1, -1):
                used = solver.NumVar(0, capacity[i], "")
                onward = solver.NumVar(0, solver.infinity() if i else 0, "")
                solver.Add(sum(inflow[i]) + carried == used + onward)
                carried = onward

    # The neighbours: day by day, a far request caps the day's visits.
    for tech in neighbours:
        for k in keys_of[tech]:
            di = planner.key_di[k]
            day: list = []
            shares: list = []
            level_of: dict[int, list] = defaultdict(list)
            for g in by_tech[tech]:
                (point, _techs, last), count = group_list[g]
                m = most_visits(planner, k, point)
                if last < di or m <= 0:
                    continue
                x = solver.NumVar(0, count, f"x{g}_{k}")
                served_parts[g].append(x)
                day.append(x)
                shares.append(x * (1.0 / m))
                if m < left[k]:
                    level_of[m].append(x)
            if not day:
                continue
            solver.Add(sum(day) <= left[k])
            solver.Add(sum(shares) <= left[k] / planner.key_places[k])
            for level, xs in level_of.items():
                capped = solver.IntVar(0, 1, "")
                binaries += 1
                for x in xs:
                    solver.Add(x <= level * capped)
                solver.Add(sum(day) <= level + (left[k] - level) * (1 - capped))

    # The desert technician: one day pattern a day, counted per block of alike days.
    keys = keys_of[desert]
    if len({tuple(planner.key_window_free[k]) for k in keys}) != 1:
        raise SystemExit(f"technician {desert} does not have the same places every day")
    dis = [planner.key_di[k] for k in keys]
    stand_ins: dict[int, list[int]] = defaultdict(list)
    for r in range(n):
        if (
            desert in planner.req_techs[r]
            and len(stand_ins[planner.stop_point[r]]) < planner.key_places[keys[0]]
        ):
            stand_ins[planner.stop_point[r]].append(r)
    patterns = day_patterns(planner, keys[-1], stand_ins)
    lasts = sorted({group_list[g][0][2] for g in by_tech[desert]})
    cuts = sorted({0} | {_last_position(dis, last) + 1 for last in lasts} - {len(keys)})
    blocks = list(zip(cuts, [*cuts[1:], len(keys)], strict=True))
    for b, (start, end) in enumerate(blocks):
        uses = [solver.IntVar(0, end - start, "") for _p in patterns]
        binaries += len(uses)
        solver.Add(sum(uses) <= end - start)
        at: dict[int, list] = defaultdict(list)
        for g in by_tech[desert]:
            (point, _techs, last), count = group_list[g]
            if _last_position(dis, last) >= end - 1:
                x = solver.NumVar(0, count, f"x{g}_b{b}")
                served_parts[g].append(x)
                at[point].append(x)
        for point, xs in at.items():
            solver.Add(
                sum(xs)
                <= sum(p.get(point, 0) * uses[i] for i, p in enumerate(patterns) if p.get(point))
            )

    served = []
    for g, ((_point, _techs, _last), count) in enumerate(group_list):
        if served_parts[g]:
            s = solver.NumVar(0, count, f"s{g}")
            solver.Add(s <= sum(served_parts[g]))
            served.append(s)
    solver.Maximize(sum(served))
    solver.SetTimeLimit(int(seconds * 1000))
    status = solver.Solve()
    names = {pywraplp.Solver.OPTIMAL: "optimal", pywraplp.Solver.FEASIBLE: "feasible"}
    objective = solver.Objective()
    sizes = (solver.NumVariables(), solver.NumConstraints(), binaries, len(patterns), len(blocks))
    return names.get(status, str(status)), objective.Value(), objective.BestBound(), sizes


def _last_position(dis: list[int], last: int) -> int:
    """Index of the last of ``dis`` (sorted day indexes) on or before ``last``; -1 if none."""
    position = -1
    for i, di in enumerate(dis):
        if di <= last:
            position = i
    return position


def main() -> None:
    options = arguments(__doc__.split("\n")[0], "SCIP's time limit").parse_args()
    planner, ours, late = planned(options)
    n = planner.n_requests
    desert = late.most_common(1)[0][0]
    area = {planner.requests[r].zip for r in range(n) if desert in planner.req_techs[r]}
    neighbours = {
        tech
        for r in range(n)
        if planner.requests[r].zip in area
        for tech in planner.req_techs[r]
        if tech != desert
    }
    print(
        f"ours: {ours} of {n} on time; the drive-aware check says at most "
        f"{planner.plan.on_time_possible}; late by technician {dict(late.most_common(5))}; "
        f"desert technician {desert}, neighbours {sorted(neighbours)}"
    )
    started = time.perf_counter()
    status, best, bound, sizes = solve(planner, desert, neighbours, options.seconds)
    print(
        f"the program ({sizes[0]} variables, {sizes[1]} constraints, {sizes[2]} integer, "
        f"{sizes[3]} day patterns, {sizes[4]} blocks): {status}, best {best:.1f}, proven bound "
        f"{bound:.2f} ({time.perf_counter() - started:.0f} s): at most {int(bound + 1e-6)} of {n} "
        f"can be on time; ours {ours}"
    )


if __name__ == "__main__":
    main()
