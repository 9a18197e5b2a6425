"""Issue 24: a ZIP+4 is accepted (its first five digits kept); Message-ID on the site's domain."""

import pytest
from django.core import mail

from common.emails import send_templated_email
from enrollment.models import Request
from tests.enrollment.test_wizard import ANSWERS, step_url
from tests.factories import MsaRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["91770-1234", "917701234"])
def test_a_zip_plus_four_is_accepted_and_its_first_five_digits_kept(client, typed):
    customer = UserFactory()
    msa_request = MsaRequestFactory(applicant=customer, filed_by=customer)
    client.force_login(customer)

    response = client.post(
        step_url(msa_request, "premises"), {**ANSWERS["premises"], "premises_zip": typed}
    )

    assert response.status_code == 302
    assert Request.objects.get(pk=msa_request.pk).premises_zip == "91770"


def test_message_id_is_on_the_sites_own_domain(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://msa.example.org"
    msa_request = MsaRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            to=["dana@example.com"],
            template="enrollment/emails/submitted",
            context={"msa_request": msa_request, "note": "", "path": "/"},
        )
    (sent,) = mail.outbox
    assert sent.message()["Message-ID"].endswith("@msa.example.org>")
