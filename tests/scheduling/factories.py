"""factory_boy factories for scheduling."""

import datetime

import factory

from scheduling.models import AppointmentWindow, Technician, TimeOff, UtilityHoliday

# Rosemead (HQ) and its neighbours; all in the shipped ZIP centroid table.
ROSEMEAD_AREA = ["91770", "91776", "91780", "91801", "91803", "91731", "91732", "91733"]


class TechnicianFactory(factory.django.DjangoModelFactory):
    """A technician based in Rosemead with one window of ``capacity`` visits per day."""

    class Meta:
        model = Technician
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Technician {n}")
    email = factory.Sequence(lambda n: f"tech{n}@example.com")
    home_zip = "91770"
    territory_zips = factory.LazyFunction(lambda: list(ROSEMEAD_AREA))

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        """``windows=[(start_hour, end_hour, capacity), ...]``; default 8-12 and 12-16, 2 each."""
        if not create:
            return
        for start, end, capacity in extracted or [(8, 12, 2), (12, 16, 2)]:
            AppointmentWindow.objects.create(
                technician=self,
                starts_at=datetime.time(start),
                ends_at=datetime.time(end),
                capacity=capacity,
            )


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    technician = factory.SubFactory(TechnicianFactory)
    starts_on = datetime.date(2026, 11, 30)
    ends_on = datetime.date(2026, 12, 1)


class UtilityHolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UtilityHoliday

    date = datetime.date(2026, 12, 3)
    name = "Utility safety day"
