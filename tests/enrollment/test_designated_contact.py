"""The contractor is the designated primary contact; the customer gets a copy of the key emails."""

import pytest

from enrollment import services
from enrollment.authorizations import authorization_revoke
from enrollment.models import Status
from enrollment.notifications import request_recipients
from tests.factories import ContractorFactory, MsaRequestFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contractor():
    return ContractorFactory(email="casey@installer.example")


def filed(contractor, **fields):
    defaults = {
        "applicant": None,
        "filed_by": contractor,
        "contractor_company": contractor.company,
        "customer_name": "Dana Customer",
        "customer_email": "dana@example.com",
    }
    return MsaRequestFactory(**{**defaults, **fields})


def test_the_contractor_gets_everything_and_the_customer_the_key_emails(contractor):
    msa_request = filed(contractor)

    assert request_recipients(msa_request, key=False) == ["casey@installer.example"]
    assert request_recipients(msa_request, key=True) == [
        "casey@installer.example",
        "dana@example.com",
    ]


def test_after_revoking_only_the_customer_is_emailed(contractor):
    customer = UserFactory(email="dana@example.com")
    msa_request = filed(contractor, applicant=customer)
    authorization_revoke(msa_request_id=msa_request.pk, actor=customer)
    msa_request.refresh_from_db()

    assert request_recipients(msa_request, key=False) == ["dana@example.com"]
    assert request_recipients(msa_request, key=True) == ["dana@example.com"]


def test_when_the_filer_left_the_company_its_admins_are_the_contact(contractor):
    admin = ContractorFactory(company=contractor.company, is_company_admin=True)
    msa_request = filed(contractor)
    contractor.is_active = False
    contractor.save()
    msa_request.refresh_from_db()

    assert request_recipients(msa_request, key=False) == [admin.email]


def _leave(user, how: str) -> None:
    """Make ``user`` leave their company the way ``how`` says (as staff do it in admin)."""
    from tests.factories import ContractorCompanyFactory

    users = type(user).objects.filter(pk=user.pk)
    if how == "moved":
        users.update(company=ContractorCompanyFactory())
    elif how == "deactivated":
        users.update(is_active=False)
    else:  # no longer a contractor, the company field left as it was
        users.update(role="customer", is_company_admin=False)


@pytest.mark.parametrize("how", ["moved", "deactivated", "role_removed"])
def test_a_filer_who_left_is_no_longer_emailed_or_texted_and_neither_is_an_admin_who_left(
    contractor, how
):
    """Emails and texts follow the current company like the pages (issue 17)."""
    from notifications.selectors import request_contacts

    admin = ContractorFactory(company=contractor.company, is_company_admin=True)
    gone_admin = ContractorFactory(company=contractor.company, is_company_admin=True)
    msa_request = filed(contractor)
    _leave(contractor, how)
    _leave(gone_admin, how)
    msa_request = (
        type(msa_request).objects.select_related("filed_by", "applicant").get(pk=msa_request.pk)
    )

    assert request_recipients(msa_request, key=False) == [admin.email]
    assert request_contacts(msa_request) == [admin]


def test_a_customers_own_request_emails_the_customer(customer):
    msa_request = MsaRequestFactory(applicant=customer)

    assert request_recipients(msa_request, key=False) == [customer.email]
    assert request_recipients(msa_request, key=True) == [customer.email]


def test_submitted_goes_to_both_and_a_question_only_to_the_contractor(
    contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = filed(contractor, status=Status.AWAITING_PAYMENT)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_mark_paid(msa_request_id=msa_request.pk)
    submitted = next(m for m in mailoutbox if "We received" in m.subject)
    assert submitted.to == ["casey@installer.example", "dana@example.com"]
    # A contractor's email greets nobody by the customer's name.
    assert "Hello Dana" not in submitted.body

    mailoutbox.clear()
    msa_request.status = Status.UNDER_REVIEW
    msa_request.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_ask_for_info(
            msa_request_id=msa_request.pk, actor=StaffFactory(), question="Panel rating?"
        )
    assert [m.to for m in mailoutbox] == [["casey@installer.example"]]


def test_a_draft_resume_link_goes_to_the_contractor_only(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    client.force_login(contractor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})

    assert [m.to for m in mailoutbox] == [["casey@installer.example"]]
