"""Benchmark the scheduler on a realistic territory; everything it writes is rolled back.

Not a test: it prints figures for BENCHMARKS.md. Technicians get home bases spread over the
territory's ZIP centroids (k-means), each ZIP is served by its two nearest technicians, and the
approved requests (spread evenly over the technicians' areas, as crews are sized to demand)
were submitted over the last 25 business days, so every one is due within
the next 5 to 30 business days.
"""

import bisect
import json
import os
import random
import resource
import time
import tracemalloc
from collections import defaultdict
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from enrollment.models import Request, Status
from scheduling import selectors, services
from scheduling.calendar import get_calendar
from scheduling.feasibility import max_on_time
from scheduling.geo import haversine_km, zip_centroids
from scheduling.models import AppointmentWindow, Technician, TimeOff, Visit
from scheduling.planner import (
    PATTERN_ADDRESSES,
    PATTERN_ALL_ORDERS,
    Assignment,
    Plan,
    PlanRequest,
    _Planner,
    fullest_patterns,
    plan_figures,
    plan_first_come_first_served,
)

# Small instances for the OR-Tools comparison: (technicians, index of the centre technician).
INSTANCES = [(5, 0), (5, 17), (10, 33)]
INSTANCE_REQUESTS = 80
# Seconds the exact check may search each technician's days.
EXACT_CHECK_SECONDS = 60.0


class _Rollback(Exception):
    pass


def _kmeans(points: list[tuple[float, float]], k: int, rng: random.Random, rounds: int = 12):
    centres = rng.sample(points, k)
    for _round in range(rounds):
        groups: dict[int, list] = defaultdict(list)
        for p in points:
            groups[min(range(k), key=lambda i: haversine_km(p, centres[i]))].append(p)
        centres = [
            (sum(p[0] for p in g) / len(g), sum(p[1] for p in g) / len(g)) if g else centres[i]
            for i, g in ((i, groups.get(i, [])) for i in range(k))
        ]
    return centres


