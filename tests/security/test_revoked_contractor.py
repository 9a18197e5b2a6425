"""A contractor whose access ends: a deactivated account, a colleague who changed company."""

import pytest

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
