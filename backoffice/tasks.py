"""The back office's periodic work: keeping the dashboard's slow figures ready (issue 27)."""

from celery import shared_task
from django.utils import timezone

from scheduling.selectors import visit_median

from .reports import approval_median


@shared_task
def refresh_dashboard_medians() -> None:
    """Compute the dashboard's two 12-month medians and store them in the cache.

    Each is a join over a year of rows (0.2 to 0.7 s at 100,000 requests); run every half hour by
    beat, well inside their hour in the cache, so no staff member's page load computes them.
    Safe to run twice: it only overwrites the cached figures for today.
    """
    today = timezone.localdate()
    approval_median(today=today, refresh=True)
    visit_median(today=today, refresh=True)
