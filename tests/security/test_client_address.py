"""Who is asking, behind a reverse proxy: one function for login limits, throttles, signatures."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from common.client_ip import client_ip
from tests.factories import UserFactory

PROXY = "10.0.0.5"
PASSWORD = "pw-for-tests-123"  # the factories' password


def _request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", PROXY),  # no proxy configured: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry on the left is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.4", "203.0.113.9"),
        (2, "203.0.113.9", PROXY),  # fewer entries than proxies: the TCP peer
        (1, "not-an-address", PROXY),
        (1, None, PROXY),
    ],
)
def test_the_client_is_read_from_the_right_of_x_forwarded_for(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(forwarded=forwarded)) == expected


@pytest.fixture
def behind_a_proxy(settings):
    """Production's configuration: one TLS proxy, the login limits of base settings."""
    from msa_portal.settings import base

    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password, address):
    client.cookies.clear()
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def _signed_in(response) -> bool:
    return response.status_code == 302


@pytest.mark.django_db
def test_failed_logins_from_one_address_behind_the_proxy_do_not_lock_out_everyone(
    client, behind_a_proxy
):
    stranger = UserFactory()
    someone_else = UserFactory()
    for _ in range(25):
        _login(client, stranger.email, "wrong", "203.0.113.9")

    # The attacker's address is slowed...
    assert (
        "Too many failed login attempts"
        in _login(client, stranger.email, PASSWORD, "203.0.113.9").content.decode()
    )
    # ...and nobody else, though every request reaches the app from the same proxy.
    assert _signed_in(_login(client, someone_else.email, PASSWORD, "198.51.100.20"))


@pytest.mark.django_db
def test_a_stranger_cannot_lock_a_chosen_customer_out(client, behind_a_proxy):
    customer = UserFactory()
    for _ in range(10):
        _login(client, customer.email, "wrong", "203.0.113.9")
    assert (
        "Too many failed login attempts"
        in _login(client, customer.email, PASSWORD, "203.0.113.9").content.decode()
    )

    assert _signed_in(_login(client, customer.email, PASSWORD, "198.51.100.20"))


@pytest.mark.django_db
def test_guessing_one_account_from_many_addresses_meets_a_per_account_ceiling(
    client, behind_a_proxy, settings
):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "8/h/key",
    }
    customer = UserFactory()
    for n in range(8):
        _login(client, customer.email, "wrong", f"203.0.113.{n + 1}")

    response = _login(client, customer.email, PASSWORD, "198.51.100.20")

    assert "Too many failed login attempts" in response.content.decode()


def test_production_trusts_its_one_tls_proxy_by_default():
    from tests.msa_portal.test_settings import PRODUCTION_ENV, run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print('proxies', settings.TRUSTED_PROXY_COUNT)",
        env=PRODUCTION_ENV,
    )

    assert "proxies 1" in result.stdout, result.stderr


@pytest.mark.django_db
def test_a_signature_behind_the_proxy_records_the_signers_address_not_the_proxys(
    client, customer, settings
):
    from django.urls import reverse

    from enrollment.models import AgreementSignature
    from tests.enrollment.factories import consent_through_page, eligible_draft

    settings.TRUSTED_PROXY_COUNT = 1
    msa_request = eligible_draft(applicant=customer)
    url = reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})
    client.force_login(customer)
    shown = consent_through_page(client, url).context["form"].initial["shown_sha256"]

    client.post(
        url,
        {"signer_name": "Dana Customer", "consent": "on", "shown_sha256": shown},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )

    assert AgreementSignature.objects.get(msa_request=msa_request).ip_address == "203.0.113.9"


@pytest.mark.django_db
def test_the_api_throttle_behind_the_proxy_counts_each_client_not_the_proxy(
    client, behind_a_proxy, settings
):
    """The pre-check API's per-address limit reads the same client as the login limits."""
    settings.MSA_ELIGIBILITY_API_RATE = "2/m"

    def check(forwarded):
        return client.post(
            "/api/v1/eligibility/check",
            data="{}",
            content_type="application/json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    # One client, a new forged entry on the left each time: still one client.
    codes = [check(f"6.6.6.{n}, 203.0.113.9") for n in range(3)]
    assert codes == [200, 200, 429]
    # Another client through the same proxy has its own count.
    assert check("198.51.100.20") == 200
