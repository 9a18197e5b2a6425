"""Issue 24: messages follow the person — the account's current verified address, not the copy
taken when the request was filed."""

import pytest
from allauth.account.models import EmailAddress

from enrollment.notifications import notify_applicant, request_recipients
from tests.factories import ContractorFactory, MsaRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def change_address(user, new: str) -> None:
    """The customer adds and verifies a new address, makes it primary, removes the old one."""
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=new, verified=True, primary=True)
    user.email = new
    user.save(update_fields=["email"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_emails_go_to_the_accounts_current_address_not_the_removed_one(
    mailoutbox, django_capture_on_commit_callbacks, language
):
    customer = UserFactory(email="old@example.com", preferred_language="en")
    msa_request = MsaRequestFactory(
        applicant=customer,
        filed_by=customer,
        customer_email="old@example.com",
        customer_language=language,
    )
    change_address(customer, "new@example.com")
    msa_request.refresh_from_db()

    assert request_recipients(msa_request, key=True) == ["new@example.com"]
    notify_applicant(msa_request_id=msa_request.pk, event="submitted")
    (sent,) = mailoutbox
    assert sent.to == ["new@example.com"]
    # Still in the language the request is read in.
    greeting = "Hello" if language == "en" else "Hola"
    assert greeting in sent.body


def test_the_contractor_and_the_confirmed_customer_are_reached_where_they_read_now():
    contractor = ContractorFactory(email="casey@installer.example")
    customer = UserFactory(email="dana@example.com")
    msa_request = MsaRequestFactory(
        applicant=customer,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_email="dana@example.com",
    )
    change_address(customer, "dana.new@example.com")
    change_address(contractor, "casey.new@installer.example")
    msa_request.refresh_from_db()

    assert request_recipients(msa_request, key=True) == [
        "casey.new@installer.example",
        "dana.new@example.com",
    ]