class Command(BaseCommand):
    help = "Benchmark the scheduler (50 technicians, 10,000 requests) against a FCFS baseline."

    def add_arguments(self, parser):
        parser.add_argument("--technicians", type=int, default=50)
        parser.add_argument("--requests", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--export-instances",
            metavar="DIR",
            help="also write small instances cut from this run (JSON) for "
            "scripts/benchmark_ortools.py",
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                self._run(options)
                raise _Rollback
        except _Rollback:
            self.stdout.write("(all benchmark data rolled back)")

    def _run(self, options):
        rng = random.Random(options["seed"])
        n_tech, n_req = options["technicians"], options["requests"]
        today = timezone.localdate()
        centroids = zip_centroids()
        zips = sorted(centroids)
        points = {z: (centroids[z].lat, centroids[z].lon) for z in zips}

        # The territory: home bases at k-means centres, each ZIP served by its two nearest.
        setup_started = time.perf_counter()
        centres = _kmeans([points[z] for z in zips], n_tech, rng)
        homes = [min(zips, key=lambda z, c=c: haversine_km(points[z], c)) for c in centres]
        territories: dict[int, list[str]] = defaultdict(list)
        areas: dict[int, list[str]] = defaultdict(list)
        for z in zips:
            nearest = sorted(range(n_tech), key=lambda i: haversine_km(points[z], centres[i]))[:2]
            areas[nearest[0]].append(z)
            for i in nearest:
                territories[i].append(z)
        Technician.objects.update(is_active=False)
        technicians = Technician.objects.bulk_create(
            Technician(
                name=f"Benchmark technician {i + 1}",
                home_zip=homes[i],
                territory_zips=territories[i],
            )
            for i in range(n_tech)
        )
        AppointmentWindow.objects.bulk_create(
            AppointmentWindow(technician=t, starts_at=start, ends_at=end, capacity=4)
            for t in technicians
            for start, end in (("08:00", "12:00"), ("12:00", "16:00"))
        )
        calendar = get_calendar()
        first = selectors.first_bookable_day(calendar=calendar, today=today)
        # A few technicians on a week's leave, as on any real month.
        TimeOff.objects.bulk_create(
            TimeOff(
                technician=t,
                starts_on=first + timedelta(days=7),
                ends_on=first + timedelta(days=11),
            )
            for t in rng.sample(technicians, max(1, n_tech // 10))
        )
        user = User.objects.create_user(email="benchmark@example.invalid", password=None)
        past = [
            calendar.nth_business_day_after(today - timedelta(days=40), i) for i in range(0, 40)
        ]
        past = [d for d in past if d <= today][-26:]
        msa_requests = []
        for i in range(n_req):
            submitted = rng.choice(past)
            msa_requests.append(
                Request(
                    filed_by=user,
                    applicant=user,
                    customer_name="Benchmark customer",
                    status=Status.APPROVED,  # synthetic data, written directly (rolled back)
                    meter_number=f"BM{i:07d}",
                    premises_street=f"{rng.randint(100, 9999)} Sample Ave",
                    # Crews are sized to demand: each technician's area sends a like share.
                    premises_zip=rng.choice(areas[rng.choice(list(areas))]),
                    submitted_at=timezone.make_aware(
                        timezone.datetime.combine(submitted, timezone.datetime.min.time())
                    )
                    + timedelta(hours=9, minutes=i % 480),
                )
            )
        Request.objects.bulk_create(msa_requests, batch_size=2000)
        self.stdout.write(
            f"territory: {len(zips)} ZIP centroids, {n_tech} technicians x 8 visits/day, "
            f"{n_req} approved requests (setup {time.perf_counter() - setup_started:.1f} s); "
            f"database {connection.vendor}, load average {os.getloadavg()[0]:.1f}"
        )

        # The same inputs the service plans from, for the pure planner and the baseline.
        inputs = services._load_inputs(today=today)
        waiting = Request.objects.filter(status=Status.APPROVED)
        due = selectors.requests_due_dates(
            msa_requests=waiting, calendar=inputs.calendar, today=today
        )
        requests = [
            PlanRequest(
                id=pk,
                zip=zip_code,
                point=points.get(zip_code),
                due=due[pk],
                priority=(submitted_at,),
            )
            for pk, zip_code, submitted_at in waiting.values_list(
                "pk", "premises_zip", "submitted_at"
            )
        ]
        capacity_in_target = sum(
            sum(w.values())
            for (_t, day), w in inputs.free.items()
            if day <= max(r.due for r in requests)
        )
        self.stdout.write(f"capacity up to the last target date: {capacity_in_target} visits")

        drive = services.drive_model()
        on_time_possible = max_on_time(
            demands=[
                (frozenset(t.id for t in inputs.technicians if r.zip in t.territory), r.due)
                for r in requests
            ],
            places={key: sum(w.values()) for key, w in inputs.free.items()},
        )
        self.stdout.write(
            f"flow check (places only): at most {on_time_possible} of {len(requests)} "
            "can be on time"
        )
        if options["export_instances"]:
            self._export_instances(options, inputs, requests)

        # The service's own plan, kept for its figures (the planner is deterministic).
        plans: list[Plan] = []
        real_plan_schedule = services.plan_schedule

        def keep_plan(**kwargs):
            plans.append(real_plan_schedule(**kwargs))
            return plans[-1]

        # Time spent in the enrollment step that moves each technician's batch to scheduled.
        transition_seconds = [0.0]
        real_transition = services.requests_mark_scheduled

        def timed_transition(**kwargs):
            began = time.perf_counter()
            try:
                return real_transition(**kwargs)
            finally:
                transition_seconds[0] += time.perf_counter() - began

        services.requests_mark_scheduled = timed_transition
        services.plan_schedule = keep_plan
        started = time.perf_counter()
        try:
            result = services.schedule_approved_requests(today=today, notify=False)
        finally:
            services.requests_mark_scheduled = real_transition
            services.plan_schedule = real_plan_schedule
        service_seconds = time.perf_counter() - started
        ours = self._figures_from_database(inputs=inputs, drive=drive)
        planner_seconds = sum(sum(plan.timings.values()) for plan in plans)

        tracemalloc.start()
        started = time.perf_counter()
        baseline_plan = plan_first_come_first_served(
            requests=requests, technicians=inputs.technicians, days=inputs.days, free=inputs.free
        )
        baseline_seconds = time.perf_counter() - started
        _current, baseline_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        baseline = plan_figures(
            plan=baseline_plan, technicians=inputs.technicians, free=inputs.free, drive=drive
        )

        # The planner's own check counts the driving too (scheduling.feasibility).
        on_time_possible = min(on_time_possible, sum(plan.on_time_possible for plan in plans))
        self.stdout.write(
            f"drive-aware check: at most {on_time_possible} of {len(requests)} can be on time"
        )
        late = {a.request_id for plan in plans for a in plan.assignments if not a.within_target}
        late.update(pk for plan in plans for pk, _reason in plan.unplaced)
        started = time.perf_counter()
        most_alone = _most_on_time_alone(inputs=inputs, requests=requests, drive=drive, late=late)
        if most_alone:
            lost = sum(count - most for count, most in most_alone.values())
            on_time_possible = min(on_time_possible, len(requests) - lost)
            self.stdout.write(
                f"exact check (the requests only one technician reaches, its days' patterns "
                f"searched exactly, {time.perf_counter() - started:.1f} s): at most "
                f"{len(requests) - lost} of {len(requests)} can be on time; "
                + ", ".join(
                    f"technician {tech_id}: {most} of its {count}"
                    for tech_id, (count, most) in sorted(most_alone.items())
                )
            )
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"scheduler service (plan + write {result.placed} visits): {service_seconds:.1f} s; "
            f"planning {planner_seconds:.1f} s "
            f"({', '.join(f'{k} {v:.1f} s' for k, v in plans[0].timings.items())}); "
            f"process peak RSS {peak_rss_mb:.0f} MiB; load average now {os.getloadavg()[0]:.1f}"
        )
        self.stdout.write(
            f"  of which {transition_seconds[0]:.1f} s in enrollment.requests_mark_scheduled "
            f"(one call per technician), {service_seconds - transition_seconds[0]:.1f} s the rest"
        )
        self.stdout.write(
            f"baseline planner: {baseline_seconds:.1f} s, "
            f"peak {baseline_peak / 2**20:.0f} MiB traced"
        )
        self.stdout.write(
            f"drive model: x{drive.road_factor} road factor, {drive.kmh:.0f} km/h, "
            f"{drive.service_minutes:.0f} min per visit; reported, not booked: {result.unplaced}"
        )
        for label, figures in (("scheduler", ours), ("FCFS baseline", baseline)):
            self.stdout.write(
                f"{label:14s} placed {figures['placed']}/{n_req}, "
                f"on time {figures['inside_target']} = {figures['inside_target_share']:.2%} "
                f"(possible {on_time_possible}), "
                f"utilisation {figures['utilisation']:.1%} (to {figures['last_day']}), "
                f"travel {figures['km_per_visit']:.2f} km/visit "
                f"({figures['travel_km']:.0f} km total, {figures['days']} technician-days), "
                f"longest day {figures['longest_day_km']:.0f} km / "
                f"{figures['longest_day_hours']:.1f} h"
            )

    def _export_instances(self, options, inputs, requests) -> None:
        """Write small instances (a technician and its nearest colleagues) and the whole run.

        Each small instance keeps the requests whose every serving technician is in the group
        (the oldest first, at most ``INSTANCE_REQUESTS`` per technician), those technicians'
        free places and the drive model, so ``scripts/benchmark_ortools.py`` can solve it
        without Django. ``instance_all.json`` holds every technician and request of the run, for
        ``scripts/exact_remote_days.py``, ``bound_on_time.py`` and ``plan_area_first.py``.
        """
        folder = Path(options["export_instances"])
        folder.mkdir(parents=True, exist_ok=True)
        techs = inputs.technicians
        for size, seed_index in INSTANCES:
            centre = techs[seed_index % len(techs)]
            group = sorted(techs, key=lambda t: haversine_km(t.home, centre.home))[:size]
            ids = {t.id for t in group}
            chosen = [
                r
                for r in sorted(requests, key=lambda r: (r.due, r.priority, r.id))
                if {t.id for t in techs if r.zip in t.territory} <= ids
            ][: INSTANCE_REQUESTS * size]
            path = folder / f"instance_{size}tech_{seed_index}.json"
            self._write_instance(path, inputs, group, chosen)
            self.stdout.write(f"instance {path}: {size} technicians, {len(chosen)} requests")
        path = folder / "instance_all.json"
        self._write_instance(path, inputs, techs, requests)
        self.stdout.write(f"instance {path}: {len(techs)} technicians, {len(requests)} requests")

    def _write_instance(self, path: Path, inputs, group, chosen) -> None:
        """Write technicians ``group`` with their free places and ``chosen`` requests as JSON."""
        ids = {t.id for t in group}
        instance = {
            "drive": asdict(services.drive_model()),
            "days": [d.isoformat() for d in inputs.days],
            "technicians": [
                {
                    "id": t.id,
                    "home": t.home,
                    "territory": sorted(t.territory),
                    "window_ids": t.window_ids,
                    "window_hours": t.window_hours,
                }
                for t in group
            ],
            "free": [
                [tech_id, day.isoformat(), {str(w): n for w, n in windows.items()}]
                for (tech_id, day), windows in sorted(inputs.free.items())
                if tech_id in ids
            ],
            "requests": [
                {
                    "id": r.id,
                    "zip": r.zip,
                    "point": r.point,
                    "due": r.due.isoformat(),
                    "priority": r.priority[0].isoformat(),
                }
                for r in chosen
            ],
        }
        path.write_text(json.dumps(instance), encoding="utf-8")

    def _figures_from_database(self, *, inputs, drive) -> dict:
        plan = Plan()
        homes = {t.id: t.home for t in inputs.technicians}
        routes: dict = defaultdict(list)
        for visit in (
            Visit.objects.filter(state=Visit.State.BOOKED, technician_id__in=homes)
            .select_related("msa_request")
            .order_by("technician_id", "date", "window__starts_at", "route_order")
        ):
            plan.assignments.append(
                Assignment(
                    request_id=visit.msa_request_id,
                    technician_id=visit.technician_id,
                    day=visit.date,
                    within_target=visit.within_target,
                )
            )
            point = zip_centroids()[visit.msa_request.premises_zip]
            routes[(visit.technician_id, visit.date)].append((point.lat, point.lon))
        plan.routes = dict(routes)
        return plan_figures(
            plan=plan, technicians=inputs.technicians, free=inputs.free, drive=drive
        )


def _most_on_time_alone(*, inputs, requests, drive, late: set[int]) -> dict[int, tuple[int, int]]:
    """The most on time of the requests only one technician reaches, for each technician with
    one of ``late`` (request ids) among them: {technician id: (such requests, most on time)}.

    Such a request can only be on time on its technician's days, whatever the others do, so
    the requests above the most are late in every plan: a bound beside the drive-aware check
    (issue 25). The technician's days, nothing else on them but their booked stops, list every
    pattern of visits they can hold (``_Planner._day_patterns``) and the exact pattern search
    (``_Planner._most_on_time_patterns``) finds the most; a technician is left out where that
    is not exact (more addresses than listed, a pattern whose every order was not tried, or
    more than ``EXACT_CHECK_SECONDS`` of search). It reads the planner's private state (a
    benchmark's privilege, not an interface).
    """
    planner = _Planner(
        requests=requests,
        technicians=inputs.technicians,
        days=inputs.days,
        free=inputs.free,
        fixed=inputs.fixed,
        drive=drive,
        deadline=float("inf"),
        rng=random.Random(0),
        clock=time.monotonic,
    )
    planner._reach()
    alone: dict[int, list[int]] = defaultdict(list)
    for r in range(planner.n_requests):
        if len(planner.req_techs[r]) == 1 and planner.last_on_time[r] >= 0:
            alone[planner.req_techs[r][0]].append(r)
    technicians = {
        planner.req_techs[r][0]
        for r, request in enumerate(requests)
        if request.id in late and len(planner.req_techs[r]) == 1
    }
    found = {}
    for tech_id in sorted(technicians):
        pool = alone[tech_id]
        horizon = max(planner.last_on_time[r] for r in pool)
        days = sorted(
            (
                k
                for k in planner.tech_keys.get(tech_id, ())
                if planner.key_di[k] <= horizon and planner.key_hours[k] is not None
            ),
            key=planner.key_di.__getitem__,
        )
        at: dict[int, list[int]] = defaultdict(list)
        for r in pool:
            at[planner.stop_point[r]].append(r)
        points = sorted(at)
        if len(points) > PATTERN_ADDRESSES:
            continue
        day_dis = [planner.key_di[k] for k in days]
        due = [[0] * len(days) for _point in points]
        for i, point in enumerate(points):
            for r in at[point]:
                d = bisect.bisect_right(day_dis, planner.last_on_time[r]) - 1
                if d >= 0:
                    due[i][d] += 1
        fullest = []
        for k in days:
            patterns = planner._day_patterns(k, [at[point] for point in points])
            if patterns is None:
                break
            # A listing is complete where a pattern one visit longer than any listed one was
            # tried in every order of its groups (each booked stop, each address).
            groups = len(planner.route[k]) + max(sum(map(bool, p)) for p in patterns)
            if groups >= PATTERN_ALL_ORDERS:
                break
            fullest.append(fullest_patterns(patterns))
        else:
            chosen = planner._most_on_time_patterns(
                fullest, due, 0, time.monotonic() + EXACT_CHECK_SECONDS
            )
            if chosen is not None:
                found[tech_id] = (len(pool), _patterns_on_time(chosen, due))
    return found


def _patterns_on_time(chosen: list[tuple[int, ...]], due: list[list[int]]) -> int:
    """How many requests the days' patterns ``chosen`` put on time, ``due[i][d]`` of them at
    address ``i`` due by day ``d`` (the last day first, each visit takes one waiting)."""
    on_time = 0
    for i, arriving in enumerate(due):
        waiting = 0
        for d in range(len(chosen) - 1, -1, -1):
            waiting += arriving[d]
            served = min(chosen[d][i], waiting)
            on_time += served
            waiting -= served
    return on_time
