"""The business-day calendar: weekends, US and California holidays, and utility holidays.

Every business-day count in the portal goes through this module, so the SLA, the scheduler,
the reminders and the status page agree on what "30 business days" means.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

from .models import UtilityHoliday


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # The maintained library knows observed days (July 4 on a Saturday → Friday) and the
    # California additions (Cesar Chavez Day, the day after Thanksgiving).
    return frozenset(holidays.country_holidays("US", subdiv="CA", years=year).keys())


@dataclass
class BusinessCalendar:
    """Business days for a set of utility holidays; cheap to query many times."""

    utility_holidays: frozenset[date] = field(default_factory=frozenset)

    def is_business_day(self, day: date) -> bool:
        """Return whether ``day`` is a working day for the utility."""
        return (
            day.weekday() < 5
            and day not in _public_holidays(day.year)
            and day not in self.utility_holidays
        )

    def nth_business_day_after(self, start: date, n: int) -> date:
        """Return the ``n``-th business day after ``start`` (``start`` itself never counts)."""
        if n < 0:
            raise ValueError("n must be zero or more")
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                n -= 1
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Count business days after ``start`` up to and including ``end`` (negative if before)."""
        if end < start:
            return -self.business_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_business_day(day)
        return count

    def business_days(self, start: date, count: int) -> list[date]:
        """Return the first ``count`` business days on or after ``start``."""
        days: list[date] = []
        day = start
        while len(days) < count:
            if self.is_business_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def index_on_or_before(days: list[date], day: date) -> int:
    """Return the index of the last of the sorted ``days`` on or before ``day`` (-1 if none)."""
    return bisect.bisect_right(days, day) - 1


def get_calendar() -> BusinessCalendar:
    """Return the calendar with the utility holidays staff entered (one query)."""
    return BusinessCalendar(
        utility_holidays=frozenset(UtilityHoliday.objects.values_list("date", flat=True))
    )


def nth_business_day_after(start: date, n: int) -> date:
    """Return the ``n``-th business day after ``start``."""
    return get_calendar().nth_business_day_after(start, n)


def business_days_between(start: date, end: date) -> int:
    """Count business days after ``start`` up to and including ``end``."""
    return get_calendar().business_days_between(start, end)
