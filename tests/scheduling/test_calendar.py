"""Business-day arithmetic around weekends, US and California holidays, and utility holidays."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.business_days import _SPAN_YEARS
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


def _by_walking(cal: BusinessCalendar, start: dt.date, count: int) -> list[dt.date]:
    """The first ``count`` business days on or after ``start``, one day at a time."""
    days, day = [], start
    while len(days) < count:
        if cal.is_business_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@given(
    start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31)),
    count=st.integers(min_value=-2, max_value=70),
)
def test_the_planners_days_are_the_business_days_one_by_one(start, count):
    """The scheduler plans over ``business_days``: no closed day in it, none skipped."""
    cal = BusinessCalendar(
        utility_holidays=frozenset({dt.date(2026, 12, 2)}),
        open_days=frozenset({dt.date(2026, 11, 27)}),
    )
    assert cal.business_days(start, count) == _by_walking(cal, start, max(count, 0))


def test_the_planners_days_start_on_the_day_itself_when_it_is_a_business_day():
    # Thanksgiving and the day after are closures, then a weekend.
    assert CAL.business_days(dt.date(2026, 11, 25), 3) == [
        dt.date(2026, 11, 25),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
    ]
    assert CAL.business_days(dt.date(2026, 11, 26), 1) == [dt.date(2026, 11, 30)]


def test_closures_list_weekdays_only_and_follow_staffs_changes():
    """A year's closures: the defaults, less the days staff opened, plus the days they closed.

    A closure falling on a weekend is not listed (the utility is closed anyway), and a day
    closed in another year is not in this one.
    """
    cal = BusinessCalendar(
        utility_holidays=frozenset(
            {dt.date(2026, 12, 2), dt.date(2026, 12, 5), dt.date(2027, 3, 1)}
        ),
        open_days=frozenset({dt.date(2026, 11, 27)}),
    )
    closures = cal.closures(2026)

    assert dt.date(2026, 12, 2) in closures
    assert dt.date(2026, 12, 5) not in closures  # a Saturday
    assert dt.date(2027, 3, 1) not in closures
    assert dt.date(2026, 11, 27) not in closures
    assert dt.date(2026, 11, 26) in closures
    assert closures == sorted(closures)
    assert all(day.weekday() < 5 for day in closures)


def test_a_calendar_for_no_changes_closes_only_the_defaults():
    from common.business_days import calendar_for

    plain = calendar_for()
    closed = calendar_for(frozenset({dt.date(2026, 12, 2)}))
    opened = calendar_for(frozenset(), frozenset({dt.date(2026, 11, 27)}))

    assert plain.is_business_day(dt.date(2026, 12, 2))
    assert not closed.is_business_day(dt.date(2026, 12, 2))
    assert not plain.is_business_day(dt.date(2026, 11, 27))
    assert opened.is_business_day(dt.date(2026, 11, 27))
    assert calendar_for() is plain  # shared: the day index is built once a process


@pytest.mark.django_db
def test_the_calendar_in_force_is_the_one_the_setting_names(settings):
    from common.business_days import calendar_for, current_calendar

    UtilityHolidayFactory(date=dt.date(2026, 12, 3))
    assert settings.MSA_BUSINESS_CALENDAR == "scheduling.calendar.get_calendar"
    assert not current_calendar().is_business_day(dt.date(2026, 12, 3))

    settings.MSA_BUSINESS_CALENDAR = ""
    assert current_calendar() is calendar_for()
    del settings.MSA_BUSINESS_CALENDAR
    assert current_calendar() is calendar_for()


@pytest.mark.django_db
def test_a_change_saved_in_a_transaction_is_seen_after_the_commit(
    django_capture_on_commit_callbacks,
):
    """A reader who cached the changes before the commit does not keep the old calendar."""
    from django.core.cache import cache

    assert calendar.get_calendar().is_business_day(dt.date(2026, 12, 3))
    with django_capture_on_commit_callbacks(execute=True):
        UtilityHolidayFactory(date=dt.date(2026, 12, 3))
        # A reader in another process caches the rows as they were before the commit.
        cache.set(calendar.CHANGES_KEY, [], calendar.CHANGES_TIMEOUT)

    assert not calendar.get_calendar().is_business_day(dt.date(2026, 12, 3))


def test_counting_on_past_the_end_of_the_day_index_grows_it():
    """Counting far ahead walks off the prepared years: the index grows, nothing breaks."""
    cal = BusinessCalendar()
    start = dt.date(2026, 11, 30)
    previous = start
    for n in range(1, 1600):
        day = cal.nth_business_day_after(start, n)
        assert day > previous
        assert cal.is_business_day(day)
        previous = day
    assert cal.business_days_between(start, previous) == 1599


def test_the_first_day_of_the_day_index_is_judged_like_any_other():
    """New Year's Day of the index's first year: closed, or open when staff open it."""
    start = dt.date(2027, 3, 1)  # the index then starts on 2024-01-01, a Monday
    cal = BusinessCalendar()
    cal.nth_business_day_after(start, 1)  # builds the index around 2026
    first_day = dt.date(cal._index.first_year, 1, 1)
    assert first_day.weekday() < 5
    opened = BusinessCalendar(open_days=frozenset({first_day}))
    opened.nth_business_day_after(start, 1)

    assert not cal.is_business_day(first_day)
    assert opened.is_business_day(first_day)


def test_a_negative_count_of_business_days_is_refused():
    with pytest.raises(ValueError, match=r"^n must be zero or more$"):
        CAL.nth_business_day_after(dt.date(2026, 11, 30), -1)


@pytest.mark.django_db
def test_staffs_changes_are_read_once_then_come_from_the_cache(django_assert_num_queries):
    UtilityHolidayFactory(date=dt.date(2026, 12, 3))
    with django_assert_num_queries(1):
        first = calendar.get_calendar()
    with django_assert_num_queries(0):
        again = calendar.get_calendar()

    assert again is first
    assert not again.is_business_day(dt.date(2026, 12, 3))


def test_ranges_longer_than_the_prepared_years_are_counted_whole():
    """Both ends of a long range count, on a calendar that has prepared neither end yet."""
    first, last = dt.date(2020, 1, 1), dt.date(2032, 12, 31)
    counts = BusinessCalendar().cumulative_counts(first, last)
    days = BusinessCalendar().business_days(first, 3000)

    assert len(counts) == (last - first).days + 1
    assert counts[0] == 0
    assert counts[-1] == CAL.business_days_between(first, last)
    assert days == _by_walking(CAL, first, 3000)


def test_a_long_range_counts_on_a_calendar_that_prepared_neither_end():
    """``business_days_between`` prepares both ends itself, not only one of them."""
    first, last = dt.date(2020, 1, 1), dt.date(2032, 12, 31)
    counts = BusinessCalendar().cumulative_counts(first, last)

    assert BusinessCalendar().business_days_between(first, last) == counts[-1]
    assert BusinessCalendar().business_days_between(last, first) == -counts[-1]


def test_the_last_day_of_the_prepared_years_is_a_day_like_any_other():
    # A calendar asked about mid-2026 prepares the years around it; the last day it prepared
    # answers as it does on a calendar prepared around that day itself.
    around_2026 = BusinessCalendar()
    around_2026.is_business_day(dt.date(2026, 6, 1))
    edge = dt.date(2026 + _SPAN_YEARS, 12, 31)
    for day in (edge - dt.timedelta(days=2), edge - dt.timedelta(days=1), edge):
        assert around_2026.is_business_day(day) == BusinessCalendar().is_business_day(day)
    assert around_2026.business_days_between(dt.date(2026, 6, 1), edge) == (
        BusinessCalendar().business_days_between(dt.date(2026, 6, 1), edge)
    )
