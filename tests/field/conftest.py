# The scheduling tests' clock (the Monday before Thanksgiving 2026) and settings, so visits are
# booked the same way here.
from tests.scheduling.conftest import _frozen_clock, _scheduling_settings  # noqa: F401
