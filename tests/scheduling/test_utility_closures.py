"""The business-day calendar counts the days the utility works: its own observed closures (the
US federal and California state holidays it closes for), not optional observances."""

import datetime as dt

import pytest
from django.urls import reverse

from scheduling.calendar import BusinessCalendar, default_closures, get_calendar
from scheduling.models import UtilityHoliday

D = dt.date
CLOSURES_2026_2028 = {
    D(2026, 1, 1): "New Year's Day",
    D(2026, 1, 19): "Martin Luther King Jr. Day",
    D(2026, 2, 16): "Presidents' Day",
    D(2026, 3, 31): "Cesar Chavez Day",
    D(2026, 5, 25): "Memorial Day",
    D(2026, 6, 19): "Juneteenth National Independence Day",
    D(2026, 7, 3): "Independence Day (observed)",
    D(2026, 7, 4): "Independence Day",
    D(2026, 9, 7): "Labor Day",
    D(2026, 11, 11): "Veterans Day",
    D(2026, 11, 26): "Thanksgiving Day",
    D(2026, 11, 27): "Day After Thanksgiving",
    D(2026, 12, 25): "Christmas Day",
    D(2027, 1, 1): "New Year's Day",
    D(2027, 1, 18): "Martin Luther King Jr. Day",
    D(2027, 2, 15): "Presidents' Day",
    D(2027, 3, 31): "Cesar Chavez Day",
    D(2027, 5, 31): "Memorial Day",
    D(2027, 6, 18): "Juneteenth National Independence Day (observed)",
    D(2027, 6, 19): "Juneteenth National Independence Day",
    D(2027, 7, 4): "Independence Day",
    D(2027, 7, 5): "Independence Day (observed)",
    D(2027, 9, 6): "Labor Day",
    D(2027, 11, 11): "Veterans Day",
    D(2027, 11, 25): "Thanksgiving Day",
    D(2027, 11, 26): "Day After Thanksgiving",
    D(2027, 12, 24): "Christmas Day (observed)",
    D(2027, 12, 25): "Christmas Day",
    D(2027, 12, 31): "New Year's Day (observed)",
    D(2028, 1, 1): "New Year's Day",  # a Saturday: observed on Friday 2027-12-31
    D(2028, 1, 17): "Martin Luther King Jr. Day",
    D(2028, 2, 21): "Presidents' Day",
    D(2028, 3, 31): "Cesar Chavez Day",
    D(2028, 5, 29): "Memorial Day",
    D(2028, 6, 19): "Juneteenth National Independence Day",
    D(2028, 7, 4): "Independence Day",
    D(2028, 9, 4): "Labor Day",
    D(2028, 11, 10): "Veterans Day (observed)",
    D(2028, 11, 11): "Veterans Day",
    D(2028, 11, 23): "Thanksgiving Day",
    D(2028, 11, 24): "Day After Thanksgiving",
    D(2028, 12, 25): "Christmas Day",
}


def test_the_default_closures_for_2026_to_2028_are_the_utilitys_holidays():
    closures = {}
    for year in (2026, 2027, 2028):
        closures.update(default_closures(year))
    print("\n".join(f"{day:%a %Y-%m-%d}  {name}" for day, name in closures.items()))
    assert closures == CLOSURES_2026_2028


@pytest.mark.parametrize(
    ("day", "observance"),
    [
        (D(2027, 10, 29), "Diwali"),
        (D(2026, 11, 9), "Diwali"),
        (D(2026, 10, 12), "Columbus Day"),
    ],
)
def test_an_optional_observance_does_not_move_target_dates(day, observance):
    calendar = BusinessCalendar()
    assert calendar.is_business_day(day), observance
    # The 30-business-day target across Diwali 2027 lands one day earlier than if it were closed.
    assert calendar.nth_business_day_after(day - dt.timedelta(days=1), 1) == day


def test_susan_b_anthony_day_is_not_listed_as_a_closure():
    names = " ".join(default_closures(2027).values())
    assert "Susan B. Anthony" not in names
    assert "Diwali" not in names


@pytest.mark.django_db
def test_a_default_holiday_staff_mark_open_counts_as_a_business_day():
    UtilityHoliday.objects.create(date=D(2027, 3, 31), name="Cesar Chavez Day", closed=False)
    UtilityHoliday.objects.create(date=D(2027, 3, 30), name="Storm closure")

    calendar = get_calendar()

    assert calendar.is_business_day(D(2027, 3, 31))
    assert not calendar.is_business_day(D(2027, 3, 30))
    assert D(2027, 3, 30) in calendar.closures(2027)
    assert D(2027, 3, 31) not in calendar.closures(2027)


@pytest.mark.django_db
def test_staff_see_the_closures_in_admin(client, staff_user):
    client.force_login(staff_user)

    html = client.get(reverse("admin:scheduling_utilityholiday_changelist")).content.decode()

    assert "The utility&#x27;s closures" in html or "The utility's closures" in html
    assert "Day After Thanksgiving" in html
    assert "Diwali" not in html
