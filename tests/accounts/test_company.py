import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import User
from tests.factories import ContractorFactory, StaffFactory, UserFactory


def _invite_link(message) -> str:
    return re.search(r"https?://\S+(/company/join/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_company_admin_invites_a_colleague_who_joins_through_the_link(
    client, django_capture_on_commit_callbacks
):
    admin_user = ContractorFactory(is_company_admin=True)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/company/", {"email": "Colleague@Example.com"})
    assert response.status_code == 302
    path = _invite_link(mail.outbox[0])

    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)
    assert admin_user.company.name in client.get(path).content.decode()
    client.post(path)

    colleague.refresh_from_db()
    assert colleague.company == admin_user.company
    assert colleague.role == User.Role.CONTRACTOR
    assert not colleague.is_company_admin


@pytest.mark.django_db
def test_an_invitation_link_works_once_and_only_for_its_email(django_capture_on_commit_callbacks):
    admin_user = ContractorFactory(is_company_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.company_invite(invited_by=admin_user, email="pat@example.com")
    token = _invite_link(mail.outbox[0]).split("/")[-2]

    with pytest.raises(ValidationError):
        services.invitation_accept(raw_token=token, user=UserFactory(email="eve@example.com"))
    services.invitation_accept(raw_token=token, user=UserFactory(email="pat@example.com"))
    with pytest.raises(ValidationError):
        services.invitation_accept(raw_token=token, user=UserFactory(email="pat2@example.com"))
    with pytest.raises(ValidationError):
        services.invitation_accept(raw_token="made-up-token", user=UserFactory())


@pytest.mark.django_db
def test_an_expired_invitation_is_refused(django_capture_on_commit_callbacks):
    import time_machine

    admin_user = ContractorFactory(is_company_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.company_invite(invited_by=admin_user, email="pat@example.com")
    token = _invite_link(mail.outbox[0]).split("/")[-2]

    with time_machine.travel("2099-01-01"), pytest.raises(ValidationError):
        services.invitation_accept(raw_token=token, user=UserFactory(email="pat@example.com"))


@pytest.mark.django_db
def test_only_a_company_admin_can_invite(client):
    member = ContractorFactory(is_company_admin=False)

    with pytest.raises(PermissionDenied):
        services.company_invite(invited_by=member, email="x@example.com")
    client.force_login(member)
    assert client.post("/company/", {"email": "x@example.com"}).status_code == 403


@pytest.mark.django_db
def test_a_customer_has_no_company_page(client, customer):
    client.force_login(customer)

    assert client.get("/company/").status_code == 404


@pytest.mark.django_db
def test_only_verified_companies_can_file(client):
    contractor = ContractorFactory(company__verified_at=None)
    assert not services.user_can_file_for_customers(contractor)

    client.force_login(StaffFactory())
    client.post(
        "/admin/accounts/contractorcompany/",
        {"action": "verify", "_selected_action": [contractor.company.pk]},
    )

    contractor.refresh_from_db()
    assert contractor.company.is_verified
    assert services.user_can_file_for_customers(contractor)
    assert not services.user_can_file_for_customers(UserFactory())


@pytest.mark.django_db
def test_staff_see_a_companys_phone_with_its_extension(client):
    ContractorFactory(company__phone="(909) 555-0111 ext. 12")
    client.force_login(StaffFactory(is_superuser=True))

    page = client.get("/admin/accounts/contractorcompany/").content.decode()

    assert "(909) 555-0111 ext. 12" in page
