"""The 30-business-day visit target, derived when the clock starts, pauses or resumes.

Each function sets the stored fields on a locked request and returns their names for
``save(update_fields=...)``. The calendar comes from ``common.business_days`` so enrollment
needs nothing from scheduling; the arithmetic is constant time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from common.business_days import BusinessCalendar

from .models import Request

FIELDS = ["target_date", "target_paused_on", "target_days_left_when_paused", "paused_business_days"]


def target_start(*, msa_request: Request, calendar: BusinessCalendar) -> list[str]:
    """Set the target from the submission: the 30th business day after it."""
    submitted = timezone.localdate(msa_request.submitted_at)
    msa_request.target_date = calendar.nth_business_day_after(
        submitted, settings.MSA_TARGET_BUSINESS_DAYS
    )
    msa_request.target_paused_on = None
    msa_request.target_days_left_when_paused = None
    msa_request.paused_business_days = 0
    return FIELDS


def target_pause(*, msa_request: Request, calendar: BusinessCalendar, today: date) -> list[str]:
    """Stop the clock on ``today`` (information asked for), keeping the business days left."""
    if msa_request.target_date is None or msa_request.target_paused_on is not None:
        return []
    msa_request.target_paused_on = today
    msa_request.target_days_left_when_paused = calendar.business_days_between(
        today, msa_request.target_date
    )
    return ["target_paused_on", "target_days_left_when_paused"]


def target_resume(*, msa_request: Request, calendar: BusinessCalendar, today: date) -> list[str]:
    """Restart the clock on ``today``: the target moves by the business days paused."""
    if msa_request.target_date is None or msa_request.target_paused_on is None:
        return []
    paused = max(calendar.business_days_between(msa_request.target_paused_on, today), 0)
    msa_request.target_date = calendar.nth_business_day_after(msa_request.target_date, paused)
    msa_request.paused_business_days += paused
    msa_request.target_paused_on = None
    msa_request.target_days_left_when_paused = None
    return [
        "target_date",
        "target_paused_on",
        "target_days_left_when_paused",
        "paused_business_days",
    ]


@dataclass(frozen=True)
class Target:
    """Where a request stands against its target today."""

    due_date: date | None
    business_days_left: int | None
    paused_business_days: int
    is_paused: bool


def target_today(*, msa_request: Request, calendar: BusinessCalendar, today: date) -> Target:
    """Return the target as it stands ``today`` (a paused target moves a day per day paused)."""
    if msa_request.target_date is None:
        return Target(None, None, msa_request.paused_business_days, False)
    if msa_request.target_paused_on is None:
        due = msa_request.target_date
        return Target(
            due,
            calendar.business_days_between(today, due),
            msa_request.paused_business_days,
            False,
        )
    paused_now = max(calendar.business_days_between(msa_request.target_paused_on, today), 0)
    due = calendar.nth_business_day_after(msa_request.target_date, paused_now)
    return Target(
        due,
        msa_request.target_days_left_when_paused,
        msa_request.paused_business_days + paused_now,
        True,
    )
