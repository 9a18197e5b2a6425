"""Reads for scheduling: the 30-business-day target, free windows, route sheets and the board."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.aggregates import TextList, has_median
from enrollment.models import Request, Status
from enrollment.targets import FIELDS as TARGET_FIELDS
from enrollment.targets import target_today

from .calendar import BusinessCalendar, get_calendar
from .geo import haversine_km, zip_point
from .models import AppointmentWindow, FailureCode, Technician, TimeOff, Visit


@dataclass(frozen=True)
class Sla:
    """Where a request stands against its visit target."""

    due_date: date | None
    business_days_left: int | None
    paused_business_days: int
    is_paused: bool


@dataclass(frozen=True)
class WindowOffer:
    window_id: int
    technician_id: int
    day: date
    starts_at: time
    ends_at: time

    @property
    def value(self) -> str:
        return f"{self.window_id}:{self.day.isoformat()}"


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _sla(msa_request: Request, *, calendar: BusinessCalendar, today: date) -> Sla:
    """The request's stored target as it stands ``today`` (no query)."""
    target = target_today(msa_request=msa_request, calendar=calendar, today=today)
    return Sla(
        target.due_date, target.business_days_left, target.paused_business_days, target.is_paused
    )


def request_sla(
    *, msa_request: Request, calendar: BusinessCalendar | None = None, today=None
) -> Sla:
    """Return the request's visit due date and business days left, paused while info is asked."""
    calendar = calendar or get_calendar()
    today = today or timezone.localdate()
    return _sla(msa_request, calendar=calendar, today=today)


def requests_due_dates(
    *, msa_requests: QuerySet[Request], calendar: BusinessCalendar, today: date
) -> dict[int, date]:
    """Return each request's visit due date from its stored target (one query).

    A request that never went through payment (moved by hand, a benchmark's rows) counts 30
    business days from when it was submitted, decided or created.
    """
    target = settings.MSA_TARGET_BUSINESS_DAYS
    due: dict[int, date] = {}
    for msa_request in msa_requests.only(
        "pk",
        "submitted_at",
        "decided_at",
        "created_at",
        *TARGET_FIELDS,
    ):
        if msa_request.target_date is not None:
            due[msa_request.pk] = _sla(msa_request, calendar=calendar, today=today).due_date
        else:
            start = msa_request.submitted_at or msa_request.decided_at or msa_request.created_at
            due[msa_request.pk] = calendar.nth_business_day_after(_local_date(start), target)
    return due


def first_bookable_day(*, calendar: BusinessCalendar, today: date | None = None) -> date:
    """Return the earliest day a visit may be booked for (a short lead time after today)."""
    today = today or timezone.localdate()
    return calendar.nth_business_day_after(today, settings.SCHEDULING_LEAD_BUSINESS_DAYS)


def technicians_with_windows() -> list[Technician]:
    """Return active technicians with their windows and time off loaded (three queries)."""
    return list(
        Technician.objects.filter(is_active=True)
        .prefetch_related("windows", "time_off")
        .order_by("pk")
    )


def technician_days_off(technician: Technician) -> set[date]:
    """Return the dates a technician is off (uses the prefetched time off)."""
    off: set[date] = set()
    for span in technician.time_off.all():
        day = span.starts_on
        while day <= span.ends_on:
            off.add(day)
            day += timedelta(days=1)
    return off


def booked_counts(*, start: date, end: date, technician_ids=None) -> dict[tuple[int, date], int]:
    """Return booked visits per (window, day) between two dates."""
    visits = Visit.objects.filter(state=Visit.State.BOOKED, date__range=(start, end))
    if technician_ids is not None:
        visits = visits.filter(technician_id__in=technician_ids)
    return {
        (row["window_id"], row["date"]): row["n"]
        for row in visits.values("window_id", "date").annotate(n=Count("pk"))
    }


_UNSET = object()


