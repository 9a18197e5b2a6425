"""Sending Celery tasks from a web request without letting a broker outage break the page."""

import logging

from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

# What a dead or unreachable broker raises from ``delay()`` (kombu wraps most, not all).
BROKER_ERRORS = (BrokerUnavailable, ConnectionError, OSError)


def task_send(signature, *, what: str) -> bool:
    """Send ``signature``; if the broker is down, log ``what`` happened instead and return False.

    The caller decides what a lost send means: a periodic sweep redoing the work from the
    database, or a message to the user that it did not start.
    """
    try:
        signature.delay()
    except BROKER_ERRORS:
        logger.warning("broker unavailable: %s", what)
        return False
    return True
