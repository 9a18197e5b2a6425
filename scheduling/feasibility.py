"""How many requests can be on time at most: a maximum flow over requests and technician-days.

Counting places only (not driving): a request may take a place of any technician whose territory
holds its ZIP on any business day up to its target. Requests with the same technicians and the
same target are one node, and each technician's days form a chain (a place on day *d* also serves
every target after *d*), so the graph stays small: a few thousand nodes for 10,000 requests.
The planner uses the answer to know when "every request on time" is possible and to stop
repairing once it has reached it; it is pure Python (networkx), no database.
"""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import date

import networkx as nx


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
    days_of: dict[int, list[date]] = {}
    for (tech, day), count in places.items():
        if count > 0:
            days_of.setdefault(tech, []).append(day)
    graph = nx.DiGraph()
    for tech, tech_days in days_of.items():
        tech_days.sort()
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
