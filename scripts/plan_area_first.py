"""A plan with the most on-time requests the desert area allows: its area planned first.

Issue 25: `exact_remote_days.py` proves that of the 127 benchmark requests only the desert
technician reaches, at most 114 can be on time (part 1), so at most 9,987 of 10,000; the planner
reached 9,986 then (9,987 since the twelfth round, which plans the area first itself). This
script shows that 9,987 is reachable, and how: plan the area first, exactly, then everything
else around it.

1. *The area's plan* (an integer program, SCIP through OR-Tools, which stays out of the portal's
   runtime). The desert technician's days each take one of the day patterns it can drive
   (``exact_remote_days.day_patterns``), counted per block of alike days; each day of its
   neighbours (technicians sharing a ZIP with it) up to the area's last target takes one
   pattern of the area's ZIPs it can serve, which leaves it the places and the working minutes
   left after the shortest round trip through them (each of its own visits takes at least the
   service time), and the day share the drive-aware check allows (each visit 1/m of the day);
   every other request is placed as the drive-aware check places it (chains of places and day
   shares, per technician). Required: the requests only the desert technician reaches on time
   at part 1's most, every request it shares on time, and every other request on time in the
   relaxation. The first solution SCIP finds is taken.
2. *The plan.* The area's days are built from the solution (each visit to a ZIP taking a
   request waiting there that is on time that day, the latest day first) and checked with the
   planner's rule for a day; they become booked stops, and our planner plans every other
   request around them (its usual run). Every request is placed once; the whole plan's
   on-time count is printed.

On the benchmark of 2026-12-02: part 1 gives 114 (optimal); the program's first solution takes
77 s (56 days of the area, 27 of them the neighbours', 186 requests on time on them); around
them our planner puts 9,801 of the other 9,814 requests on time (the 13 late are the area's own
that part 1 leaves late): **9,987 of 10,000 on time**, the bound. So the most possible is 9,987,
our plan was one short, and planning the area first was what the planner lacked (BENCHMARKS.md,
"Issue 25, eleventh round" and "twelfth round").

    python manage.py benchmark_scheduler --export-instances var/instances
    python -m venv /tmp/ortools && /tmp/ortools/bin/pip install ortools networkx
    /tmp/ortools/bin/python scripts/plan_area_first.py var/instances/instance_all.json

A benchmark, not a test. It reads the planner's private state (a benchmark's privilege, not an
interface).
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_ortools import load_instance
from exact_remote_days import arguments, blocks_of, day_patterns, most_on_time, planned

from scheduling.planner import FixedStop, _Planner


def fresh_planner(options, free=None, fixed=None, requests=None) -> _Planner:
    """A planner over ``options.instance`` (or the given free places, booked stops and
    requests), its technicians' reach worked out, nothing placed."""
    all_requests, technicians, days, all_free, drive = load_instance(options.instance)
    planner = _Planner(
        requests=all_requests if requests is None else requests,
        technicians=technicians,
        days=days,
        free=all_free if free is None else free,
        fixed=fixed or {},
        drive=drive,
        deadline=time.monotonic() + options.time_limit,
        rng=random.Random(options.seed),
        clock=time.monotonic,
    )
    planner._reach()
    return planner


