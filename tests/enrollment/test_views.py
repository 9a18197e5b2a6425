import pytest

from enrollment.models import Status
from tests.factories import MsaRequestFactory, UserFactory


@pytest.mark.django_db
def test_owner_sees_the_status_page_with_its_timeline(client, staff_user):
    from enrollment import services

    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW)
    services.request_approve(msa_request_id=msa_request.pk, actor=staff_user, note="All good.")
    client.force_login(msa_request.applicant)

    response = client.get(f"/requests/{msa_request.pk}/")

    assert response.status_code == 200
    assert msa_request.reference in response.content.decode()
    assert "All good." in response.content.decode()


@pytest.mark.django_db
def test_another_customer_gets_404_not_403(client):
    msa_request = MsaRequestFactory()
    client.force_login(UserFactory())

    assert client.get(f"/requests/{msa_request.pk}/").status_code == 404


@pytest.mark.django_db
def test_my_requests_lists_only_my_own(client):
    mine = MsaRequestFactory()
    theirs = MsaRequestFactory()
    client.force_login(mine.applicant)

    html = client.get("/requests/").content.decode()

    assert mine.reference in html
    assert theirs.reference not in html


@pytest.mark.django_db
def test_pages_need_a_login(client):
    msa_request = MsaRequestFactory()

    assert client.get(f"/requests/{msa_request.pk}/").status_code == 302
    assert client.get("/requests/").status_code == 302
