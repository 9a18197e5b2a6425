"""Staff bookmarks of the request admin from before the model was named Request still work."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_old_request_admin_bookmark_lands_on_the_same_page_of_the_request_admin(client):
    response = client.get("/admin/enrollment/application/42/change/?_changelist_filters=x")

    assert response.status_code == 301
    assert response["Location"] == "/admin/enrollment/request/42/change/?_changelist_filters=x"


def test_the_old_queue_address_lands_on_the_queue(client):
    response = client.get("/admin/enrollment/application/")

    assert response.status_code == 301
    assert response["Location"] == "/admin/enrollment/request/"
