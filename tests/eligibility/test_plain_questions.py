"""The pre-check's hard questions in plain words with drawings; "I don't know" apart (issue 19)."""

import re

import pytest
from django.urls import reverse

from tests.factories import ApprovedProductFactory

pytestmark = pytest.mark.django_db


def test_the_precheck_shows_a_labelled_drawing_next_to_each_hard_question(client):
    html = client.get(reverse("eligibility:check")).content.decode()

    drawings = re.findall(r'<svg role="img" aria-labelledby="(drawing-[\w-]+-title)"', html)
    assert len(drawings) == 4
    for title_id in drawings:
        assert f'<title id="{title_id}">' in html
    assert "Is there a metal ring around the edge of your meter?" in html
    ring = html.index("drawing-socket_ring_type-title")
    assert ring < html.index('name="socket_ring_type"')


def test_the_precheck_never_says_there_is_no_communication_cable_for_the_homeowner(client):
    html = client.get(reverse("eligibility:check")).content.decode()

    chosen = re.search(r'<input[^>]*name="comm_cable"[^>]*checked[^>]*>', html).group(0)
    assert 'value="unknown"' in chosen
    assert 'value="none"' in html  # "there is none" is an answer of its own


def test_an_unknown_communication_cable_asks_staff_while_none_passes(client):
    device = ApprovedProductFactory(adapter_type="isolating")
    query = {"request_type": "install", "device": device.pk}

    unknown = client.get(reverse("eligibility:check"), {**query, "comm_cable": "unknown"})
    none = client.get(reverse("eligibility:check"), {**query, "comm_cable": "none"})

    def comm(response):
        return next(
            r for r in response.context["report"].rules if r.code == "COMM_CABLE_NOT_IN_LIQUIDTIGHT"
        )

    assert comm(unknown).result == "review"
    assert "staff will check at review" in comm(unknown).text
    assert comm(none).result == "pass"


def test_not_knowing_about_energized_wiring_is_not_the_same_as_none(client):
    query = {"request_type": "install"}

    unknown = client.get(reverse("eligibility:check"), {**query, "energized_present": "none"})
    no = client.get(reverse("eligibility:check"), {**query, "energized_present": "False"})

    def energized(response):
        return next(
            r for r in response.context["report"].rules if r.code == "ENERGIZED_IN_LIQUIDTIGHT"
        )

    assert energized(unknown).result == "review"
    assert energized(no).result == "pass"


def test_the_plain_questions_and_drawings_are_in_spanish(client):
    client.cookies["django_language"] = "es"
    html = client.get(reverse("eligibility:check"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "¿Hay un aro metálico alrededor del borde de su medidor?" in html
    assert "No lo sé" in html
