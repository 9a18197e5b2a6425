"""Email choices: lower apps ask the function named by ``MSA_EMAIL_CHOICES`` who still wants one."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.utils.module_loading import import_string

from enrollment.models import Status
from enrollment.notifications import notify_applicant
from notifications import selectors
from notifications.services import choices_update
from tests.factories import ContractorFactory, MsaRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(address.lower() for message in mail.outbox for address in message.to)


def test_the_setting_names_the_notifications_choice_function():
    assert import_string(settings.MSA_EMAIL_CHOICES) is selectors.email_wanted


def test_a_customer_who_turned_off_status_emails_gets_none_but_still_gets_the_submitted_one():
    msa_request = MsaRequestFactory(status=Status.INFO_REQUESTED)
    choices_update(user=msa_request.applicant, email_status=False)

    notify_applicant(msa_request_id=msa_request.pk, event="info_requested")
    assert mail.outbox == []

    notify_applicant(msa_request_id=msa_request.pk, event="submitted")  # always sent
    assert recipients() == [msa_request.applicant.email.lower()]


def test_the_choice_follows_the_person_to_their_current_address_whatever_its_case():
    msa_request = MsaRequestFactory(status=Status.INFO_REQUESTED)
    customer = msa_request.applicant
    EmailAddress.objects.filter(user=customer).update(primary=False)
    EmailAddress.objects.create(
        user=customer, email="Now.Here@Example.com", verified=True, primary=True
    )
    choices_update(user=customer, email_status=False)

    notify_applicant(msa_request_id=msa_request.pk, event="info_requested")

    assert mail.outbox == []


def test_choices_are_per_person_on_a_contractors_request():
    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name="Owner Person",
        customer_email="owner@example.com",
        status=Status.CANCELLED,
    )
    choices_update(user=contractor, email_status=False)

    notify_applicant(msa_request_id=msa_request.pk, event="cancelled")

    # The customer has no account, so no choices: they get it; the contractor chose not to.
    assert recipients() == ["owner@example.com"]


def test_a_person_who_declined_another_topic_still_gets_this_one():
    customer = UserFactory()
    choices_update(user=customer, email_payment=False)

    assert selectors.email_wanted(addresses=[customer.email.upper()], topic="status") == [
        customer.email.upper()
    ]
    assert selectors.email_wanted(addresses=[customer.email.upper()], topic="payment") == []
    assert selectors.email_wanted(addresses=[], topic="payment") == []
