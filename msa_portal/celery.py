"""The Celery application; tasks are discovered in each app's tasks.py."""

import os
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msa_portal.settings.local")

app = Celery("msa_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Log from the worker and beat as the web does: Django's LOGGING, so LOG_FORMAT=json holds.

    With a receiver on this signal Celery leaves the logging set-up to it instead of replacing
    the root logger's handlers with its own plain format.
    """
    from django.conf import settings

    dictConfig(settings.LOGGING)
