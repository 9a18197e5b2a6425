"""A whole journey logged at DEBUG: no email, account number, meter number or address in any log.

Sign-up, e-mail verification, the wizard with the customer's accounts and premises, signing,
paying through the demo checkout (the eligibility check runs), and a reviewer's approval.
"""

import logging
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from enrollment.models import Request, Status
from tests.backoffice.conftest import staff_in
from tests.enrollment.factories import consent_through_page
from tests.enrollment.test_wizard import ANSWERS, step_url
from tests.factories import ApprovedProductFactory, MeterRecordFactory

pytestmark = pytest.mark.django_db

EMAIL = "priya.private@example.org"
PASSWORD = "a-long-Passphrase-42"
SERVICE_ACCOUNT = "8987654321"
CUSTOMER_ACCOUNT = "798765432109"
METER = "M7654321"
STREET = "4417 Quietwood Ln"
PHONE = "(626) 555-0147"
SECRETS = [EMAIL, SERVICE_ACCOUNT, CUSTOMER_ACCOUNT, METER, STREET, PHONE, "Quietwood"]


def test_a_whole_journey_logs_no_personal_data(
    client, settings, caplog, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "demo"
    settings.STRIPE_SECRET_KEY = ""
    caplog.set_level(logging.DEBUG)
    device = ApprovedProductFactory()
    MeterRecordFactory(service_account_number=SERVICE_ACCOUNT, meter_number=METER)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": EMAIL,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "full_name": "Priya Private",
                "role": "customer",
            },
        )
    client.post(re.search(r"https?://\S+", mail.outbox[-1].body).group(0))
    client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})
    msa_request = Request.objects.get(applicant__email=EMAIL)
    answers = {
        **ANSWERS,
        "accounts": {
            **ANSWERS["accounts"],
            "customer_phone": PHONE,
            "service_account_number": SERVICE_ACCOUNT,
            "customer_account_number": CUSTOMER_ACCOUNT,
            "meter_number": METER,
        },
        "premises": {**ANSWERS["premises"], "premises_street": STREET},
        "device": {"device": str(device.pk)},
        # The meter is on record; "something is different" keeps the address questions asked.
        "records": {"record_right": "False"},
    }
    steps = ["accounts", "records", "safety", "premises", "meter", "wiring", "socket", "device"]
    for step in steps:
        response = client.post(step_url(msa_request, step), answers[step])
        assert response.status_code == 302, step
    client.post(step_url(msa_request, "preparation"), answers["preparation"])
    client.post(step_url(msa_request, "photos"), {})
    sign_url = reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})
    shown = consent_through_page(client, sign_url).context["form"].initial["shown_sha256"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            sign_url, {"signer_name": "Priya Private", "consent": "on", "shown_sha256": shown}
        )

        start = client.post(reverse("payments:checkout_start", kwargs={"pk": msa_request.pk}))
        client.post(start.url, {"action": "pay"}, follow=True)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW

    client.force_login(staff_in(roles.REVIEWER, "reviewer@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:enrollment_request_approve", args=[msa_request.pk]), {"note": ""}
        )
    msa_request.refresh_from_db()
    assert msa_request.status in (Status.APPROVED, Status.SCHEDULED)

    messages = [record.getMessage() for record in caplog.records]
    assert messages, "the journey logged nothing: the test would prove nothing"
    leaks = [(secret, m) for m in messages for secret in SECRETS if secret.lower() in m.lower()]
    assert not leaks
