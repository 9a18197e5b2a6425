"""The business-day calendar as pure arithmetic: weekends, the default closures, staff's changes.

Every business-day count in the portal goes through ``BusinessCalendar``, so the SLA, the
scheduler, the reminders and the status page agree on what "30 business days" means. It lives
here, below every app, so enrollment can store a request's target date when its status changes
while the closures staff edit stay in scheduling (``UtilityHoliday``): the settings name the
function that loads them (``MSA_BUSINESS_CALENDAR``), as Django names its backends.

Each calendar keeps a day index (cumulative business days per day, and the business days in
order) over the years it has been asked about, so counting and stepping are constant time
whatever the distance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils.module_loading import import_string

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
# Years indexed on either side of the first day asked about; the index grows when asked beyond.
_SPAN_YEARS = 3


@lru_cache(maxsize=256)
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


@dataclass(frozen=True)
class _DayIndex:
    """Business days from January 1 of ``first_year`` to December 31 of ``last_year``."""

    first_year: int
    last_year: int
    base: int  # ordinal of January 1 of first_year
    cumulative: list[int]  # business days in [base, base + i]
    business: list[int]  # ordinals of the business days, in order


@dataclass(eq=False)
class BusinessCalendar:
    """Business days for the default closures and staff's changes; constant-time queries.

    ``utility_holidays`` are days staff closed; ``open_days`` are default closures staff chose
    to work.
    """

    utility_holidays: frozenset[date] = field(default_factory=frozenset)
    open_days: frozenset[date] = field(default_factory=frozenset)
    _index: _DayIndex | None = field(default=None, init=False, repr=False)

    def _closed(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.utility_holidays:
            return True
        return day in _public_holidays(day.year) and day not in self.open_days

    def _build(self, first_year: int, last_year: int) -> _DayIndex:
        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        cumulative: list[int] = []
        business: list[int] = []
        count = 0
        for ordinal in range(base, end + 1):
            if not self._closed(date.fromordinal(ordinal)):
                count += 1
                business.append(ordinal)
            cumulative.append(count)
        return _DayIndex(first_year, last_year, base, cumulative, business)

    def _covering(self, *days: date) -> _DayIndex:
        """Return the index, grown (rebuilt wider) when ``days`` fall outside it."""
        index = self._index
        low = min(day.year for day in days)
        high = max(day.year for day in days)
        if index is not None and index.first_year <= low and high <= index.last_year:
            return index
        if index is not None:
            low, high = min(low, index.first_year), max(high, index.last_year)
        index = self._build(low - _SPAN_YEARS, high + _SPAN_YEARS)
        self._index = index  # one assignment: a reader sees the old index or the new one
        return index

    def _count_to(self, index: _DayIndex, day: date) -> int:
        """Business days from the index's start up to and including ``day``."""
        return index.cumulative[day.toordinal() - index.base]

    def is_business_day(self, day: date) -> bool:
        """Return whether ``day`` is a working day for the utility."""
        index = self._covering(day)
        i = day.toordinal() - index.base
        return index.cumulative[i] != (index.cumulative[i - 1] if i else 0)

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
        if n == 0:
            return start
        index = self._covering(start)
        position = self._count_to(index, start) + n - 1
        while position >= len(index.business):
            index = self._covering(date(index.last_year + 1, 1, 1))
            position = self._count_to(index, start) + n - 1
        return date.fromordinal(index.business[position])

    def business_days_between(self, start: date, end: date) -> int:
        """Count business days after ``start`` up to and including ``end`` (negative if before)."""
        index = self._covering(start, end)
        return self._count_to(index, end) - self._count_to(index, start)

    def cumulative_counts(self, first: date, last: date) -> list[int]:
        """Business days after ``first`` up to and including each day from ``first`` to ``last``.

        ``business_days_between(a, b)`` is ``counts[b - first] - counts[a - first]``: the table a
        database query can index to count business days between two dates of each row.
        """
        index = self._covering(first, last)
        start = self._count_to(index, first)
        i, j = first.toordinal() - index.base, last.toordinal() - index.base
        return [count - start for count in index.cumulative[i : j + 1]]

    def business_days(self, start: date, count: int) -> list[date]:
        """Return the first ``count`` business days on or after ``start``."""
        if count <= 0:
            return []
        first = self.nth_business_day_after(start - timedelta(days=1), 1)
        last = self.nth_business_day_after(first, count - 1)
        index = self._covering(first, last)
        i = self._count_to(index, first) - 1
        return [date.fromordinal(ordinal) for ordinal in index.business[i : i + count]]


@lru_cache(maxsize=32)
def calendar_for(
    utility_holidays: frozenset[date] = frozenset(), open_days: frozenset[date] = frozenset()
) -> BusinessCalendar:
    """Return the calendar for these changes, shared so its day index is built once a process."""
    return BusinessCalendar(utility_holidays=utility_holidays, open_days=open_days)


def current_calendar() -> BusinessCalendar:
    """Return the calendar in force, loaded by the function ``MSA_BUSINESS_CALENDAR`` names."""
    loader = getattr(settings, "MSA_BUSINESS_CALENDAR", "")
    return import_string(loader)() if loader else calendar_for()
