"""The authoritative check through a real worker on Redis, against the real PostgreSQL."""

import pytest
from celery.result import EagerResult

from enrollment import tasks
from enrollment.models import EligibilityResult, Request, RequestEvent, Status
from tests.eligibility.factories import eligible_submitted_request
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def snapshot(msa_request_id: int):
    msa_request = Request.objects.get(pk=msa_request_id)
    return (
        msa_request.status,
        msa_request.eligibility_outcome,
        msa_request.eligibility_checked_at,
        msa_request.device_snapshot,
        list(EligibilityResult.objects.filter(msa_request_id=msa_request_id).values()),
        list(RequestEvent.objects.filter(msa_request_id=msa_request_id).values()),
    )


def test_submitted_request_gets_its_results_from_a_real_worker_and_a_rerun_changes_nothing(
    celery_worker_process,
):
    eligible = eligible_submitted_request()
    failing = eligible_submitted_request(panel_rating_amps=400, backfeed_amps=0)

    first = tasks.check_eligibility.delay(eligible.pk)
    tasks.check_eligibility.delay(failing.pk)

    assert not isinstance(first, EagerResult)
    wait_for(
        lambda: (
            Request.objects.filter(
                pk__in=[eligible.pk, failing.pk], status=Status.UNDER_REVIEW
            ).count()
            == 2
        )
    )
    assert EligibilityResult.objects.filter(msa_request=eligible).count() == 13
    assert Request.objects.get(pk=eligible.pk).eligibility_outcome == "pass"
    assert Request.objects.get(pk=failing.pk).eligibility_outcome == "fail"
    assert (
        EligibilityResult.objects.get(msa_request=failing, code="PANEL_MAX_200A").result == "fail"
    )
    before = snapshot(eligible.pk)

    # The same message delivered twice (acks_late redelivery, a duplicate send).
    again = [tasks.check_eligibility.delay(eligible.pk) for _ in range(2)]
    marker = eligible_submitted_request()
    tasks.check_eligibility.delay(marker.pk)
    # The worker runs one task at a time in order, so once the marker is done the repeats are.
    wait_for(lambda: Request.objects.filter(pk=marker.pk, status=Status.UNDER_REVIEW).exists())

    assert len(again) == 2
    assert snapshot(eligible.pk) == before
    assert EligibilityResult.objects.filter(msa_request=eligible).count() == 13
