"""A contractor whose access ends: a deactivated account, a colleague who changed company."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from enrollment.models import Status
from tests.factories import ContractorCompanyFactory, ContractorFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_request():
    company = ContractorCompanyFactory()
    filer = ContractorFactory(company=company, is_company_admin=True)
    colleague = ContractorFactory(company=company)
    msa_request = MsaRequestFactory(
        filed_by=filer, contractor_company=company, status=Status.UNDER_REVIEW
    )
    return filer, colleague, msa_request


def test_a_deactivated_contractor_loses_pages_and_api_tokens_at_once(client, company_request):
    filer, _colleague, msa_request = company_request
    _token, raw = account_services.api_token_create(user=filer, name="CRM")
    client.force_login(filer)
    assert client.get(msa_request.get_absolute_url()).status_code == 200

    type(filer).objects.filter(pk=filer.pk).update(is_active=False)

    response = client.get(msa_request.get_absolute_url())
    assert response.status_code in (302, 404)
    assert account_services.api_token_authenticate(raw) is None


def test_a_colleague_who_left_the_company_no_longer_sees_its_requests(client, company_request):
    _filer, colleague, msa_request = company_request
    client.force_login(colleague)
    assert client.get(msa_request.get_absolute_url()).status_code == 200

    # A contractor always belongs to a company (a database constraint): leaving means moving.
    type(colleague).objects.filter(pk=colleague.pk).update(company=ContractorCompanyFactory())

    assert client.get(msa_request.get_absolute_url()).status_code == 404


# --- the person who filed leaves too (issue 17) ------------------------------------------------


def _leave(filer, how: str) -> None:
    """Make ``filer`` leave the company the way ``how`` says."""
    users = type(filer).objects.filter(pk=filer.pk)
    if how == "moved":
        users.update(company=ContractorCompanyFactory())
    elif how == "deactivated":
        users.update(is_active=False)
    elif how == "role_removed":  # no longer a contractor, the company field left as it was
        users.update(role="customer", is_company_admin=False)
    else:  # removed from the company: no longer a contractor of any company
        users.update(role="customer", company=None, is_company_admin=False)


@pytest.mark.parametrize("how", ["moved", "deactivated", "removed", "role_removed"])
def test_the_filer_who_left_the_company_loses_its_request_in_the_pages(
    client, company_request, how
):
    filer, colleague, msa_request = company_request
    msa_request.status = Status.DRAFT
    msa_request.save()
    client.force_login(filer)
    wizard = reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": "premises"})
    assert client.get(msa_request.get_absolute_url()).status_code == 200

    _leave(filer, how)

    assert client.get(msa_request.get_absolute_url()).status_code in (302, 404)
    assert client.get(wizard).status_code in (302, 404)
    response = client.post(wizard, {"premises_address": "1 Attacker Way"})
    assert response.status_code in (302, 404)
    msa_request.refresh_from_db()
    assert msa_request.premises_address != "1 Attacker Way"
    # The colleague who stayed keeps the company's request.
    client.force_login(colleague)
    assert client.get(msa_request.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("how", ["moved", "deactivated", "removed", "role_removed"])
def test_the_filer_who_left_the_company_loses_its_request_through_the_api_with_an_old_token(
    client, company_request, how
):
    filer, _colleague, msa_request = company_request
    _token, raw = account_services.api_token_create(user=filer, name="CRM")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"/api/v1/requests/{msa_request.pk}", headers=headers).status_code == 200

    _leave(filer, how)

    detail = client.get(f"/api/v1/requests/{msa_request.pk}", headers=headers)
    assert detail.status_code in (401, 404)
    listing = client.get("/api/v1/requests", headers=headers)
    assert listing.status_code == 401 or listing.json()["count"] == 0
    cancel = client.post(f"/api/v1/requests/{msa_request.pk}/cancel", headers=headers)
    assert cancel.status_code in (401, 404)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
