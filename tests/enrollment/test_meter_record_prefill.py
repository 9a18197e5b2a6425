"""Ask the record before the person: a meter on record is confirmed, not described again."""

import pytest
from django.urls import reverse

from enrollment import wizard
from enrollment.models import MeterRecordState, Request
from tests.enrollment.factories import consent_through_page, eligible_draft
from tests.factories import MeterRecordFactory

pytestmark = pytest.mark.django_db


def step_url(msa_request, step):
    return reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": step})


ACCOUNTS = {
    "customer_name": "Dana Customer",
    "customer_phone": "(626) 555-0199",
    "customer_account_number": "712345678901",
    "rule21_reference": "",
}


def start(client, customer):
    client.force_login(customer)
    client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})
    return Request.objects.get()


def test_a_homeowner_whose_meter_is_on_record_confirms_it_instead_of_typing_it(client, customer):
    MeterRecordFactory(
        service_account_number="8000000002",
        meter_number="M0000002",
        service_address="12 Oak Ave",
        city="Pasadena",
        zip_code="91101",
        panel_rating_amps=125,
    )
    msa_request = start(client, customer)

    response = client.post(
        step_url(msa_request, "accounts"),
        {**ACCOUNTS, "service_account_number": "8000000002", "meter_number": "m0000002"},
    )

    assert response.url == step_url(msa_request, "records")
    page = client.get(response.url).content.decode()
    assert "12 Oak Ave" in page and "Pasadena" in page and "125 A" in page and "120/240 V" in page
    response = client.post(step_url(msa_request, "records"), {"record_right": "True"})
    assert response.url == step_url(msa_request, "safety")
    # The address and the meter questions are not asked again.
    assert client.get(step_url(msa_request, "premises")).status_code == 404
    assert client.get(step_url(msa_request, "meter")).status_code == 404
    msa_request.refresh_from_db()
    assert msa_request.meter_record_state == MeterRecordState.CONFIRMED
    assert (msa_request.premises_street, msa_request.premises_zip) == ("12 Oak Ave", "91101")
    assert (msa_request.service_voltage, msa_request.panel_rating_amps) == ("120/240", 125)
    assert msa_request.residential is True and msa_request.service_phase == 1


def test_a_homeowner_who_says_the_record_is_wrong_corrects_it_on_prefilled_steps(client, customer):
    MeterRecordFactory(
        service_account_number="8000000002", meter_number="M0000002", panel_rating_amps=125
    )
    msa_request = start(client, customer)
    client.post(
        step_url(msa_request, "accounts"),
        {**ACCOUNTS, "service_account_number": "8000000002", "meter_number": "M0000002"},
    )

    client.post(step_url(msa_request, "records"), {"record_right": "False"})

    page = client.get(step_url(msa_request, "meter"))
    assert page.status_code == 200
    assert page.context["form"]["panel_rating_amps"].value() == 125
    assert client.get(step_url(msa_request, "premises")).status_code == 200


def test_a_meter_not_on_record_is_asked_about_as_before(client, customer):
    msa_request = start(client, customer)

    response = client.post(
        step_url(msa_request, "accounts"),
        {**ACCOUNTS, "service_account_number": "8999999999", "meter_number": "M9999999"},
    )

    assert response.url == step_url(msa_request, "safety")
    assert client.get(step_url(msa_request, "records")).status_code == 404
    assert client.get(step_url(msa_request, "meter")).status_code == 200


def test_a_confirmed_record_is_not_overwritten_when_the_same_numbers_are_saved_again(
    client, customer
):
    MeterRecordFactory(service_account_number="8000000002", meter_number="M0000002")
    msa_request = start(client, customer)
    numbers = {**ACCOUNTS, "service_account_number": "8000000002", "meter_number": "M0000002"}
    client.post(step_url(msa_request, "accounts"), numbers)
    client.post(step_url(msa_request, "records"), {"record_right": "True"})

    client.post(step_url(msa_request, "accounts"), numbers)

    msa_request.refresh_from_db()
    assert msa_request.meter_record_state == MeterRecordState.CONFIRMED


def test_a_failed_rule_on_a_confirmed_record_links_to_the_record_step(client, customer):
    msa_request = eligible_draft(
        applicant=customer, panel_rating_amps=400, meter_record_state=MeterRecordState.CONFIRMED
    )
    client.force_login(customer)

    html = client.get(step_url(msa_request, "review")).content.decode()

    assert step_url(msa_request, "records") in html


def test_the_step_counter_keeps_its_total_when_the_agreement_is_reached(client, customer):
    msa_request = eligible_draft(applicant=customer)
    client.force_login(customer)

    review = client.get(step_url(msa_request, "review")).content.decode()
    sign = consent_through_page(
        client, reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})
    )

    total = len(wizard.steps_for(msa_request)) + 1
    assert f"of {total}" in review
    assert f"Step {total} of {total}" in sign.content.decode()
