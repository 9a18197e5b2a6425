"""The contractor API's requests: tokens, the web portal's permissions, polling, errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as account_services
from enrollment.api import StatusName
from enrollment.models import Request, Status
from tests.factories import ContractorFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contractor():
    return ContractorFactory()


@pytest.fixture
def token(contractor):
    _token, raw = account_services.api_token_create(user=contractor, name="CRM")
    return raw


def get(client, url, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, params, headers=headers)


def filed_by(contractor, **fields):
    return MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company, **fields)


def test_the_schema_knows_every_request_status():
    assert set(StatusName.__args__) == set(Status.values)


def test_a_contractor_lists_only_their_companys_requests(client, contractor, token):
    mine = filed_by(contractor)
    colleague = filed_by(ContractorFactory(company=contractor.company))
    MsaRequestFactory()  # a customer's own request
    filed_by(ContractorFactory())  # another company's

    body = get(client, "/api/v1/requests", token).json()

    assert body["count"] == 2
    assert {item["id"] for item in body["items"]} == {mine.pk, colleague.pk}


def test_another_companys_request_is_a_404_with_the_error_shape(client, token):
    theirs = filed_by(ContractorFactory())

    response = get(client, f"/api/v1/requests/{theirs.pk}", token)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such resource.", "errors": {}}


def test_one_request_in_full(client, contractor, token, staff_user):
    from enrollment import services

    msa_request = filed_by(contractor, status=Status.UNDER_REVIEW)
    services.request_approve(msa_request_id=msa_request.pk, actor=staff_user)

    body = get(client, f"/api/v1/requests/{msa_request.pk}", token).json()

    assert body["reference"] == msa_request.reference
    assert body["site_facts"]["panel_rating_amps"] == 200
    assert [e["to_status"] for e in body["timeline"]][-1] in ("approved", "scheduled")


def test_a_revoked_or_missing_token_is_401(client, contractor, token):
    assert get(client, "/api/v1/requests").status_code == 401
    assert get(client, "/api/v1/requests", "msa_made-up").status_code == 401
    api_token = contractor.api_tokens.get()
    account_services.api_token_revoke(token=api_token, actor=contractor)

    response = get(client, "/api/v1/requests", token)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_polling_client_sees_exactly_the_requests_changed_since_its_last_call(
    client, contractor, token
):
    old = filed_by(contractor)
    changed = filed_by(contractor)
    last_call = timezone.now()
    Request.objects.filter(pk=old.pk).update(updated_at=last_call - timedelta(minutes=5))
    Request.objects.filter(pk=changed.pk).update(updated_at=last_call + timedelta(seconds=1))

    body = get(client, "/api/v1/requests", token, updated_since=last_call.isoformat()).json()

    assert [item["id"] for item in body["items"]] == [changed.pk]


def test_status_filter(client, contractor, token):
    draft = filed_by(contractor)
    filed_by(contractor, status=Status.UNDER_REVIEW)

    body = get(client, "/api/v1/requests", token, status="draft").json()

    assert [item["id"] for item in body["items"]] == [draft.pk]


def test_each_token_is_throttled(client, contractor, token, settings):
    from django.core.cache import cache

    cache.clear()
    settings.MSA_API_TOKEN_RATE = "3/m"
    statuses = [get(client, "/api/v1/requests", token).status_code for _ in range(4)]
    _other, other_raw = account_services.api_token_create(user=contractor, name="Other")

    assert statuses == [200, 200, 200, 429]
    assert get(client, "/api/v1/requests", other_raw).status_code == 200


def test_polling_accepts_any_offset_json_allows(client, contractor, token):
    filed_by(contractor)

    response = get(client, "/api/v1/requests", token, updated_since="2026-01-01T00:00:00+20:07")
    naive = get(client, "/api/v1/requests", token, updated_since="2026-01-01T00:00:00")

    assert response.status_code == naive.status_code == 200
    assert response.json()["count"] == naive.json()["count"] == 1
