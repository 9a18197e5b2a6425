"""Site facts as people write them: read one way, impossible values refused with a message,
missing facts answered with what is needed (DESIGN.md §4)."""

import json

import pytest
from django.core.cache import cache

from eligibility.rules import CheckContext, SiteFacts, evaluate
from tests.eligibility.test_api import good_facts
from tests.factories import ApprovedProductFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/eligibility/check"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def rule(body, code):
    return next(r for r in body["rules"] if r["code"] == code)


@pytest.mark.parametrize(
    "spelling", ["120/240", "240/120", "120-240", "120/240V", " 120 / 240 v ", "240-120V"]
)
def test_a_120_240_service_written_any_usual_way_is_not_refused(client, spelling):
    device = ApprovedProductFactory()

    body = post(client, {**good_facts(device.pk), "service_voltage": spelling}).json()

    assert rule(body, "SERVICE_1PH_3W_240")["result"] == "pass"
    assert body["outcome"] == "pass"


@pytest.mark.parametrize("spelling", ["2S", " 2s ", "2 S", "FM 2S"])
def test_a_2s_socket_written_in_any_case_or_spacing_fits_a_2s_device(client, spelling):
    device = ApprovedProductFactory(compatible_socket_forms=["2S"])

    body = post(client, {**good_facts(device.pk), "meter_socket_form": spelling}).json()

    assert rule(body, "DEVICE_REQUIREMENTS")["result"] == "pass"


@pytest.mark.parametrize("spelling", ["8000000001", "8000-000-001", "8000 000 001"])
def test_an_account_number_copied_with_spaces_or_dashes_is_accepted(client, spelling):
    device = ApprovedProductFactory()

    response = post(client, {**good_facts(device.pk), "service_account_number": spelling})

    assert response.status_code == 200


def test_the_rules_read_spellings_the_same_way_whoever_calls_them():
    facts = SiteFacts.from_dict(
        {
            "service_voltage": "240/120V",
            "meter_socket_form": " 2s ",
            "service_account_number": "8000-000 001",
            "meter_number": " m1000001 ",
        }
    )
    assert (facts.service_voltage, facts.meter_socket_form) == ("120/240", "2S")
    assert (facts.service_account_number, facts.meter_number) == ("8000000001", "M1000001")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("panel_rating_amps", 0),
        ("backfeed_amps", -5),
        ("service_voltage", "lots"),
        ("service_account_number", "8000-000"),
        ("meter_socket_form", "   "),
    ],
)
def test_an_impossible_value_is_refused_naming_the_field(client, field, value):
    device = ApprovedProductFactory()

    response = post(client, {**good_facts(device.pk), field: value})

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["errors"][field][0]


def test_an_empty_request_is_told_what_we_need_not_to_choose_an_msa(client):
    body = post(client, {}).json()

    assert body["outcome"] == "review"
    assert [r for r in body["rules"] if r["result"] == "fail"] == []
    device = rule(body, "DEVICE_APPROVED")
    assert device["result"] == "review"
    assert "We need to know which MSA" in device["message"]
    assert "We need your service panel's rating" in rule(body, "PANEL_MAX_200A")["message"]


def test_a_clean_site_gets_a_pass_with_the_record_checks_pending(client):
    device = ApprovedProductFactory()

    body = post(client, good_facts(device.pk)).json()

    assert body["outcome"] == "pass"
    assert {r["code"]: r["result"] for r in body["pending"]} == {
        "METER_RECORD_MATCH": "pending",
        "NO_OPEN_DUPLICATE": "pending",
    }


def test_a_site_that_needs_a_person_is_told_apart_from_a_clean_one(client):
    device = ApprovedProductFactory()

    body = post(client, {**good_facts(device.pk), "esr_violation": "unknown"}).json()

    assert body["outcome"] == "review"
    assert rule(body, "NO_ESR_VIOLATION")["result"] == "review"


def test_the_eligibility_page_shows_the_checks_that_wait_for_the_filing(client):
    device = ApprovedProductFactory()
    query = {
        **{k: v for k, v in good_facts(device.pk).items() if v is not None},
        "residential": "yes",
        "meter_self_contained": "yes",
        "waterproof_bag_commitment": "yes",
        "energized_in_liquidtight": "yes",
        "comm_cable": "none",
        "energized_present": "no",
        "meter_socket_form": " 2s ",
        "service_voltage": "120/240",
    }

    response = client.get("/eligibility/check/", query)

    assert response.context["report"].outcome == "pass"
    html = response.content.decode()
    assert "You meet every requirement." in html
    assert "Checked when you file" in html


def test_the_api_tells_an_unknown_communication_cable_from_none(client):
    device = ApprovedProductFactory(adapter_type="isolating")
    facts = good_facts(device.pk)  # comm_cable_in_liquidtight null: "no cable", as documented

    left_out = post(client, facts).json()
    unknown = post(client, {**facts, "comm_cable_present": None}).json()
    none = post(client, {**facts, "comm_cable_present": False}).json()

    assert rule(left_out, "COMM_CABLE_NOT_IN_LIQUIDTIGHT")["result"] == "pass"
    assert rule(unknown, "COMM_CABLE_NOT_IN_LIQUIDTIGHT")["result"] == "review"
    assert rule(none, "COMM_CABLE_NOT_IN_LIQUIDTIGHT")["result"] == "pass"


def test_a_meter_record_writing_the_voltage_another_way_is_not_a_difference():
    # The utility's records are written by people too: "240/120V" there is "120/240" here.
    facts = SiteFacts.from_dict(
        {"service_voltage": "120/240", "service_account_number": "8000000001", "meter_number": "M1"}
    )
    context = CheckContext(meter_lookup_done=True, meter_record={"service_voltage": "240/120V"})

    match = next(r for r in evaluate(facts, context).rules if r.code == "METER_RECORD_MATCH")

    assert str(match.result) == "pass", match.text
