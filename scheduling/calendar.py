"""The business-day calendar: weekends and the utility's own observed closures.

The closures are a default set — the US federal and California state holidays the utility
closes for, on their observed days — plus what staff change in admin (``UtilityHoliday``): a day
added as closed, or a default holiday marked open. Optional observances the holiday package also
lists (Diwali, Susan B. Anthony Day) are not closures.

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

# The holidays the utility closes for, by their names in the holiday package (English). The
# package knows their dates and observed days (July 4 on a Saturday → Friday July 3).
UTILITY_CLOSURES = frozenset(
    {
        "New Year's Day",
        "Martin Luther King Jr. Day",
        "Presidents' Day",
        "Cesar Chavez Day",
        "Memorial Day",
        "Juneteenth National Independence Day",
        "Independence Day",
        "Labor Day",
        "Veterans Day",
        "Thanksgiving Day",
        "Day After Thanksgiving",
        "Christmas Day",
    }
)
_OBSERVED = " (observed)"


@lru_cache(maxsize=64)
def default_closures(year: int) -> dict[date, str]:
    """The utility's default closures in ``year``: date → holiday name (observed days included)."""
    found = holidays.country_holidays("US", subdiv="CA", years=year, language="en_US")
    closures = {}
    for day, names in sorted(found.items()):
        kept = [
            name for name in names.split("; ") if name.removesuffix(_OBSERVED) in UTILITY_CLOSURES
        ]
        if kept:
            closures[day] = "; ".join(kept)
    return closures


def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(default_closures(year))


@dataclass
class BusinessCalendar:
    """Business days for the default closures and staff's changes; cheap to query many times.

    ``utility_holidays`` are days staff closed; ``open_days`` are default closures staff chose
    to work.
    """

    utility_holidays: frozenset[date] = field(default_factory=frozenset)
    open_days: frozenset[date] = field(default_factory=frozenset)

    def is_business_day(self, day: date) -> bool:
        """Return whether ``day`` is a working day for the utility."""
        if day.weekday() >= 5 or day in self.utility_holidays:
            return False
        return day not in _public_holidays(day.year) or day in self.open_days

    def closures(self, year: int) -> list[date]:
        """The weekdays the utility is closed in ``year``, in order."""
        days = (set(_public_holidays(year)) - self.open_days) | {
            d for d in self.utility_holidays if d.year == year
        }
        return sorted(d for d in days if d.weekday() < 5)

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
    """Return the calendar with staff's changes to the default closures (one query)."""
    rows = list(UtilityHoliday.objects.values_list("date", "closed"))
    return BusinessCalendar(
        utility_holidays=frozenset(day for day, closed in rows if closed),
        open_days=frozenset(day for day, closed in rows if not closed),
    )


def nth_business_day_after(start: date, n: int) -> date:
    """Return the ``n``-th business day after ``start``."""
    return get_calendar().nth_business_day_after(start, n)


def business_days_between(start: date, end: date) -> int:
    """Count business days after ``start`` up to and including ``end``."""
    return get_calendar().business_days_between(start, end)
