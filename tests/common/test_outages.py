"""Pages, logins and the API while the cache, the database or the task broker is down."""

import logging

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from tests.factories import ApprovedProductFactory, UserFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


def test_the_fail_open_cache_misses_and_logs_while_redis_is_down(dead_cache, caplog):
    from django.core.cache import cache

    with caplog.at_level(logging.WARNING, logger="common.cache"):
        cache.set("k", "v")
        assert cache.get("k", "default") == "default"
        assert cache.add("k", "v") is True
        assert cache.incr("k") == 1
        assert cache.get_many(["k"]) == {}

    assert "cache unavailable" in caplog.text


def test_login_works_with_rate_limits_on_while_the_cache_is_down(client, dead_cache, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
    UserFactory(email="dana@example.com", password="a-long-passphrase-2026")

    page = client.get(reverse("account_login"))
    wrong = client.post(
        reverse("account_login"), {"login": "dana@example.com", "password": "wrong"}
    )
    right = client.post(
        reverse("account_login"),
        {"login": "dana@example.com", "password": "a-long-passphrase-2026"},
    )

    assert page.status_code == 200
    assert wrong.status_code == 200  # the form again, with its error
    assert right.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_the_throttled_api_answers_while_the_cache_is_down(client, dead_cache):
    response = client.post(
        "/api/v1/eligibility/check", {"request_type": "removal"}, content_type="application/json"
    )

    assert response.status_code == 200


def refuse(execute, sql, params, many, context):
    raise OperationalError("connection refused")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/eligibility/products"),
        ("post", "/api/v1/eligibility/check"),
        ("get", "/api/v1/requests"),
    ],
)
def test_the_api_answers_a_database_outage_in_its_json_shape(client, method, url):
    ApprovedProductFactory()

    with connection.execute_wrapper(refuse):
        response = getattr(client, method)(
            url,
            {"request_type": "install", "device": 1} if method == "post" else None,
            content_type="application/json",
            headers={"Authorization": "Bearer msa_not-a-real-token"},
        )

    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "30"
    assert set(response.json()) == {"code", "message", "errors"}
    assert response.json()["code"] == "unavailable"


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unexpected_api_failure_is_a_json_500(client, monkeypatch, caplog):
    from eligibility import api as eligibility_api

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(eligibility_api, "check_site_facts", boom)

    response = client.post(
        "/api/v1/eligibility/check", {"request_type": "removal"}, content_type="application/json"
    )

    assert response.status_code == 500
    assert response.json()["code"] == "error"
    assert "a bug" not in response.content.decode()


def test_a_page_answers_a_database_outage_with_the_try_again_page(client):
    with connection.execute_wrapper(refuse):
        response = client.get(reverse("eligibility:product_list"))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
