"""The public "Am I eligible?" page asks what is at the meter now for a removal or a replacement,
so a clean removal can get a "pass" there as it does through the API, and "Apply with these
answers" carries the description into the draft (the technician needs it before driving out)."""

import pytest
from django.urls import reverse

from enrollment.models import Request

pytestmark = pytest.mark.django_db

CHECK = reverse("eligibility:check")
APPLY = reverse("enrollment:precheck_apply")
# A site an install would fail on (a 225 A panel, back-feed above it): a removal does not care.
REMOVAL = {
    "request_type": "removal",
    "residential": "True",
    "meter_self_contained": "True",
    "service_phase": "1",
    "service_wires": "3",
    "service_voltage": "120/240",
    "panel_rating_amps": "225",
    "backfeed_amps": "240",
    "esr_violation": "none",
    "existing_device_kind": "gma",
    "existing_device_manufacturer": "  Sample   Maker ",
    "existing_device_model": "GMA-100",
}


def test_the_page_asks_what_is_at_the_meter_now(client):
    html = client.get(CHECK).content.decode()

    assert 'name="existing_device_kind"' in html
    assert 'name="existing_device_model"' in html
    assert "only for a removal or a replacement" in html


def test_a_removal_with_the_device_there_now_described_passes_on_the_page(client):
    response = client.get(CHECK, REMOVAL)

    report = response.context["report"]
    results = {r.code: str(r.result) for r in report.rules}
    assert results["EXISTING_DEVICE_DESCRIBED"] == "pass", results
    assert str(report.outcome) == "pass", results


def test_a_removal_without_the_device_there_now_is_asked_for_it(client):
    facts = {k: v for k, v in REMOVAL.items() if not k.startswith("existing_device")}

    report = client.get(CHECK, facts).context["report"]

    assert str(report.outcome) == "review"
    described = next(r for r in report.rules if r.code == "EXISTING_DEVICE_DESCRIBED")
    assert "We need to know what is at your meter now" in described.text


def test_applying_from_the_page_keeps_the_device_there_now(client, customer):
    client.force_login(customer)

    client.post(APPLY, {**REMOVAL, "existing_device_isolating": "False"})

    msa_request = Request.objects.get()
    assert msa_request.request_type == "removal"
    assert (
        msa_request.existing_device_kind,
        msa_request.existing_device_manufacturer,
        msa_request.existing_device_model,
        msa_request.existing_device_isolating,
    ) == ("gma", "Sample Maker", "GMA-100", False)


def test_an_install_applied_from_the_page_keeps_no_device_there_now(client, customer):
    client.force_login(customer)

    client.post(APPLY, {**REMOVAL, "request_type": "install"})

    msa_request = Request.objects.get()
    assert (msa_request.existing_device_kind, msa_request.existing_device_model) == ("", "")
