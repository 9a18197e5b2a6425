"""Each payment email a task sends goes out once, however often the task runs (late acks)."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from accounts import roles
from payments import tasks
from payments.models import Dispute, Payment
from tests.factories import StaffFactory

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_the_failed_bank_debit_task_run_twice_emails_once():
    payment = PaymentFactory(status=Payment.Status.FAILED, checkout_session_id="cs_test_1")

    assert tasks.send_payment_failed_notice.delay(payment.pk).get() is True
    assert tasks.send_payment_failed_notice.delay(payment.pk).get() is False

    [email] = mail.outbox
    assert payment.msa_request.customer_email in email.to


def test_the_dispute_alert_task_run_twice_emails_finance_once():
    finance = StaffFactory(is_superuser=False, email="finance@utility.test")
    finance.groups.add(Group.objects.get(name=roles.FINANCE))
    payment = PaymentFactory(status=Payment.Status.DISPUTED, checkout_session_id="cs_test_2")
    dispute = Dispute.objects.create(
        payment=payment,
        provider_dispute_id="dp_1",
        amount_cents=payment.amount_cents,
        status=Dispute.Status.NEEDS_RESPONSE,
    )

    assert tasks.send_dispute_alert.delay(dispute.pk).get() is True
    assert tasks.send_dispute_alert.delay(dispute.pk).get() is False

    [email] = mail.outbox
    assert email.to == ["finance@utility.test"]
