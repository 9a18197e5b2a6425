"""How far the scheduler is from the most on-time visits where days hold few visits (a benchmark).

Issue 25: on the 10,000-request benchmark every late request is in one technician's desert area,
where a visit 100-140 km out fills most of a working day; the drive-aware check (a relaxation)
says at most 9,988 can be on time; the planner reached 9,986 (9,980-9,982 before it emptied the
neighbours' earliest days first; 9,969-9,973 before it emptied the neighbours' days along
augmenting paths), and 9,987, the most, since it plans the area first and packs it exactly
(BENCHMARKS.md, "Issue 25, twelfth round"; ``benchmark_scheduler`` prints part 1's bound with
the planner's own exact search). This script answers, for the technician with the most late
requests, three questions with an exact integer program:

1. *A bound.* Of that technician's requests, those no other technician can reach within a
   working day can only be on time on its own days. The most of them that can be on time, with
   the technician serving nothing else, is an upper bound for them; the requests above it are
   late in every plan, whatever the others do.
2. *A better plan.* With every other technician's days as the planner left them, the most of
   this technician's requests that can be on time; its days are rebuilt from the solution,
   checked with the planner's own rule for a day (``_Planner.fits``), every request placed once,
   and the whole plan's on-time count printed.
3. *With the neighbours' shared visits.* The same for every request of its area (those shared
   with a neighbour too), the neighbours' days keeping their other visits as the planner left
   them and taking any shared visits the planner's listing of a day finds room for
   (``_Planner._day_patterns``). Its bound says how many more the plan can gain without moving
   a neighbour's own visits; the rest of the gap to the bound in 1 needs them moved.

The model: a day's *pattern* is a multiset of ZIPs the technician can visit in one day (each
enumerated and checked with the planner's timing rule: leave at the first window's start, each
visit in the earliest window open on arrival with a place, home by the last window's end).
Requests of one ZIP differ only by their last on-time day, so how many of a ZIP are on time
follows from the visits to it on each day: for every day t, the visits on days t and later are at
most the requests whose last on-time day is t or later (Hall's condition for these nested
choices). Days between two consecutive last on-time days are alike, so the program counts
patterns per such block of days instead of choosing one per day. Solved with SCIP through
OR-Tools, which stays out of the portal's runtime (issue 25):

    python manage.py benchmark_scheduler --export-instances var/instances
    python -m venv /tmp/ortools && /tmp/ortools/bin/pip install ortools networkx
    /tmp/ortools/bin/python scripts/exact_remote_days.py var/instances/instance_all.json

It reads the planner's private state (a benchmark's privilege, not an interface).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_ortools import load_instance

from scheduling.planner import _Planner


def day_patterns(planner: _Planner, k: int, stops_by_zip: dict[str, list[int]]) -> list[dict]:
    """Every multiset of ZIPs technician-day ``k`` can visit, as {zip: visits}.

    ``stops_by_zip`` gives requests to stand for each ZIP's visits. A multiset fits if some order
    of its ZIPs (a ZIP's visits one after another) passes ``planner.fits``; a multiset that does
    not fit has no superset that does, so the search stops there.
    """
    zips = sorted(stops_by_zip)
    places = sum(planner.key_window_free[k])
    found: list[dict] = []

    def fits(counts: dict[str, int]) -> bool:
        for order in itertools.permutations(z for z in zips if counts.get(z)):
            stops = [s for z in order for s in stops_by_zip[z][: counts[z]]]
            if planner.fits(k, stops):
                return True
        return False

    def extend(start: int, counts: dict[str, int], visits: int) -> None:
        for i in range(start, len(zips)):
            z = zips[i]
            if counts.get(z, 0) >= len(stops_by_zip[z]) or visits >= places:
                continue
            counts[z] = counts.get(z, 0) + 1
            if fits(counts):
                found.append(dict(counts))
                extend(i, counts, visits + 1)
            counts[z] -= 1
            if not counts[z]:
                del counts[z]

    extend(0, {}, 0)
    return found


def most_on_time(patterns: list[dict], lasts: dict[str, list[int]], seconds: float):
    """Solve the pattern program; return (status, best, bound, days' patterns by block)."""
    from ortools.linear_solver import pywraplp

    lasts = {z: v for z, v in lasts.items() if v}
    blocks = blocks_of(lasts)
    solver = pywraplp.Solver.CreateSolver("SCIP")
    uses = {
        (p, b): solver.IntVar(0, end - start, f"n{p}_{b}")
        for p in range(len(patterns))
        for b, (start, end) in enumerate(blocks)
    }
    on_time = {
        (z, b): solver.IntVar(0, solver.infinity(), f"f{z}_{b}")
        for z in lasts
        for b in range(len(blocks))
    }
    for b, (start, end) in enumerate(blocks):
        solver.Add(sum(uses[p, b] for p in range(len(patterns))) <= end - start)
        for z in lasts:
            solver.Add(
                on_time[z, b]
                <= sum(n.get(z, 0) * uses[p, b] for p, n in enumerate(patterns) if n.get(z))
            )
    status = solve_for_on_time(solver, on_time, lasts, blocks, seconds)
    chosen = {(p, b): round(var.solution_value()) for (p, b), var in uses.items()}
    by_day: dict[int, dict] = {}
    for (p, b), count in chosen.items():
        start, end = blocks[b]
        free_days = [d for d in range(start, end) if d not in by_day]
        for d in free_days[:count]:
            by_day[d] = patterns[p]
    objective = solver.Objective()
    return status, objective.Value(), objective.BestBound(), by_day


def most_on_time_shared(
    planner: _Planner, patterns: list[dict], neighbour_days: dict, lasts, seconds
):
    """Solve part 3's program; return (status, best, bound).

    The technician's days each take one of ``patterns`` (counted per block of alike days, as
    in ``most_on_time``); ``neighbour_days`` maps a neighbour's day (its key) to its patterns
    ({zip: visits}, the empty one included), one taken per day; ``lasts`` gives each ZIP's
    requests' last on-time days. A neighbour's day counts in the block its day index falls in.
    """
    from ortools.linear_solver import pywraplp

    lasts = {z: v for z, v in lasts.items() if v}
    blocks = blocks_of(lasts)
    horizon = blocks[-1][1]
    block_of = [b for b, (start, end) in enumerate(blocks) for _d in range(start, end)]
    solver = pywraplp.Solver.CreateSolver("SCIP")
    visits = defaultdict(list)
    for b, (start, end) in enumerate(blocks):
        uses = [solver.IntVar(0, end - start, f"n{p}_{b}") for p in range(len(patterns))]
        solver.Add(sum(uses) <= end - start)
        for use, pattern in zip(uses, patterns, strict=True):
            for z, count in pattern.items():
                visits[z, b].append(count * use)
    for k, day_patterns_ in neighbour_days.items():
        d = planner.key_di[k]
        if d >= horizon:
            continue
        chosen = [solver.BoolVar(f"k{k}_{p}") for p in range(len(day_patterns_))]
        solver.Add(sum(chosen) == 1)
        for choice, pattern in zip(chosen, day_patterns_, strict=True):
            for z, count in pattern.items():
                visits[z, block_of[d]].append(count * choice)
    on_time = {}
    for z in lasts:
        for b in range(len(blocks)):
            on_time[z, b] = solver.NumVar(0, solver.infinity(), f"f{z}_{b}")
            solver.Add(on_time[z, b] <= sum(visits[z, b]))
    status = solve_for_on_time(solver, on_time, lasts, blocks, seconds)
    objective = solver.Objective()
    return status, objective.Value(), objective.BestBound()


def blocks_of(lasts: dict[str, list[int]]) -> list[tuple[int, int]]:
    """Split the days up to the last target into blocks of alike days, [start, end) by day
    index: a block ends after every day that is some request's last on-time day."""
    horizon = max(max(v) for v in lasts.values()) + 1
    cuts = sorted({0} | {last + 1 for v in lasts.values() for last in v if last + 1 < horizon})
    return list(zip(cuts, [*cuts[1:], horizon], strict=True))


def solve_for_on_time(solver, on_time: dict, lasts: dict, blocks: list, seconds: float) -> str:
    """Add the due-date limits, maximise the on-time visits and solve; return the status.

    ``on_time[zip, block]`` are a ZIP's visits on time in a block. For every block, those in it
    and later are at most the ZIP's requests due in it or later (Hall's condition for these
    nested choices). Stops after ``seconds``; "optimal", "feasible" or SCIP's status code.
    """
    from ortools.linear_solver import pywraplp

    for z, v in lasts.items():
        for b, (start, _end) in enumerate(blocks):
            due_later = sum(1 for last in v if last >= start)
            solver.Add(sum(on_time[z, c] for c in range(b, len(blocks))) <= due_later)
    solver.Maximize(sum(on_time.values()))
    solver.SetTimeLimit(int(seconds * 1000))
    status = solver.Solve()
    names = {pywraplp.Solver.OPTIMAL: "optimal", pywraplp.Solver.FEASIBLE: "feasible"}
    return names.get(status, str(status))


def neighbour_patterns(planner: _Planner, tech_id: int, area: list[int], horizon: int) -> dict:
    """Take ``area`` off the other technicians' days up to day index ``horizon`` (the plan is
    changed) and list what each such day can add of it: {key: [{zip: visits}, ...]}.

    A day keeps its other visits; ``_Planner._day_patterns`` lists the multisets of the area's
    ZIPs its technician may serve that fit with them (the planner's listing: every order of
    the day's groups while there are at most five, insertions past that). A day whose listing
    is cut short takes nothing more (its empty pattern only).
    """
    taken = set(area)
    by_zip: dict[str, list[int]] = defaultdict(list)
    for r in area:
        by_zip[planner.requests[r].zip].append(r)
    zips = sorted(by_zip)
    found = {}
    others = {t for r in area for t in planner.req_techs[r] if t != tech_id}
    for t in sorted(others):
        for k in planner.tech_keys[t]:
            if planner.key_di[k] > horizon:
                continue
            kept = [s for s in planner.route[k] if s not in taken]
            planner.key_left[k] += len(planner.route[k]) - len(kept)
            planner.route[k] = kept
            stand_ins = [by_zip[z] if t in planner.req_techs[by_zip[z][0]] else [] for z in zips]
            listed = planner._day_patterns(k, stand_ins) or {(0,) * len(zips): ()}
            found[k] = [{z: c for z, c in zip(zips, counts, strict=True) if c} for counts in listed]
    return found


def rebuild_days(planner: _Planner, keys: list[int], pool: list[int], by_day: dict) -> int:
    """Put ``pool`` on ``keys`` (the technician's days by index) as ``by_day``'s patterns say.

    Days are filled from the last to the first, each visit to a ZIP taking any of its requests
    still on time that day (every one of them is on time on every earlier day too, so any choice
    is as good); the rest are booked late on the earliest day with room, as the planner books a
    late request. Returns how many of ``pool`` are on time.
    """
    for k in keys:
        planner.key_left[k] += len(planner.route[k])
        planner.route[k] = []
    for r in pool:
        planner.day_of[r], planner.on_time[r] = -1, False
    by_zip: dict[str, list[int]] = defaultdict(list)
    for r in pool:
        by_zip[planner.requests[r].zip].append(r)
    served = 0
    for d in sorted(by_day, reverse=True):
        k, stops = keys[d], []
        for z, visits in by_day[d].items():
            ready = [r for r in by_zip[z] if planner.day_of[r] < 0 and planner.last_on_time[r] >= d]
            stops += [(z, r) for r in ready[:visits]]
        for order in itertools.permutations(sorted({z for z, _r in stops})):
            route = [r for z in order for zz, r in stops if zz == z]
            if planner.fits(k, route):
                break
        else:
            raise SystemExit(f"day {d}: the pattern {by_day[d]} does not fit")
        for r in route:
            planner.day_of[r], planner.on_time[r] = k, True
        planner.route[k] = route
        planner.key_left[k] -= len(route)
        served += len(route)
    for r in sorted(
        (r for r in pool if planner.day_of[r] < 0), key=planner.last_on_time.__getitem__
    ):
        if not planner.try_place(r, len(planner.days), earliest=True):
            raise SystemExit(f"request {planner.requests[r].id} finds no day at all")
    return served


def arguments(description: str, seconds_help: str) -> argparse.ArgumentParser:
    """The command line both exact scripts take: an exported instance and the time limits."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("instance", type=Path, help="instance_all.json from benchmark_scheduler")
    parser.add_argument("--seconds", type=float, default=300, help=seconds_help)
    parser.add_argument("--time-limit", type=float, default=20, help="our planner's time limit")
    parser.add_argument("--seed", type=int, default=0)
    return parser


def planned(options: argparse.Namespace) -> tuple[_Planner, int, Counter]:
    """Plan ``options.instance`` with our planner; return it, its on-time count, and how many
    requests are late on each technician's days ({technician id: count})."""
    requests, technicians, days, free, drive = load_instance(options.instance)
    planner = _Planner(
        requests=requests,
        technicians=technicians,
        days=days,
        free=free,
        fixed={},
        drive=drive,
        deadline=time.monotonic() + options.time_limit,
        rng=random.Random(options.seed),
        clock=time.monotonic,
    )
    planner.run()
    n = planner.n_requests
    ours = sum(planner.on_time[r] for r in range(n) if planner.day_of[r] >= 0)
    late = Counter(
        planner.key_tech[planner.day_of[r]]
        for r in range(n)
        if planner.day_of[r] >= 0 and not planner.on_time[r]
    )
    return planner, ours, late


def patterns_of_area(planner: _Planner, keys: list[int], area: list[int]) -> list[dict]:
    """The technician's day patterns over every ZIP of ``area`` (``day_patterns`` on its
    last day, all its days alike)."""
    stops_by_zip: dict[str, list[int]] = defaultdict(list)
    for r in area:
        stops_by_zip[planner.requests[r].zip].append(r)
    return day_patterns(planner, keys[-1], stops_by_zip)


def main() -> None:
    options = arguments(__doc__.split("\n")[0], "SCIP's time per program").parse_args()
    planner, ours, late = planned(options)
    n = planner.n_requests
    print(
        f"ours: {ours} of {n} on time; the drive-aware check says at most "
        f"{planner.plan.on_time_possible}; late by technician {dict(late.most_common(5))}"
    )
    tech_id = late.most_common(1)[0][0]
    keys = sorted(planner.tech_keys[tech_id], key=planner.key_di.__getitem__)
    windows = {tuple(planner.key_window_free[k]) for k in keys}
    if [planner.key_di[k] for k in keys] != list(range(len(keys))) or len(windows) != 1:
        raise SystemExit(f"technician {tech_id} does not have the same places every day")
    pool = [s for k in keys for s in planner.route[k] if s < n]
    area = [r for r in range(n) if tech_id in planner.req_techs[r]]
    alone = [r for r in area if planner.req_techs[r] == [tech_id]]
    patterns = patterns_of_area(planner, keys, pool)
    print(
        f"technician {tech_id}: {len(keys)} days, {len(area)} requests in its area, "
        f"{len(pool)} on its days in our plan ({sum(planner.on_time[r] for r in pool)} on time), "
        f"{len(alone)} no other technician can reach; {len(patterns)} day patterns"
    )

    def lasts_of(chosen):
        lasts: dict[str, list[int]] = defaultdict(list)
        for r in chosen:
            if planner.last_on_time[r] >= 0:
                lasts[planner.requests[r].zip].append(planner.last_on_time[r])
        return lasts

    started = time.perf_counter()
    status, best, bound, _days = most_on_time(patterns, lasts_of(alone), options.seconds)
    print(
        f"1. the {len(alone)} only it can reach: at most {bound:.1f} on time ({status}, best "
        f"{best:.0f}, {time.perf_counter() - started:.0f} s), so at least "
        f"{len(alone) - int(bound + 1e-6)} late in every plan: at most "
        f"{n - (len(alone) - int(bound + 1e-6))} of {n} on time"
    )
    started = time.perf_counter()
    status, best, bound, by_day = most_on_time(patterns, lasts_of(pool), options.seconds)
    served = rebuild_days(planner, keys, pool, by_day)
    total = sum(planner.on_time[r] for r in range(n) if planner.day_of[r] >= 0)
    placed = Counter(s for route in planner.route for s in route if s < n)
    assert len(placed) == n and set(placed.values()) == {1}
    assert all(planner.fits(k, route) for k, route in enumerate(planner.route))
    assert min(planner.key_left) >= 0
    print(
        f"2. the {len(pool)} on its days, the others' days as ours: at most {bound:.1f} on "
        f"time ({status}, best {best:.0f}, {time.perf_counter() - started:.0f} s); its days "
        f"rebuilt from the best: {served} on time, the whole plan {total} of {n} "
        f"(ours {ours}), every request placed once, every day checked"
    )
    planner, ours, _late = planned(options)
    shared = sum(planner.on_time[r] for r in area)
    horizon = max(planner.last_on_time[r] for r in area)
    neighbour_days = neighbour_patterns(planner, tech_id, area, horizon)
    started = time.perf_counter()
    status, best, bound = most_on_time_shared(
        planner,
        patterns_of_area(planner, keys, area),
        neighbour_days,
        lasts_of(area),
        options.seconds,
    )
    print(
        f"3. the {len(area)} of its area, the neighbours' days keeping their other visits "
        f"({sum(map(len, neighbour_days.values()))} patterns on {len(neighbour_days)} days): at "
        f"most {bound:.1f} on time ({status}, best {best:.0f}, {time.perf_counter() - started:.0f} "
        f"s; ours {shared}), so at most {ours - shared + int(bound + 1e-6)} of {n} on time "
        "without moving a neighbour's own visit"
    )


if __name__ == "__main__":
    main()
