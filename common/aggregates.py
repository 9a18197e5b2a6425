"""Medians computed by the database: ``percentile_cont`` on PostgreSQL.

SQLite has no ordered-set aggregates, so callers keep a Python fallback for it (local runs and
tests, with few rows); ``has_median`` tells them which path applies.
"""

from django.db import connection
from django.db.models import Aggregate, FloatField


def has_median() -> bool:
    """Return whether the database computes ``Median`` (PostgreSQL)."""
    return connection.vendor == "postgresql"


class Median(Aggregate):
    """The median (``percentile_cont(0.5)``): the mean of the two middle values when even."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False
