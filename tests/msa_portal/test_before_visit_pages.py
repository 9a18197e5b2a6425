"""The program facts a customer and a contractor need before applying: why visits fail and what
to do about each, the lock-ring removal contact, and the contractor's checklist."""

import pytest
from django.urls import reverse

from scheduling.models import FailureCode
from tests.factories import ContractorFactory

pytestmark = pytest.mark.django_db


def test_a_customer_reads_why_visits_fail_before_applying(client):
    html = client.get(reverse("before_visit")).content.decode()

    for reason in (
        "waterproof package",
        "damaged, dirty or wet",
        "Communication cables",
        "Energized conductors",
        "200-amp rating",
        "Electric Service Requirement violation",
        "back-feed exceeded",
        "meter socket was incompatible",
    ):
        assert reason in html, reason
    # Every reason a technician can record (but "Other") is explained on the page.
    assert html.count("<tr><td>") == len(FailureCode.values) - 1


def test_the_lock_ring_removal_contact_is_given(client):
    html = client.get(reverse("before_visit")).content.decode()

    assert "800-655-4555" in html
    assert 'href="tel:+18006554555"' in html
    assert "lock ring" in html


def test_the_page_is_in_the_navigation_for_everyone(client):
    html = client.get(reverse("home")).content.decode()

    assert reverse("before_visit") in html


def test_a_contractor_gets_a_printable_checklist_from_the_program_text(client):
    html = client.get(reverse("contractor_checklist")).content.decode()

    assert "designated primary contact" in html
    assert "waterproof bag" in html
    assert "Approved Product List" in html
    assert "200 A or less" in html
    assert "d-print-none" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[-1]


def test_the_pages_read_in_spanish(client):
    client.cookies["django_language"] = "es"

    html = client.get(reverse("before_visit"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Antes de que llegue el técnico" in html


def test_the_printed_checklist_leaves_the_navigation_off_the_paper(client):
    # The page promises it: the site's navigation and the language switcher are not printed.
    html = client.get(reverse("contractor_checklist")).content.decode()

    assert '<header class="d-print-none">' in html
    assert 'action="/i18n/setlang/" method="post" class="d-print-none' in html


def test_a_contractor_finds_the_checklist_where_they_file_requests(client):
    client.force_login(ContractorFactory())

    html = client.get(reverse("enrollment:company_requests")).content.decode()

    assert f'href="{reverse("contractor_checklist")}"' in html
