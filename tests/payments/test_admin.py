"""The payments admin: read-only ledger pages with a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments.models import Payment, Refund, StripeEvent

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, staff_user):
    client.force_login(staff_user)
    return client


def test_payment_list_queries_do_not_grow_with_rows(admin_client_):
    url = reverse("admin:payments_payment_changelist")
    PaymentFactory(status=Payment.Status.SUCCEEDED)
    admin_client_.get(url)
    with CaptureQueriesContext(connection) as few:
        assert admin_client_.get(url).status_code == 200
    for _ in range(5):
        PaymentFactory(status=Payment.Status.SUCCEEDED)

    with CaptureQueriesContext(connection) as many:
        admin_client_.get(url)

    assert len(many) == len(few)


def test_paid_payment_page_links_to_the_refund_page(admin_client_):
    payment = PaymentFactory(status=Payment.Status.SUCCEEDED, payment_intent_id="pi_1")

    page = admin_client_.get(reverse("admin:payments_payment_change", args=[payment.pk]))

    assert page.status_code == 200
    assert reverse("admin:payments_payment_refund", kwargs={"payment_pk": payment.pk}) in (
        page.content.decode()
    )


@pytest.mark.parametrize("model", [Payment, Refund, StripeEvent])
def test_ledger_rows_cannot_be_added_or_deleted_in_admin(admin_client_, model):
    opts = model._meta
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")

    assert admin_client_.get(add).status_code == 403
