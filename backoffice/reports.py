"""Reads for the program dashboard: a fixed number of aggregate queries, whatever the volume."""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from eligibility.models import RequestType
from enrollment.models import (
    EligibilityOutcome,
    Rejection,
    RejectionReason,
    Request,
    RequestEvent,
    Status,
)

WEEKS_SHOWN = 8
MEDIAN_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Week:
    start: datetime.date
    label: str
    submitted: int
    approved: int


@dataclass
class ProgramStats:
    today: datetime.date
    week_start: datetime.date
    total: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)
    by_outcome: list[tuple[str, int]] = field(default_factory=list)
    submitted_this_week: int = 0
    approved_this_week: int = 0
    rejected_this_week: int = 0
    waiting_for_decision: int = 0
    oldest_waiting_days: int | None = None
    median_days_to_approval: float | None = None
    approvals_measured: int = 0
    weeks: list[Week] = field(default_factory=list)
    rejections_by_reason: list[tuple[str, int]] = field(default_factory=list)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _counts(queryset, key: str) -> dict[str, int]:
    return {row[key]: row["n"] for row in queryset.order_by().values(key).annotate(n=Count("pk"))}


def _weekly(queryset, field_name: str) -> dict[datetime.date, int]:
    tz = timezone.get_current_timezone()
    rows = (
        queryset.order_by()
        .annotate(week=TruncWeek(field_name, tzinfo=tz))
        .values("week")
        .annotate(n=Count("pk"))
    )
    out: dict[datetime.date, int] = {}
    for row in rows:
        week = row["week"]
        day = timezone.localtime(week, tz).date() if isinstance(week, datetime.datetime) else week
        out[day] = out.get(day, 0) + row["n"]
    return out


def program_stats(*, today: datetime.date) -> ProgramStats:
    """Collect the dashboard's figures; every median and age is in calendar days."""
    week_start = today - datetime.timedelta(days=today.weekday())
    stats = ProgramStats(today=today, week_start=week_start)
    requests = Request.objects.all()

    status_counts = _counts(requests, "status")
    stats.by_status = [(label, status_counts.get(value, 0)) for value, label in Status.choices]
    stats.total = sum(status_counts.values())
    type_counts = _counts(requests.exclude(status=Status.DRAFT), "request_type")
    stats.by_type = [(label, type_counts.get(value, 0)) for value, label in RequestType.choices]
    outcome_counts = _counts(requests.filter(status=Status.UNDER_REVIEW), "eligibility_outcome")
    stats.by_outcome = [
        (label, outcome_counts.get(value, 0)) for value, label in EligibilityOutcome.choices
    ]

    since = _start_of_day(week_start)
    stats.submitted_this_week = requests.filter(submitted_at__gte=since).count()
    decisions = RequestEvent.objects.filter(from_status=Status.UNDER_REVIEW, created_at__gte=since)
    decision_counts = _counts(decisions, "to_status")
    stats.approved_this_week = decision_counts.get(Status.APPROVED, 0)
    stats.rejected_this_week = decision_counts.get(Status.REJECTED, 0)

    waiting = requests.filter(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])
    stats.waiting_for_decision = waiting.count()
    oldest = waiting.filter(submitted_at__isnull=False).order_by("submitted_at").first()
    if oldest is not None:
        stats.oldest_waiting_days = (today - timezone.localdate(oldest.submitted_at)).days

    window = _start_of_day(today - datetime.timedelta(days=MEDIAN_WINDOW_DAYS))
    durations = [
        (approved_at - submitted_at).total_seconds() / 86400
        for approved_at, submitted_at in RequestEvent.objects.filter(
            from_status=Status.UNDER_REVIEW,
            to_status=Status.APPROVED,
            created_at__gte=window,
            msa_request__submitted_at__isnull=False,
        ).values_list("created_at", "msa_request__submitted_at")
    ]
    stats.approvals_measured = len(durations)
    if durations:
        stats.median_days_to_approval = round(statistics.median(durations), 1)

    first_week = week_start - datetime.timedelta(weeks=WEEKS_SHOWN - 1)
    first = _start_of_day(first_week)
    submitted = _weekly(requests.filter(submitted_at__gte=first), "submitted_at")
    approved = _weekly(
        RequestEvent.objects.filter(
            from_status=Status.UNDER_REVIEW, to_status=Status.APPROVED, created_at__gte=first
        ),
        "created_at",
    )
    for n in range(WEEKS_SHOWN):
        start = first_week + datetime.timedelta(weeks=n)
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
