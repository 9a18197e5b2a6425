"""Reads for scheduling: the 30-business-day target, free windows, route sheets and the board."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.models import Request, RequestEvent, Status

from .calendar import BusinessCalendar, get_calendar
from .geo import haversine_km, zip_point
from .models import FailureCode, Technician, Visit


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


def _paused_days(
    *, events: list[tuple[str, str, datetime]], calendar: BusinessCalendar, today: date
) -> tuple[int, bool]:
    """Business days spent waiting on the applicant, and whether the wait is still open."""
    paused, started = 0, None
    for from_status, to_status, created_at in events:
        if to_status == Status.INFO_REQUESTED and started is None:
            started = _local_date(created_at)
        elif from_status == Status.INFO_REQUESTED and started is not None:
            paused += calendar.business_days_between(started, _local_date(created_at))
            started = None
    if started is not None:
        paused += calendar.business_days_between(started, today)
    return paused, started is not None


def request_sla(
    *, msa_request: Request, calendar: BusinessCalendar | None = None, today=None
) -> Sla:
    """Return the request's visit due date and business days left, paused while info is asked."""
    calendar = calendar or get_calendar()
    today = today or timezone.localdate()
    if msa_request.submitted_at is None:
        return Sla(None, None, 0, False)
    events = list(
        RequestEvent.objects.filter(msa_request=msa_request)
        .filter(Q(to_status=Status.INFO_REQUESTED) | Q(from_status=Status.INFO_REQUESTED))
        .order_by("created_at", "pk")
        .values_list("from_status", "to_status", "created_at")
    )
    paused, is_paused = _paused_days(events=events, calendar=calendar, today=today)
    due = calendar.nth_business_day_after(
        _local_date(msa_request.submitted_at), settings.MSA_TARGET_BUSINESS_DAYS + paused
    )
    return Sla(due, calendar.business_days_between(today, due), paused, is_paused)


def requests_due_dates(
    *, msa_requests: QuerySet[Request], calendar: BusinessCalendar, today: date
) -> dict[int, date]:
    """Return each request's visit due date (two queries, whatever the number of requests)."""
    rows = list(msa_requests.values_list("pk", "submitted_at", "decided_at", "created_at"))
    events: dict[int, list] = defaultdict(list)
    for msa_request_id, *event in (
        RequestEvent.objects.filter(msa_request__in=msa_requests)
        .filter(Q(to_status=Status.INFO_REQUESTED) | Q(from_status=Status.INFO_REQUESTED))
        .order_by("created_at", "pk")
        .values_list("msa_request_id", "from_status", "to_status", "created_at")
    ):
        events[msa_request_id].append(event)
    target = settings.MSA_TARGET_BUSINESS_DAYS
    due: dict[int, date] = {}
    for pk, submitted_at, decided_at, created_at in rows:
        start = submitted_at or decided_at or created_at
        paused, _open = _paused_days(events=events.get(pk, []), calendar=calendar, today=today)
        due[pk] = calendar.nth_business_day_after(_local_date(start), target + paused)
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


