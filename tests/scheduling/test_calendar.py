"""Business-day arithmetic around weekends, US and California holidays, and utility holidays."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduling import calendar
from scheduling.calendar import BusinessCalendar
from tests.scheduling.factories import UtilityHolidayFactory

CAL = BusinessCalendar()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Thanksgiving (Thu) and the day after (a California state holiday) are skipped.
        (dt.date(2026, 11, 25), 1, dt.date(2026, 11, 30)),
        # July 4, 2026 is a Saturday: the observed holiday is Friday July 3.
        (dt.date(2026, 7, 2), 1, dt.date(2026, 7, 6)),
        # Cesar Chavez Day (March 31) is a California holiday.
        (dt.date(2026, 3, 30), 1, dt.date(2026, 4, 1)),
        # A weekend is skipped; Friday + 1 is Monday (Columbus Day is not a CA holiday).
        (dt.date(2026, 10, 9), 1, dt.date(2026, 10, 12)),
        (dt.date(2026, 11, 20), 5, dt.date(2026, 12, 1)),
        (dt.date(2026, 11, 20), 0, dt.date(2026, 11, 20)),
    ],
)
def test_nth_business_day_after(start, n, expected):
    assert CAL.nth_business_day_after(start, n) == expected


def test_business_days_between_skips_thanksgiving_and_the_weekend():
    # Mon 23, Tue 24, Wed 25, (Thu 26, Fri 27 holidays, weekend), Mon 30.
    assert CAL.business_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 30)) == 4
    assert CAL.business_days_between(dt.date(2026, 11, 30), dt.date(2026, 11, 20)) == -4
    assert CAL.business_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 20)) == 0


def test_christmas_and_new_year_are_not_business_days():
    assert not CAL.is_business_day(dt.date(2026, 12, 25))
    assert not CAL.is_business_day(dt.date(2027, 1, 1))
    assert CAL.is_business_day(dt.date(2026, 12, 24))


@pytest.mark.django_db
def test_a_utility_holiday_added_in_admin_is_skipped():
    before = calendar.nth_business_day_after(dt.date(2026, 12, 2), 1)
    UtilityHolidayFactory(date=dt.date(2026, 12, 3))

    assert before == dt.date(2026, 12, 3)
    assert calendar.nth_business_day_after(dt.date(2026, 12, 2), 1) == dt.date(2026, 12, 4)
    assert calendar.business_days_between(dt.date(2026, 12, 2), dt.date(2026, 12, 4)) == 1


@given(
    start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
)
def test_counting_back_the_days_added_gives_n(start, n):
    end = CAL.nth_business_day_after(start, n)
    assert CAL.business_days_between(start, end) == n
    assert n == 0 or CAL.is_business_day(end)


@given(
    st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)),
    st.integers(0, 400),
    st.integers(0, 400),
)
def test_the_cumulative_table_counts_as_business_days_between(first, a, b):
    # The dashboard's median indexes this table in SQL; it must agree with the calendar.
    cal = BusinessCalendar(utility_holidays=frozenset({dt.date(2026, 12, 2)}))
    counts = cal.cumulative_counts(first, first + dt.timedelta(days=400))
    start, end = first + dt.timedelta(days=a), first + dt.timedelta(days=b)
    assert counts[b] - counts[a] == cal.business_days_between(start, end)
