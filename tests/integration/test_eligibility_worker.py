"""The authoritative check through a real worker on Redis, against the real PostgreSQL."""

import pytest
from celery.result import EagerResult

from enrollment import tasks
from enrollment.models import Application, EligibilityResult, RequestEvent, Status
from tests.eligibility.factories import eligible_submitted_request
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def snapshot(application_id: int):
    application = Application.objects.get(pk=application_id)
    return (
        application.status,
        application.eligibility_outcome,
        application.eligibility_checked_at,
        application.device_snapshot,
        list(EligibilityResult.objects.filter(application_id=application_id).values()),
        list(RequestEvent.objects.filter(application_id=application_id).values()),
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
            Application.objects.filter(
                pk__in=[eligible.pk, failing.pk], status=Status.UNDER_REVIEW
            ).count()
            == 2
        )
    )
    assert EligibilityResult.objects.filter(application=eligible).count() == 13
    assert Application.objects.get(pk=eligible.pk).eligibility_outcome == "pass"
    assert Application.objects.get(pk=failing.pk).eligibility_outcome == "fail"
    assert (
        EligibilityResult.objects.get(application=failing, code="PANEL_MAX_200A").result == "fail"
    )
    before = snapshot(eligible.pk)

    # The same message delivered twice (acks_late redelivery, a duplicate send).
    again = [tasks.check_eligibility.delay(eligible.pk) for _ in range(2)]
    marker = eligible_submitted_request()
    tasks.check_eligibility.delay(marker.pk)
    # The worker runs one task at a time in order, so once the marker is done the repeats are.
    wait_for(lambda: Application.objects.filter(pk=marker.pk, status=Status.UNDER_REVIEW).exists())

    assert len(again) == 2
    assert snapshot(eligible.pk) == before
    assert EligibilityResult.objects.filter(application=eligible).count() == 13
