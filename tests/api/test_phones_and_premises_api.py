"""Issue 24 through the API: a ZIP+4, a phone with an extension, a PO Box, as the web form."""

import pytest

from accounts import services as account_services
from enrollment.models import Request
from tests.api.test_requests_write_api import DRAFT, post
from tests.factories import ContractorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return account_services.api_token_create(user=ContractorFactory(), name="CRM")[1]


@pytest.mark.parametrize("typed", ["91770-1234", "917701234"])
def test_a_zip_plus_four_is_accepted_and_its_first_five_digits_kept(client, token, typed):
    response = post(client, "/api/v1/requests", token, {**DRAFT, "premises_zip": typed})

    assert response.status_code == 201
    assert Request.objects.get().premises_zip == "91770"
    assert response.json()["premises_address"].endswith("CA 91770")


def test_a_malformed_zip_is_still_refused(client, token):
    response = post(client, "/api/v1/requests", token, {**DRAFT, "premises_zip": "9177-01234"})

    assert response.status_code == 400
    assert "premises_zip" in str(response.json()["errors"])
    assert Request.objects.count() == 0


def test_a_phone_with_an_extension_is_stored_and_answered_in_e164(client, token):
    response = post(
        client, "/api/v1/requests", token, {**DRAFT, "customer_phone": "(626) 555-0100 ext. 12"}
    )

    assert response.status_code == 201
    assert response.json()["customer_phone"] == "+16265550100;ext=12"
    stored = Request.objects.values_list("customer_phone", flat=True).get()
    assert (stored.as_e164, stored.extension) == ("+16265550100", "12")


def test_a_phone_that_is_not_a_number_is_refused_with_the_field_named(client, token):
    response = post(client, "/api/v1/requests", token, {**DRAFT, "customer_phone": "----------"})

    assert response.status_code == 400
    assert "Enter a phone number such as (626) 555-0100" in str(
        response.json()["errors"]["customer_phone"]
    )
    assert Request.objects.count() == 0


@pytest.mark.parametrize("street", ["PO Box 12", "P.O. Box 12", "POB 5", "Apartado Postal 44"])
def test_a_po_box_is_refused_as_the_premises(client, token, street):
    response = post(client, "/api/v1/requests", token, {**DRAFT, "premises_street": street})

    assert response.status_code == 400
    assert "not a PO Box" in str(response.json()["errors"]["premises_street"])
    assert Request.objects.count() == 0


def test_a_unit_given_in_both_lines_is_answered_once(client, token):
    response = post(
        client,
        "/api/v1/requests",
        token,
        {**DRAFT, "premises_street": "10 Garvey Ave Apt 4", "premises_unit": "Apt 4"},
    )

    assert response.json()["premises_address"] == "10 Garvey Ave Apt 4, Rosemead, CA 91770"
