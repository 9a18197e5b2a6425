"""POST /api/v1/eligibility/check: site facts in, outcome and per-rule results out."""

import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from eligibility.rules import registered_codes
from tests.factories import ApprovedProductFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/eligibility/check"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def good_facts(device_id: int) -> dict:
    return {
        "request_type": "install",
        "residential": True,
        "meter_self_contained": True,
        "service_phase": 1,
        "service_wires": 3,
        "service_voltage": "120/240",
        "panel_rating_amps": 200,
        "backfeed_amps": 0,
        "device": device_id,
        "meter_socket_form": "2S",
        "socket_ring_type": "ring",
        "comm_cable_in_liquidtight": None,
        "energized_conductors": ["ev_charging_cable"],
        "energized_in_liquidtight": True,
        "esr_violation": "none",
        "waterproof_bag_commitment": True,
        "service_account_number": "8000000001",
        "meter_number": "M1000001",
    }


def post(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def test_good_facts_get_every_rule_with_a_result_and_message(client):
    device = ApprovedProductFactory()

    response = post(client, good_facts(device.pk))

    assert response.status_code == 200
    body = response.json()
    record_rules = ["METER_RECORD_MATCH", "NO_OPEN_DUPLICATE"]
    install_rules = [
        c for c in registered_codes() if c not in (*record_rules, "EXISTING_DEVICE_DESCRIBED")
    ]
    assert [r["code"] for r in body["rules"]] == install_rules
    assert {r["result"] for r in body["rules"]} == {"pass"}
    assert all(set(r) == {"code", "result", "message"} and r["message"] for r in body["rules"])
    # Meter records and duplicates are only checked after applying: they wait, apart.
    assert [r["code"] for r in body["pending"]] == record_rules
    assert {r["result"] for r in body["pending"]} == {"pending"}
    assert body["outcome"] == "pass"


def test_a_201_amp_panel_fails_with_the_reason(client):
    device = ApprovedProductFactory()

    body = post(client, {**good_facts(device.pk), "panel_rating_amps": 201}).json()

    assert body["outcome"] == "fail"
    panel = next(r for r in body["rules"] if r["code"] == "PANEL_MAX_200A")
    assert panel["result"] == "fail"
    assert "201 A" in panel["message"]


def test_an_empty_object_answers_review_or_fail_never_an_error(client):
    response = post(client, {})

    assert response.status_code == 200
    assert response.json()["outcome"] in ("review", "fail")


def test_malformed_json_is_a_400_in_the_error_shape(client):
    response = post(client, '{"panel_rating_amps": 200,')

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert "__all__" in body["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("panel_rating_amps", "two hundred"),
        ("panel_rating_amps", "200"),  # a string is not a number in this API
        ("residential", "yes"),
        ("service_phase", 2),
        ("request_type", "upgrade"),
        ("energized_conductors", ["garden_hose"]),
        ("backfeed_amps", -1),
        ("service_account_number", "12345"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(client, field, value):
    response = post(client, {field: value})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert any(key == field or key.startswith(f"{field}.") for key in body["errors"])
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)


def test_unknown_fields_are_a_400_so_typos_do_not_pass_silently(client):
    response = post(client, {"panel_rating_amp": 200})

    assert response.status_code == 400
    assert "panel_rating_amp" in response.json()["errors"]


def test_a_json_list_instead_of_an_object_is_a_400(client):
    assert post(client, [1, 2]).status_code == 400


def test_no_login_and_no_csrf_token_needed(db):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), {})

    assert response.status_code == 200


def test_too_many_requests_from_one_address_get_429(client, settings):
    settings.MSA_ELIGIBILITY_API_RATE = "3/m"

    codes = [post(client, {}, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    other = post(client, {}, REMOTE_ADDR="203.0.113.8")

    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200
    last = post(client, {}, REMOTE_ADDR="203.0.113.7")
    assert last.json()["code"] == "throttled"
    assert "Retry-After" in last.headers or last.status_code == 429


def test_openapi_schema_and_docs_are_published(client):
    schema = client.get("/api/v1/openapi.json")

    assert schema.status_code == 200
    assert "/api/v1/eligibility/check" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("body", ["", "[1, 2]", '"facts"'])
def test_a_missing_body_or_one_that_is_not_an_object_says_what_to_send(client, body):
    response = client.post(URL, data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"__all__": ["Send a JSON object of site facts."]}


FACT_NAMES = list(good_facts(1))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children)
    ),
    max_leaves=5,
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.sampled_from(FACT_NAMES), json_values, max_size=6))
def test_any_json_object_gets_an_answer_or_a_400_never_a_server_error(client, body):
    cache.clear()
    response = client.post(URL, data=json.dumps(body), content_type="application/json")

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["errors"]


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, settings):
    settings.MSA_ELIGIBILITY_API_RATE = "2/m"

    codes = [
        post(
            client, {}, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(3)
    ]

    assert codes == [200, 200, 429]
