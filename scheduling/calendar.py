"""The business-day calendar with staff's changes to the utility's closures.

The arithmetic is ``common.business_days`` (pure, constant time through a day index, usable by
enrollment too); this module adds what staff change in admin (``UtilityHoliday``): a day added
as closed, or a default holiday marked open. Optional observances the holiday package also lists
(Diwali, Susan B. Anthony Day) are not closures.
"""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db import transaction

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


CHANGES_KEY = "scheduling:calendar-changes"
# A safety net only: every save or delete of a change drops the cached copy at once.
CHANGES_TIMEOUT = 24 * 60 * 60


def get_calendar() -> BusinessCalendar:
    """Return the calendar with staff's changes to the default closures.

    Staff's changes are read once and kept in the cache (no query while cached) until one is
    saved or deleted (``calendar_changed``). Calendars are shared per set of changes, so the day
    index is built once a process.
    """
    rows = cache.get(CHANGES_KEY)
    if rows is None:
        rows = list(UtilityHoliday.objects.values_list("date", "closed"))
        cache.set(CHANGES_KEY, rows, CHANGES_TIMEOUT)
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


def calendar_changed(**kwargs) -> None:
    """Drop the cached changes now and again after the commit (connected in ``ready``).

    Again after the commit: a reader between the two may have cached the rows as they were.
    """
    cache.delete(CHANGES_KEY)
    transaction.on_commit(lambda: cache.delete(CHANGES_KEY))
