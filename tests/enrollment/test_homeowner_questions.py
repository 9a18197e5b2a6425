"""Questions a homeowner can answer: drawings, "I don't know", a photo instead (issue 19)."""

import re

import pytest
from django.urls import reverse

from enrollment.models import Document
from tests.enrollment.factories import png_bytes, upload
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db


def step_url(msa_request, step):
    return reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": step})


WIRING = {"backfeed_amps": "0", "energized_present": "False"}


@pytest.fixture
def draft(client, customer):
    client.force_login(customer)
    return MsaRequestFactory(
        applicant=customer,
        filed_by=customer,
        comm_cable_present=None,
        energized_present=None,
        backfeed_amps=None,
    )


@pytest.mark.parametrize(
    ("step", "title_id"),
    [
        ("socket", "drawing-socket_ring_type-title"),
        ("socket", "drawing-meter_socket_form-title"),
        ("wiring", "drawing-comm_cable-title"),
        ("meter", "drawing-meter_self_contained-title"),
        ("preparation", "drawing-waterproof_bag_commitment-title"),
    ],
)
def test_each_hard_step_shows_what_to_look_at_in_a_labelled_drawing(client, draft, step, title_id):
    html = client.get(step_url(draft, step)).content.decode()

    assert f'<svg role="img" aria-labelledby="{title_id}"' in html
    assert f'<title id="{title_id}">' in html


def test_the_wiring_step_chooses_no_answer_for_the_homeowner(client, draft):
    html = client.get(step_url(draft, "wiring")).content.decode()

    assert 'name="comm_cable"' in html
    assert "checked" not in html.split('name="comm_cable"', 1)[1].split("</fieldset>", 1)[0]


def test_i_dont_know_about_the_cable_is_kept_apart_from_none(client, draft):
    client.post(step_url(draft, "wiring"), {**WIRING, "comm_cable": "unknown"})
    draft.refresh_from_db()
    assert (draft.comm_cable_present, draft.comm_cable_in_liquidtight) == (None, None)

    again = client.get(step_url(draft, "wiring"))
    assert again.context["form"]["comm_cable"].value() == "unknown"

    client.post(step_url(draft, "wiring"), {**WIRING, "comm_cable": "none"})
    draft.refresh_from_db()
    assert (draft.comm_cable_present, draft.comm_cable_in_liquidtight) == (False, None)


def test_energized_wiring_i_dont_know_is_an_answer_and_review_says_staff_check(client, draft):
    response = client.post(
        step_url(draft, "wiring"),
        {"backfeed_amps": "0", "comm_cable": "none", "energized_present": "none"},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.energized_present is None
    review = client.get(step_url(draft, "review"))
    rules = {r.code: r for r in review.context["report"].rules}
    assert rules["ENERGIZED_IN_LIQUIDTIGHT"].result == "review"
    assert "staff will check at review" in rules["ENERGIZED_IN_LIQUIDTIGHT"].text


def test_saying_there_is_energized_wiring_asks_which(client, draft):
    response = client.post(
        step_url(draft, "wiring"),
        {"backfeed_amps": "0", "comm_cable": "none", "energized_present": "True"},
    )

    assert response.status_code == 200
    assert "energized_conductors" in response.context["form"].errors


def test_a_photo_instead_lets_the_hard_questions_go_unanswered(client, draft):
    response = client.post(step_url(draft, "socket"), {"photo_instead": "on"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers_by_photo == ["socket"]
    assert (draft.socket_ring_type, draft.esr_violation) == ("", "")


def test_without_a_photo_instead_the_hard_questions_stay_required(client, draft):
    response = client.post(step_url(draft, "socket"), {})

    assert response.status_code == 200
    assert "socket_ring_type" in response.context["form"].errors


def test_a_photo_instead_makes_a_meter_photo_required(client, draft):
    client.post(step_url(draft, "wiring"), {"photo_instead": "on"})

    refused = client.post(step_url(draft, "photos"), {})
    sent = client.post(step_url(draft, "photos"), {"photos": [upload("meter.png", png_bytes())]})

    assert refused.status_code == 200
    assert "photos" in refused.context["form"].errors
    assert sent.status_code == 302
    assert Document.objects.filter(kind=Document.Kind.METER_PANEL_PHOTO).count() == 1
    # Once the photo is on file, the step can be passed again without another.
    assert client.post(step_url(draft, "photos"), {}).status_code == 302


def test_a_photo_instead_still_lets_the_homeowner_finish_later(client, draft):
    client.post(step_url(draft, "socket"), {"photo_instead": "on"})

    response = client.post(step_url(draft, "photos"), {"later": ""})

    assert response.status_code == 302
    assert response.url == reverse("enrollment:request_list")


def test_unticking_a_photo_instead_asks_the_questions_again(client, draft):
    client.post(step_url(draft, "socket"), {"photo_instead": "on"})
    client.post(
        step_url(draft, "socket"),
        {"meter_socket_form": "2S", "socket_ring_type": "ring", "esr_violation": "none"},
    )

    draft.refresh_from_db()
    assert draft.answers_by_photo == []


def test_staff_see_which_answers_wait_for_the_photo(client, draft, staff_user):
    client.post(step_url(draft, "socket"), {"photo_instead": "on"})
    client.force_login(staff_user)

    html = client.get(reverse("admin:enrollment_request_change", args=[draft.pk])).content.decode()

    assert "answered with a meter photo instead" in html.lower()
    assert "Meter socket and panel" in html


def test_the_review_says_what_is_not_known_yet_and_what_the_photo_answers(client, draft):
    client.post(
        step_url(draft, "wiring"),
        {"backfeed_amps": "0", "comm_cable": "unknown", "energized_present": "none"},
    )
    client.post(step_url(draft, "socket"), {"photo_instead": "on"})

    html = client.get(step_url(draft, "review")).content.decode()

    assert "communication cable not known yet" in html
    assert "energized wiring not known yet" in html
    assert "Some answers come from your meter photo" in html
    assert "no communication cable" not in html


def test_i_dont_know_the_phases_wires_or_voltage_is_an_answer_staff_check(client, draft):
    from enrollment import selectors

    response = client.post(
        step_url(draft, "meter"),
        {
            "residential": "True",
            "meter_self_contained": "True",
            "service_phase": "none",
            "service_wires": "none",
            "service_voltage": "none",
            "panel_rating_amps": "200",
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.service_phase, draft.service_wires, draft.service_voltage) == (None, None, "")
    [service] = [
        r for r in selectors.request_precheck(draft).rules if r.code == "SERVICE_1PH_3W_240"
    ]
    assert service.result == "review"
    # Shown again as "I don't know", not as unanswered.
    page = client.get(step_url(draft, "meter")).content.decode()
    for name in ("service_phase", "service_wires"):
        assert re.search(rf'name="{name}" value="none"[^>]*checked', page), name
    assert re.search(r'<option value="none" selected>', page)
