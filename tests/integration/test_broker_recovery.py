"""After a broker outage, a paid request is checked and an approved one booked within a minute.

A private Redis (its own port) is the broker for a real worker and a real beat, started with
the production schedule. The Redis is stopped while a request is paid and another approved,
then started again: nothing but beat's periodic sweeps sends the owed work.
"""

import os
import subprocess
import sys

import pytest
from django.utils import timezone

from enrollment import services
from enrollment import tasks as enrollment_tasks
from enrollment.models import Request, Status
from scheduling import tasks as scheduling_tasks
from scheduling.models import Visit
from tests.eligibility.factories import eligible_submitted_request
from tests.factories import MsaRequestFactory, StaffFactory
from tests.integration.conftest import (
    ROOT,
    database_url_for_subprocess,
    start_worker,
    stop_worker,
    wait_for,
)
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.integration


@pytest.fixture
def private_broker(transactional_db, settings, private_redis):
    from django.db import connection

    from tests.conftest import require_service

    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL to a PostgreSQL database")
    from msa_portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url, app.conf.task_always_eager = private_redis.url, False
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


def start_beat(url: str, workdir) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msa_portal.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": url,
        "CELERY_BROKER_URL": url,
        "TEST_CELERY_TASK_ALWAYS_EAGER": "false",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "msa_portal",
            "beat",
            "--loglevel=INFO",
            "--schedule",
            str(workdir / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_paid_and_approved_requests_are_handled_within_a_minute_of_the_broker_returning(
    private_broker, private_redis, tmp_path, caplog
):
    TechnicianFactory(windows=[(8, 12, 4), (12, 16, 4)])
    paid = eligible_submitted_request()
    Request.objects.filter(pk=paid.pk).update(status=Status.AWAITING_PAYMENT, submitted_at=None)
    reviewed = MsaRequestFactory(status=Status.UNDER_REVIEW, submitted_at=timezone.now())
    worker = start_worker(
        private_broker,
        extra_env={"REDIS_URL": private_redis.url, "CELERY_BROKER_URL": private_redis.url},
    )
    beat = start_beat(private_redis.url, tmp_path)
    try:
        private_redis.stop()
        services.request_mark_paid(msa_request_id=paid.pk)
        services.request_approve(msa_request_id=reviewed.pk, actor=StaffFactory())
        assert "eligibility check left for the periodic sweep" in caplog.text
        assert "scheduler run left for the periodic sweep" in caplog.text
        # Outages last longer than this test's few seconds: let the sweeps' grace pass.
        Request.objects.filter(pk=paid.pk).update(
            submitted_at=timezone.now() - enrollment_tasks.SWEEP_GRACE
        )
        Request.objects.filter(pk=reviewed.pk).update(
            updated_at=timezone.now() - scheduling_tasks.SWEEP_GRACE
        )

        private_redis.start()

        # Beat sweeps every 60 s: both are done within about a minute (and some slack).
        wait_for(
            lambda: (
                Request.objects.filter(pk=paid.pk, status=Status.UNDER_REVIEW).exists()
                and Visit.objects.filter(msa_request=reviewed, state=Visit.State.BOOKED).exists()
            ),
            timeout=90,
            interval=1,
        )
    finally:
        beat.terminate()
        beat_output, _ = beat.communicate(timeout=20)
        worker_output = stop_worker(worker)

    assert Visit.objects.filter(msa_request=reviewed).count() == 1, worker_output + beat_output
    assert paid.events.filter(to_status=Status.UNDER_REVIEW).count() == 1
