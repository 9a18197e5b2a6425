"""Money emails: who gets them, what they say, and that each goes out once.

Money is always a key email (DESIGN.md §5): on a contractor's request the designated primary
contact *and* the customer hear of a receipt, a refund and a failed bank debit.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import translation

from accounts import roles
from enrollment.models import Status
from payments.models import Payment, Refund
from payments.services import (
    payment_fulfil_from_session,
    payment_record_dispute,
    payment_record_refund,
    payment_send_dispute_alert,
    payment_send_failed_notice,
    payment_send_receipt,
    payment_send_refund_notice,
    payment_start_checkout,
)
from tests.factories import ContractorFactory, MsaRequestFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contractor_paid(fake_stripe):
    """A contractor's request, paid; its emails so far cleared."""
    contractor = ContractorFactory(email="crew@contractor.test")
    msa_request = MsaRequestFactory(
        filed_by=contractor,
        contractor_company=contractor.company,
        status=Status.AWAITING_PAYMENT,
    )
    payment_start_checkout(msa_request_id=msa_request.pk, actor=contractor)
    payment = Payment.objects.get()
    paid = payment_fulfil_from_session(
        session=fake_stripe.complete(payment.checkout_session_id), provider="stripe"
    )
    mail.outbox.clear()
    return paid


def both(payment) -> list[str]:
    return sorted(["crew@contractor.test", payment.msa_request.applicant.email])


def test_the_receipt_reaches_contractor_and_customer_once_with_the_amount_and_request(
    contractor_paid,
):
    assert payment_send_receipt(payment_id=contractor_paid.pk) is True
    assert payment_send_receipt(payment_id=contractor_paid.pk) is False

    [email] = mail.outbox
    assert sorted(email.to) == both(contractor_paid)
    assert "$279.22" in email.body
    assert contractor_paid.msa_request.reference in email.body
    contractor_paid.refresh_from_db()
    assert contractor_paid.receipt_sent_at is not None


def test_the_refund_notice_reaches_contractor_and_customer_once_with_the_amount_and_request(
    contractor_paid,
):
    refund = payment_record_refund(
        refund={
            "id": "re_test_1",
            "amount": 2000,
            "payment_intent": contractor_paid.payment_intent_id,
            "status": "succeeded",
        }
    )

    payment_send_refund_notice(refund_id=refund.pk)
    payment_send_refund_notice(refund_id=refund.pk)

    [email] = mail.outbox
    assert sorted(email.to) == both(contractor_paid)
    assert "$20.00" in email.body
    assert contractor_paid.msa_request.reference in email.body
    assert contractor_paid.receipt_number in email.body
    assert Refund.objects.get().customer_notified_at is not None


def test_the_failed_debit_notice_reaches_contractor_and_customer_once(contractor_paid):
    Payment.objects.filter(pk=contractor_paid.pk).update(status=Payment.Status.FAILED)

    assert payment_send_failed_notice(payment_id=contractor_paid.pk) is True
    assert payment_send_failed_notice(payment_id=contractor_paid.pk) is False

    [email] = mail.outbox
    assert sorted(email.to) == both(contractor_paid)
    assert "$279.22" in email.body
    assert contractor_paid.msa_request.reference in email.body


def test_the_dispute_alert_is_in_the_utilitys_language_whoever_triggered_it(
    fake_stripe, contractor_paid
):
    finance = StaffFactory(is_superuser=False, email="finance@utility.test")
    finance.groups.add(Group.objects.get(name=roles.FINANCE))
    dispute = payment_record_dispute(
        dispute=fake_stripe.open_dispute(contractor_paid.payment_intent_id)
    )

    with translation.override("es"):  # a Spanish customer's webhook or page set this
        assert payment_send_dispute_alert(dispute_id=dispute.pk) is True
        assert payment_send_dispute_alert(dispute_id=dispute.pk) is False

    [alert] = mail.outbox
    assert alert.to == ["finance@utility.test"]
    assert "Dispute opened on a site-visit fee" in alert.subject
