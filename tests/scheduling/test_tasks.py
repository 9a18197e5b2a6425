"""The tasks other apps and beat send by name."""

from django.conf import settings

from msa_portal.celery import app


def test_scheduler_and_reminder_tasks_are_registered_and_on_beat():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    for name in (
        "scheduling.tasks.schedule_approved_requests",
        "scheduling.tasks.send_visit_reminders",
    ):
        assert name in app.tasks
        assert name in names
