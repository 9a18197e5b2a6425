"""Reads for the program dashboard: a fixed number of aggregate queries, whatever the volume."""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, F, Min
from django.db.models.functions import Extract, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from common.aggregates import Median, has_median
from eligibility.models import RequestType
from enrollment.models import (
    EligibilityOutcome,
    Rejection,
    RejectionReason,
    Request,
    RequestEvent,
    Status,
)
from scheduling.calendar import get_calendar
from scheduling.selectors import SlaRisk, sla_risk_conditions

WEEKS_SHOWN = 8
MEDIAN_WINDOW_DAYS = 365
# The 12-month median is computed at most once in this many seconds (a join of every approval
# of the year, ~0.2 s at 100,000 requests); a day's decisions barely move a year's median.
MEDIAN_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Week:
    start: date
    label: str
    submitted: int
    approved: int


@dataclass
class ProgramStats:
    today: date
    week_start: date
    total: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)
    by_outcome: list[tuple[str, int]] = field(default_factory=list)
    submitted_this_week: int = 0
    approved_this_week: int = 0
    rejected_this_week: int = 0
    waiting_for_decision: int = 0
    oldest_waiting_days: int | None = None
    at_risk: int = 0
    overdue: int = 0
    median_days_to_approval: float | None = None
    approvals_measured: int = 0
    weeks: list[Week] = field(default_factory=list)
    rejections_by_reason: list[tuple[str, int]] = field(default_factory=list)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _counts(queryset, key: str) -> dict[str, int]:
    return {row[key]: row["n"] for row in queryset.order_by().values(key).annotate(n=Count("pk"))}


def _weekly(queryset, field_name: str, *, by: str | None = None) -> dict:
    """Count rows per local week (Monday), or per (week, ``by``) when ``by`` is given."""
    tz = timezone.get_current_timezone()
    keys = ("week", by) if by else ("week",)
    rows = (
        queryset.order_by()
        .annotate(week=TruncWeek(field_name, tzinfo=tz))
        .values(*keys)
        .annotate(n=Count("pk"))
    )
    out: dict = {}
    for row in rows:
        week = row["week"]
        day = timezone.localtime(week, tz).date() if isinstance(week, datetime) else week
        key = (day, row[by]) if by else day
        out[key] = out.get(key, 0) + row["n"]
    return out


def _median_days_to_approval(approvals) -> tuple[float | None, int]:
    """The median days from submission to approval over ``approvals`` (events), and how many."""
    if has_median():
        row = approvals.aggregate(
            n=Count("pk"),
            median=Median(
                Extract(F("created_at") - F("msa_request__submitted_at"), "epoch") / 86400.0
            ),
        )
        median = row["median"]
        return (round(median, 1) if median is not None else None), row["n"]
    durations = [
        (approved_at - submitted_at).total_seconds() / 86400
        for approved_at, submitted_at in approvals.values_list(
            "created_at", "msa_request__submitted_at"
        )
    ]
    return (round(statistics.median(durations), 1) if durations else None), len(durations)


def _request_counts(*, today: date) -> dict:
    """Counts over every request in one scan: grouped by (status, type, outcome) in SQL.

    Returns ``{"total", "waiting", "oldest" (datetime or None), "status" {value: n}, "type"
    {value: n} (filed requests only), "outcome" {value: n} (under review only), "at_risk",
    "overdue"}``. Grouping leaves a few dozen rows to add up here, where one aggregate with a
    filtered count per status, type and outcome made PostgreSQL evaluate ~30 filters a row.
    """
    risk = sla_risk_conditions(calendar=get_calendar(), today=today)
    rows = (
        Request.objects.order_by()
        .values("status", "request_type", "eligibility_outcome")
        .annotate(
            n=Count("pk"),
            oldest=Min("submitted_at"),
            at_risk=Count("pk", filter=risk[SlaRisk.AT_RISK]),
            overdue=Count("pk", filter=risk[SlaRisk.OVERDUE]),
        )
    )
    out = {"total": 0, "waiting": 0, "oldest": None, "at_risk": 0, "overdue": 0}
    out.update(status={}, type={}, outcome={})
    for row in rows:
        status, n = row["status"], row["n"]
        out["total"] += n
        out["at_risk"] += row["at_risk"]
        out["overdue"] += row["overdue"]
        out["status"][status] = out["status"].get(status, 0) + n
        if status != Status.DRAFT:
            out["type"][row["request_type"]] = out["type"].get(row["request_type"], 0) + n
        if status == Status.UNDER_REVIEW:
            outcome = row["eligibility_outcome"]
            out["outcome"][outcome] = out["outcome"].get(outcome, 0) + n
        if status in (Status.SUBMITTED, Status.UNDER_REVIEW):
            out["waiting"] += n
            if row["oldest"] is not None:
                out["oldest"] = min(out["oldest"] or row["oldest"], row["oldest"])
    return out