def _offer_inputs(
    *, zip_code: str, first: date, last: date
) -> tuple[list[Technician], dict[tuple[int, date], int], dict[int, set[date]]]:
    """Active technicians serving ``zip_code`` with their windows, bookings and days off.

    One query: the windows with their technician, each carrying its booked days and its
    technician's time off between ``first`` and ``last`` as text lists (``TextList``).
    """
    booked = (
        Visit.objects.filter(
            window_id=OuterRef("pk"), state=Visit.State.BOOKED, date__range=(first, last)
        )
        .order_by()
        .values("window_id")
        .annotate(days=TextList("date"))
        .values("days")
    )
    time_off = (
        TimeOff.objects.filter(
            technician_id=OuterRef("technician_id"), ends_on__gte=first, starts_on__lte=last
        )
        .order_by()
        .values("technician_id")
        .annotate(
            spans=TextList(
                Concat(F("starts_on"), Value(":"), F("ends_on"), output_field=CharField())
            )
        )
        .values("spans")
    )
    windows = (
        AppointmentWindow.objects.filter(technician__is_active=True)
        .select_related("technician")
        .annotate(booked_days=Subquery(booked), time_off=Subquery(time_off))
        .order_by("technician_id", "starts_at", "pk")
    )
    technicians: dict[int, Technician] = {}
    counts: dict[tuple[int, date], int] = {}
    off: dict[int, set[date]] = {}
    for window in windows:
        technician = window.technician
        if zip_code not in (technician.territory_zips or []):
            continue
        # Each row brings its own copy of the technician: keep the first, with every window.
        if technician.pk not in technicians:
            technicians[technician.pk] = technician
            technician.offer_windows = []
            off[technician.pk] = _days_in_spans(window.time_off)
        technicians[technician.pk].offer_windows.append(window)
        for day in filter(None, (window.booked_days or "").split(",")):
            key = (window.pk, date.fromisoformat(day))
            counts[key] = counts.get(key, 0) + 1
    return list(technicians.values()), counts, off


def _days_in_spans(spans: str | None) -> set[date]:
    days: set[date] = set()
    for span in filter(None, (spans or "").split(",")):
        starts, ends = span.split(":")
        day, last = date.fromisoformat(starts), date.fromisoformat(ends)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def offered_windows(
    *,
    msa_request: Request,
    limit: int = 8,
    today: date | None = None,
    calendar: BusinessCalendar | None = None,
    current=_UNSET,
) -> list[WindowOffer]:
    """Return free windows a customer may pick for a request, earliest first.

    ``calendar`` and ``current`` (the booked visit, or None) spare their queries when the
    caller already has them.
    """
    if msa_request.status not in (Status.APPROVED, Status.SCHEDULED):
        return []
    calendar = calendar or get_calendar()
    zip_code = msa_request.premises_zip
    start = first_bookable_day(calendar=calendar, today=today)
    days = calendar.business_days(start, settings.SCHEDULING_HORIZON_BUSINESS_DAYS)
    technicians, counts, off = _offer_inputs(zip_code=zip_code, first=days[0], last=days[-1])
    if not technicians:
        return []
    # Where two technicians have the same window free, offer the one based nearer the premises.
    premises = zip_point(zip_code)
    if premises is not None:
        technicians.sort(key=lambda t: haversine_km(zip_point(t.home_zip) or premises, premises))
    if current is _UNSET:
        current = msa_request.visits.filter(state=Visit.State.BOOKED).first()
    offers: list[WindowOffer] = []
    seen: set[tuple[date, time]] = set()
    for day in days:
        for technician in technicians:
            if day.weekday() not in technician.working_weekdays:
                continue
            if day in off[technician.pk]:
                continue
            for window in technician.offer_windows:
                if counts.get((window.pk, day), 0) >= window.capacity:
                    continue
                if current and current.window_id == window.pk and current.date == day:
                    continue
                # One offer per time of day: the customer picks a time, not a technician.
                if (day, window.starts_at) in seen:
                    continue
                seen.add((day, window.starts_at))
                offers.append(
                    WindowOffer(window.pk, technician.pk, day, window.starts_at, window.ends_at)
                )
        if len(offers) >= limit:
            break
    offers.sort(key=lambda offer: (offer.day, offer.starts_at))
    return offers[:limit]


@dataclass
class RequestPanel:
    visit: Visit | None
    failed_visit: Visit | None
    offers: list[WindowOffer]
    sla: Sla
    can_pick: bool


