"""The scheduler's algorithm, in pure Python over plain data (no database, no Django).

1. **Construction.** Requests are taken earliest target first (so the oldest are served first
   when capacity is short) and each goes to the technician-day, up to its target, where it adds
   the fewest kilometres to the day's route (cheapest insertion), only to technicians whose
   territory holds its ZIP, only to days with a free place, and only if the day still fits the
   working day (see below).
   Before it, the flow checks (``feasibility``) say how many requests can be on time at most,
   counting places and the working day; the requests the drive-aware relaxation leaves late
   are placed after all the others.
2. **Repair.** While fewer are on time than the checks allow, each request left without an
   on-time place looks for an augmenting path: a chain of on-time requests that each move to
   another of their on-time days, freeing a place for it. A request so far out that it needs a
   working day of its own (``alone``) instead empties a day, moving each of that day's requests
   to another of its days (all or nothing). A technician whose area still has late requests
   then has its days packed again (``repack``): latest first, each day taking as many visits
   as it can hold, and by whole-day patterns (how many visits at each address a day can hold)
   chosen by a local search; the packing with the most on time is kept when more are on time
   than before. Requests that cannot be on time take the earliest day left; those that fit
   nowhere are reported, not booked. Where requests that need a day of their own are still
   waiting in an area one technician alone reaches but shares addresses of with neighbours
   (a desert 100-140 km out), the area is also planned first, on an empty plan: that
   technician's days packed for the requests only it reaches (the local search, then an exact
   search over the days' patterns), the shared ones on the neighbours' latest days; a second
   planner places every other request around those visits (booked stops) as above, and when
   it puts more on time its placement is taken over, the area's visits movable again
   (``_area_first``, ``_adopt``).
3. **Improvement.** Moves of one request and swaps of two between technician-days, accepted
   when they shorten the total drive, under every hard rule (territory, places per window, time
   off, target dates, the working day), until no move helps or the time limit is reached. Then
   ruin and recreate: the requests nearest a random one (a ZIP and its neighbours, whatever days
   they are on) are taken out and put back one by one at their cheapest day, kept when the drive
   is shorter, which gathers a ZIP that single moves leave scattered. Last, late requests try
   again for an on-time day that improving may have freed.
4. **Routes.** Each technician-day is ordered (nearest neighbour, 2-opt, or-opt) and the day's
   windows are handed out along that order.

A day fits the working day when, leaving home at the first window's start, driving at
``DriveModel`` speed over the straight-line distance times a road factor, and spending the
service time at each stop, every stop starts inside its window and the technician is home by the
last window's end. A new stop takes the earliest window with a place that has not closed by the
time the technician arrives (so a far-out day uses the afternoon once the morning has passed).

Splitting the problem this way keeps every routing problem to a handful of stops, which is why
10,000 requests and 50 technicians take seconds rather than a solver's minutes.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Container
from dataclasses import dataclass, field
from datetime import date

from .feasibility import DrivingDemand, max_on_time, max_on_time_driving
from .geo import haversine_km

Point = tuple[float, float]
# Prefer an earlier day when two days are otherwise as good (km per business day later).
DAY_WEIGHT_KM = 0.5
# Swaps are tried with the requests of this many of the cheapest other days.
SWAP_DAYS = 6
# The improvement phase reads the clock once every this many requests (a pass over 10,000
# requests takes seconds; reading the clock for each would cost more than it saves).
CLOCK_CHECK_EVERY = 64
# The share of the time left that repairing may take before improving starts. On-time visits
# come before fewer km (DESIGN §6). On the 10,000-request benchmark (20 s limit) the repair
# takes all of it, most of it packing the desert area's days: with 0.65 the packing with the
# neighbours' shared visits joining runs to its end (1-2 more on time than with 0.5), and the
# improvement phase still stops idle after 3-4 s (in the ninth round, when emptying the
# neighbours' days took twice as long, 0.65 cut it short instead). With 0.3, in an earlier
# round, a slow start (the flow check and the construction taking 4-5 s on a busy machine) left
# 37 more requests late.
REPAIR_SHARE = 0.65
# The share of the improvement's time kept for late requests to try again for an on-time day.
CATCH_UP_SHARE = 0.35
# Ruin and recreate: how many neighbouring requests each try takes out, and after how many tries
# in a row that found nothing it stops.
RUIN_SIZE = (4, 14)
RUIN_IDLE_TRIES = 1000
# A try may add up to this share of the plan's km per visit at first (less and less, none at the
# end of its time), so the search can leave a local optimum; the best plan seen is kept.
RUIN_THRESHOLD_SHARE = 0.25
# The packings ``repack`` tries, in order: two latest-first ones (quick), then the day-pattern
# ones (seconds each on the benchmark's desert area).
PACKINGS = ("heed_bound", "latest_first", "patterns", "patterns_joined", "pulled")
QUICK_PACKINGS = PACKINGS[:2]
# The day-pattern packing (``_repack_patterns``), for areas of few addresses (requests are placed
# at their ZIP's centroid, so a remote area has a handful): at most this many addresses and this
# many routes tried when listing the patterns a day can hold (past either, the packing is
# skipped); every order of a pattern's addresses tried while it has fewer than this many; the
# local search's steps (so many per pattern a day may take, up to a cap), share of swaps and
# temperatures (in requests on time, from hot to cold). On the 10,000-request benchmark the
# desert technician's 29 days each hold 265 patterns over ten addresses (104 not within another;
# about 2,000 routes tried to list them), so each run of the search takes 193,000 steps, 2-3 s;
# of three runs from the same start the best is kept (one run gives 148-152 on time there).
PATTERN_ADDRESSES = 24
PATTERN_LISTING_LIMIT = 20_000
PATTERN_ALL_ORDERS = 5
PATTERN_SEARCH_STEPS = 200_000
PATTERN_RUNS = 3
PATTERN_STEPS_PER_CHOICE = 64
PATTERN_SWAP_SHARE = 0.4
PATTERN_SHIFT_SHARE = 0.2
PATTERN_TEMPERATURE = (0.5, 0.05)
# Planning a late area first (``_area_first``): the share of the repair's time left that its
# pattern search may take (on the benchmark it stops idle after 1-2 s).
AREA_SHARE = 0.5
EPSILON = 1e-6

REASON_UNKNOWN_ZIP = "unknown_zip"
REASON_NO_TECHNICIAN = "no_technician"
REASON_NO_CAPACITY = "no_capacity"


@dataclass(frozen=True)
class DriveModel:
    """How long a day takes: straight-line km x road factor / average speed, plus service."""

    road_factor: float = 1.3
    kmh: float = 50.0
    service_minutes: float = 30.0

    def drive_minutes(self, km: float) -> float:
        """Return the minutes driven for ``km`` kilometres in a straight line."""
        return km * self.road_factor / self.kmh * 60.0

    def day_minutes(self, km: float, visits: int) -> float:
        """Return a day's working minutes: driving plus the service time of each visit."""
        return self.drive_minutes(km) + self.service_minutes * visits


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
    # The technician's windows in the order of the day.
    window_ids: tuple[int, ...]
    # (start, end) of each window in minutes after midnight, in ``window_ids`` order. Empty:
    # the day is not bounded in time (only the places count).
    window_hours: tuple[tuple[int, int], ...] = ()


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
    # How many of the requests could be on time at most (the flow check), and how many are.
    on_time_possible: int = 0
    # Seconds spent in each phase, for the benchmark.
    timings: dict[str, float] = field(default_factory=dict)


def plan_schedule(
    *,
    requests: list[PlanRequest],
    technicians: list[PlanTechnician],
    days: list[date],
    free: dict[tuple[int, date], dict[int, int]],
    fixed: dict[tuple[int, date], list[FixedStop]] | None = None,
    time_limit: float = 20.0,
    drive: DriveModel | None = None,
    seed: int = 0,
    clock: Callable[[], float] = time.monotonic,
) -> Plan:
    """Assign requests to technician-days, improve the assignment, then order each day.

    ``time_limit`` is in the units of ``clock`` (seconds of ``time.monotonic`` by default): the
    improvement phases stop when it is spent, so a plan depends on how fast the machine is. A
    test that must get the same plan on any machine passes a clock that counts the planner's
    own steps instead (``clock`` is called at every check of the time; ``plan.timings`` are in
    its units too). ``seed`` seeds the ruin-and-recreate phase's random choices.
    """
    planner = _Planner(
        requests=requests,
        technicians=technicians,
        days=days,
        free=free,
        fixed=fixed or {},
        drive=drive or DriveModel(),
        deadline=clock() + time_limit,
        rng=random.Random(seed),
        clock=clock,
    )
    return planner.run()


