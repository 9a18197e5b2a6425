import pytest
from django.db import connection

from msa_portal import health


@pytest.mark.django_db
def test_healthz_reports_each_service_ok(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}


@pytest.mark.django_db
def test_healthz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def broken():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    assert response.json()["checks"]["database"] == "down"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_does_not_answer(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from msa_portal.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz/")
    finally:
        app.conf.broker_url = previous

    assert response.status_code == 503
    assert "broker" in response.json()["down"]


@pytest.mark.django_db
def test_database_check_really_queries(django_assert_num_queries):
    with django_assert_num_queries(1):
        health.check_database()
    assert connection.is_usable()