def request_panel(*, msa_request: Request) -> RequestPanel:
    """Return what the customer's scheduling panel shows for a request."""
    visits = list(
        msa_request.visits.select_related("window", "technician").order_by("-created_at", "-pk")
    )
    booked = next((v for v in visits if v.state == Visit.State.BOOKED), None)
    failed = None
    if msa_request.status == Status.VISIT_FAILED:
        failed = next((v for v in visits if v.state == Visit.State.FAILED), None)
    can_pick = msa_request.status in (Status.APPROVED, Status.SCHEDULED)
    calendar = get_calendar()
    offers = (
        offered_windows(msa_request=msa_request, calendar=calendar, current=booked)
        if can_pick
        else []
    )
    return RequestPanel(
        visit=booked,
        failed_visit=failed,
        offers=offers,
        sla=request_sla(msa_request=msa_request, calendar=calendar),
        can_pick=can_pick,
    )


def request_booked_visit_day(*, msa_request_id: int) -> date | None:
    """The day of the request's booked visit, or None (one query; ``MSA_BOOKED_VISIT_DAY``)."""
    return (
        Visit.objects.filter(msa_request_id=msa_request_id, state=Visit.State.BOOKED)
        .order_by("-created_at", "-pk")
        .values_list("date", flat=True)
        .first()
    )


def route_sheet(*, technician: Technician, day: date) -> list[Visit]:
    """Return a technician's visits on a day in route order (one query)."""
    return list(
        Visit.objects.filter(technician=technician, date=day)
        .exclude(state__in=[Visit.State.CANCELLED, Visit.State.MOVED])
        .select_related("msa_request", "msa_request__device", "window")
        .order_by("window__starts_at", "route_order", "pk")
    )


def technician_for_user(user) -> Technician | None:
    """Return the active technician ``user`` signs in as, else None (asked on every request).

    The one rule for the technician's pages: the account's present role and link decide, so a
    technician unlinked or made inactive by staff loses their visits at once.
    """
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return None
    if user.role != "technician":
        return None
    return Technician.objects.filter(user=user, is_active=True).first()


def technician_day(*, technician: Technician, day: date) -> list[Visit]:
    """Return a technician's visits on a day in route order, with what the phone shows."""
    return list(
        Visit.objects.filter(technician=technician, date=day)
        .exclude(state__in=[Visit.State.CANCELLED, Visit.State.MOVED])
        .select_related("msa_request", "msa_request__device", "msa_request__applicant", "window")
        .annotate(
            panel_photos=Count(
                "msa_request__documents",
                filter=Q(msa_request__documents__kind="meter_panel_photo"),
            )
        )
        .order_by("window__starts_at", "route_order", "pk")
    )


def visit_board(*, start: date, days: int) -> tuple[list[date], list[dict]]:
    """Return the board: per technician, their booked visits per day (two queries)."""
    dates = [start + timedelta(days=i) for i in range(days)]
    technicians = list(Technician.objects.filter(is_active=True).order_by("name"))
    visits = (
        Visit.objects.filter(date__range=(dates[0], dates[-1]))
        .exclude(state__in=[Visit.State.CANCELLED, Visit.State.MOVED])
        .select_related("msa_request", "window")
        .order_by("date", "window__starts_at", "route_order")
    )
    cells: dict[tuple[int, date], list[Visit]] = defaultdict(list)
    for visit in visits:
        cells[(visit.technician_id, visit.date)].append(visit)
    rows = [
        {"technician": t, "cells": [(day, cells.get((t.pk, day), [])) for day in dates]}
        for t in technicians
    ]
    return dates, rows


def request_url(msa_request: Request) -> str:
    """Return the request's status page, or its visit page while the status page is missing."""
    try:
        return msa_request.get_absolute_url()
    except NoReverseMatch:
        return reverse("scheduling:request_visit", kwargs={"pk": msa_request.pk})


def revisit_is_free(*, msa_request_id: int) -> bool:
    """Return whether the request's latest visit failed through the utility's fault (no new fee)."""
    latest = (
        Visit.objects.filter(msa_request_id=msa_request_id)
        .exclude(state__in=[Visit.State.CANCELLED, Visit.State.MOVED])
        .order_by("-date", "-pk")
        .values_list("state", "utility_fault")
        .first()
    )
    return latest is not None and latest == (Visit.State.FAILED, True)


