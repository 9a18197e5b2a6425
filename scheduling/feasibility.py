"""How many requests can be on time at most: flows over requests and technician-days.

``max_on_time`` counts places only (not driving): a request may take a place of any technician
whose territory holds its ZIP on any business day up to its target. Requests with the same
technicians and the same target are one node, and each technician's days form a chain (a place
on day *d* also serves every target after *d*), so the graph stays small: a few thousand nodes
for 10,000 requests. Without a drive limit its answer is exact (a maximum flow; tested against
brute force).

``max_on_time_driving`` also counts the working day: a request far out takes a larger share of
a day (one 140 km away a whole day), so fewer fit. It is a linear relaxation solved as a
minimum-cost flow: never below what a plan can achieve, but it may be above (it lets requests in
different directions share a day). The planner takes the smaller of the two as the number of
requests that can be on time at most, repairs towards it, and places last the requests the
relaxation leaves late. Pure Python (networkx), no database.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

import networkx as nx


def _days_with_places(places: dict[tuple[int, date], int]) -> dict[int, list[date]]:
    """Return each technician's days that have a free place, in date order."""
    days_of: dict[int, list[date]] = {}
    for (tech, day), count in places.items():
        if count > 0:
            days_of.setdefault(tech, []).append(day)
    for tech_days in days_of.values():
        tech_days.sort()
    return days_of


def max_on_time(
    *,
    demands: list[tuple[frozenset[int], date]],
    places: dict[tuple[int, date], int],
) -> int:
    """Return how many of ``demands`` (technicians who may serve it, target) can be on time.

    ``places`` are the free places per (technician, day).
    """
    groups = Counter((techs, due) for techs, due in demands if techs)
    if not groups or not places:
        return 0
    days_of = _days_with_places(places)
    graph = nx.DiGraph()
    for tech, tech_days in days_of.items():
        for i, day in enumerate(tech_days):
            graph.add_edge(("day", tech, i), "sink", capacity=places[(tech, day)])
            if i:
                # A place earlier than a target is as good as one on it: no capacity limit.
                graph.add_edge(("day", tech, i), ("day", tech, i - 1))
    for n, ((techs, due), count) in enumerate(groups.items()):
        node = ("group", n)
        graph.add_edge("source", node, capacity=count)
        for tech in techs:
            tech_days = days_of.get(tech)
            if not tech_days:
                continue
            last = bisect.bisect_right(tech_days, due) - 1
            if last >= 0:
                graph.add_edge(node, ("day", tech, last))
    if "source" not in graph or "sink" not in graph:
        return 0
    value, _flows = nx.maximum_flow(graph, "source", "sink")
    return int(value)


@dataclass(frozen=True)
class DrivingDemand:
    """One request as the drive-aware check sees it.

    ``techs``: the technicians who may serve it; ``due``: its target date; ``visits_a_day``: the
    most visits a working day that holds it can have with any of those technicians (from the
    drive there and back, the service time and the day's places; at least 1).
    """

    techs: frozenset[int]
    due: date
    visits_a_day: int


@dataclass
class OnTimeBound:
    """The drive-aware check's answer.

    ``bound``: at most this many of the demands can be on time; ``share``: for each demand, the
    share of its kind (same technicians, target and visits a day) that the relaxation serves on
    time, from 0.0 to 1.0.
    """

    bound: int
    share: list[float]


def max_on_time_driving(
    *,
    demands: list[DrivingDemand],
    places: dict[tuple[int, date], int],
    day_places: dict[tuple[int, date], int],
) -> OnTimeBound:
    """Return an upper bound on how many ``demands`` can be on time when driving counts too.

    ``places`` are the free places per (technician, day); ``day_places`` the day's places in all,
    booked ones included. A day holding a request whose ``visits_a_day`` is *m* holds at most *m*
    visits, so a request takes at least 1/m of a day: a request 140 km out that fits only alone
    takes a whole day, one next door 1/8 of an eight-place day. A day with *f* free of *p* places
    gives the new requests at most f/p of a day. The linear relaxation — maximise the requests
    served, each taking its share of days up to its target, no day over its share — is a
    minimum-cost flow (networkx's network simplex, pure Python): the flow is in day shares, and
    each unit from a request that takes 1/m of a day is worth m of them. Its optimum, rounded
    down, can never be below what a plan achieves; it is tighter than ``max_on_time``, which
    counts places only, wherever requests are far out, and no tighter where none is (take the
    smaller of the two). Requests of different ZIPs that are far apart in different directions
    cannot really share a day; the relaxation lets them, so it stays an upper bound.
    """
    if not demands or not places:
        return OnTimeBound(0, [0.0] * len(demands))
    most = max(max(day_places.values(), default=1), max(d.visits_a_day for d in demands), 1)
    unit = math.lcm(*range(1, most + 1))
    kinds: dict[tuple[frozenset[int], date, int], list[int]] = {}
    for index, demand in enumerate(demands):
        if demand.techs:
            key = (demand.techs, demand.due, max(1, min(demand.visits_a_day, most)))
            kinds.setdefault(key, []).append(index)
    days_of = _days_with_places(places)
    graph = nx.DiGraph()
    for tech, tech_days in days_of.items():
        for i, day in enumerate(tech_days):
            whole = max(day_places.get((tech, day), 0), places[(tech, day)])
            graph.add_edge(
                ("day", tech, i), "sink", capacity=unit * places[(tech, day)] // whole, weight=0
            )
            if i:
                graph.add_edge(("day", tech, i), ("day", tech, i - 1), weight=0)
    supply = 0
    for n, ((techs, due, visits), members) in enumerate(kinds.items()):
        node = ("kind", n)
        reachable = False
        # In id order: a frozenset's order follows the ids' hashes, and the simplex's choice
        # among equally good answers (the share, the planner's hint) follows the edges' order.
        for tech in sorted(techs):
            last = bisect.bisect_right(days_of.get(tech, []), due) - 1
            if last >= 0:
                graph.add_edge(node, ("day", tech, last), weight=0)
                reachable = True
        if reachable:
            capacity = len(members) * (unit // visits)
            graph.add_edge("source", node, capacity=capacity, weight=-visits)
            supply += capacity
    share = [0.0] * len(demands)
    if not supply:
        return OnTimeBound(0, share)
    # Supply the relaxation may leave unserved goes straight to the sink at no worth.
    graph.add_edge("source", "sink", capacity=supply, weight=0)
    graph.nodes["source"]["demand"] = -supply
    graph.nodes["sink"]["demand"] = supply
    cost, flow = nx.network_simplex(graph)
    for n, ((_techs, _due, visits), members) in enumerate(kinds.items()):
        served = flow["source"].get(("kind", n), 0)
        for index in members:
            share[index] = served / (len(members) * (unit // visits))
    return OnTimeBound(int(-cost // unit), share)
