"""The public Approved Product List and the "Am I eligible?" questionnaire."""

import pytest
from django.template.loader import render_to_string

from eligibility import demo
from eligibility.models import ApprovedProduct
from enrollment.eligibility import eligibility_check_run
from tests.eligibility.factories import eligible_submitted_request
from tests.factories import ApprovedProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_apl():
    demo.seed(stdout=None)


def test_product_list_shows_active_devices_with_requirements_and_spec_sheet(client, sample_apl):
    response = client.get("/eligibility/approved-products/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "IslandDER (sample)" in html
    assert "Backup Switch (sample)" in html
    assert "Retired Collar" not in html
    assert "Ring-type socket only" in html
    assert 'href="https://www.tesla.com/"' in html
    assert "Sample data" in html


def test_product_list_filters_by_type_and_manufacturer(client, sample_apl):
    html = client.get(
        "/eligibility/approved-products/", {"adapter_type": "non_isolating"}
    ).content.decode()
    assert "EV MSA (sample)" in html
    assert "IslandDER (sample)" not in html

    html = client.get(
        "/eligibility/approved-products/", {"manufacturer": "Enphase"}
    ).content.decode()
    assert "IQ Meter Collar (sample)" in html
    assert "ConnectDER" not in html.split("Requirements for every site")[0].split("</form>")[1]


def test_product_list_queries_do_not_grow_with_the_list(client, django_assert_max_num_queries):
    ApprovedProductFactory.create_batch(3)
    with django_assert_max_num_queries(4) as few:
        client.get("/eligibility/approved-products/")
    ApprovedProductFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/eligibility/approved-products/")


def test_questionnaire_answers_rule_by_rule_in_words(client, sample_apl):
    device = ApprovedProduct.objects.get(manufacturer="Tesla")

    response = client.get(
        "/eligibility/check/",
        {
            "request_type": "install",
            "device": device.pk,
            "residential": "yes",
            "meter_self_contained": "yes",
            "service_phase": "1",
            "service_wires": "3",
            "service_voltage": "120/240",
            "panel_rating_amps": "225",
            "backfeed_amps": "0",
            "meter_socket_form": "2S",
            "socket_ring_type": "ring",
            "comm_cable": "liquidtight",
            "esr_violation": "none",
            "waterproof_bag_commitment": "yes",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    report = response.context["report"]
    assert report.outcome == "fail"
    results = {r.code: r.result for r in report.rules}
    assert results["PANEL_MAX_200A"] == "fail"
    assert results["COMM_CABLE_NOT_IN_LIQUIDTIGHT"] == "fail"
    assert results["SERVICE_1PH_3W_240"] == "pass"
    assert "Does not meet the requirement" in html  # words, not colour alone
    assert "Meets the requirement" in html
    assert "Service panel rated 200 A or less" in html
    assert "225 A" in html


def test_questionnaire_with_dont_know_answers_asks_rather_than_fails(client):
    response = client.get("/eligibility/check/", {"request_type": "removal"})

    assert response.status_code == 200
    assert response.context["report"].outcome == "review"
    assert "Needs a check" in response.content.decode()


def test_questionnaire_shows_errors_for_impossible_answers(client):
    response = client.get(
        "/eligibility/check/", {"request_type": "install", "panel_rating_amps": "-4"}
    )

    assert response.context["report"] is None
    assert response.context["form"].errors["panel_rating_amps"]


def test_blank_questionnaire_page_has_no_results_yet(client, sample_apl):
    device = ApprovedProduct.objects.get(manufacturer="Enphase")

    response = client.get("/eligibility/check/", {"device": device.pk})

    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"]["device"].value() == str(device.pk)


def test_results_include_renders_a_requests_stored_results():
    msa_request = eligible_submitted_request(esr_violation="yes")
    eligibility_check_run(msa_request_id=msa_request.pk)
    msa_request.refresh_from_db()

    html = render_to_string(
        "enrollment/includes/eligibility_results.html",
        {
            "rules": msa_request.eligibility_results.all(),
            "outcome": msa_request.eligibility_outcome,
        },
    )

    assert "Something needs fixing." in html
    assert "No Electric Service Requirement violation" in html
    assert html.count("Does not meet the requirement:") == 1
    assert html.count("Meets the requirement:") == 12