def most_visits(planner: _Planner, r: int, tech: int) -> int:
    """The most visits a day of ``tech`` holding request ``r`` can have (at least 1): the
    service time each within the day's span after the drive to ``r`` and back."""
    k = planner.tech_keys[tech][0]
    hours = planner.key_hours[k]
    span = hours[-1][1] - hours[0][0]
    km = planner.distance[planner.key_home[k]][planner.stop_point[r]]
    places = max(planner.key_places[x] for x in planner.tech_keys[tech])
    drive_left = span - 2 * km * planner.minutes_per_km
    return max(1, min(places, int(drive_left // planner.drive.service_minutes)))


def round_trip_minutes(planner: _Planner, k: int, points: list[int]) -> float:
    """Minutes driven on the shortest round trip from day ``k``'s home through ``points``."""
    home, best = planner.key_home[k], float("inf")
    for order in itertools.permutations(points):
        here, km = home, 0.0
        for point in order:
            km += planner.distance[here][point]
            here = point
        best = min(best, km + planner.distance[here][home])
    return best * planner.minutes_per_km


def area_program(planner: _Planner, desert: int, alone_most: int, seconds: float):
    """Solve step 1; return ({block: [(pattern, days)]}, {neighbour day key: pattern}, blocks,
    status) or raise SystemExit when SCIP finds no solution in ``seconds``."""
    from ortools.linear_solver import pywraplp

    n = planner.n_requests
    requests = [r for r in range(n) if planner.req_techs[r] and planner.last_on_time[r] >= 0]
    zips = {planner.requests[r].zip for r in requests if desert in planner.req_techs[r]}
    far = [r for r in requests if planner.requests[r].zip in zips]
    local = [r for r in requests if planner.requests[r].zip not in zips]
    lasts: dict[str, list[int]] = defaultdict(list)
    for r in far:
        lasts[planner.requests[r].zip].append(planner.last_on_time[r])
    blocks = blocks_of(lasts)
    horizon = blocks[-1][1] - 1
    block_of = {d: b for b, (start, end) in enumerate(blocks) for d in range(start, end)}
    solver = pywraplp.Solver.CreateSolver("SCIP")
    visits: dict[tuple[str, int], list] = defaultdict(list)
    places_left: dict[int, object] = {}
    share_left: dict[int, object] = {}
    desert_uses: dict[int, list] = {}
    neighbour_choice: dict[int, tuple[list, list]] = {}
    for tech in sorted({t for r in far for t in planner.req_techs[r]}):
        by_zip: dict[str, list[int]] = defaultdict(list)
        for r in far:
            if tech in planner.req_techs[r]:
                by_zip[planner.requests[r].zip].append(r)
        keys = sorted(
            (k for k in planner.tech_keys[tech] if planner.key_di[k] <= horizon),
            key=planner.key_di.__getitem__,
        )
        if len({(tuple(planner.key_window_free[k]), planner.key_left[k]) for k in keys}) != 1:
            raise SystemExit(f"technician {tech} does not have the same places every day")
        k0 = keys[0]
        span = planner.key_hours[k0][-1][1] - planner.key_hours[k0][0][0]
        service = planner.drive.service_minutes
        rows = []
        for pattern in [{}, *day_patterns(planner, k0, by_zip)]:
            count = sum(pattern.values())
            minutes = round_trip_minutes(
                planner, k0, [planner.stop_point[by_zip[z][0]] for z in pattern]
            )
            own = int((span - minutes - service * count + 1e-9) // service)
            share = sum(c / most_visits(planner, by_zip[z][0], tech) for z, c in pattern.items())
            rows.append((pattern, max(0, min(planner.key_left[k0] - count, own)), 1.0 - share))
        if tech == desert:
            desert_rows = rows
            if [planner.key_di[k] for k in keys] != list(range(len(keys))):
                raise SystemExit(f"technician {desert} does not work every day")
            for b, (start, end) in enumerate(blocks):
                uses = [solver.IntVar(0, end - start, "") for _row in rows]
                solver.Add(sum(uses) <= end - start)
                desert_uses[b] = uses
                for use, (pattern, _own, _share) in zip(uses, rows, strict=True):
                    for z, c in pattern.items():
                        visits[z, b].append(c * use)
            continue
        for k in keys:
            chosen = [solver.BoolVar("") for _row in rows]
            solver.Add(sum(chosen) == 1)
            neighbour_choice[k] = (chosen, rows)
            for choice, (pattern, _own, _share) in zip(chosen, rows, strict=True):
                for z, c in pattern.items():
                    visits[z, block_of[planner.key_di[k]]].append(c * choice)
            places_left[k] = sum(c * own for c, (_p, own, _s) in zip(chosen, rows, strict=True))
            share_left[k] = sum(
                c * max(0.0, s) for c, (_p, _o, s) in zip(chosen, rows, strict=True)
            )

    # The area's requests: for every block, those on time in it and later are at most those
    # due in it or later (Hall's condition for these nested choices).
    alone_on_time, shared_on_time = [], []
    for z, due in lasts.items():
        on_time = [solver.NumVar(0, solver.infinity(), "") for _block in blocks]
        for b, (start, _end) in enumerate(blocks):
            solver.Add(on_time[b] <= sum(visits[z, b]))
            solver.Add(sum(on_time[b:]) <= sum(1 for last in due if last >= start))
        alone = all(planner.req_techs[r] == [desert] for r in far if planner.requests[r].zip == z)
        (alone_on_time if alone else shared_on_time).extend(on_time)
    # Every other request: chains of places and day shares per technician.
    kinds = Counter(
        (
            tuple(sorted(planner.req_techs[r])),
            planner.last_on_time[r],
            max(most_visits(planner, r, t) for t in planner.req_techs[r]),
        )
        for r in local
    )
    into_places, into_shares = defaultdict(list), defaultdict(list)
    keys_of = {t: sorted(ks, key=planner.key_di.__getitem__) for t, ks in planner.tech_keys.items()}
    local_on_time = []
    for (techs, last, m), count in kinds.items():
        served = []
        for tech in techs:
            position = bisect.bisect_right([planner.key_di[k] for k in keys_of[tech]], last) - 1
            if position >= 0:
                x = solver.NumVar(0, count, "")
                served.append(x)
                into_places[tech, position].append(x)
                into_shares[tech, position].append(x * (1.0 / m))
        if served:
            solver.Add(sum(served) <= count)
            local_on_time.extend(served)
    for tech, keys in keys_of.items():
        for into, capacity in (
            (into_places, lambda k: places_left.get(k, planner.key_left[k])),
            (into_shares, lambda k: share_left.get(k, planner.key_left[k] / planner.key_places[k])),
        ):
            carried = 0
            for i in range(len(keys) - 1, -1, -1):
                onward = solver.NumVar(0, solver.infinity(), "") if i else 0
                used = solver.NumVar(0, solver.infinity(), "")
                solver.Add(sum(into[tech, i]) + carried == used + onward)
                solver.Add(used <= capacity(keys[i]))
                carried = onward
    n_alone = sum(1 for r in far if planner.req_techs[r] == [desert])
    solver.Add(sum(alone_on_time) >= alone_most)
    solver.Add(sum(shared_on_time) >= len(far) - n_alone)
    solver.Add(sum(local_on_time) >= len(local))
    solver.Maximize(sum(alone_on_time) + sum(shared_on_time) + sum(local_on_time))
    solver.SetSolverSpecificParametersAsString("limits/solutions = 1\n")
    solver.SetTimeLimit(int(seconds * 1000))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise SystemExit(f"SCIP found no such plan of the area in {seconds:.0f} s ({status})")
    desert_days = {
        b: [
            (row[0], round(use.solution_value()))
            for row, use in zip(desert_rows, uses, strict=True)
        ]
        for b, uses in desert_uses.items()
    }
    neighbour_days = {}
    for k, (chosen, rows_k) in neighbour_choice.items():
        best = max(range(len(chosen)), key=lambda i: chosen[i].solution_value())
        if rows_k[best][0]:
            neighbour_days[k] = rows_k[best][0]
    return desert_days, neighbour_days, blocks


def area_routes(planner: _Planner, desert: int, desert_days, neighbour_days, blocks):
    """Step 2's area days: {day key: route of request positions}, each checked with the
    planner's rule for a day. The desert technician's days take their block's patterns in
    turn; each visit to a ZIP takes a request waiting there that is on time that day, the
    latest day first (every request on time on a day is on time on every earlier one)."""
    pattern_of = dict(neighbour_days)
    keys = sorted(planner.tech_keys[desert], key=planner.key_di.__getitem__)
    for b, chosen in desert_days.items():
        day = blocks[b][0]
        for pattern, count in chosen:
            for _i in range(count):
                if pattern:
                    pattern_of[keys[day]] = pattern
                day += 1
    by_zip: dict[str, list[int]] = defaultdict(list)
    for r in range(planner.n_requests):
        if planner.req_techs[r] and planner.last_on_time[r] >= 0:
            by_zip[planner.requests[r].zip].append(r)
    taken: set[int] = set()
    routes = {}
    for k in sorted(pattern_of, key=lambda k: -planner.key_di[k]):
        tech, di = planner.keys[k]
        stops = {}
        for z, count in pattern_of[k].items():
            ready = [
                r
                for r in by_zip[z]
                if r not in taken and tech in planner.req_techs[r] and planner.last_on_time[r] >= di
            ]
            stops[z] = ready[:count]
            taken.update(stops[z])
        for order in itertools.permutations(z for z in stops if stops[z]):
            route = [r for z in order for r in stops[z]]
            if planner.fits(k, route):
                routes[k] = route
                break
        else:
            raise SystemExit(f"day {planner.keys[k]}: {pattern_of[k]} does not fit")
    return routes


def main() -> None:
    options = arguments(__doc__.split("\n")[0], "SCIP's time per program").parse_args()
    ours_planner, ours, late = planned(options)
    desert = late.most_common(1)[0][0]
    print(f"ours: {ours} of {ours_planner.n_requests} on time; desert technician {desert}")
    planner = fresh_planner(options)
    n = planner.n_requests
    keys = sorted(planner.tech_keys[desert], key=planner.key_di.__getitem__)
    alone = [r for r in range(n) if planner.req_techs[r] == [desert]]
    lasts: dict[str, list[int]] = defaultdict(list)
    stand_ins: dict[str, list[int]] = defaultdict(list)
    for r in alone:
        lasts[planner.requests[r].zip].append(planner.last_on_time[r])
        stand_ins[planner.requests[r].zip].append(r)
    started = time.perf_counter()
    status, best, bound, _days = most_on_time(
        day_patterns(planner, keys[-1], stand_ins), lasts, options.seconds
    )
    if status != "optimal":
        raise SystemExit(f"part 1 not solved to optimality ({status}, {best:.0f}-{bound:.1f})")
    alone_most = round(best)
    print(
        f"1. of the {len(alone)} requests only technician {desert} reaches, at most {alone_most} "
        f"on time ({status}, {time.perf_counter() - started:.0f} s): at most "
        f"{n - len(alone) + alone_most} of {n}"
    )
    started = time.perf_counter()
    desert_days, neighbour_days, blocks = area_program(planner, desert, alone_most, options.seconds)
    routes = area_routes(planner, desert, desert_days, neighbour_days, blocks)
    print(
        f"2. the area's plan ({time.perf_counter() - started:.0f} s): {len(routes)} days, "
        f"{len(neighbour_days)} of them the neighbours', "
        f"{sum(map(len, routes.values()))} requests on time on them"
    )
    # The area's days become booked stops; our planner plans every other request around them.
    all_requests, _technicians, days, free, _drive = load_instance(options.instance)
    free = {key: dict(windows) for key, windows in free.items()}
    fixed: dict = defaultdict(list)
    booked = {}
    for k, route in routes.items():
        tech, di = planner.keys[k]
        window_ids = planner.by_id[tech].window_ids
        for rank, _position, r in sorted(planner.visits(k, route), key=lambda v: v[1]):
            free[tech, days[di]][window_ids[rank]] -= 1
            fixed[tech, days[di]].append(
                FixedStop(-1 - r, planner.requests[r].point, window_ids[rank])
            )
            booked[r] = (tech, di)
    rest = [request for r, request in enumerate(all_requests) if r not in booked]
    started = time.perf_counter()
    around = fresh_planner(options, free=free, fixed=fixed, requests=rest)
    around.run()
    placed = Counter(s for route in around.route for s in route)
    assert all(count == 1 for count in placed.values())
    assert sum(1 for s in placed if s < around.n_requests) == len(rest)
    # A day the area's visits fill has no technician-day in ``around`` (no free place).
    full = sum(len(route) for k, route in routes.items() if len(route) == planner.key_left[k])
    assert sum(1 for s in placed if s >= around.n_requests) == len(booked) - full
    assert all(around.fits(k, route) for k, route in enumerate(around.route))
    assert min(around.key_left) >= 0
    on_time = sum(around.on_time[s] for s in range(around.n_requests) if around.day_of[s] >= 0)
    print(
        f"3. our planner around them ({time.perf_counter() - started:.0f} s): {on_time} of "
        f"the other {len(rest)} on time; the whole plan {on_time + len(booked)} of {n} on time "
        f"(ours {ours}), every request placed once, every day checked"
    )


if __name__ == "__main__":
    main()
