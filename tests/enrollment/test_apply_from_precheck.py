"""'Apply with these answers': the pre-check's answers become a new draft (issue 19)."""

import pytest
from django.urls import reverse

from enrollment.models import Request
from tests.factories import ApprovedProductFactory

pytestmark = pytest.mark.django_db

APPLY = reverse("enrollment:precheck_apply")


def answers(device):
    return {
        "request_type": "install",
        "device": str(device.pk),
        "residential": "True",
        "meter_self_contained": "True",
        "service_phase": "1",
        "service_wires": "3",
        "service_voltage": "120/240",
        "panel_rating_amps": "200",
        "backfeed_amps": "30",
        "meter_socket_form": "2s",
        "socket_ring_type": "ringless",
        "comm_cable": "none",
        "energized_present": "none",
        "esr_violation": "none",
        "waterproof_bag_commitment": "True",
    }


def test_the_precheck_answer_offers_to_apply_with_the_answers(client):
    device = ApprovedProductFactory()

    html = client.get(reverse("eligibility:check"), answers(device)).content.decode()

    assert f'action="{APPLY}"' in html
    assert 'name="backfeed_amps" value="30"' in html
    assert "Apply with these answers" in html


def test_a_signed_in_homeowner_gets_a_draft_with_every_answer(client, customer):
    device = ApprovedProductFactory()
    client.force_login(customer)

    response = client.post(APPLY, answers(device))

    msa_request = Request.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": "accounts"}
    )
    assert msa_request.applicant == customer
    assert msa_request.device == device
    assert (msa_request.service_phase, msa_request.service_wires) == (1, 3)
    assert (msa_request.panel_rating_amps, msa_request.backfeed_amps) == (200, 30)
    assert (msa_request.meter_socket_form, msa_request.socket_ring_type) == ("2S", "ringless")
    assert (msa_request.comm_cable_present, msa_request.energized_present) == (False, None)
    assert msa_request.waterproof_bag_commitment is True
    assert "precheck_facts" not in client.session


def test_the_answers_wait_in_the_session_through_signing_in(client, customer):
    device = ApprovedProductFactory()

    first = client.post(APPLY, answers(device))
    assert first.status_code == 302
    assert reverse("account_login") in first.url
    assert Request.objects.count() == 0

    client.force_login(customer)
    confirm = client.get(APPLY)
    assert confirm.status_code == 200
    assert Request.objects.count() == 0  # a GET never writes
    started = client.get(reverse("enrollment:wizard_start"))
    assert APPLY in started.content.decode()

    client.post(APPLY)
    assert Request.objects.get().backfeed_amps == 30


def test_without_answers_apply_goes_back_to_the_precheck(client, customer):
    client.force_login(customer)

    response = client.get(APPLY)

    assert response.url == reverse("eligibility:check")


def test_a_device_that_does_not_serve_the_request_type_is_left_out(client, customer):
    device = ApprovedProductFactory(request_types=["install"])
    client.force_login(customer)

    client.post(APPLY, {**answers(device), "request_type": "removal"})

    assert Request.objects.get().device is None