class SlaRisk(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")


# The 30-business-day clock runs for these; a scheduled or closed request is off the clock.
SLA_OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.INFO_REQUESTED,
    Status.APPROVED,
    Status.VISIT_FAILED,
)
# "At risk" means due within this many business days.
SLA_AT_RISK_BUSINESS_DAYS = 5


@dataclass(frozen=True)
class SlaRow:
    age_business_days: int
    due: date
    risk: str


def _risk(left: int) -> str:
    if left < 0:
        return str(SlaRisk.OVERDUE)
    return str(SlaRisk.AT_RISK if left <= SLA_AT_RISK_BUSINESS_DAYS else SlaRisk.ON_TRACK)


def sla_row(msa_request: Request, *, calendar: BusinessCalendar, today: date) -> SlaRow | None:
    """Business-day age, due date and risk of an open submitted request (no query)."""
    if msa_request.status not in SLA_OPEN_STATUSES or msa_request.target_date is None:
        return None
    sla = _sla(msa_request, calendar=calendar, today=today)
    age = calendar.business_days_between(_local_date(msa_request.submitted_at), today)
    return SlaRow(age_business_days=age, due=sla.due_date, risk=_risk(sla.business_days_left))


def requests_sla(
    *, msa_requests: QuerySet[Request], today: date | None = None
) -> dict[int, SlaRow]:
    """Business-day age, due date and risk of each open submitted request (two queries)."""
    calendar = get_calendar()
    today = today or timezone.localdate()
    rows = {}
    for msa_request in msa_requests.filter(
        status__in=SLA_OPEN_STATUSES, target_date__isnull=False
    ).only("pk", "status", "submitted_at", *TARGET_FIELDS):
        rows[msa_request.pk] = sla_row(msa_request, calendar=calendar, today=today)
    return rows


def sla_risk_conditions(
    *, calendar: BusinessCalendar | None = None, today: date | None = None
) -> dict[str, Q]:
    """The SQL conditions for "at risk" and "overdue", comparing the stored target dates.

    A running clock compares its target with today; a paused one keeps the business days it
    had left when the pause began.
    """
    calendar = calendar or get_calendar()
    today = today or timezone.localdate()
    # Business days left ≤ N ⇔ the target falls before the (N+1)-th business day after today.
    horizon = calendar.nth_business_day_after(today, SLA_AT_RISK_BUSINESS_DAYS + 1)
    open_clock = Q(status__in=SLA_OPEN_STATUSES, target_date__isnull=False)
    running = Q(target_paused_on__isnull=True)
    paused = Q(target_paused_on__isnull=False)
    return {
        SlaRisk.OVERDUE: open_clock
        & ((running & Q(target_date__lt=today)) | (paused & Q(target_days_left_when_paused__lt=0))),
        SlaRisk.AT_RISK: open_clock
        & (
            (running & Q(target_date__gte=today, target_date__lt=horizon))
            | (
                paused
                & Q(
                    target_days_left_when_paused__gte=0,
                    target_days_left_when_paused__lte=SLA_AT_RISK_BUSINESS_DAYS,
                )
            )
        ),
    }


def requests_filter_sla_risk(
    *, msa_requests: QuerySet[Request], risk: str, today: date | None = None
) -> QuerySet[Request]:
    """The open requests whose risk is ``risk`` (a filter in SQL, for the queue)."""
    return msa_requests.filter(sla_risk_conditions(today=today)[risk])