def approval_median(*, today: date, refresh: bool = False) -> tuple[float | None, int]:
    """The 12-month median days from submission to approval, and how many approvals it counts.

    Read from the cache (computed there at most once every ``MEDIAN_CACHE_SECONDS``, keyed by
    ``today``); ``refresh`` computes it now and stores it, which the periodic task
    ``backoffice.tasks.refresh_dashboard_medians`` does so that no staff page load pays for it.
    """
    key = f"dashboard:median-days-to-approval:{today.isoformat()}"
    window = _start_of_day(today - timedelta(days=MEDIAN_WINDOW_DAYS))

    def compute():
        return _median_days_to_approval(
            RequestEvent.objects.filter(
                from_status=Status.UNDER_REVIEW,
                to_status=Status.APPROVED,
                created_at__gte=window,
                msa_request__submitted_at__isnull=False,
            )
        )

    if refresh:
        value = compute()
        cache.set(key, value, MEDIAN_CACHE_SECONDS)
        return value
    return cache.get_or_set(key, compute, MEDIAN_CACHE_SECONDS)


def program_stats(*, today: date) -> ProgramStats:
    """Collect the dashboard's figures in four queries (five once an hour); days are calendar days.

    One grouped count over the requests (with the at-risk and overdue counts against the stored
    targets), one over the decisions by week, the weekly submissions and the rejection reasons;
    the 12-month median time to approval (by the database on PostgreSQL) is cached for
    ``MEDIAN_CACHE_SECONDS``.
    """
    week_start = today - timedelta(days=today.weekday())
    stats = ProgramStats(today=today, week_start=week_start)
    counts = _request_counts(today=today)
    stats.total = counts["total"]
    stats.by_status = [(label, counts["status"].get(value, 0)) for value, label in Status.choices]
    stats.by_type = [(label, counts["type"].get(value, 0)) for value, label in RequestType.choices]
    stats.by_outcome = [
        (label, counts["outcome"].get(value, 0)) for value, label in EligibilityOutcome.choices
    ]
    stats.waiting_for_decision = counts["waiting"]
    if counts["oldest"] is not None:
        stats.oldest_waiting_days = (today - timezone.localdate(counts["oldest"])).days
    stats.at_risk, stats.overdue = counts["at_risk"], counts["overdue"]

    first_week = week_start - timedelta(weeks=WEEKS_SHOWN - 1)
    first = _start_of_day(first_week)
    submitted = _weekly(Request.objects.filter(submitted_at__gte=first), "submitted_at")
    decisions = _weekly(
        RequestEvent.objects.filter(
            from_status=Status.UNDER_REVIEW,
            to_status__in=[Status.APPROVED, Status.REJECTED],
            created_at__gte=first,
        ),
        "created_at",
        by="to_status",
    )
    approved = {week: n for (week, to), n in decisions.items() if to == Status.APPROVED}
    stats.submitted_this_week = submitted.get(week_start, 0)
    stats.approved_this_week = approved.get(week_start, 0)
    stats.rejected_this_week = decisions.get((week_start, Status.REJECTED), 0)

    stats.median_days_to_approval, stats.approvals_measured = approval_median(today=today)

    for n in range(WEEKS_SHOWN):
        start = first_week + timedelta(weeks=n)
        stats.weeks.append(
            Week(
                start=start,
                label=_("week of %(date)s") % {"date": start.strftime("%b %d")},
                submitted=submitted.get(start, 0),
                approved=approved.get(start, 0),
            )
        )

    reason_counts = _counts(Rejection.objects.all(), "reason_code")
    stats.rejections_by_reason = [
        (label, reason_counts.get(value, 0)) for value, label in RejectionReason.choices
    ]
    return stats
