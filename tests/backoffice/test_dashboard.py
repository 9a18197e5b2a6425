"""The program dashboard: staff only, right figures, a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice import reports
from enrollment import decisions
from enrollment.models import EligibilityOutcome, Status
from tests.backoffice.conftest import make_request
from tests.backoffice.test_queue_sla import submitted_business_days_ago

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin_dashboard")
# A Wednesday, midday in California.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)


def test_dashboard_is_for_staff_only(client, customer, reviewer):
    anonymous = client.get(DASHBOARD)
    client.force_login(customer)
    as_customer = client.get(DASHBOARD)
    client.force_login(reviewer)
    as_reviewer = client.get(DASHBOARD)

    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert as_customer.status_code == 302
    assert as_reviewer.status_code == 200


def test_admin_index_links_the_dashboard(client, reviewer):
    client.force_login(reviewer)

    assert DASHBOARD.encode() in client.get(reverse("admin:index")).content


@time_machine.travel(NOW, tick=False)
def test_dashboard_figures(client, reviewer):
    week_start = datetime.date(2026, 11, 16)  # Monday
    with time_machine.travel(NOW - datetime.timedelta(days=10), tick=False):
        old = make_request(days_ago=4)
        decisions.request_decide_approve(msa_request_id=old.pk, actor=reviewer)  # 4 days
    recent = make_request(days_ago=2, request_type="replacement")
    decisions.request_decide_approve(msa_request_id=recent.pk, actor=reviewer)  # 2 days
    rejected = make_request(days_ago=1)
    decisions.request_decide_reject(
        msa_request_id=rejected.pk, actor=reviewer, reason_code="DUPLICATE", message="Dup."
    )
    make_request(outcome=EligibilityOutcome.REVIEW, days_ago=0)
    make_request(Status.DRAFT)

    stats = reports.program_stats(today=timezone.localdate())

    assert stats.week_start == week_start
    assert dict(stats.by_status)[Status.APPROVED.label] == 2
    assert dict(stats.by_status)[Status.DRAFT.label] == 1
    assert stats.total == 5
    assert sum(count for _label, count in stats.by_type) == 4
    assert stats.submitted_this_week == 3
    assert (stats.approved_this_week, stats.rejected_this_week) == (1, 1)
    assert stats.median_days_to_approval == 3.0
    assert stats.waiting_for_decision == 1
    assert dict(stats.rejections_by_reason)["Duplicate of another request"] == 1
    assert [w.start for w in stats.weeks][-1] == week_start
    # The first approval fell on Sunday 8 November: the week of Monday 2 November.
    assert [w.approved for w in stats.weeks][-3:] == [1, 0, 1]

    client.force_login(reviewer)
    page = client.get(DASHBOARD).content.decode()
    assert "Requests by status" in page
    assert "<script" not in page.split("</header>")[-1]
    assert "Visits (last 12 months)" in page and "Revenue and refunds" in page


def test_dashboard_queries_do_not_grow_with_the_data(client, reviewer):
    client.force_login(reviewer)
    for _ in range(3):
        make_request()
    cache.clear()  # cold: the 12-month medians are computed too
    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD)
    for _ in range(30):
        make_request(Status.APPROVED)

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(DASHBOARD)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_dashboard_counts_requests_at_risk_and_overdue_with_the_status_counts(client, reviewer):
    submitted_business_days_ago(2)  # on track
    submitted_business_days_ago(27)  # at risk
    submitted_business_days_ago(35)  # overdue
    submitted_business_days_ago(36)  # overdue
    submitted_business_days_ago(35, status=Status.COMPLETED)  # done: neither

    stats = reports.program_stats(today=timezone.localdate())

    assert (stats.at_risk, stats.overdue) == (1, 2)
    assert stats.waiting_for_decision == 4
    client.force_login(reviewer)
    page = client.get(DASHBOARD).content.decode()
    assert '?sla=at_risk">1</a>' in page and '?sla=overdue">2</a>' in page


def test_the_twelve_month_medians_are_computed_once_an_hour(client, reviewer):
    client.force_login(reviewer)
    make_request(Status.APPROVED)
    with CaptureQueriesContext(connection) as cold:
        client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as warm:
        client.get(DASHBOARD)

    medians = [q["sql"] for q in cold.captured_queries if "percentile" in q["sql"].lower()]
    if connection.vendor == "postgresql":
        assert len(medians) == 2
    # The median days to approval and the median business days to a visit (with the calendar).
    assert len(cold.captured_queries) - len(warm.captured_queries) >= 2
    assert not [q for q in warm.captured_queries if "percentile" in q["sql"].lower()]


def test_the_periodic_task_computes_the_medians_ahead_so_no_page_load_does(
    client, reviewer, settings
):
    from backoffice.tasks import refresh_dashboard_medians

    client.force_login(reviewer)
    make_request(Status.APPROVED)
    assert (
        settings.CELERY_BEAT_SCHEDULE["backoffice-refresh-dashboard-medians"]["task"]
        == "backoffice.tasks.refresh_dashboard_medians"
    )

    refresh_dashboard_medians()
    with CaptureQueriesContext(connection) as first_load:
        client.get(DASHBOARD)

    assert not [q for q in first_load.captured_queries if "percentile" in q["sql"].lower()]
    today = timezone.localdate().isoformat()
    assert cache.has_key(f"dashboard:median-days-to-approval:{today}")
    assert cache.has_key(f"dashboard:median-business-days-to-visit:{today}")
