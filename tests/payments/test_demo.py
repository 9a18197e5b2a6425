"""The demo provider: a labelled local checkout through the same records and event handler."""

import pytest
from django.urls import reverse

from enrollment.models import Status
from payments.models import Payment, StripeEvent
from tests.payments.factories import receipt_emails

pytestmark = pytest.mark.django_db


def test_demo_checkout_end_to_end(
    demo_provider, customer_client, awaiting, django_capture_on_commit_callbacks
):
    status_page = customer_client.get(awaiting.get_absolute_url()).content.decode()
    assert "Pay $279.22" in status_page

    response = customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))
    payment = Payment.objects.get()
    assert payment.provider == Payment.Provider.DEMO
    assert response.url.endswith(
        reverse("payments:demo_checkout", kwargs={"payment_pk": payment.pk})
    )

    page = customer_client.get(response.url).content.decode()
    assert "Demo payment — no card is charged." in page
    assert "$279.22" in page

    with django_capture_on_commit_callbacks(execute=True):
        paid = customer_client.post(response.url, {"action": "pay"}, follow=True)

    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert awaiting.status == Status.UNDER_REVIEW
    assert StripeEvent.objects.get().provider == "demo"  # the same event path as Stripe's
    assert "your payment of $279.22 is received" in paid.content.decode()
    assert len(receipt_emails()) == 1
    assert "Receipt R-" in paid.content.decode()


def test_demo_checkout_reused_on_a_second_click(demo_provider, customer_client, awaiting):
    url = reverse("payments:checkout_start", kwargs={"pk": awaiting.pk})

    first = customer_client.post(url)
    second = customer_client.post(url)

    assert first.url == second.url
    assert Payment.objects.count() == 1


def test_demo_failed_payment_leaves_the_fee_due(demo_provider, customer_client, awaiting):
    customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))
    payment = Payment.objects.get()

    response = customer_client.post(
        reverse("payments:demo_checkout", kwargs={"payment_pk": payment.pk}),
        {"action": "fail"},
        follow=True,
    )

    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert awaiting.status == Status.AWAITING_PAYMENT
    assert "demo payment failed" in response.content.decode()
    # and paying again opens a new checkout
    customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))
    assert Payment.objects.filter(status=Payment.Status.PENDING).count() == 1


def test_demo_cancel_goes_back_to_the_request(demo_provider, customer_client, awaiting):
    customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))
    payment = Payment.objects.get()

    response = customer_client.post(
        reverse("payments:demo_checkout", kwargs={"payment_pk": payment.pk}),
        {"action": "cancel"},
        follow=True,
    )

    assert "Payment cancelled" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_demo_page_of_another_customer_is_404(demo_provider, client, awaiting):
    from payments.services import payment_start_checkout
    from tests.factories import UserFactory

    payment_start_checkout(msa_request_id=awaiting.pk, actor=awaiting.applicant)
    client.force_login(UserFactory())

    url = reverse("payments:demo_checkout", kwargs={"payment_pk": Payment.objects.get().pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "pay"}).status_code == 404
    assert Payment.objects.get().status == Payment.Status.PENDING


def test_demo_page_is_gone_when_stripe_is_configured(
    demo_provider, customer_client, awaiting, settings
):
    customer_client.post(reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}))
    settings.PAYMENT_PROVIDER = "stripe"

    url = reverse("payments:demo_checkout", kwargs={"payment_pk": Payment.objects.get().pk})
    response = customer_client.post(url, {"action": "pay"})

    assert response.status_code == 404
    assert Payment.objects.get().status == Payment.Status.PENDING


def test_production_settings_refuse_the_demo_provider(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    for name, value in {
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u@127.0.0.1/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "msa.example.com",
        "STRIPE_SECRET_KEY": "sk_live_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "PAYMENT_PROVIDER": "demo",
    }.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("msa_portal.settings.production", None)

    with pytest.raises(ImproperlyConfigured, match="demo payment provider"):
        importlib.import_module("msa_portal.settings.production")


def test_seed_demo_explains_the_demo_provider(demo_provider, capsys):
    from django.core.management import call_command

    call_command("seed_demo")

    assert "no card is charged" in capsys.readouterr().out
