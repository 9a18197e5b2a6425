import logging

import pytest
from django.core.cache import cache

from tests.factories import UserFactory


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["default-src"]


@pytest.mark.django_db
def test_no_page_of_ours_has_an_inline_script(client, customer):
    client.force_login(customer)
    for url in ["/", "/program/", "/requests/", "/accounts/password/change/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert "<script src=" in html or "<script " not in html


@pytest.mark.django_db
def test_admin_login_goes_through_the_throttled_login_page(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_repeated_failed_logins_are_locked_out(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,3/5m/key"}
    cache.clear()
    user = UserFactory()
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "pw-for-tests-123"}
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_every_response_has_a_request_id_and_a_forged_one_is_replaced(client):
    response = client.get("/healthz/", HTTP_X_REQUEST_ID="abcdef12-3456")

    assert response.headers["X-Request-ID"] == "abcdef12-3456"
    bad = client.get("/healthz/", HTTP_X_REQUEST_ID="x\nforged log line")
    assert bad.headers["X-Request-ID"] != "x\nforged log line"
    assert len(bad.headers["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_cookies_are_httponly_and_samesite(client, customer):
    client.post("/accounts/login/", {"login": customer.email, "password": "pw-for-tests-123"})

    session_cookie = client.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_log_records_carry_the_current_request_id():
    from common.request_id import RequestIdFilter, request_id_var

    record = logging.LogRecord("msa", logging.INFO, __file__, 1, "checked %s", ("x",), None)
    token = request_id_var.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)

    assert record.request_id == "req-12345678"
