"""The one object-level rule (enrollment.permissions) where the pages rarely reach (issue 28)."""

import pytest
from django.contrib.auth.models import Group
from django.http import Http404

from accounts import roles
from enrollment.models import Request
from enrollment.permissions import (
    acts_for_request,
    get_request_for_user_or_404,
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
    # ``None``: no user at all, as a task or the API without a token passes it.
    for user in (owner, AnonymousUser(), None):
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


def test_a_revoked_request_leaves_the_companys_requests():
    from django.utils import timezone

    company = ContractorCompanyFactory()
    contractor = ContractorFactory(company=company)
    kept = MsaRequestFactory(contractor_company=company)
    revoked = MsaRequestFactory(contractor_company=company, authorization_revoked_at=timezone.now())

    assert list(requests_of_company(contractor)) == [kept]
    assert acts_for_request(contractor, revoked) is False
    assert not requests_editable_by(contractor).filter(pk=revoked.pk).exists()


def _reviewer_without_superuser():
    """A staff member who sees requests through the Reviewer group's permission only."""
    staff = StaffFactory(is_superuser=False)
    staff.groups.add(Group.objects.get(name=roles.REVIEWER))
    return staff


def test_a_reviewer_sees_every_request_through_their_groups_permission(customer_filed):
    other = MsaRequestFactory(contractor_company=ContractorCompanyFactory())

    assert set(requests_visible_to(_reviewer_without_superuser())) == {customer_filed, other}


def test_a_customer_sees_and_edits_their_own_request_a_contractor_filed():
    company = ContractorCompanyFactory()
    owner = UserFactory()
    msa_request = MsaRequestFactory(
        applicant=owner, filed_by=ContractorFactory(company=company), contractor_company=company
    )

    assert list(requests_visible_to(owner)) == [msa_request]
    assert list(requests_editable_by(owner)) == [msa_request]
    assert acts_for_request(owner, msa_request) is True


def test_a_customer_sees_and_edits_the_draft_they_filed_before_an_account_link():
    filer = UserFactory()
    draft = MsaRequestFactory(
        applicant=None,
        filed_by=filer,
        contractor_company=None,
        customer_name="Ana Ruiz",
        customer_email="ana@example.com",
    )

    assert list(requests_visible_to(filer)) == [draft]
    assert list(requests_editable_by(filer)) == [draft]
    assert acts_for_request(filer, draft) is True


def test_a_contractor_keeps_their_own_drafts_and_their_companys_requests(customer_filed):
    company = ContractorCompanyFactory()
    contractor = ContractorFactory(company=company)
    own_draft = MsaRequestFactory(
        applicant=None,
        filed_by=contractor,
        contractor_company=None,
        customer_name="Ana Ruiz",
        customer_email="ana@example.com",
    )
    colleagues = MsaRequestFactory(
        filed_by=ContractorFactory(company=company), contractor_company=company
    )

    assert set(requests_visible_to(contractor)) == {own_draft, colleagues}
    assert set(requests_editable_by(contractor)) == {own_draft, colleagues}


def test_a_contractor_of_another_company_does_not_act_for_a_request():
    msa_request = MsaRequestFactory(contractor_company=ContractorCompanyFactory())
    elsewhere = ContractorFactory(company=ContractorCompanyFactory())

    assert acts_for_request(elsewhere, msa_request) is False
    assert list(requests_visible_to(elsewhere)) == []


def test_a_staff_members_narrowed_list_stays_narrowed(customer_filed):
    other = MsaRequestFactory()
    only_other = Request.objects.filter(pk=other.pk)

    assert list(requests_visible_to(StaffFactory(), only_other)) == [other]
    assert list(requests_visible_to(_reviewer_without_superuser(), only_other)) == [other]


def test_a_request_opens_for_who_may_see_it_and_is_a_404_for_everyone_else(customer_filed):
    other = MsaRequestFactory()
    owner = customer_filed.applicant

    assert get_request_for_user_or_404(owner, customer_filed.pk) == customer_filed
    assert get_request_for_user_or_404(other.applicant, other.pk) == other
    assert get_request_for_user_or_404(_reviewer_without_superuser(), other.pk) == other
    with pytest.raises(Http404):
        get_request_for_user_or_404(owner, other.pk)
    with pytest.raises(Http404):
        get_request_for_user_or_404(StaffFactory(is_superuser=False), other.pk)


def test_a_request_outside_the_callers_list_is_a_404_even_for_staff(customer_filed):
    other = MsaRequestFactory()
    only_other = Request.objects.filter(pk=other.pk)

    with pytest.raises(Http404):
        get_request_for_user_or_404(StaffFactory(), customer_filed.pk, only_other)
    assert get_request_for_user_or_404(StaffFactory(), other.pk, only_other) == other


def test_an_account_that_is_not_staff_sees_only_its_own_side_whatever_its_groups(customer_filed):
    """Seeing every request is a staff role's: a group given to a customer by mistake is not."""
    customer = UserFactory()
    customer.groups.add(Group.objects.get(name=roles.REVIEWER))
    own = MsaRequestFactory(applicant=customer)

    assert customer.has_perm("enrollment.view_request")
    assert list(requests_visible_to(customer)) == [own]