def fullest_patterns(patterns: Collection[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """The patterns of a day (visits per address, as ``_Planner._day_patterns`` lists them) that
    no other of them contains. A pattern within a longer one is within one with a single visit
    more (a day that holds a multiset holds every part of it), so only those are looked up."""
    fullest = []
    for p in patterns:
        more = list(p)
        for i in range(len(p)):
            more[i] += 1
            if tuple(more) in patterns:
                break
            more[i] -= 1
        else:
            fullest.append(p)
    return fullest


class _Planner:
    """The state of one planning run: technician-days with their routes, over integer ids.

    Points are numbered and their distances kept in a matrix; stops ``0 .. len(requests)-1`` are
    the requests (by position), the rest the fixed stops. ``route[k]`` is technician-day ``k``'s
    stops in visiting order, fixed stops included.
    """

    def __init__(
        self,
        *,
        requests,
        technicians,
        days,
        free,
        fixed,
        drive,
        deadline,
        rng,
        clock=time.monotonic,
    ):
        self.clock = clock
        # What the planner was given, for a second planner around an area planned first.
        self.inputs = (requests, technicians, days, free, fixed, drive)
        self.requests = requests
        self.days = days
        self.drive = drive
        self.deadline = deadline
        self.rng = rng
        self.plan = Plan()
        self.by_id = {tech.id: tech for tech in technicians}
        self.zip_techs: dict[str, list[int]] = defaultdict(list)
        for tech in technicians:
            for zip_code in tech.territory:
                self.zip_techs[zip_code].append(tech.id)
        day_index = {day: i for i, day in enumerate(days)}

        # Points and their distances.
        points: dict[Point, int] = {}

        def point_id(point: Point) -> int:
            if point not in points:
                points[point] = len(points)
            return points[point]

        # Technician-days with a free place.
        self.keys: list[tuple[int, int]] = []
        self.tech_keys: dict[int, list[int]] = defaultdict(list)
        self.key_home: list[int] = []
        self.key_left: list[int] = []
        # The day's places in all, booked stops included.
        self.key_places: list[int] = []
        self.key_window_free: list[list[int]] = []
        self.key_hours: list[tuple[tuple[int, int], ...] | None] = []
        for (tech_id, day), windows in sorted(free.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            tech = self.by_id.get(tech_id)
            total = sum(windows.values())
            if tech is None or day not in day_index or total <= 0:
                continue
            k = len(self.keys)
            self.keys.append((tech_id, day_index[day]))
            self.tech_keys[tech_id].append(k)
            self.key_home.append(point_id(tech.home))
            self.key_left.append(total)
            self.key_places.append(total)
            self.key_window_free.append([windows.get(w, 0) for w in tech.window_ids])
            hours = tech.window_hours if len(tech.window_hours) == len(tech.window_ids) else ()
            self.key_hours.append(tuple(hours) or None)
        self.key_tech = [tech_id for tech_id, _di in self.keys]
        self.key_di = [di for _tech_id, di in self.keys]

        # Stops: the requests, then the fixed stops of the open technician-days.
        self.n_requests = len(requests)
        self.stop_point: list[int] = [
            point_id(r.point) if r.point is not None else -1 for r in requests
        ]
        self.stop_rank: list[int] = [-1] * len(requests)
        self.fixed_stops: list[FixedStop] = []
        self.route: list[list[int]] = [[] for _k in self.keys]
        key_of = {key: k for k, key in enumerate(self.keys)}
        for (tech_id, day), day_fixed in fixed.items():
            k = key_of.get((tech_id, day_index.get(day, -1)))
            if k is None:
                continue
            rank = {w: i for i, w in enumerate(self.by_id[tech_id].window_ids)}
            for stop in sorted(day_fixed, key=lambda s: rank.get(s.window_id, 0)):
                self.route[k].append(len(self.stop_point))
                self.key_places[k] += 1
                self.stop_point.append(point_id(stop.point))
                self.stop_rank.append(rank.get(stop.window_id, 0))
                self.fixed_stops.append(stop)
        ordered = sorted(points, key=points.get)
        self.point_of: list[Point] = ordered
        self.distance = [[haversine_km(a, b) for b in ordered] for a in ordered]
        self.minutes_per_km = drive.road_factor / drive.kmh * 60.0
        self.day_of: list[int] = [-1] * len(requests)
        # Requests the drive-aware bound leaves late: placed after the others.
        self.deferred: set[int] = set()
        # Requests that found no day at all (no capacity), in the order they were found; the
        # improvement phase may free a place for them (``catch_up``).
        self.unbooked: list[int] = []
        self.on_time: list[bool] = [False] * len(requests)
        # The requests ``_place`` may put on time (set there).
        self.candidates: list[int] = []
        # A planner around an area planned first (``_area_first``): the area's requests booked
        # as stops (their positions in the first planner's requests → technician id, day
        # index, window id), the area plan's routes of the days they are on (the first
        # planner's technician-day → its stops), and when its repair ends (else
        # ``REPAIR_SHARE`` of the time).
        self.area_booked: dict[int, tuple[int, int, int]] = {}
        self.area_routes: dict[int, list[int]] = {}
        # Who may serve each request, and whether it needs a day of its own (``_reach``).
        self.req_techs: list[list[int]] | None = None
        self.alone: list[bool] = []
        self.repair_until: float | None = None
        # The last day index on or before each request's target (-1: already past it).
        self.last_on_time = [bisect.bisect_right(days, r.due) - 1 for r in requests]

    # --- the day's route ----------------------------------------------------------------

    def fits(self, k: int, order: list[int]) -> bool:
        """Whether technician-day ``k`` visiting ``order`` fits its windows and working day."""
        if self.key_hours[k] is None:
            return True
        return self._timed_visits(k, order) is not None

    def visits(self, k: int, order: list[int]):
        """Return (window rank, position, stop) of each stop in visiting order, or None.

        With window hours the route is driven in ``order``; otherwise only places are handed out.
        """
        if self.key_hours[k] is None:
            return self._hand_out_windows(k, order)
        return self._timed_visits(k, order)

    def _timed_visits(self, k: int, order: list[int]):
        """``_drive`` the route; if as given it does not fit, window by window.

        A stop put after the afternoon's when only the morning has a place left, or a new stop
        before a booked afternoon visit when the morning is full, can only be visited in the
        other window: the stops are then taken window by window (the route order within each).
        """
        visits = self._drive(k, order)
        if visits is None:
            handed = self._hand_out_windows(k, order)
            if handed is not None:
                by_window = [stop for _rank, _position, stop in handed]
                if by_window != order:
                    visits = self._drive(k, by_window)
        return visits

    def _drive(self, k: int, order: list[int]):
        """Drive ``order`` from home and give each new stop a window it can start in.

        Leaving home at the first window's start, each stop starts on arrival (or when its window
        opens); a new stop takes the earliest window, not before the previous stop's, that still
        has a place and has not closed by the time the technician gets there. A booked stop keeps
        its window, so a route must reach it in window order. Returns (window rank, position,
        stop) in visiting order, or None when a stop starts outside every window left, places run
        out, or the technician is not home by the last window's end.
        """
        hours = self.key_hours[k]
        left = list(self.key_window_free[k])
        distance, per_km, service = self.distance, self.minutes_per_km, self.drive.service_minutes
        home = here = self.key_home[k]
        clock = hours[0][0]
        current = 0
        visits = []
        for position, stop in enumerate(order):
            point = self.stop_point[stop]
            clock += distance[here][point] * per_km
            rank = self.stop_rank[stop]
            if rank < 0:
                rank = current
                while rank < len(left) and (left[rank] <= 0 or hours[rank][1] < clock):
                    rank += 1
                if rank == len(left):
                    return None
                left[rank] -= 1
            elif rank < current or hours[rank][1] < clock:
                return None
            current = rank
            clock = max(clock, hours[rank][0]) + service
            here = point
            visits.append((rank, position, stop))
        clock += distance[here][home] * per_km
        return visits if clock <= hours[-1][1] else None

    def _hand_out_windows(self, k: int, order: list[int]):
        """Give each new stop the earliest window with a place not before the one it follows.

        For days without window hours (only the places count), and for the window-by-window
        order a timed route is tried in when it does not fit as given. Returns (window rank,
        position, stop) in window order, or None when places run out.
        """
        left = list(self.key_window_free[k])
        current = 0
        visits = []
        for position, stop in enumerate(order):
            rank = self.stop_rank[stop]
            if rank < 0:
                rank = next((r for r in range(current, len(left)) if left[r] > 0), -1)
                if rank < 0:
                    rank = next((r for r in range(len(left) - 1, -1, -1) if left[r] > 0), -1)
                    if rank < 0:
                        return None
                left[rank] -= 1
            if rank > current:
                current = rank
            visits.append((rank, position, stop))
        visits.sort()
        return visits

    def insertion(self, home: int, order: list[int], point: int) -> tuple[float, int]:
        """Return the cheapest added km of ``point`` in the round trip and where it goes."""
        row = self.distance[point]
        distance, stop_point = self.distance, self.stop_point
        best, where = 2 * row[home], 0
        if not order:
            return best, 0
        prev = home
        best = float("inf")
        for i, stop in enumerate(order):
            nxt = stop_point[stop]
            cost = row[prev] + row[nxt] - distance[prev][nxt]
            if cost < best:
                best, where = cost, i
            prev = nxt
        cost = row[prev] + row[home] - distance[prev][home]
        if cost < best:
            best, where = cost, len(order)
        return best, where

    def fitting_insertion(
        self, k: int, order: list[int], stop: int
    ) -> tuple[float, list[int]] | None:
        """Return (added km, route) of ``stop``'s cheapest place in ``order`` on technician-day
        ``k`` where the day still fits, or None.

        The cheapest place first. Where it breaks a window (two visits next door after a far
        one find the morning's places gone by the time they are reached, though first they
        would not), the next cheapest, and so on while the added km still leave time for the
        day's drive and visits (no dearer place can fit past that).
        """
        home, point = self.key_home[k], self.stop_point[stop]
        cost, where = self.insertion(home, order, point)
        candidate = [*order[:where], stop, *order[where:]]
        if self.fits(k, candidate):
            return cost, candidate
        hours = self.key_hours[k]
        if not order or hours is None:
            return None
        span = hours[-1][1] - hours[0][0] - self.drive.service_minutes * (len(order) + 1)
        budget = span / self.minutes_per_km - self.route_km(k, order)
        if cost > budget:
            return None
        d, sp = self.distance, self.stop_point
        row = d[point]
        stops = [home, *(sp[s] for s in order), home]
        others = sorted(
            (row[a] + row[b] - d[a][b], i)
            for i, (a, b) in enumerate(itertools.pairwise(stops))
            if i != where
        )
        for added, i in others:
            if added > budget:
                break
            candidate = [*order[:i], stop, *order[i:]]
            if self.fits(k, candidate):
                return added, candidate
        return None

    def removal_gain(self, k: int, order: list[int], i: int) -> float:
        """Return the km saved by taking the ``i``-th stop out of technician-day ``k``."""
        home = self.key_home[k]
        sp = self.stop_point
        prev = sp[order[i - 1]] if i else home
        nxt = sp[order[i + 1]] if i + 1 < len(order) else home
        here = sp[order[i]]
        d = self.distance
        return d[prev][here] + d[here][nxt] - d[prev][nxt]

    def route_km(self, k: int, order: list[int]) -> float:
        d, sp = self.distance, self.stop_point
        here = home = self.key_home[k]
        total = 0.0
        for stop in order:
            total += d[here][sp[stop]]
            here = sp[stop]
        return total + d[here][home]

    def two_opt(self, k: int, order: list[int]) -> list[int]:
        """Return ``order`` improved by 2-opt and or-opt moves that keep the day fitting."""
        d, sp, home = self.distance, self.stop_point, self.key_home[k]
        best = list(order)
        improved = True
        while improved:
            improved = False
            n = len(best)
            for i in range(n - 1):
                for j in range(i + 1, n):
                    a = sp[best[i - 1]] if i else home
                    b, c = sp[best[i]], sp[best[j]]
                    e = sp[best[j + 1]] if j + 1 < n else home
                    if d[a][c] + d[b][e] - d[a][b] - d[c][e] < -EPSILON:
                        candidate = best[:i] + best[i : j + 1][::-1] + best[j + 1 :]
                        if self.fits(k, candidate):
                            best, improved = candidate, True
            for i in range(n):
                rest = best[:i] + best[i + 1 :]
                gain = self.removal_gain(k, best, i)
                cost, where = self.insertion(home, rest, sp[best[i]])
                if cost < gain - EPSILON:
                    candidate = [*rest[:where], best[i], *rest[where:]]
                    if self.fits(k, candidate):
                        best, improved = candidate, True
        return best

    def _reach(self) -> None:
        """Keep, for each request, the technicians who can reach it within a working day.

        Also whether it needs a day of its own: so far from every such technician's home that
        not even a second visit at the same address fits in the day (``alone``).
        """
        cache: dict[tuple[int, int], bool] = {}
        pair_cache: dict[tuple[int, int], bool] = {}
        self.req_techs = []
        self.alone = []
        for r, request in enumerate(self.requests):
            techs = []
            shares = False
            for tech_id in self.zip_techs.get(request.zip, ()) if request.point else ():
                keys = self.tech_keys.get(tech_id)
                if not keys:
                    continue
                key = (self.stop_point[r], tech_id)
                if key not in cache:
                    cache[key] = self.fits(keys[0], [r])
                if cache[key]:
                    techs.append(tech_id)
                    if key not in pair_cache:
                        pair_cache[key] = self.fits(keys[0], [r, r])
                    shares = shares or pair_cache[key]
            self.req_techs.append(techs)
            self.alone.append(bool(techs) and not shares)

    # --- placing --------------------------------------------------------------------------

    def place(self, r: int, k: int, order: list[int]) -> None:
        self.route[k] = order
        self.day_of[r] = k
        self.key_left[k] -= 1
        self.on_time[r] = self.key_di[k] <= self.last_on_time[r]

    def candidate_keys(self, r: int, last: int):
        """Technician-days of ``r``'s technicians up to day index ``last``."""
        key_di = self.key_di
        for tech_id in self.req_techs[r]:
            for k in self.tech_keys.get(tech_id, ()):
                if key_di[k] > last:
                    break  # ``tech_keys`` are in date order (``free`` read sorted by date)
                yield k

    def try_place(self, r: int, last: int, earliest: bool) -> bool:
        """Put ``r`` on the best technician-day up to ``last`` where it fits.

        ``earliest``: the earliest day first (late requests); else the fewest added km.
        """
        point = self.stop_point[r]
        options = []
        for k in self.candidate_keys(r, last):
            if self.key_left[k] <= 0:
                continue
            cost, _where = self.insertion(self.key_home[k], self.route[k], point)
            di = self.key_di[k]
            options.append(((di, cost) if earliest else (cost + DAY_WEIGHT_KM * di, 0), k))
        options.sort()
        for _cost, k in options:
            found = self.fitting_insertion(k, self.route[k], r)
            if found is not None:
                self.place(r, k, found[1])
                return True
        return False

    def augment(self, r: int, until: float, avoid: Container[int] = ()) -> bool:
        """Find a chain of on-time requests moving to other on-time days that frees one for r.

        Breadth-first over technician-days (an augmenting path in the bipartite matching of
        requests to places); every day on the chain must still fit with its new stop. A day is
        tried as the chain's end when it is first reached (a free place its entering stop fits
        in), so the search stops one level sooner than when it is taken from the queue. The
        days of the technicians in ``avoid`` (ids) are left out of the chain. Gives up at
        ``until`` (the clock's time); returns True when ``r`` was placed.
        """
        parent: dict[int, tuple[int, int]] = {}  # day → (day it came from, stop entering)
        queue: deque[int] = deque()

        def reached(k: int, came_from: int, entering: int) -> bool:
            parent[k] = (came_from, entering)
            if self.key_left[k] > 0:
                found = self.fitting_insertion(k, self.route[k], entering)
                if found is not None:
                    self._apply_chain(parent, k, found[1])
                    return True
            queue.append(k)
            return False

        for k in self.candidate_keys(r, self.last_on_time[r]):
            if k not in parent and self.key_tech[k] not in avoid and reached(k, -1, r):
                return True
        while queue:
            if self.clock() > until:
                return False
            k = queue.popleft()
            entering = parent[k][1]
            for q in self.route[k]:
                if q >= self.n_requests or not self.on_time[q]:
                    continue
                # The days ``q`` could move on to, before the dearer check that it may leave.
                onward = [
                    k2
                    for k2 in self.candidate_keys(q, self.last_on_time[q])
                    if k2 not in parent and self.key_tech[k2] not in avoid
                ]
                if not onward:
                    continue
                rest = [s for s in self.route[k] if s != q]
                if self.fitting_insertion(k, rest, entering) is None:
                    continue
                for k2 in onward:
                    if k2 not in parent and reached(k2, k, q):
                        return True
        return False

    def _apply_chain(self, parent, k: int, candidate: list[int]) -> None:
        previous, entering = parent[k]
        self.route[k] = candidate
        self.day_of[entering] = k
        self.on_time[entering] = True
        self.key_left[k] -= 1
        while previous >= 0:
            k, leaving = previous, entering
            previous, entering = parent[k]
            rest = [s for s in self.route[k] if s != leaving]
            # The place ``augment`` found fitting (the same search on the same route).
            self.route[k] = self.fitting_insertion(k, rest, entering)[1]
            self.day_of[entering] = k
            self.on_time[entering] = True

    def clear_day_on_time(self, r: int, until: float) -> bool:
        """``clear_day`` up to ``r``'s target."""
        return self.clear_day(r, self.last_on_time[r], until)

    def clear_day(self, r: int, last: int, until: float) -> bool:
        """Empty a technician-day up to day index ``last`` for ``r``, moving its requests away.

        For a request far from every home (a desert ZIP 140 km out takes a whole working day):
        no single move frees a day for it, so the day with the fewest requests is emptied, each
        of them going to another day no later than it may (on time stays on time, by a place
        or an augmenting path; a late one no later than it was). Days with booked visits stay.
        All or nothing: if one request finds no place, the plan is put back as it was.
        Returns True when ``r`` was placed.
        """
        options = []
        for k in self.candidate_keys(r, last):
            route = self.route[k]
            if any(s >= self.n_requests for s in route):
                continue
            if self.key_left[k] + len(route) > 0 and self.fits(k, [r]):
                options.append((len(route), self.key_di[k], k))
        options.sort()
        for _count, _di, k in options:
            if self.clock() > until:
                return False
            saved = (
                [list(route) for route in self.route],
                list(self.day_of),
                list(self.on_time),
                list(self.key_left),
            )
            evicted = self.route[k]
            self.key_left[k] += len(evicted)
            self.route[k] = []
            for q in evicted:
                self.day_of[q] = -1
            self.place(r, k, [r])
            for q in evicted:
                if self.on_time[q]:
                    moved = self.try_place(q, self.last_on_time[q], earliest=False) or (
                        self.augment(q, until)
                    )
                else:
                    moved = self.try_place(q, self.key_di[k], earliest=True)
                if not moved:
                    self.route, self.day_of, self.on_time, self.key_left = saved
                    break
            else:
                return True
        return False

    def catch_up(self, until: float) -> int:
        """Give late requests an on-time day where one has opened; return how many got one.

        First the requests that found no day at all (``unbooked``): moves that shortened routes
        may have left room for them, on time if it can be, else late (each costs two cheap
        place searches, done whatever the time). Then each late request leaves its day and looks
        for an on-time place as in the repair step: first a free place for every late request
        (cheap), then an augmenting path or an emptied day for those still late. If none is
        found it goes back to where it was, so nothing gets later.
        """
        caught = 0
        for r in list(self.unbooked):
            last = self.last_on_time[r]
            if (last >= 0 and self.try_place(r, last, earliest=False)) or self.try_place(
                r, len(self.days), earliest=True
            ):
                self.unbooked.remove(r)
                caught += self.on_time[r]
        for search in (False, True):
            for r in range(self.n_requests):
                a = self.day_of[r]
                if a < 0 or self.on_time[r] or self.last_on_time[r] < 0:
                    continue
                if self.clock() > until:
                    return caught
                before = self.route[a]
                rest = [s for s in before if s != r]
                if not self.fits(a, rest):
                    continue
                self.route[a], self.day_of[r] = rest, -1
                self.key_left[a] += 1
                last = self.last_on_time[r]
                if self.try_place(r, last, earliest=False) or (
                    search
                    and (
                        self.augment(r, until) or (self.alone[r] and self.clear_day(r, last, until))
                    )
                ):
                    caught += 1
                else:
                    self.route[a], self.day_of[r] = before, a
                    self.key_left[a] -= 1
        return caught

    def repack(
        self, tech_id: int, late: list[int], until: float, packings: tuple[str, ...] = PACKINGS
    ) -> list[int]:
        """Pack a technician's days again, latest first, for as many on-time visits as fit.

        For a technician whose area has requests left late (remote ZIPs where a visit takes
        hours, so a day holds few): every on-time request on its days up to the last target
        among ``late`` is taken out with the ``late`` ones it may serve (booked visits and
        requests already late stay), and the days are filled again from the last to the first.
        Going backwards, every request that may use a day may also use every earlier one, so
        each day takes the most visits it can hold (``_fill_day``). Requests that find no day
        go to another of their technicians' on-time days if one has room. Five packings are
        tried (the latest-first one twice, see below, then ``_repack_patterns`` three times;
        ``packings`` names those to try, ``PACKINGS`` all five); the best is kept only when more
        requests are on time than before. Returns the requests still late (all of ``late`` if
        none is kept).
        """
        late = [r for r in late if tech_id in self.req_techs[r] and self.last_on_time[r] >= 0]
        if not late:
            return late
        horizon = max(self.last_on_time[r] for r in late)
        days = [k for k in self.tech_keys.get(tech_id, ()) if self.key_di[k] <= horizon]
        # Booked visits and requests already late stay where they are.
        pool = [s for k in days for s in self.route[k] if s < self.n_requests and self.on_time[s]]
        pool += late
        # The pattern packing may also use the days after: a request on time on an early day
        # can move to a later one up to its target, for a late one to take its place. Those
        # days' requests may in turn move up to their targets, and so on.
        wide_days, wide_pool = days, pool
        while True:
            reach = max(self.last_on_time[r] for r in wide_pool)
            more = [k for k in self.tech_keys[tech_id] if self.key_di[k] <= reach]
            if len(more) == len(wide_days):
                break
            wide_days = more
            wide_pool = [
                s for k in more for s in self.route[k] if s < self.n_requests and self.on_time[s]
            ] + late

        def on_time_count() -> int:
            # All requests: emptying another technician's day moves its visits too.
            return sum(self.on_time)

        saved = self._snapshot()
        best = (on_time_count(), None, late)
        # Five packings: latest first, one that leaves what the bound leaves late for last and
        # one that does not (the bound is a relaxation, its choice a hint); then whole days
        # chosen from the patterns a day can hold, starting from the best so far, the same
        # with the shared visits of the neighbours' days joining (``_clear_days``: more days
        # to choose among, which helps where there are few and costs where there are many, as
        # the search's steps are bounded), and with every shared visit of theirs pulled in,
        # their days with room choosing too and their requests still without a day joining
        # (``_pull_shared``). The one with the most on time is kept.
        for packing in packings:
            if self.clock() > until or not best[2]:
                break
            if packing.startswith("patterns") or packing == "pulled":
                packed = self._repack_patterns(
                    tech_id,
                    wide_days,
                    wide_pool,
                    best[1] or saved,
                    until,
                    join=packing != "patterns",
                    pull=packing == "pulled",
                )
            else:
                packed = self._repack_days(tech_id, days, pool, packing == "heed_bound", until)
            if packed is not None and on_time_count() > best[0]:
                still_late = [r for r in wide_pool if not self.on_time[r]]
                best = (on_time_count(), self._snapshot(), still_late)
            self._restore(saved)
        if best[1] is None:
            return late
        self._restore(best[1])
        for k in wide_days:
            self.route[k] = self.two_opt(k, self.route[k])
        return best[2]

    def _snapshot(self):
        """Copy the plan's state (routes, days, on-time flags, places left) to restore later."""
        return (
            [list(route) for route in self.route],
            list(self.day_of),
            list(self.on_time),
            list(self.key_left),
        )

    def _restore(self, snapshot) -> None:
        """Put back a state ``_snapshot`` took (copied again, so it can be restored twice)."""
        routes, day_of, on_time, key_left = snapshot
        self.route = [list(route) for route in routes]
        self.day_of, self.on_time, self.key_left = list(day_of), list(on_time), list(key_left)

    def _target_order(self, r: int) -> tuple:
        """Sort key: the earliest last on-time day first, then the older request."""
        return (self.last_on_time[r], self.requests[r].priority)

    def _take_off(
        self, tech_id: int, days: list[int], pool: list[int], elsewhere: bool = True
    ) -> set[int]:
        """Take ``pool`` off ``days`` for a packing; return those still to place on them.

        With ``elsewhere``, requests another technician may serve take a free on-time place of
        theirs first (``_send_elsewhere``); without, the caller does that when it chooses.
        """
        taken = set(pool)
        for k in days:
            kept = [s for s in self.route[k] if s not in taken]
            self.key_left[k] += len(self.route[k]) - len(kept)
            self.route[k] = kept
        for r in pool:
            self.day_of[r] = -1
            self.on_time[r] = False
        left = set(pool)
        if elsewhere:
            self._send_elsewhere(tech_id, left)
        return left

    def _send_elsewhere(self, tech_id: int, left: set[int], keep_free: Container[int] = ()) -> None:
        """Give each of ``left`` that another technician may serve a free on-time place of
        theirs, if one has room; those placed leave ``left``. Days in ``keep_free`` are skipped.
        """
        # Earliest target first: a request due later must not take the one place of another
        # technician's that a request due sooner could use.
        for r in sorted(left, key=self._target_order):
            if any(
                self._place_on(r, other, self.last_on_time[r], keep_free)
                for other in self.req_techs[r]
                if other != tech_id
            ):
                left.discard(r)

    def _place_late_or_elsewhere(self, left) -> list[int]:
        """Give each of ``left`` its cheapest on-time place left; return those without one."""
        still_late = []
        for r in sorted(left, key=self._target_order):
            if not self.try_place(r, self.last_on_time[r], earliest=False):
                still_late.append(r)
        return still_late

    def _repack_days(self, tech_id, days, pool, heed_bound, until) -> list[int]:
        """One latest-first packing for ``repack``: returns the requests of ``pool`` left late."""
        left = self._take_off(tech_id, days, pool)
        for k in sorted(days, key=lambda k: -self.key_di[k]):
            if self.clock() > until:
                break
            route, served = self._fill_day(
                k, [r for r in left if self.last_on_time[r] >= self.key_di[k]], heed_bound
            )
            for r in served:
                self.day_of[r] = k
                self.on_time[r] = True
                left.discard(r)
            self.key_left[k] -= len(served)
            self.route[k] = route
        return self._place_late_or_elsewhere(left)

    def _repack_patterns(
        self, tech_id, days, pool, start, until, join=False, pull=False, exact=False
    ) -> list[int] | None:
        """The third and fourth packings for ``repack``: whole days from the patterns a day holds.

        Latest first, each day takes the fullest day it can, which is not always best: where
        one far ZIP takes a whole working day (Blythe, 141 km: one visit) and another three
        visits (121 km), a day given to the first keeps three of the second from being on time
        on it. Here each of the technician's days takes a *pattern*, how many visits it makes
        at each address among the requests left to place (``_day_patterns`` lists those a day
        can hold, by the planner's rule for a day), and a local search over the days' patterns
        (``_search_patterns``) looks for the choice that puts the most on time, starting from
        the days of ``start`` (a ``_snapshot``: the best packing so far). Requests at one
        address differ only by their last on-time day, and a request on time on a day is on
        time on every earlier one, so how many are on time follows from the patterns alone.
        Days of the other technicians who share the area take part too, emptied for a trip out
        to the shared addresses where their visits can all move (``_clear_days``; with
        ``join``, their shared visits that cannot move join the requests to place; with
        ``pull``, every on-time visit of theirs that ``tech_id`` may serve does, first, and
        their days with room up to the last target take part with their other visits kept:
        ``_pull_shared``).
        Returns the requests of ``pool`` left late, or None (the plan half taken apart: the
        caller restores it) when a day is not bounded in time, or there are more addresses or
        patterns than ``PATTERN_ADDRESSES`` and ``PATTERN_LISTING_LIMIT`` allow.
        """
        days = sorted(days, key=self.key_di.__getitem__)
        if not days or any(self.key_hours[k] is None for k in days):
            return None
        start_routes = start[0]
        # The neighbours' days are emptied before the shared requests take their free places:
        # the visits of an emptied day may need those places to move to.
        left = self._take_off(tech_id, days, pool, elsewhere=False)
        opened = self._pull_shared(tech_id, left) if pull else []
        # Emptying may take half the time left: the pattern search needs the rest.
        cleared = self._clear_days(tech_id, left, (self.clock() + until) / 2, join)
        self._send_elsewhere(tech_id, left, keep_free={*cleared, *opened})
        # A visit joining from an emptied day may be due after these days: the technician's
        # later days with room, up to its target, take part too, their visits kept.
        reach = max((self.last_on_time[r] for r in left), default=-1)
        packed = set(days)
        later = [
            k
            for k in self.tech_keys.get(tech_id, ())
            if k not in packed
            and self.key_di[k] <= reach
            and self.key_left[k] > 0
            and self.key_hours[k] is not None
        ]
        days = sorted({*days, *cleared, *opened, *later}, key=self.key_di.__getitem__)
        sp = self.stop_point

        def address(r: int) -> tuple[int, tuple[int, ...]]:
            # Requests are alike when they share a point and the technicians who may serve
            # them: two ZIPs may share a centroid, not always a territory.
            return (sp[r], tuple(self.req_techs[r]))

        at: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
        for r in sorted(left, key=lambda r: self.requests[r].priority):
            at[address(r)].append(r)
        points = sorted(at)
        if len(points) > PATTERN_ADDRESSES:
            return None
        index = {point: i for i, point in enumerate(points)}
        stand_ins = [at[point] for point in points]
        day_dis = [self.key_di[k] for k in days]
        last_day = {r: bisect.bisect_right(day_dis, self.last_on_time[r]) - 1 for r in left}
        # due[i][d]: requests at point i whose last on-time day among ``days`` is d.
        due = [[0] * len(days) for _point in points]
        for r in left:
            if last_day[r] >= 0:
                due[index[address(r)]][last_day[r]] += 1
        listed: dict[tuple, dict[tuple, tuple]] = {}
        choices = []
        first = []
        for k in days:
            # A day visits only the addresses its technician may serve (the requests still
            # without a day that a neighbour's day joins with may be outside ``tech_id``'s).
            tech = self.key_tech[k]
            day_stand_ins = [rs if tech in self.req_techs[rs[0]] else [] for rs in stand_ins]
            kind = (
                tech,
                tuple(self.key_window_free[k]),
                # The kept stops themselves: a listing's routes name them.
                tuple(self.route[k]),
                self.key_home[k],
                self.key_hours[k],
                self.key_left[k],
            )
            if kind not in listed:
                patterns = self._day_patterns(k, day_stand_ins)
                if patterns is None:
                    return None
                listed[kind] = patterns
            patterns = dict(listed[kind])
            # The starting day as it was: its pattern, with its own order (it fits as it was).
            counts = [0] * len(points)
            template = []
            for s in start_routes[k]:
                if s in left and start[2][s]:
                    counts[index[address(s)]] += 1
                    template.append(-1 - index[address(s)])
                elif s in self.route[k]:
                    template.append(s)
            counts = tuple(counts)
            # Only while the day still keeps what it kept then: an emptied day may have taken
            # another emptied day's visits since.
            if (
                counts not in patterns
                and len(template) == len(start_routes[k])
                and [s for s in template if s >= 0] == self.route[k]
            ):
                patterns[counts] = tuple(template)
            first.append(counts if counts in patterns else (0,) * len(points))
            choices.append(patterns)
        best = self._search_patterns(choices, due, first, until, exact)
        # Build the days from the last to the first: each visit takes a request still
        # waiting at its address that is on time that day (on time on every earlier day too).
        waiting = [list(rs) for rs in stand_ins]
        for d in range(len(days) - 1, -1, -1):
            k = days[d]
            route, served = [], []
            for s in choices[d][best[d]]:
                if s >= 0:
                    route.append(s)
                    continue
                ready = waiting[-1 - s]
                r = next((r for r in ready if last_day[r] >= d), None)
                if r is not None:
                    ready.remove(r)
                    route.append(r)
                    served.append(r)
            if not served or not self.fits(k, route):
                continue
            self.route[k] = route
            self.key_left[k] -= len(served)
            for r in served:
                self.day_of[r] = k
                self.on_time[r] = True
                left.discard(r)
        return self._place_late_or_elsewhere(left)

    def _pull_shared(self, tech_id: int, left: set[int]) -> list[int]:
        """Take the on-time visits ``tech_id`` may serve off the other technicians' days up to
        ``left``'s last target, into ``left``; return those days that have a free place then
        (technician-day keys, days without window hours left out), for the packing to choose
        what they add to their other visits. Requests still without a day that one of those
        days could have on time (its technician may serve them, on or before their target)
        join ``left`` too.

        The pulled visits go back to those days or to ``tech_id``'s as the packing finds best:
        a neighbour's day may hold a request of ``left`` in place of one ``tech_id``'s day can
        take, and a neighbour's empty day may take one of them for another to make room.
        """
        shared = [r for r in left if len(self.req_techs[r]) > 1]
        if not shared:
            return []
        horizon = max(self.last_on_time[r] for r in shared)
        others = {t for r in shared for t in self.req_techs[r] if t != tech_id}
        opened = []
        for t in sorted(others):
            for k in self.tech_keys.get(t, ()):
                if self.key_di[k] > horizon or self.key_hours[k] is None:
                    continue
                pulled = [
                    s
                    for s in self.route[k]
                    if s < self.n_requests and self.on_time[s] and tech_id in self.req_techs[s]
                ]
                self.route[k] = [s for s in self.route[k] if s not in pulled]
                self.key_left[k] += len(pulled)
                for s in pulled:
                    self.day_of[s], self.on_time[s] = -1, False
                left.update(pulled)
                if self.key_left[k] > 0:
                    opened.append(k)
        # Their requests still without a day that one of these days could have on time join
        # too: a day may take one of them in place of a visit ``tech_id``'s day can take.
        first_open: dict[int, int] = {}
        for k in opened:
            t = self.key_tech[k]
            first_open[t] = min(first_open.get(t, self.key_di[k]), self.key_di[k])
        left.update(
            r
            for r in range(self.n_requests)
            if self.day_of[r] < 0
            and self.last_on_time[r] >= 0
            and any(
                first_open.get(t, self.last_on_time[r] + 1) <= self.last_on_time[r]
                for t in self.req_techs[r]
            )
        )
        return opened

    def _clear_days(
        self, tech_id: int, left: set[int], until: float, join: bool = False
    ) -> list[int]:
        """Empty days of the other technicians who share ``left``'s addresses; return them.

        A neighbour's day full of its own nearby visits has no room for a shared request 100 km
        out, yet its visits may have room elsewhere: each moves to the cheapest free on-time
        place of one of its technicians or, where the days around are full (the 10,000-request
        benchmark's neighbours: every place up to the targets taken), along an augmenting path
        (``augment``: a visit of a full day moves on to make room, and so on, all on time);
        never onto ``tech_id``'s days, which the packing fills. The emptied day can then drive
        out to the shared addresses, leaving ``tech_id``'s days to the requests only it can
        reach. A day is emptied only when all its visits move (else it is left as it was); the
        earliest day first, then the fewest visits (an earlier day is on time for more of the
        shared requests: on the 10,000-request benchmark the neighbours' first days, emptied,
        take the shared requests due in the first week); at most one day for each shared
        request in ``left``. An emptied day takes none of the visits moving off the days
        emptied after it (it stays empty for the packing). Days that the packing then leaves
        empty keep their visits moved: all stay on time, the improvement phase shortens their
        routes. With ``join``, a visit that cannot move but ``tech_id`` may serve joins
        ``left`` instead (the day still empties): the packing may then put it on ``tech_id``'s
        day and send this day out for another. Stops emptying at ``until`` (the clock's time).
        """
        shared = [r for r in left if len(self.req_techs[r]) > 1]
        if not shared:
            return []
        horizon = max(self.last_on_time[r] for r in shared)
        others = {t for r in shared for t in self.req_techs[r] if t != tech_id}
        candidates = [
            k
            for t in others
            for k in self.tech_keys.get(t, ())
            if self.key_di[k] <= horizon
            and self.key_hours[k] is not None
            and self.route[k]
            and all(s < self.n_requests and self.on_time[s] for s in self.route[k])
        ]
        # The earliest day first: a request on time on a day is on time on every earlier one,
        # so an early day can take any shared request and a late one only the late-due ones.
        candidates.sort(key=lambda k: (self.key_di[k], len(self.route[k]), k))
        cleared: list[int] = []
        places: dict[int, int] = {}  # emptied day → its free places, given back at the end
        for k in candidates:
            if len(cleared) >= len(shared) or self.clock() > until:
                break
            saved = self._snapshot()
            moving = self.route[k]
            self.route[k] = []
            self.key_left[k] = 0
            # Each visit moves on time; with ``join``, one that cannot but ``tech_id`` may serve
            # joins the packing instead.
            joining = []
            moved = True
            for r in sorted(moving, key=self._target_order):
                if any(
                    self._place_on(r, other, self.last_on_time[r])
                    for other in self.req_techs[r]
                    if other != tech_id
                ) or self.augment(r, until, avoid=(tech_id,)):
                    continue
                if not join or tech_id not in self.req_techs[r]:
                    moved = False
                    break
                joining.append(r)
                self.day_of[r], self.on_time[r] = -1, False
            if moved:
                places[k] = saved[3][k] + len(moving)
                left.update(joining)
                cleared.append(k)
            else:
                self._restore(saved)
        for k, free in places.items():
            self.key_left[k] = free
        return cleared

    def _day_patterns(self, k: int, stand_ins: list[list[int]]) -> dict[tuple, tuple] | None:
        """Every multiset of addresses technician-day ``k`` can add to its route, and how.

        ``stand_ins[i]`` are requests at address ``i`` (the most visits there is their number).
        Returns {visits at each address: the route's template}, a template listing the day's
        own stops (ids, kept) and the new visits (``-1 - i`` for address ``i``) in visiting
        order; the empty pattern is always there. A multiset is tried in every order of the
        day's groups (each kept stop, each address with its visits together) while there are
        at most ``PATTERN_ALL_ORDERS``; with more, in a fitting order of the multiset without
        its last visit, that visit next to its address's visits or, for a new address, at every
        place. One that does not fit has no superset that does (a longer route is never
        shorter), so the listing stops there. None when more than
        ``PATTERN_LISTING_LIMIT`` routes would be tried.
        """
        kept = list(self.route[k])
        room = self.key_left[k]
        n = len(stand_ins)
        found: dict[tuple, tuple] = {(0,) * n: tuple(kept)}
        tries = 0

        def route_of(template) -> list[int]:
            used = [0] * n
            route = []
            for s in template:
                if s < 0:
                    route.append(stand_ins[-1 - s][used[-1 - s]])
                    used[-1 - s] += 1
                else:
                    route.append(s)
            return route

        def orders(template, i):
            # Next to the address's visits first, if it has some: the order found so far.
            new = -1 - i
            if new in template:
                at = template.index(new)
                yield (*template[:at], new, *template[at:])
            # The day's groups: each kept stop, and each address with its visits together.
            groups = list(dict.fromkeys(template))
            if new not in groups:
                groups.append(new)
            if len(groups) <= PATTERN_ALL_ORDERS:
                # Every order of the groups: one more visit may need the others in another
                # order than the day without it (a window fills).
                for order in itertools.permutations(groups):
                    yield tuple(
                        s
                        for g in order
                        for s in itertools.repeat(g, template.count(g) + (g == new))
                    )
                return
            if new not in template:
                for at in range(len(template) + 1):
                    yield (*template[:at], new, *template[at:])

        def extend(counts: list[int], template: tuple, start: int, visits: int) -> bool:
            nonlocal tries
            if visits >= room:
                return True
            for i in range(start, n):
                if counts[i] >= len(stand_ins[i]):
                    continue
                counts[i] += 1
                for candidate in orders(template, i):
                    tries += 1
                    if tries > PATTERN_LISTING_LIMIT:
                        return False
                    if self.fits(k, route_of(candidate)):
                        found[tuple(counts)] = candidate
                        if not extend(counts, candidate, i, visits + 1):
                            return False
                        break
                counts[i] -= 1
            return True

        return found if extend([0] * n, tuple(kept), 0, 0) else None

    def _search_patterns(self, choices, due, first, until, exact=False) -> list[tuple]:
        """Choose a pattern for each day, the most requests on time; return the best found.

        ``choices[d]`` are day ``d``'s patterns (visits per address), ``due[i][d]`` how many
        requests at address ``i`` have day ``d`` as their last on-time day, ``first`` the days'
        patterns to start from. On time at an address: going from the last day to the first,
        each visit takes a request waiting there that may still be on time that day (the most
        on time for these nested deadlines). Simulated annealing over three moves, a day takes
        another of its patterns that no other pattern of the day contains, two days swap
        theirs, or one visit shifts from a day to another (``PATTERN_SHIFT_SHARE`` of the
        steps: a day freed visit by visit, which replacing whole patterns seldom finds); a
        worse choice is taken with probability exp(change / temperature), the temperature
        falling from ``PATTERN_TEMPERATURE[0]`` to ``[1]`` requests over each run's steps
        (``PATTERN_STEPS_PER_CHOICE`` per pattern, at most ``PATTERN_SEARCH_STEPS``).
        ``PATTERN_RUNS`` runs from ``first``, the best kept: one run's result varies by a few
        requests. Stops when every request is on time or
        at ``until`` (checked every ``CLOCK_CHECK_EVERY`` steps); deterministic for a seed of
        the planner's random numbers.
        """
        days = len(first)
        n = len(due)
        rng = self.rng

        def on_time(visits, arriving) -> int:
            waiting = total = 0
            for d in range(days - 1, -1, -1):
                waiting += arriving[d]
                served = visits[d] if visits[d] < waiting else waiting
                total += served
                waiting -= served
            return total

        fullest = [fullest_patterns(patterns) for patterns in choices]
        most = sum(map(sum, due))
        hot, cold = PATTERN_TEMPERATURE
        steps = min(PATTERN_SEARCH_STEPS, PATTERN_STEPS_PER_CHOICE * sum(map(len, fullest)))
        best, best_total = list(first), -1
        for _run in range(PATTERN_RUNS):
            current = list(first)
            visits = [[current[d][i] for d in range(days)] for i in range(n)]
            served = [on_time(visits[i], due[i]) for i in range(n)]
            total = sum(served)
            if total > best_total:
                best, best_total = list(current), total
            for step in range(steps):
                if best_total == most or (step % CLOCK_CHECK_EVERY == 0 and self.clock() > until):
                    break
                temperature = hot * (cold / hot) ** (step / steps)
                d1 = rng.randrange(days)
                move = rng.random()
                if move < PATTERN_SWAP_SHARE:
                    d2 = rng.randrange(days)
                    a, b = current[d1], current[d2]
                    if a == b or a not in choices[d2] or b not in choices[d1]:
                        continue
                elif move < PATTERN_SWAP_SHARE + PATTERN_SHIFT_SHARE:
                    d2, i = rng.randrange(days), rng.randrange(n)
                    if d2 == d1 or not current[d1][i]:
                        continue
                    # One visit shifts from d1 to d2: d1 takes ``b`` (one visit fewer) and
                    # d2 takes ``a`` (one visit more), as in a swap.
                    b = (*current[d1][:i], current[d1][i] - 1, *current[d1][i + 1 :])
                    a = (*current[d2][:i], current[d2][i] + 1, *current[d2][i + 1 :])
                    if a not in choices[d2] or b not in choices[d1]:
                        continue
                else:
                    d2, a, b = d1, current[d1], rng.choice(fullest[d1])
                    if a == b:
                        continue
                changed = [i for i in range(n) if a[i] != b[i]]
                # d2 first, so that when d2 is d1 the day takes b.
                for i in changed:
                    visits[i][d2] = a[i]
                    visits[i][d1] = b[i]
                after = [on_time(visits[i], due[i]) for i in changed]
                change = sum(after) - sum(served[i] for i in changed)
                if change >= 0 or rng.random() < math.exp(change / temperature):
                    current[d2] = a
                    current[d1] = b
                    for i, value in zip(changed, after, strict=True):
                        served[i] = value
                    total += change
                    if total > best_total:
                        best_total, best = total, list(current)
                else:
                    for i in changed:
                        visits[i][d1] = current[d1][i]
                        visits[i][d2] = current[d2][i]
            if best_total == most or self.clock() > until:
                break
        if exact and best_total < most and self.clock() < until:
            found = self._most_on_time_patterns(fullest, due, best_total + 1, until)
            if found is not None:
                best = found
        return best

    def _most_on_time_patterns(self, fullest, due, at_least, until) -> list[tuple] | None:
        """The days' patterns that put the most requests on time, when that is ``at_least`` or
        more; None when fewer can be, or when the clock passes ``until`` first.

        ``fullest[d]`` are day ``d``'s patterns no other of its patterns contains (visits per
        address), ``due[i][d]`` as for ``_search_patterns``. A depth-first search over the days,
        the last first; its state is how many requests wait at each address (which also fixes how
        many are on time on the later days: those that arrived less those waiting). A day's
        patterns that serve the same visits are one choice, and one serving no more at any
        address than another is dropped. A state is searched once, and not at all when its
        bound says fewer than the goal can be on time: each address ``i`` takes a share
        ``1 / (m_i * a)`` of a day a visit (``m_i`` its most visits on one day, ``a`` the most
        any pattern sums to so, at least 1), the requests due by a day can take at most that
        many days' shares, and the most that fit so is Moore and Hodgson's count (the most jobs
        one machine finishes by their deadlines: "An n job, one machine sequencing algorithm
        for minimizing the number of late jobs", Management Science 15(1), 1968). The goal is
        first the bound at the start and falls by one until a plan reaches it: the first found
        is the best. On the 10,000-request benchmark's desert area (29 days, 7 addresses, 127
        requests) the simulated annealing finds 113 and this 114 (the most) in about a second.
        """
        days, n = len(fullest), len(due)
        most_a_day = [
            max((p[i] for patterns in fullest for p in patterns), default=0) for i in range(n)
        ]
        reached = [i for i in range(n) if most_a_day[i]]
        scale = max(
            [1.0]
            + [sum(p[i] / most_a_day[i] for i in reached) for patterns in fullest for p in patterns]
        )
        share = [1 / (most_a_day[i] * scale) if most_a_day[i] else 0.0 for i in range(n)]
        heaviest_first = sorted(reached, key=lambda i: -share[i])
        epsilon = 1e-9

        def bound(d: int, waiting: tuple[int, ...]) -> int:
            # The most of the waiting (due by day d - 1 at the latest) and of those due on
            # days 0 .. d - 1 that days 0 .. d - 1 can serve.
            kept = [0] * n
            load = 0.0
            for t in range(d):
                for i in reached:
                    count = due[i][t] + (waiting[i] if t == d - 1 else 0)
                    if count:
                        kept[i] += count
                        load += count * share[i]
                if load > t + 1 + epsilon:
                    for i in heaviest_first:
                        drop = min(kept[i], math.ceil((load - t - 1 - epsilon) / share[i]))
                        kept[i] -= drop
                        load -= drop * share[i]
                        if load <= t + 1 + epsilon:
                            break
            return sum(kept)

        arrived_from = [0] * (days + 1)
        for d in range(days - 1, -1, -1):
            arrived_from[d] = arrived_from[d + 1] + sum(due[i][d] for i in range(n))
        nodes = 0
        out_of_time = False

        def search(d: int, waiting: tuple[int, ...], goal: int, seen: set, chosen: list) -> bool:
            nonlocal nodes, out_of_time
            if d == 0:
                return True
            nodes += 1
            if nodes % CLOCK_CHECK_EVERY == 0 and self.clock() > until:
                out_of_time = True
            if out_of_time or (d, waiting) in seen:
                return False
            seen.add((d, waiting))
            on_time_so_far = arrived_from[d] - sum(waiting)
            day = d - 1
            arrived = [waiting[i] + due[i][day] for i in range(n)]
            by_served: dict[tuple[int, ...], tuple] = {}
            for p in fullest[day]:
                by_served.setdefault(tuple(map(min, p, arrived)), p)
            options = list(by_served)
            ranked = []
            for served in options:
                if any(
                    other != served and all(map(int.__ge__, other, served)) for other in options
                ):
                    continue
                after = tuple(map(int.__sub__, arrived, served))
                most = on_time_so_far + sum(served) + bound(day, after)
                if most >= goal:
                    ranked.append((-most, served, after))
            ranked.sort()
            for _most, served, after in ranked:
                chosen.append(by_served[served])
                if search(day, after, goal, seen, chosen):
                    return True
                chosen.pop()
            return False

        goal = bound(days, (0,) * n)
        while goal >= at_least and not out_of_time:
            chosen: list[tuple] = []
            if search(days, (0,) * n, goal, set(), chosen):
                return chosen[::-1]
            goal -= 1
        return None

    def _cheapest_fit(self, r: int, keys):
        """Return (added km, day, route) of ``r``'s cheapest fitting place on one of ``keys``.

        Only days with a free place whose route still fits with ``r`` count; None if none does.
        """
        point, best = self.stop_point[r], None
        for k in keys:
            if self.key_left[k] <= 0:
                continue
            cost, _where = self.insertion(self.key_home[k], self.route[k], point)
            if best is not None and cost >= best[0]:
                continue
            found = self.fitting_insertion(k, self.route[k], r)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], k, found[1])
        return best

    def _place_on(self, r: int, tech_id: int, last: int, skip: Container[int] = ()) -> bool:
        """Put ``r`` on ``tech_id``'s cheapest day up to day index ``last`` that has room,
        other than the days in ``skip``; False (nothing changed) if none fits."""
        keys = (
            k for k in self.tech_keys.get(tech_id, ()) if self.key_di[k] <= last and k not in skip
        )
        best = self._cheapest_fit(r, keys)
        if best is None:
            return False
        self.place(r, best[1], best[2])
        return True

    def _fill_day(
        self, k: int, eligible: list[int], heed_bound: bool = True
    ) -> tuple[list[int], list[int]]:
        """Return the route and the requests of the fullest day ``k`` can be from ``eligible``.

        Each address among ``eligible`` is tried as the day's first stop, the day then taking
        the cheapest insertion that fits until none does or the places run out; the try that
        serves the most requests wins, then (``heed_bound``) the one with the fewest the bound
        leaves late, then the one whose requests are the hardest to fit elsewhere (the fewest
        visits a day), then the fewest km. Requests at one address are interchangeable here, so
        they are tried as one.
        """
        at: dict[int, list[int]] = defaultdict(list)
        for r in sorted(
            eligible, key=lambda r: (r not in self.deferred, self.requests[r].priority)
        ):
            at[self.stop_point[r]].append(r)
        home = self.key_home[k]
        best_route, best_served, best_rank = self.route[k], [], None
        for seed in at:
            route, served = list(self.route[k]), []
            members = {point: list(rs) for point, rs in at.items()}
            while len(served) < self.key_left[k]:
                chosen = None
                for point, rs in members.items():
                    if not rs or (not served and point != seed):
                        continue
                    cost, where = self.insertion(home, route, point)
                    if chosen is None or cost < chosen[0]:
                        candidate = [*route[:where], rs[-1], *route[where:]]
                        if self.fits(k, candidate):
                            chosen = (cost, point, candidate)
                if chosen is None:
                    break
                _cost, point, route = chosen
                served.append(members[point].pop())
            rank = (
                -len(served),
                sum(1 for r in served if r in self.deferred) if heed_bound else 0,
                -sum(1 / max(1, self.visits_a_day(r, places=False)) for r in served),
                self.route_km(k, route),
            )
            if served and (best_rank is None or rank < best_rank):
                best_route, best_served, best_rank = route, served, rank
        return best_route, best_served

    # --- improving ------------------------------------------------------------------------

    def improve(self, until: float) -> int:
        """Move and swap requests between technician-days while it shortens the drive.

        Stops at ``until`` (in the units of ``self.clock()``); returns the number of changes made.
        """
        sp, last_on_time = self.stop_point, self.last_on_time
        movable = [r for r in range(self.n_requests) if self.day_of[r] >= 0]
        req_tech_sets = [frozenset(techs) for techs in self.req_techs]
        accepted = 0
        improved = True
        while improved and self.clock() < until:
            improved = False
            self.rng.shuffle(movable)
            for count, r in enumerate(movable):
                if count % CLOCK_CHECK_EVERY == 0 and self.clock() > until:
                    break
                a = self.day_of[r]
                route_a = self.route[a]
                i = route_a.index(r)
                gain = self.removal_gain(a, route_a, i)
                if gain < EPSILON:
                    continue
                # Never later than now: on time stays on time, late never gets later.
                last = last_on_time[r] if self.on_time[r] else self.key_di[a]
                point = sp[r]
                best_move = None
                options = []
                for b in self.candidate_keys(r, last):
                    if b == a:
                        continue
                    cost, where = self.insertion(self.key_home[b], self.route[b], point)
                    if (
                        self.key_left[b] > 0
                        and cost < gain - EPSILON
                        and (best_move is None or cost < best_move[0])
                    ):
                        best_move = (cost, b, where)
                    options.append((cost, b))
                rest_a = route_a[:i] + route_a[i + 1 :]
                if best_move is not None:
                    _cost, b, where = best_move
                    new_b = [*self.route[b][:where], r, *self.route[b][where:]]
                    if self.fits(b, new_b) and self.fits(a, rest_a):
                        self.route[a] = self.two_opt(a, rest_a)
                        self.route[b] = self.two_opt(b, new_b)
                        self.key_left[a] += 1
                        self.key_left[b] -= 1
                        self.day_of[r] = b
                        self.on_time[r] = self.key_di[b] <= last_on_time[r]
                        accepted += 1
                        improved = True
                        continue
                # Swaps with the requests of the days where r would cost least.
                options.sort()
                tech_a, di_a, home_a = self.key_tech[a], self.key_di[a], self.key_home[a]
                best_swap = None
                for _cost_b, b in options[:SWAP_DAYS]:
                    route_b = self.route[b]
                    home_b = self.key_home[b]
                    for j, q in enumerate(route_b):
                        if q >= self.n_requests or tech_a not in req_tech_sets[q]:
                            continue
                        last_q = last_on_time[q] if self.on_time[q] else self.key_di[b]
                        if di_a > last_q:
                            continue
                        gain_q = self.removal_gain(b, route_b, j)
                        rest_b = route_b[:j] + route_b[j + 1 :]
                        cost_r, where_r = self.insertion(home_b, rest_b, point)
                        cost_q, where_q = self.insertion(home_a, rest_a, sp[q])
                        delta = cost_r + cost_q - gain - gain_q
                        if delta < -EPSILON and (best_swap is None or delta < best_swap[0]):
                            best_swap = (delta, b, q, rest_b, where_r, where_q)
                if best_swap is None:
                    continue
                _delta, b, q, rest_b, where_r, where_q = best_swap
                new_a = [*rest_a[:where_q], q, *rest_a[where_q:]]
                new_b = [*rest_b[:where_r], r, *rest_b[where_r:]]
                if self.fits(a, new_a) and self.fits(b, new_b):
                    self.route[a] = self.two_opt(a, new_a)
                    self.route[b] = self.two_opt(b, new_b)
                    self.day_of[r], self.day_of[q] = b, a
                    self.on_time[r] = self.key_di[b] <= last_on_time[r]
                    self.on_time[q] = di_a <= last_on_time[q]
                    accepted += 1
                    improved = True
        return accepted

    def ruin_and_recreate(self, until: float) -> float:
        """Take out a handful of neighbouring requests and put each back at its cheapest place.

        A large-neighbourhood search: single moves and swaps cannot gather a ZIP whose requests
        sit on several days, because moving any one of them alone costs more than it saves.
        Taking out the requests nearest a random one (a ZIP and its neighbours, whichever days
        they are on) and re-inserting them one by one at the cheapest day that fits does. The
        same hard rules as ``improve``: each goes only to its technicians' days with a place,
        on time stays on time and late never gets later, and every changed day must fit. A try
        is kept when the changed days' km drop, or grow by less than a threshold that shrinks
        to nothing by ``until`` (threshold accepting, to leave local optima), otherwise undone.
        Stops at ``until`` or after ``RUIN_IDLE_TRIES`` tries in a row without a new best; the
        tries kept since the best are then undone. Returns the km the plan got shorter by
        (0.0 when nothing was kept).
        """
        placed = [r for r in range(self.n_requests) if self.day_of[r] >= 0]
        if len(placed) < 2:
            return 0.0
        sp, rng = self.stop_point, self.rng
        at_point: dict[int, list[int]] = defaultdict(list)
        for r in placed:
            at_point[sp[r]].append(r)
        points = list(at_point)
        idle = 0
        started = self.clock()
        span = max(until - started, EPSILON)
        # km above the start (negative: saved); the tries kept since the best, to undo them.
        total = best = 0.0
        since_best: list = []
        per_visit = (
            RUIN_THRESHOLD_SHARE
            * sum(self.route_km(k, route) for k, route in enumerate(self.route) if route)
            / len(placed)
        )
        while idle < RUIN_IDLE_TRIES and self.clock() < until:
            idle += 1
            row = self.distance[sp[rng.choice(placed)]]
            size = rng.randint(*RUIN_SIZE)
            chosen: list[int] = []
            for point in sorted(points, key=row.__getitem__):
                chosen.extend(at_point[point])
                if len(chosen) >= size:
                    break
            threshold = per_visit * max(0.0, 1 - (self.clock() - started) / span)
            result = self._ruin_and_recreate_once(chosen[:size], threshold)
            if result is None:
                continue
            delta, undo = result
            total += delta
            if total < best - EPSILON:
                best, idle = total, 0
                since_best.clear()
            else:
                since_best.append(undo)
        for saved_routes, saved_left, saved in reversed(since_best):
            self._undo(saved_routes, saved_left, saved)
        return -best

    def _undo(self, saved_routes, saved_left, saved) -> None:
        """Put back the days and requests one ruin-and-recreate try changed."""
        for k, route in saved_routes.items():
            self.route[k] = route
            self.key_left[k] = saved_left[k]
        for q, (k, on_time) in saved.items():
            self.day_of[q], self.on_time[q] = k, on_time

    def _ruin_and_recreate_once(self, chosen: list[int], threshold: float):
        """One try of ``ruin_and_recreate`` on the requests ``chosen``.

        Kept when the changed days' km grow by less than ``threshold`` (a drop when it is 0);
        returns (km added, what undoes it) when kept, else None.
        """
        saved_routes: dict[int, list[int]] = {}
        saved_left: dict[int, int] = {}
        saved = {q: (self.day_of[q], self.on_time[q]) for q in chosen}
        limit = {
            q: self.last_on_time[q] if self.on_time[q] else self.key_di[self.day_of[q]]
            for q in chosen
        }

        def save(k: int) -> None:
            if k not in saved_routes:
                saved_routes[k] = self.route[k]
                saved_left[k] = self.key_left[k]

        out = set(chosen)
        for q in chosen:
            k = self.day_of[q]
            save(k)
            self.route[k] = [s for s in self.route[k] if s not in out]
            self.key_left[k] += 1
            self.day_of[q] = -1
        placed_all = all(self.fits(k, self.route[k]) for k in saved_routes)
        self.rng.shuffle(chosen)
        for q in chosen if placed_all else ():
            best = self._cheapest_fit(q, self.candidate_keys(q, limit[q]))
            if best is None:
                placed_all = False
                break
            _cost, k, candidate = best
            save(k)
            self.place(q, k, candidate)
        if placed_all:
            before = sum(self.route_km(k, route) for k, route in saved_routes.items())
            after = sum(self.route_km(k, self.route[k]) for k in saved_routes)
            if after < before + threshold - EPSILON:
                for k in saved_routes:
                    self.route[k] = self.two_opt(k, self.route[k])
                after = sum(self.route_km(k, self.route[k]) for k in saved_routes)
                return after - before, (saved_routes, saved_left, saved)
        self._undo(saved_routes, saved_left, saved)
        return None

    # --- the run --------------------------------------------------------------------------

    def visits_a_day(self, r: int, *, places: bool = True) -> int:
        """Return the most visits a working day holding request ``r`` can have (0: none).

        Over ``r``'s technicians: no more visits than the day's hours leave service time for
        after the drive there and back (any route through ``r`` drives at least that far) and,
        with ``places``, no more than the technician's fullest day has places. Days without
        window hours: the places only.
        """
        most = 0
        for tech_id in self.req_techs[r]:
            keys = self.tech_keys[tech_id]
            whole = max(self.key_places[k] for k in keys) if places else 10**6
            hours = self.key_hours[keys[0]]
            if hours is not None:
                span = hours[-1][1] - hours[0][0]
                km = self.distance[self.key_home[keys[0]]][self.stop_point[r]]
                whole = min(
                    whole, int((span - 2 * km * self.minutes_per_km) // self.drive.service_minutes)
                )
            most = max(most, whole)
        return most

    def on_time_bound(self, candidates: list[int]) -> tuple[int, dict[int, float]]:
        """How many of ``candidates`` can be on time at most, and the share of each served.

        The smaller of the places-only flow (``max_on_time``) and the drive-aware relaxation
        (``max_on_time_driving``), over the free places as they are before construction.
        """
        places: dict[tuple[int, date], int] = {}
        day_places: dict[tuple[int, date], int] = {}
        for k, (tech_id, di) in enumerate(self.keys):
            places[(tech_id, self.days[di])] = self.key_left[k]
            day_places[(tech_id, self.days[di])] = self.key_places[k]
        techs = [frozenset(self.req_techs[r]) for r in candidates]
        by_places = max_on_time(
            demands=[(techs[i], self.requests[r].due) for i, r in enumerate(candidates)],
            places=places,
        )
        driving = max_on_time_driving(
            demands=[
                DrivingDemand(techs[i], self.requests[r].due, max(1, self.visits_a_day(r)))
                for i, r in enumerate(candidates)
            ],
            places=places,
            day_places=day_places,
        )
        return min(by_places, driving.bound), dict(zip(candidates, driving.share, strict=True))

    def run(self) -> Plan:
        """Plan every request: place them (``_place``), improve the plan and order each day
        (``_finish``). Where an area stays late, a second planner may plan everything else
        around that area planned first (``_place`` returns it when it puts more on time); its
        placement is then taken over (``_adopt``) before the improvement."""
        around = self._place(area_first=True)
        if around is not None:
            self._adopt(around)
        self._finish()
        return self.plan

    def _place(self, area_first: bool) -> _Planner | None:
        """The flow check, the construction and the repair; with ``area_first``, also a plan
        with the latest area planned first (``_area_first``), returned instead when it puts
        more requests on time (this planner is then left as it is)."""
        plan = self.plan
        started = self.clock()
        if self.req_techs is None:
            self._reach()
        requests = self.requests
        order = sorted(
            range(self.n_requests),
            key=lambda r: (requests[r].due, requests[r].priority, requests[r].id),
        )
        candidates = [
            r
            for r in order
            if requests[r].point is not None and self.req_techs[r] and self.last_on_time[r] >= 0
        ]
        self.candidates = candidates
        # How many can be on time at most, and which kinds of request the relaxation leaves
        # late: those go last, so they never take the days that serve more requests on time.
        # (A planner around an area planned first has both from the first planner.)
        deferred = self.deferred
        if not self.area_booked:
            plan.on_time_possible, share = self.on_time_bound(candidates)
            kinds: dict[tuple, list[int]] = defaultdict(list)
            for r in candidates:
                kind = (frozenset(self.req_techs[r]), requests[r].due, self.visits_a_day(r))
                kinds[kind].append(r)
            for members in kinds.values():
                served = int(share[members[0]] * len(members) + 0.5)
                deferred.update(members[served:])
        plan.timings["flow"] = self.clock() - started

        # 1. Construction, earliest target first. A request already past its target takes the
        # earliest day (oldest first); one that cannot make its target any more waits, so it
        # never takes a place another request could still make it in.
        started = self.clock()
        waiting: list[int] = []
        later: list[int] = []
        for r in order:
            request = requests[r]
            if request.point is None:
                plan.unplaced.append((request.id, REASON_UNKNOWN_ZIP))
                continue
            if not self.zip_techs.get(request.zip):
                plan.unplaced.append((request.id, REASON_NO_TECHNICIAN))
                continue
            if not self.req_techs[r]:
                # Too far from every technician who serves it to fit in a working day.
                plan.unplaced.append((request.id, REASON_NO_CAPACITY))
                continue
            if self.last_on_time[r] < 0:
                if not self.try_place(r, len(self.days), earliest=True):
                    self.unbooked.append(r)
                continue
            if r in deferred:
                later.append(r)
            elif not self.try_place(r, self.last_on_time[r], earliest=False):
                waiting.append(r)
        for r in later:
            if not self.try_place(r, self.last_on_time[r], earliest=False):
                waiting.append(r)
        plan.timings["construction"] = self.clock() - started

        # 2. Repair: as many on time as the bound allows, by augmenting paths.
        started = self.clock()
        repair_until = self.repair_until or (
            self.clock() + REPAIR_SHARE * (self.deadline - self.clock())
        )
        around = self._area_first(waiting, repair_until) if area_first else None
        on_time = sum(self.on_time[r] for r in candidates)
        # A request that needs a day of its own empties one; the others take an augmenting path.
        still_waiting = []
        for r in waiting:
            repair = self.clear_day_on_time if self.alone[r] else self.augment
            if (
                on_time < plan.on_time_possible
                and self.clock() < repair_until
                and repair(r, repair_until)
            ):
                on_time += 1
            else:
                still_waiting.append(r)
        # Technicians whose areas still have late requests pack their days again for count
        # (after a plan around an area planned first has taken the repair's time, the quick
        # packings only).
        self._repack_late(still_waiting, repair_until)
        # Every request still without a day: those the repair left waiting, and those a packing
        # took off an on-time day to fit more in and could not put back on time.
        still_waiting = [r for r in candidates if self.day_of[r] < 0]
        for r in still_waiting:
            if not (
                self.try_place(r, len(self.days), earliest=True)
                or self.clear_day(r, len(self.days), repair_until)
            ):
                self.unbooked.append(r)
        plan.timings["repair"] = self.clock() - started
        if around is not None and around.on_time_count() > self.on_time_count():
            return around
        return None

    def _finish(self) -> None:
        """Improve the plan under every hard rule, until nothing helps or time is up (the late
        requests trying again for an on-time day, improving gathers requests and frees days);
        then order each day and hand out its windows into ``plan``."""
        plan = self.plan
        started = self.clock()
        catch_up_from = self.deadline - CATCH_UP_SHARE * (self.deadline - started)
        self.improve(catch_up_from)
        self.ruin_and_recreate(catch_up_from)
        self.catch_up(self.deadline)
        plan.unplaced.extend((self.requests[r].id, REASON_NO_CAPACITY) for r in self.unbooked)
        plan.timings["improvement"] = self.clock() - started
        started = self.clock()
        self._write_routes()
        plan.timings["routes"] = self.clock() - started

    def on_time_count(self) -> int:
        """How many requests are on time, the area's booked ones of a plan around an area
        planned first included (``area_booked``)."""
        return sum(self.on_time[r] for r in self.candidates) + len(self.area_booked)

    def _area_first(self, waiting: list[int], until: float) -> _Planner | None:
        """Plan the latest area first, then everything else around it; return that planner,
        placed (construction and repair), or None when no area is late where another
        technician shares its addresses. This planner is left as it was.

        Where one technician alone reaches some of an area's requests (the benchmark's desert,
        100-140 km out) and shares the others with its neighbours, the construction fills the
        neighbours' days with their own nearby visits first, and emptying them again for the
        shared ones one augmenting path at a time (``_clear_days``) frees only some. Here the
        technician with the most of ``waiting`` only it reaches has its days packed for those
        first (``_plan_area``, on an empty plan), and the shared ones go to the neighbours'
        latest days. Those visits become booked stops (``area_booked``) of a second planner
        over every other request, which places them as this one does, its repair until
        ``until``. On the benchmark every other request is then on time.
        """
        counts = Counter(
            self.req_techs[r][0] for r in waiting if len(self.req_techs[r]) == 1 and self.alone[r]
        )
        for tech_id, _count in counts.most_common():
            if any(
                tech_id in self.req_techs[r] and len(self.req_techs[r]) > 1 for r in self.candidates
            ):
                break
        else:
            return None
        saved, n = self._snapshot(), self.n_requests
        for k, route in enumerate(self.route):
            self.route[k] = [s for s in route if s >= n]
            self.key_left[k] += len(route) - len(self.route[k])
        self.day_of, self.on_time = [-1] * n, [False] * n
        self._plan_area(tech_id, until)
        requests, technicians, days, free, fixed, drive = self.inputs
        free = {key: dict(windows) for key, windows in free.items()}
        fixed = {key: list(stops) for key, stops in fixed.items()}
        booked: dict[int, tuple[int, int, int]] = {}
        area_routes = {}
        for k, route in enumerate(self.route):
            if not any(s < n for s in route):
                continue
            area_routes[k] = list(route)
            tech = self.by_id[self.key_tech[k]]
            day = days[self.key_di[k]]
            # The day's booked stops in the area plan's order (its windows in order too): the
            # second planner's route of the day starts as this one's, which fits.
            stops = []
            for rank, _position, stop in self.visits(k, route):
                if stop >= n:
                    stops.append(self.fixed_stops[stop - n])
                    continue
                window_id = tech.window_ids[rank]
                free[tech.id, day][window_id] -= 1
                stops.append(FixedStop(-1 - stop, requests[stop].point, window_id))
                booked[stop] = (tech.id, self.key_di[k], window_id)
            fixed[tech.id, day] = stops
        self._restore(saved)
        around = _Planner(
            requests=[request for r, request in enumerate(requests) if r not in booked],
            technicians=technicians,
            days=days,
            free=free,
            fixed=fixed,
            drive=drive,
            deadline=self.deadline,
            rng=self.rng,
            clock=self.clock,
        )
        around.area_booked = booked
        around.area_routes = area_routes
        around.repair_until = until
        # Who may serve a request does not change with the area's bookings (a day's first
        # booked stops would make ``_reach``'s check on it wrong).
        rest = [r for r in range(n) if r not in booked]
        around.req_techs = [[t for t in self.req_techs[r] if around.tech_keys.get(t)] for r in rest]
        around.alone = [self.alone[r] for r in rest]
        # The flow checks' answers carry over (seconds on the benchmark): the bound less the
        # booked visits, which it counted on time, and the kinds it leaves late.
        around.plan.on_time_possible = self.plan.on_time_possible - len(booked)
        around.deferred = {i for i, r in enumerate(rest) if r in self.deferred}
        around._place(area_first=False)
        return around

    def _plan_area(self, tech_id: int, until: float) -> None:
        """On an empty plan, place ``tech_id``'s area: its days packed for the requests only it
        may serve (the pattern packing, taking at most ``AREA_SHARE`` of the time to
        ``until``), then the shared ones on its days where they fit, the latest target first,
        the rest on its neighbours' days, the latest day first, each as full as it can be
        (``_fill_day``), so that the earlier days stay free for their own visits. Requests
        that find no on-time day stay without one.
        """
        area = [r for r in self.candidates if tech_id in self.req_techs[r]]
        alone = [r for r in area if len(self.req_techs[r]) == 1]
        shared = [r for r in area if len(self.req_techs[r]) > 1]
        horizon = max(self.last_on_time[r] for r in area)
        days = [k for k in self.tech_keys[tech_id] if self.key_di[k] <= horizon]
        empty = self._snapshot()
        search_until = self.clock() + AREA_SHARE * (until - self.clock())
        if alone and (
            self._repack_patterns(tech_id, days, alone, empty, search_until, exact=True) is None
        ):
            self._restore(empty)
            self._repack_days(tech_id, days, alone, False, until)
        left = set()
        for r in sorted(shared, key=self._target_order, reverse=True):
            if not self._place_on(r, tech_id, self.last_on_time[r]):
                left.add(r)
        neighbours = {t for r in left for t in self.req_techs[r] if t != tech_id}
        keys = [
            k
            for t in neighbours
            for k in self.tech_keys.get(t, ())
            if self.key_di[k] <= horizon and self.key_left[k] > 0
        ]
        for k in sorted(keys, key=lambda k: (-self.key_di[k], k)):
            if not left:
                break
            tech, di = self.key_tech[k], self.key_di[k]
            eligible = [r for r in left if tech in self.req_techs[r] and self.last_on_time[r] >= di]
            if not eligible:
                continue
            route, served = self._fill_day(k, eligible)
            self.route[k] = route
            self.key_left[k] -= len(served)
            for r in served:
                self.day_of[r], self.on_time[r] = k, True
                left.discard(r)

    def _adopt(self, around: _Planner) -> None:
        """Take over the placement of ``around`` (placed, not finished), the area's booked
        visits becoming this planner's requests on their days again, so the improvement phase
        may move them too (on time: it keeps every on-time request on time).

        A day ``around`` has a technician-day for takes its route, the area's visits in it in
        their order; a day the area's visits fill has none there and takes the area plan's
        route. Booked stops of earlier runs stay on their days, in that order.
        """
        n = self.n_requests
        rest = [r for r in range(n) if r not in around.area_booked]
        key_of = {key: k for k, key in enumerate(self.keys)}
        stop_of = {
            (k, self.fixed_stops[s - n].visit_id): s
            for k, route in enumerate(self.route)
            for s in route
            if s >= n
        }
        covered = {key_of[key] for key in around.keys}
        self.route = [
            [] if k in covered else list(around.area_routes[k]) for k in range(len(self.keys))
        ]
        around_n = around.n_requests
        for ka, route in enumerate(around.route):
            k = key_of[around.keys[ka]]
            for s in route:
                if s < around_n:
                    self.route[k].append(rest[s])
                    continue
                visit_id = around.fixed_stops[s - around_n].visit_id
                area = -1 - visit_id in around.area_booked
                self.route[k].append(-1 - visit_id if area else stop_of[k, visit_id])
        self.key_left = [
            places - len(route) for places, route in zip(self.key_places, self.route, strict=True)
        ]
        self.day_of, self.on_time = [-1] * n, [False] * n
        for k, route in enumerate(self.route):
            for r in route:
                if r < n:
                    self.day_of[r] = k
                    self.on_time[r] = self.key_di[k] <= self.last_on_time[r]
        self.unbooked = [rest[i] for i in around.unbooked]

    def _repack_late(self, waiting: list[int], until: float) -> None:
        """Pack again the days of each technician who serves a request in ``waiting``.

        Technicians with the most such requests first; each packs for those still without a
        day when its turn comes (one an earlier packing placed is left where it is). One
        technician's day-pattern packings may take all the time up to ``until`` (on the
        10,000-request benchmark the desert area's did, and the five late requests of another
        area, which a quick packing puts on time in milliseconds, stayed late, one to the end):
        the technicians whose turn comes after ``until`` still get the quick packings
        (``QUICK_PACKINGS``), up to the planner's deadline. The requests it placed have a day
        (``day_of``), the rest still have none, and so may requests that were on time: a
        packing kept because it puts more on time can leave one it took off a day without an
        on-time day (the caller books those late).
        """
        by_tech: dict[int, list[int]] = defaultdict(list)
        for r in waiting:
            for tech_id in self.req_techs[r]:
                by_tech[tech_id].append(r)
        for tech_id in sorted(by_tech, key=lambda t: -len(by_tech[t])):
            late = [r for r in by_tech[tech_id] if self.day_of[r] < 0]
            if not late:
                continue
            if self.clock() < until:
                self.repack(tech_id, late, until)
            else:
                # Milliseconds, on the improvement's time: the repair's share is spent.
                self.repack(tech_id, late, self.deadline, QUICK_PACKINGS)

    def _write_routes(self) -> None:
        plan = self.plan
        sp, point_of, distance = self.stop_point, self.point_of, self.distance
        for k, order in enumerate(self.route):
            if not any(stop < self.n_requests for stop in order):
                continue
            tech = self.by_id[self.key_tech[k]]
            day = self.days[self.key_di[k]]
            # The kept order fits; a fresh nearest-neighbour + 2-opt order replaces it if shorter.
            fresh = order_route(
                home=self.key_home[k],
                points=[sp[s] for s in order],
                distance=lambda a, b: distance[a][b],
            )
            alternative = self.two_opt(k, [order[i] for i in fresh])
            kept = self.two_opt(k, order)
            if (
                self.fits(k, alternative)
                and self.route_km(k, alternative) < self.route_km(k, kept) - EPSILON
            ):
                kept = alternative
            visits = self.visits(k, kept)
            route: list[Point] = []
            for stop_number, (rank, _position, stop) in enumerate(visits, start=1):
                route.append(point_of[sp[stop]])
                if stop >= self.n_requests:
                    plan.reorders[self.fixed_stops[stop - self.n_requests].visit_id] = stop_number
                else:
                    plan.assignments.append(
                        Assignment(
                            request_id=self.requests[stop].id,
                            technician_id=tech.id,
                            day=day,
                            window_id=tech.window_ids[rank],
                            route_order=stop_number,
                            within_target=self.on_time[stop],
                        )
                    )
            plan.routes[(tech.id, day)] = route


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
    *,
    plan: Plan,
    technicians: list[PlanTechnician],
    free: dict[tuple[int, date], dict[int, int]],
    drive: DriveModel | None = None,
) -> dict:
    """Return the figures the benchmark prints: placed, on time, utilisation, travel, days."""
    drive = drive or DriveModel()
    homes = {tech.id: tech.home for tech in technicians}
    placed = len(plan.assignments)
    day_km = {key: route_km(home=homes[key[0]], route=route) for key, route in plan.routes.items()}
    total_km = sum(day_km.values())
    day_minutes = {key: drive.day_minutes(km, len(plan.routes[key])) for key, km in day_km.items()}
    last_day = max((a.day for a in plan.assignments), default=None)
    capacity = sum(
        sum(windows.values()) for (_t, day), windows in free.items() if last_day and day <= last_day
    )
    inside = sum(a.within_target for a in plan.assignments)
    return {
        "placed": placed,
        "unplaced": len(plan.unplaced),
        "inside_target": inside,
        "inside_target_share": inside / placed if placed else 0.0,
        "utilisation": placed / capacity if capacity else 0.0,
        "travel_km": total_km,
        "km_per_visit": total_km / placed if placed else 0.0,
        "last_day": last_day,
        "days": len(day_km),
        "longest_day_km": max(day_km.values(), default=0.0),
        # Driving plus service time, from leaving home to coming back (waits not counted).
        "longest_day_hours": max(day_minutes.values(), default=0.0) / 60,
    }
