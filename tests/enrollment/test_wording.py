"""Small wording faults a homeowner met (issue 19)."""

import pytest
from django.urls import reverse

from tests.enrollment.factories import eligible_draft

pytestmark = pytest.mark.django_db


def test_the_home_pages_first_step_links_to_the_eligibility_check(client):
    html = client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("eligibility:check")}">1. Check you qualify</a>' in html


def test_the_review_does_not_read_form_unknown_i_dont_know(client, customer):
    msa_request = eligible_draft(
        applicant=customer, meter_socket_form="", socket_ring_type="unknown"
    )
    client.force_login(customer)

    html = client.get(
        reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": "review"})
    ).content.decode()

    assert "Form unknown" not in html
    assert "Socket form not known yet" in html
    assert "ring or ringless not known yet" in html
