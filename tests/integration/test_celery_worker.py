import pytest
from celery.result import EagerResult

from enrollment import tasks
from enrollment.models import Application, Status
from tests.factories import ApplicationFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def test_task_sent_through_redis_is_run_by_a_real_worker_and_lands_in_postgres(
    celery_worker_process,
):
    application = ApplicationFactory(status=Status.SUBMITTED)

    result = tasks.check_eligibility.delay(application.pk)

    assert not isinstance(result, EagerResult)
    status = wait_for(
        lambda: Application.objects.filter(pk=application.pk, status=Status.UNDER_REVIEW).exists()
    )
    assert status
    assert application.events.filter(to_status=Status.UNDER_REVIEW).count() == 1
