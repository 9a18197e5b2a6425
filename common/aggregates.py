"""Aggregates the ORM lacks: medians (``percentile_cont`` on PostgreSQL), text lists.

SQLite has no ordered-set aggregates, so callers keep a Python fallback for it (local runs and
tests, with few rows); ``has_median`` tells them which path applies.
"""

from django.db import connection
from django.db.models import Aggregate, CharField, FloatField


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


class TextList(Aggregate):
    """The values joined with commas, in no set order (``STRING_AGG`` / ``GROUP_CONCAT``).

    For folding a few related rows into one column of a single query, as a subquery.
    """

    function = "GROUP_CONCAT"
    name = "TextList"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="STRING_AGG(CAST(%(expressions)s AS text), ',')",
            **extra_context,
        )
