import pytest

from enrollment.models import Status
from tests.factories import ApplicationFactory, UserFactory


@pytest.mark.django_db
def test_owner_sees_the_status_page_with_its_timeline(client, staff_user):
    from enrollment import services

    application = ApplicationFactory(status=Status.UNDER_REVIEW)
    services.request_approve(application_id=application.pk, actor=staff_user, note="All good.")
    client.force_login(application.applicant)

    response = client.get(f"/requests/{application.pk}/")

    assert response.status_code == 200
    assert application.reference in response.content.decode()
    assert "All good." in response.content.decode()


@pytest.mark.django_db
def test_another_customer_gets_404_not_403(client):
    application = ApplicationFactory()
    client.force_login(UserFactory())

    assert client.get(f"/requests/{application.pk}/").status_code == 404


@pytest.mark.django_db
def test_my_requests_lists_only_my_own(client):
    mine = ApplicationFactory()
    theirs = ApplicationFactory()
    client.force_login(mine.applicant)

    html = client.get("/requests/").content.decode()

    assert mine.reference in html
    assert theirs.reference not in html


@pytest.mark.django_db
def test_pages_need_a_login(client):
    application = ApplicationFactory()

    assert client.get(f"/requests/{application.pk}/").status_code == 302
    assert client.get("/requests/").status_code == 302
