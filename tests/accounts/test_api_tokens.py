import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from accounts.models import ApiToken
from tests.factories import ContractorFactory, StaffFactory, UserFactory


@pytest.mark.django_db
def test_a_contractor_creates_a_token_shown_once_and_stored_hashed(client):
    contractor = ContractorFactory()
    client.force_login(contractor)

    html = client.post("/company/api-tokens/", {"name": "Our CRM"}).content.decode()

    token = ApiToken.objects.get(user=contractor)
    raw = html.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("msa_") and len(raw) > 40
    assert token.token_hash != raw and raw not in token.token_hash
    assert services.api_token_authenticate(raw) == contractor
    assert raw not in client.get("/company/api-tokens/").content.decode()


@pytest.mark.django_db
def test_a_revoked_token_no_longer_authenticates(client):
    contractor = ContractorFactory()
    token, raw = services.api_token_create(user=contractor, name="CRM")
    client.force_login(contractor)

    client.post(f"/company/api-tokens/{token.pk}/revoke/")

    assert services.api_token_authenticate(raw) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_staff_can_revoke_any_token_and_others_cannot():
    token, raw = services.api_token_create(user=ContractorFactory(), name="CRM")

    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=token, actor=ContractorFactory())
    services.api_token_revoke(token=token, actor=StaffFactory())

    assert services.api_token_authenticate(raw) is None


@pytest.mark.django_db
def test_a_contractor_cannot_revoke_another_users_token(client):
    token, raw = services.api_token_create(user=ContractorFactory(), name="CRM")
    client.force_login(ContractorFactory())

    assert client.post(f"/company/api-tokens/{token.pk}/revoke/").status_code == 404
    assert services.api_token_authenticate(raw) is not None


@pytest.mark.django_db
def test_customers_and_unverified_companies_get_no_tokens(client):
    with pytest.raises(PermissionDenied):
        services.api_token_create(user=UserFactory(), name="x")
    with pytest.raises(PermissionDenied):
        services.api_token_create(user=ContractorFactory(company__verified_at=None), name="x")
    client.force_login(UserFactory())
    assert client.get("/company/api-tokens/").status_code == 404


@pytest.mark.django_db
def test_unknown_or_malformed_tokens_do_not_authenticate():
    assert services.api_token_authenticate("msa_not-a-real-token") is None
    assert services.api_token_authenticate("Bearer whatever") is None
