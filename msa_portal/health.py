"""Checks behind GET /healthz/: the database, the cache and the Celery broker."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from msa_portal.celery import app

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def check_broker() -> str:
    """Return how tasks run: 'eager' needs no broker, otherwise the broker must answer."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def run_checks() -> tuple[bool, dict[str, str]]:
    """Run every check; return whether all passed and each one's state."""
    states: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            states[name] = check() or "ok"
        except Exception:
            logger.warning("health check %s failed", name, exc_info=True)
            states[name] = "down"
            healthy = False
    return healthy, states
