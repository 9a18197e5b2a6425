import re

import pytest
from django.core import mail
from django.db import IntegrityError

from accounts import services
from accounts.models import ContractorCompany, User
from tests.factories import ContractorCompanyFactory, StaffFactory, UserFactory
from tests.vendors.factories import VendorCompanyFactory, VendorFactory

PASSWORD = "a-long-Passphrase-42"


@pytest.mark.django_db
def test_vendor_signup_registers_an_unverified_vendor_company_without_a_license(client):
    response = client.post(
        "/accounts/signup/business/",
        {
            "email": "eng@devicemaker.example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Vera Vendor",
            "role": "vendor",
            "company_name": "Collar Devices Inc.",
            "company_phone": "(626) 555-0188",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="eng@devicemaker.example.com")
    assert user.role == User.Role.VENDOR
    assert user.is_company_admin
    assert user.company.kind == ContractorCompany.Kind.VENDOR
    assert user.company.cslb_license_number is None
    assert not services.user_can_submit_devices(user)
    assert not services.user_can_file_for_customers(user)


@pytest.mark.django_db
def test_staff_verification_lets_a_vendor_submit_devices_but_never_file_for_customers():
    vendor = VendorFactory(company__verified_at=None)
    assert not services.user_can_submit_devices(vendor)
    services.company_verify(company=vendor.company, actor=StaffFactory())
    vendor.refresh_from_db()
    assert services.user_can_submit_devices(vendor)
    assert not services.user_can_file_for_customers(vendor)


@pytest.mark.django_db
def test_a_colleague_invited_to_a_vendor_company_joins_as_a_vendor(
    django_capture_on_commit_callbacks,
):
    admin_user = VendorFactory(is_company_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.company_invite(invited_by=admin_user, email="pat@example.com")
    assert "submit devices for evaluation" in mail.outbox[0].body
    token = re.search(r"/company/join/(\S+)/", mail.outbox[0].body).group(1)
    colleague = UserFactory(email="pat@example.com")
    services.invitation_accept(raw_token=token, user=colleague)
    colleague.refresh_from_db()
    assert colleague.role == User.Role.VENDOR
    assert colleague.company == admin_user.company


@pytest.mark.django_db
def test_a_contractor_company_still_needs_its_license():
    with pytest.raises(IntegrityError):
        ContractorCompanyFactory(cslb_license_number=None)


@pytest.mark.django_db
def test_vendor_companies_need_no_license_number_and_do_not_collide():
    VendorCompanyFactory()
    VendorCompanyFactory()
    assert ContractorCompany.objects.filter(kind="vendor").count() == 2