def offered_windows(
    *, msa_request: Request, limit: int = 8, today: date | None = None
) -> list[WindowOffer]:
    """Return free windows a customer may pick for a request, earliest first."""
    if msa_request.status not in (Status.APPROVED, Status.SCHEDULED):
        return []
    calendar = get_calendar()
    zip_code = msa_request.premises_zip
    technicians = [t for t in technicians_with_windows() if zip_code in (t.territory_zips or [])]
    if not technicians:
        return []
    # Where two technicians have the same window free, offer the one based nearer the premises.
    premises = zip_point(zip_code)
    if premises is not None:
        technicians.sort(key=lambda t: haversine_km(zip_point(t.home_zip) or premises, premises))
    start = first_bookable_day(calendar=calendar, today=today)
    days = calendar.business_days(start, settings.SCHEDULING_HORIZON_BUSINESS_DAYS)
    counts = booked_counts(start=days[0], end=days[-1], technician_ids=[t.pk for t in technicians])
    current = msa_request.visits.filter(state=Visit.State.BOOKED).first()
    off = {technician.pk: technician_days_off(technician) for technician in technicians}
    offers: list[WindowOffer] = []
    seen: set[tuple[date, time]] = set()
    for day in days:
        for technician in technicians:
            if day.weekday() not in technician.working_weekdays:
                continue
            if day in off[technician.pk]:
                continue
            for window in technician.windows.all():
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
    return RequestPanel(
        visit=booked,
        failed_visit=failed,
        offers=offered_windows(msa_request=msa_request) if can_pick else [],
        sla=request_sla(msa_request=msa_request),
        can_pick=can_pick,
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


def requests_sla(
    *, msa_requests: QuerySet[Request], today: date | None = None
) -> dict[int, SlaRow]:
    """Business-day age, due date and risk of each open submitted request (three queries)."""
    calendar = get_calendar()
    today = today or timezone.localdate()
    open_requests = msa_requests.filter(status__in=SLA_OPEN_STATUSES, submitted_at__isnull=False)
    due_dates = requests_due_dates(msa_requests=open_requests, calendar=calendar, today=today)
    submitted = dict(open_requests.values_list("pk", "submitted_at"))
    rows = {}
    for pk, due in due_dates.items():
        left = calendar.business_days_between(today, due)
        risk = (
            SlaRisk.OVERDUE
            if left < 0
            else SlaRisk.AT_RISK
            if left <= SLA_AT_RISK_BUSINESS_DAYS
            else SlaRisk.ON_TRACK
        )
        age = calendar.business_days_between(_local_date(submitted[pk]), today)
        rows[pk] = SlaRow(age_business_days=age, due=due, risk=str(risk))
    return rows


def _near_target(
    *, msa_requests: QuerySet[Request], today: date | None = None
) -> dict[int, SlaRow]:
    """SLA rows of the open requests submitted long enough ago to be near their due date.

    A pause only moves a due date later, so the cheap date filter never drops a request at risk.
    """
    calendar = get_calendar()
    today = today or timezone.localdate()
    horizon = calendar.nth_business_day_after(today, SLA_AT_RISK_BUSINESS_DAYS)
    cutoff = today
    while calendar.nth_business_day_after(cutoff, settings.MSA_TARGET_BUSINESS_DAYS) > horizon:
        cutoff -= timedelta(days=1)
    return requests_sla(
        msa_requests=msa_requests.filter(submitted_at__date__lte=cutoff), today=today
    )


def requests_with_sla_risk(
    *, msa_requests: QuerySet[Request], risks: set[str], today: date | None = None
) -> list[int]:
    """Ids of the open requests whose risk is one of ``risks`` (for filters and the dashboard)."""
    rows = _near_target(msa_requests=msa_requests, today=today)
    return [pk for pk, row in rows.items() if row.risk in risks]


@dataclass(frozen=True)
class VisitFigures:
    completed: int
    failed: int
    failed_by_code: list[tuple[str, int]]
    median_business_days_to_visit: float | None
    at_risk: int
    overdue: int


def visit_figures(*, today: date) -> VisitFigures:
    """Visits done and failed in the last 12 months, time to visit, and requests near the target."""
    since = today - timedelta(days=365)
    visits = Visit.objects.filter(date__gte=since, date__lte=today)
    by_state = dict(visits.values_list("state").annotate(n=Count("pk")).order_by())
    labels = dict(FailureCode.choices)
    failed_by_code = [
        (str(labels.get(code, code)), n)
        for code, n in visits.filter(state=Visit.State.FAILED)
        .values_list("failure_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]
    calendar = get_calendar()
    spans = sorted(
        calendar.business_days_between(_local_date(submitted_at), day)
        for day, submitted_at in visits.filter(
            state__in=[Visit.State.COMPLETED, Visit.State.FAILED],
            msa_request__submitted_at__isnull=False,
        ).values_list("date", "msa_request__submitted_at")
    )
    median = None
    if spans:
        middle = len(spans) // 2
        median = float(spans[middle]) if len(spans) % 2 else (spans[middle - 1] + spans[middle]) / 2
    risks = [
        row.risk for row in _near_target(msa_requests=Request.objects.all(), today=today).values()
    ]
    return VisitFigures(
        completed=by_state.get(Visit.State.COMPLETED, 0),
        failed=by_state.get(Visit.State.FAILED, 0),
        failed_by_code=failed_by_code,
        median_business_days_to_visit=median,
        at_risk=risks.count(SlaRisk.AT_RISK),
        overdue=risks.count(SlaRisk.OVERDUE),
    )
