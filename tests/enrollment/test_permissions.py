"""The one object-level rule (enrollment.permissions) where the pages rarely reach (issue 28)."""

import pytest

from enrollment.permissions import (
    acts_for_request,
    requests_editable_by,
    requests_of_company,
    requests_owned_by,
    requests_visible_to,
)
from tests.factories import (
    ContractorCompanyFactory,
    ContractorFactory,
    MsaRequestFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_filed():
    """A request a customer filed for themselves: no company on it."""
    customer = UserFactory()
    return MsaRequestFactory(applicant=customer, filed_by=customer, contractor_company=None)


def test_a_stranger_without_a_company_does_not_act_for_a_customers_own_request(customer_filed):
    stranger = UserFactory()

    assert acts_for_request(stranger, customer_filed) is False
    assert acts_for_request(customer_filed.applicant, customer_filed) is True
    assert not requests_editable_by(stranger).filter(pk=customer_filed.pk).exists()


def test_a_user_without_a_company_has_no_company_requests(customer_filed):
    assert list(requests_of_company(UserFactory())) == []
    assert list(requests_of_company(customer_filed.applicant)) == []


def test_a_contractor_sees_only_their_current_companys_unrevoked_requests(customer_filed):
    company = ContractorCompanyFactory()
    contractor = ContractorFactory(company=company)
    theirs = MsaRequestFactory(contractor_company=company)
    MsaRequestFactory(contractor_company=ContractorCompanyFactory())

    assert list(requests_of_company(contractor)) == [theirs]
    assert acts_for_request(contractor, theirs) is True
    assert acts_for_request(contractor, customer_filed) is False


def test_staff_without_the_view_permission_see_no_ones_requests(customer_filed):
    staff = StaffFactory(is_superuser=False)

    assert list(requests_visible_to(staff)) == []
    assert list(requests_visible_to(StaffFactory())) == [customer_filed]


def test_an_inactive_or_anonymous_user_may_do_nothing(customer_filed):
    from django.contrib.auth.models import AnonymousUser

    owner = customer_filed.applicant
    owner.is_active = False
    for user in (owner, AnonymousUser()):
        assert acts_for_request(user, customer_filed) is False
        assert list(requests_visible_to(user)) == []
        assert list(requests_editable_by(user)) == []
        assert list(requests_owned_by(user)) == []
        assert list(requests_of_company(user)) == []


def test_the_owner_owns_their_request_and_the_filer_does_not():
    company = ContractorCompanyFactory()
    contractor = ContractorFactory(company=company)
    owner = UserFactory()
    msa_request = MsaRequestFactory(
        applicant=owner, filed_by=contractor, contractor_company=company
    )

    assert list(requests_owned_by(owner)) == [msa_request]
    assert list(requests_owned_by(contractor)) == []


def test_a_narrowed_list_stays_narrowed(customer_filed):
    """A caller's own filter (a status, a page) is kept, never widened to every request."""
    from enrollment.models import Request

    company = ContractorCompanyFactory()
    contractor = ContractorFactory(company=company)
    owner = UserFactory()
    first = MsaRequestFactory(applicant=owner, filed_by=contractor, contractor_company=company)
    MsaRequestFactory(applicant=owner, filed_by=contractor, contractor_company=company)
    only_first = Request.objects.filter(pk=first.pk)

    assert list(requests_owned_by(owner, only_first)) == [first]
    assert list(requests_of_company(contractor, only_first)) == [first]
    assert list(requests_visible_to(owner, only_first)) == [first]
    assert list(requests_editable_by(owner, only_first)) == [first]


def test_can_view_request_answers_for_that_request_and_that_user(customer_filed):
    from enrollment.permissions import can_view_request

    assert can_view_request(customer_filed.applicant, customer_filed) is True
    assert can_view_request(UserFactory(), customer_filed) is False


def test_a_revoked_request_leaves_the_companys_requests():
    from django.utils import timezone

    company = ContractorCompanyFactory()
    contractor = ContractorFactory(company=company)
    kept = MsaRequestFactory(contractor_company=company)
    revoked = MsaRequestFactory(contractor_company=company, authorization_revoked_at=timezone.now())

    assert list(requests_of_company(contractor)) == [kept]
    assert acts_for_request(contractor, revoked) is False
    assert not requests_editable_by(contractor).filter(pk=revoked.pk).exists()
