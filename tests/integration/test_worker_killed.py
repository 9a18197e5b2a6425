"""A worker killed with SIGKILL in the middle of a check: the check runs again, exactly once.

The test holds the request's row lock, so the worker's check is provably in progress (PostgreSQL
shows its backend waiting on that lock) when the worker is killed. Late acknowledgement leaves
the message unacknowledged in Redis; a second worker gets it back after the visibility timeout.
"""

import signal

import pytest
from django.db import connection, transaction

from enrollment import tasks
from enrollment.models import EligibilityResult, Request, RequestEvent, Status
from tests.eligibility.factories import eligible_submitted_request
from tests.integration.conftest import REDIS_URL, start_worker, stop_worker, wait_for

pytestmark = pytest.mark.integration

# Short enough that the redelivery happens within the test, long enough that the second worker
# does not take the message back from a worker still running it.
SHORT_VISIBILITY = {"CELERY_VISIBILITY_TIMEOUT": "3"}


def backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL would keep showing the first snapshot of this view.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def forget_unacknowledged_messages() -> None:
    """Drop what a worker killed by an earlier run left out (kombu's keys), for a clean start."""
    import redis

    redis.Redis.from_url(REDIS_URL).delete("unacked", "unacked_index")


def test_a_check_killed_mid_task_is_redelivered_and_counts_once(transactional_db, broker):
    forget_unacknowledged_messages()
    msa_request = eligible_submitted_request()
    first = start_worker(broker, extra_env=SHORT_VISIBILITY)
    try:
        with transaction.atomic():
            Request.objects.select_for_update().get(pk=msa_request.pk)
            tasks.check_eligibility.delay(msa_request.pk)
            # The worker took the message and blocks inside the check, on this row.
            wait_for(lambda: backends_waiting_on_a_lock() >= 1)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        assert first.returncode == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
        first_output, _ = first.communicate()

    # The killed worker did nothing: its transaction died with it.
    assert Request.objects.get(pk=msa_request.pk).status == Status.SUBMITTED, first_output
    assert not EligibilityResult.objects.filter(msa_request=msa_request).exists()

    second = start_worker(broker, extra_env=SHORT_VISIBILITY)
    try:
        wait_for(
            lambda: Request.objects.filter(pk=msa_request.pk, status=Status.UNDER_REVIEW).exists(),
            timeout=60,
        )
        # Any second delivery would be handled before this marker (one task at a time, in order).
        marker = eligible_submitted_request()
        tasks.check_eligibility.delay(marker.pk)
        wait_for(lambda: Request.objects.filter(pk=marker.pk, status=Status.UNDER_REVIEW).exists())
    finally:
        output = stop_worker(second)

    results = EligibilityResult.objects.filter(msa_request=msa_request)
    codes = list(results.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 13, output
    assert Request.objects.get(pk=msa_request.pk).eligibility_outcome == "pass"
    assert (
        RequestEvent.objects.filter(msa_request=msa_request, to_status=Status.UNDER_REVIEW).count()
        == 1
    )
