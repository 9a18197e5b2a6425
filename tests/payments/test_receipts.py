"""Receipts (a real PDF, only for those who may see the request) and the status-page panel."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from enrollment.models import Status
from payments.models import Payment
from tests.factories import MsaRequestFactory, StaffFactory, UserFactory

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(customer):
    msa_request = MsaRequestFactory(applicant=customer, status=Status.SUBMITTED)
    return PaymentFactory(
        msa_request=msa_request,
        status=Payment.Status.SUCCEEDED,
        checkout_session_id="cs_test_42",
        payment_intent_id="pi_test_42",
    )


def receipt_url(payment):
    return reverse(
        "payments:receipt_download",
        kwargs={"pk": payment.msa_request_id, "payment_pk": payment.pk},
    )


def test_receipt_is_a_real_pdf_with_the_amount(customer_client, paid):
    response = customer_client.get(receipt_url(paid))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "$279.22" in text
    assert paid.receipt_number in text
    assert paid.msa_request.reference in text
    assert "pi_test_42" in text


def test_receipt_of_another_customer_is_404(client, paid):
    client.force_login(UserFactory())

    assert client.get(receipt_url(paid)).status_code == 404


def test_receipt_under_another_request_id_is_404(customer_client, customer, paid):
    other = MsaRequestFactory(applicant=customer, status=Status.SUBMITTED)
    url = reverse("payments:receipt_download", kwargs={"pk": other.pk, "payment_pk": paid.pk})

    assert customer_client.get(url).status_code == 404


def test_no_receipt_for_an_unpaid_payment(customer_client, customer, awaiting):
    pending = PaymentFactory(msa_request=awaiting)

    assert customer_client.get(receipt_url(pending)).status_code == 404


def test_staff_may_download_any_receipt(client, paid):
    client.force_login(StaffFactory())

    assert client.get(receipt_url(paid)).status_code == 200


def test_status_page_lists_payments_with_receipt_links(customer_client, paid):
    page = customer_client.get(paid.msa_request.get_absolute_url()).content.decode()

    assert receipt_url(paid) in page
    assert "$279.22" in page
    assert "Paid" in page
    assert "Pay $279.22" not in page


def test_status_page_offers_pay_when_the_fee_is_due(customer_client, awaiting):
    page = customer_client.get(awaiting.get_absolute_url()).content.decode()

    assert reverse("payments:checkout_start", kwargs={"pk": awaiting.pk}) in page
    assert "Pay $279.22" in page


def test_status_page_queries_do_not_grow_with_payments(customer_client, paid):
    url = paid.msa_request.get_absolute_url()
    customer_client.get(url)
    with CaptureQueriesContext(connection) as one:
        customer_client.get(url)
    for status in (Payment.Status.EXPIRED, Payment.Status.FAILED, Payment.Status.EXPIRED):
        PaymentFactory(msa_request=paid.msa_request, visit_number=1, status=status)

    with CaptureQueriesContext(connection) as many:
        customer_client.get(url)

    assert len(many) == len(one)


def test_receipt_task_run_twice_emails_once(paid):
    from django.core import mail

    from payments import tasks

    tasks.send_receipt.delay(paid.pk)
    tasks.send_receipt.delay(paid.pk)

    [email] = mail.outbox
    assert email.to == [paid.msa_request.customer_email]
    [(filename, content, mimetype)] = email.attachments
    assert mimetype == "application/pdf"
    assert filename == f"receipt-{paid.receipt_number}.pdf"
    assert content.startswith(b"%PDF")
    assert "$279.22" in email.alternatives[0][0]