def requests_with_sla_risk(
    *, msa_requests: QuerySet[Request], risks: set[str], today: date | None = None
) -> list[int]:
    """Ids of the open requests whose risk is one of ``risks``."""
    conditions = sla_risk_conditions(today=today)
    match = Q(pk__in=[])
    for risk in risks:
        match |= conditions[risk]
    return list(msa_requests.filter(match).order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class VisitFigures:
    completed: int
    failed: int
    failed_by_code: list[tuple[str, int]]
    median_business_days_to_visit: float | None


# A visit's request submitted this long before the 12 months counts from the table's first day:
# the table stays small, and a request that waited years for its visit does not move a median.
_SPAN_TABLE_YEARS = 3


def _median_business_days_to_visit(
    visits: QuerySet[Visit], *, calendar: BusinessCalendar, since: date, today: date
) -> float | None:
    """The median business days from submission to the visit, computed by the database.

    On PostgreSQL the calendar's cumulative business-day counts go in as one array, indexed by
    each row's two dates inside ``percentile_cont``; elsewhere (SQLite) the pairs are counted here.
    """
    pairs = (
        visits.annotate(submitted_on=TruncDate("msa_request__submitted_at"))
        .order_by()
        .values_list("date", "submitted_on")
    )
    if not has_median():
        spans = [calendar.business_days_between(submitted, day) for day, submitted in pairs]
        return float(statistics.median(spans)) if spans else None
    first = since - timedelta(days=365 * _SPAN_TABLE_YEARS)
    counts = calendar.cumulative_counts(first, today)
    # The inner query is Django's own SQL with its parameters kept apart; nothing is interpolated.
    inner, params = pairs.query.sql_with_params()
    sql = (
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "
        "c.n[t.day - %s + 1] - c.n[GREATEST(t.submitted_on - %s + 1, 1)]) "
        "FROM (" + inner + ") AS t(day, submitted_on), (SELECT %s::integer[] AS n) AS c"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (first, first, *params, counts))
        (median,) = cursor.fetchone()
    return float(median) if median is not None else None


# The 12-month median is computed at most once in this many seconds (a join of a year's visits
# to their requests, ~0.2 s at 100,000 requests); a day's visits barely move a year's median.
MEDIAN_CACHE_SECONDS = 3600


def visit_median(*, today: date, refresh: bool = False):
    """The 12-month median business days from submission to a visit done or failed.

    Read from the cache (computed at most once every ``MEDIAN_CACHE_SECONDS``, keyed by
    ``today``); ``refresh`` computes and stores it now (the dashboard's periodic warm-up,
    ``backoffice.tasks.refresh_dashboard_medians``).
    """
    key = f"dashboard:median-business-days-to-visit:{today.isoformat()}"
    since = today - timedelta(days=365)

    def compute():
        return _median_business_days_to_visit(
            Visit.objects.filter(
                date__gte=since,
                date__lte=today,
                state__in=[Visit.State.COMPLETED, Visit.State.FAILED],
                msa_request__submitted_at__isnull=False,
            ),
            calendar=get_calendar(),
            since=since,
            today=today,
        )

    if refresh:
        value = compute()
        cache.set(key, value, MEDIAN_CACHE_SECONDS)
        return value
    return cache.get_or_set(key, compute, MEDIAN_CACHE_SECONDS)


def visit_figures(*, today: date) -> VisitFigures:
    """Visits done and failed in the last 12 months and the median business days to a visit.

    One query (visits by state and failure code) and, once every ``MEDIAN_CACHE_SECONDS``, the
    calendar and the median (by the database on PostgreSQL). The at-risk and overdue counts are
    the dashboard's request counts (``backoffice.reports``).
    """
    since = today - timedelta(days=365)
    visits = Visit.objects.filter(date__gte=since, date__lte=today)
    by_state: dict[str, int] = {}
    by_code: dict[str, int] = {}
    for state, code, n in (
        visits.values_list("state", "failure_code").annotate(n=Count("pk")).order_by()
    ):
        by_state[state] = by_state.get(state, 0) + n
        if state == Visit.State.FAILED:
            by_code[code] = by_code.get(code, 0) + n
    labels = dict(FailureCode.choices)
    failed_by_code = [
        (str(labels.get(code, code)), n)
        for code, n in sorted(by_code.items(), key=lambda item: -item[1])
    ]
    return VisitFigures(
        completed=by_state.get(Visit.State.COMPLETED, 0),
        failed=by_state.get(Visit.State.FAILED, 0),
        failed_by_code=failed_by_code,
        median_business_days_to_visit=visit_median(today=today),
    )


def requests_never_scheduled(*, approved_before: datetime) -> QuerySet[Request]:
    """Approved requests the scheduler has never looked at: no visit, no unplaceable report.

    The scheduler run sent at approval was lost (the broker was down); anything it did see has
    a visit or a report, so this stays empty between outages and a sweep costs one query.
    """
    return Request.objects.filter(
        status=Status.APPROVED,
        updated_at__lt=approved_before,
        visits__isnull=True,
        unplaceable_report__isnull=True,
    )
