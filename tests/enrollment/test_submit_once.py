"""Issue 24: forms that create things create them once, however often they are posted."""

import re

import pytest
from django.urls import reverse

from accounts.models import ApiToken, CompanyInvitation
from enrollment.models import Request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def once_of(page) -> str:
    return re.search(r'name="once" value="([^"]+)"', page.content.decode()).group(1)


def test_new_request_posted_twice_makes_one_draft_and_both_posts_land_on_it(client):
    customer = UserFactory()
    client.force_login(customer)
    form = client.get(reverse("enrollment:wizard_start"))
    data = {"request_type": "install", "once": once_of(form)}

    first = client.post(reverse("enrollment:wizard_start"), data)
    second = client.post(reverse("enrollment:wizard_start"), data)

    assert Request.objects.filter(filed_by=customer).count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    # A new page is a new form: a second request on purpose is made.
    again = {
        "request_type": "removal",
        "once": once_of(client.get(reverse("enrollment:wizard_start"))),
    }
    client.post(reverse("enrollment:wizard_start"), again)
    assert Request.objects.filter(filed_by=customer).count() == 2


def test_a_refused_submission_records_nothing_and_the_same_form_may_be_sent_again():
    from django.core.exceptions import ValidationError

    from accounts import once

    user = UserFactory()
    token = once.once_token()

    def refuse() -> int:
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        once.once_submit(user=user, form="request_new", token=token, create=refuse)
    first = once.once_submit(user=user, form="request_new", token=token, create=lambda: 7)
    second = once.once_submit(user=user, form="request_new", token=token, create=lambda: 8)

    assert first == (7, True)
    assert second == (7, False)


def test_a_company_invitation_posted_twice_sends_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import ContractorFactory

    admin = ContractorFactory(is_company_admin=True)
    client.force_login(admin)
    data = {
        "email": "colleague@example.com",
        "once": once_of(client.get(reverse("accounts:company"))),
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:company"), data)
        client.post(reverse("accounts:company"), data)

    assert CompanyInvitation.objects.filter(email="colleague@example.com").count() == 1
    assert [m.to for m in mailoutbox] == [["colleague@example.com"]]


def test_an_api_token_form_posted_twice_creates_one_token(client):
    from tests.factories import ContractorFactory

    contractor = ContractorFactory()
    client.force_login(contractor)
    data = {"name": "CRM", "once": once_of(client.get(reverse("accounts:api_tokens")))}

    first = client.post(reverse("accounts:api_tokens"), data)
    second = client.post(reverse("accounts:api_tokens"), data)

    assert ApiToken.objects.filter(user=contractor).count() == 1
    assert first.context["new_token"]
    assert second.context["new_token"] is None
    assert "already sent" in second.content.decode()


def test_a_vendor_evaluation_posted_twice_makes_one(client):
    from tests.vendors.factories import VendorFactory
    from vendors.models import DeviceEvaluation

    vendor = VendorFactory()
    client.force_login(vendor)
    url = reverse("vendors:evaluation_list")
    data = {
        "manufacturer": "Collar Devices",
        "model_name": "GridGate 200",
        "model_number": "GG-200",
        "variants": "",
        "adapter_type": "isolating",
        "continuous_rating_amps": "200",
        "interrupting_rating_ka": "22",
        "service_types": ["1ph_3w_120_240"],
        "socket_forms": "2S",
        "ring_requirement": "ringless",
        "communication_interface": "RS-485",
        "max_backfeed_amps": "100",
        "once": once_of(client.get(url)),
    }

    first = client.post(url, data)
    second = client.post(url, data)

    assert DeviceEvaluation.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url


def test_every_page_loads_the_script_that_disables_submit_buttons_after_the_first_click(client):
    assert "js/submit-once" in client.get("/").content.decode()
