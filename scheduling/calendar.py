"""The business-day calendar with staff's changes to the utility's closures.

The arithmetic is ``common.business_days`` (pure, constant time through a day index, usable by
enrollment too); this module adds what staff change in admin (``UtilityHoliday``): a day added
as closed, or a default holiday marked open. Optional observances the holiday package also lists
(Diwali, Susan B. Anthony Day) are not closures.
"""

from __future__ import annotations

from datetime import date

from common.business_days import (
    UTILITY_CLOSURES,
    BusinessCalendar,
    calendar_for,
    default_closures,
)

from .models import UtilityHoliday

__all__ = [
    "UTILITY_CLOSURES",
    "BusinessCalendar",
    "business_days_between",
    "default_closures",
    "get_calendar",
    "nth_business_day_after",
]


def get_calendar() -> BusinessCalendar:
    """Return the calendar with staff's changes to the default closures (one query).

    Calendars are shared per set of changes, so the day index is built once a process.
    """
    rows = list(UtilityHoliday.objects.values_list("date", "closed"))
    return calendar_for(
        frozenset(day for day, closed in rows if closed),
        frozenset(day for day, closed in rows if not closed),
    )


def nth_business_day_after(start: date, n: int) -> date:
    """Return the ``n``-th business day after ``start``."""
    return get_calendar().nth_business_day_after(start, n)


def business_days_between(start: date, end: date) -> int:
    """Count business days after ``start`` up to and including ``end``."""
    return get_calendar().business_days_between(start, end)
