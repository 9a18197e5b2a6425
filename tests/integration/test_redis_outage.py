"""Logins, pages and the API with the Redis that holds the cache and the broker stopped.

The test starts a Redis of its own on a free port and stops it; the machine's shared Redis is
never touched.
"""

import pytest
from django.urls import reverse

from tests.factories import ApprovedProductFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "a-long-passphrase-2026"


@pytest.fixture
def on_private_redis(settings, private_redis):
    """Cache and broker on the private Redis, as production has them on REDIS_URL."""
    from msa_portal.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
    # Read app.conf before changing settings: its first read takes them as they are.
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url, app.conf.task_always_eager = private_redis.url, False
    app._pool = None
    app.amqp._producer_pool = None
    yield private_redis
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


def log_in(client, password=PASSWORD):
    return client.post(
        reverse("account_login"), {"login": "dana@example.com", "password": password}
    )


def test_login_and_the_api_work_with_redis_stopped(client, on_private_redis):
    UserFactory(email="dana@example.com", password=PASSWORD)
    ApprovedProductFactory()
    assert log_in(client).status_code == 302  # with Redis up: the baseline
    client.logout()
    assert client.get("/healthz/").json()["checks"]["cache"] == "ok"

    on_private_redis.stop()

    assert client.get(reverse("account_login")).status_code == 200
    assert log_in(client, "wrong").status_code == 200  # the form with its error, not a 500
    assert log_in(client).status_code == 302
    assert client.get(reverse("enrollment:request_list")).status_code == 200
    check = client.post(
        "/api/v1/eligibility/check", {"request_type": "removal"}, content_type="application/json"
    )
    assert check.status_code == 200
    products = client.get("/api/v1/eligibility/products")
    assert products.status_code == 200
    assert len(products.json()) == 1
    health = client.get("/healthz/")
    assert health.status_code == 503
    assert set(health.json()["down"]) == {"cache", "broker"}


def test_login_limits_count_again_once_redis_is_back(client, on_private_redis):
    UserFactory(email="dana@example.com", password=PASSWORD)
    on_private_redis.stop()
    log_in(client, "wrong")
    on_private_redis.start()

    for _ in range(5):
        log_in(client, "wrong")

    # Even the right password is refused until the window passes: the limit holds again.
    assert log_in(client).status_code == 200
    assert "_auth_user_id" not in client.session
