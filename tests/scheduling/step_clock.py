"""A clock for the planner that counts its own checks of the time, not seconds.

``plan_schedule(..., clock=StepClock(), time_limit=…)`` gives the same plan on any machine and
under any load (the improvement phases stop after the same number of steps), so a test can pin a
plan's quality. ``time_limit`` is then in steps x ``STEP``.
"""

STEP = 1e-4


class StepClock:
    """Return ``STEP`` more at each call: start + 0.0001, start + 0.0002, … (a monotonic clock in
    steps; ``start`` other than 0 for a test that a reading is never taken for a duration)."""

    def __init__(self, start: float = 0.0) -> None:
        self.start = start
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return self.start + self.calls * STEP
