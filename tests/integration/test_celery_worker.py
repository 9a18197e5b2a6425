import pytest
from celery.result import EagerResult

from enrollment import tasks
from enrollment.models import Request, Status
from tests.factories import MsaRequestFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def test_task_sent_through_redis_is_run_by_a_real_worker_and_lands_in_postgres(
    celery_worker_process,
):
    msa_request = MsaRequestFactory(status=Status.SUBMITTED)

    result = tasks.check_eligibility.delay(msa_request.pk)

    assert not isinstance(result, EagerResult)
    status = wait_for(
        lambda: Request.objects.filter(pk=msa_request.pk, status=Status.UNDER_REVIEW).exists()
    )
    assert status
    assert msa_request.events.filter(to_status=Status.UNDER_REVIEW).count() == 1
