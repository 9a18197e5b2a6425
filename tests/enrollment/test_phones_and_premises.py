"""Issue 24: phone numbers in E.164 with their extension, PO Boxes refused, a unit printed once."""

import pytest
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from common.addresses import format_address, is_po_box, street_with_unit
from common.phones import phones_normalise
from enrollment.models import Request
from tests.enrollment.test_wizard import ANSWERS, step_url
from tests.factories import ContractorCompanyFactory, MsaRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client):
    customer = UserFactory()
    client.force_login(customer)
    return MsaRequestFactory(applicant=customer, filed_by=customer)


@pytest.fixture
def spanish_draft(client):
    customer = UserFactory(preferred_language="es")
    client.force_login(customer)
    return MsaRequestFactory(applicant=customer, filed_by=customer, customer_language="es")


def test_a_phone_with_an_extension_is_stored_in_e164_and_shown_back_nationally(client, draft):
    response = client.post(
        step_url(draft, "accounts"),
        {**ANSWERS["accounts"], "customer_phone": "(626) 555-0100 ext. 12"},
    )

    assert response.status_code == 302
    # Cast: the column's text as stored, not read back through the field.
    stored = Request.objects.annotate(raw=Cast("customer_phone", CharField())).get(pk=draft.pk)
    assert stored.raw == "+16265550100;ext=12"
    page = client.get(step_url(draft, "accounts")).content.decode()
    assert 'value="(626) 555-0100 ext. 12"' in page


@pytest.mark.parametrize("typed", ["----------", "555-0100", "(626) 555-01"])
def test_a_phone_that_is_not_a_number_is_refused_with_an_example(client, draft, typed):
    response = client.post(
        step_url(draft, "accounts"), {**ANSWERS["accounts"], "customer_phone": typed}
    )

    assert response.status_code == 200
    assert "Enter a phone number such as (626) 555-0100" in response.content.decode()
    assert Request.objects.get(pk=draft.pk).customer_phone != typed


def test_the_phone_refusal_is_in_spanish_for_a_spanish_reader(client, spanish_draft):
    response = client.post(
        step_url(spanish_draft, "accounts"),
        {**ANSWERS["accounts"], "customer_phone": "----------"},
    )

    assert "Ingrese un número de teléfono como (626) 555-0100" in response.content.decode()


@pytest.mark.parametrize(
    "street",
    [
        "PO Box 12",
        "P.O. Box 12",
        "Post Office Box 7",
        "POB 5",
        "P.O.B. 5",
        "Apartado Postal 44",
        "Apdo. Postal 3",
    ],
)
def test_a_po_box_is_refused_as_the_premises(client, draft, street):
    response = client.post(
        step_url(draft, "premises"), {**ANSWERS["premises"], "premises_street": street}
    )

    assert response.status_code == 200
    assert "not a PO Box" in response.content.decode()
    assert Request.objects.get(pk=draft.pk).premises_street != street


def test_a_po_box_in_the_unit_line_is_refused_too(client, draft):
    response = client.post(
        step_url(draft, "premises"), {**ANSWERS["premises"], "premises_unit": "PO Box 9"}
    )

    assert response.status_code == 200
    assert "not a PO Box" in response.content.decode()


def test_the_po_box_refusal_is_in_spanish(client, spanish_draft):
    response = client.post(
        step_url(spanish_draft, "premises"),
        {**ANSWERS["premises"], "premises_street": "Apartado Postal 44"},
    )

    assert "no un apartado postal" in response.content.decode()


@pytest.mark.parametrize("street", ["12 Pobre St", "500 Poe Blvd", "1 Boxwood Ln", "8631 Rush St"])
def test_streets_that_only_look_like_a_box_are_accepted(street):
    assert not is_po_box(street)


def test_a_company_may_keep_a_po_box_as_its_mailing_address():
    company = ContractorCompanyFactory(address="PO Box 12, Rosemead, CA 91770")

    company.full_clean()


@pytest.mark.parametrize(
    ("street", "unit", "line"),
    [
        ("12 Main St Apt 4", "Apt 4", "12 Main St Apt 4"),
        ("12 Main St Apt 4", "4", "12 Main St Apt 4"),
        ("12 Main St Apt 4", "apt. 4", "12 Main St Apt 4"),
        ("12 Main St #4", "Apt 4", "12 Main St #4"),
        ("12 Main St, Unit 4B", "#4b", "12 Main St, Unit 4B"),
        ("12 Main St", "Apt 4", "12 Main St Apt 4"),
        ("12 Main St Apt 4", "5", "12 Main St Apt 4 5"),
        ("12 Avenue B", "B", "12 Avenue B B"),
        ("12 Main St 14", "4", "12 Main St 14 4"),
    ],
)
def test_a_unit_typed_in_both_lines_is_printed_once(street, unit, line):
    assert street_with_unit(street, unit) == line


def test_the_premises_address_is_one_line_with_the_unit_once():
    msa_request = MsaRequestFactory(
        premises_street="12 Main St Apt 4", premises_unit="Apt 4", premises_zip="91770"
    )

    assert msa_request.premises_address == format_address(
        street="12 Main St Apt 4", unit="", city="Rosemead", state="CA", zip_code="91770"
    )
    assert msa_request.premises_address == "12 Main St Apt 4, Rosemead, CA 91770"


def test_the_status_page_prints_the_unit_once(client, draft):
    Request.objects.filter(pk=draft.pk).update(
        premises_street="12 Main St Apt 4", premises_unit="4"
    )

    page = client.get(draft.get_absolute_url()).content.decode()

    assert "12 Main St Apt 4," in page
    assert "Apt 4 4" not in page


def test_stored_phones_that_parse_are_rewritten_and_the_rest_kept_as_typed():
    typed = {
        "(626) 555-0100 x12": "+16265550100;ext=12",
        "626.555.0199": "+16265550199",
        "call the office": "call the office",
    }
    pks = {}
    with connection.cursor() as cursor:
        for value in typed:
            pks[value] = MsaRequestFactory().pk
            cursor.execute(
                "UPDATE enrollment_application SET customer_phone = %s WHERE id = %s",
                [value, pks[value]],
            )

    changed = phones_normalise(Request, "customer_phone")

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, customer_phone FROM enrollment_application")
        stored = dict(cursor.fetchall())
    assert changed == 2
    assert {value: stored[pk] for value, pk in pks.items()} == typed
