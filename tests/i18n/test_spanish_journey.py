"""A customer who reads Spanish: every page, email and PDF of the journey is in Spanish.

The journey runs as in the portal: the wizard, signing, the demo checkout, the eligibility
check (which runs on Celery in English), a question from staff, approval, the scheduler, a failed
visit and the revisit fee. Each page is searched for English the customer would have to read.
"""

import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts import roles
from enrollment import authorizations
from enrollment.decisions import request_decide_approve, request_decide_ask_for_info
from enrollment.models import Request, Status
from scheduling.models import FailureCode, Visit
from scheduling.services import schedule_approved_requests, visit_record_outcome
from tests.backoffice.conftest import staff_in
from tests.enrollment.factories import consent_through_page
from tests.enrollment.test_authorizations import contractor_draft
from tests.enrollment.test_wizard import ANSWERS, step_url
from tests.factories import (
    ApprovedProductFactory,
    ContractorFactory,
    MeterRecordFactory,
    UserFactory,
)
from tests.i18n.spanish import english_leftovers, html_leftovers
from tests.scheduling.conftest import on_the_day
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db

# What the customer typed and the device's own name are not the portal's words.
DATA = ("Dana Cliente", "8631 Rush St", "1 Sample St", "Rosemead", "Sample Maker", "Adapter")
# The meter is on record: its address and service are confirmed on "records", not asked.
STEPS = ["accounts", "records", "safety", "wiring", "socket", "device", "preparation"]


def spanish_page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="es"' in html, url
    assert html_leftovers(html, allow=DATA) == [], url
    return html


def spanish_email(message):
    body = message.subject + "\n" + message.body
    assert english_leftovers(body.splitlines(), allow=DATA) == [], message.subject
    html = message.alternatives[0][0]
    if "<html" in html:  # the visit emails are fragments, with no document of their own
        assert '<html lang="es"' in html, message.subject
    assert html_leftovers(html, allow=DATA) == [], message.subject
    return body


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def spanish_customer(client):
    customer = UserFactory(email="dana@example.com", full_name="Dana Cliente")
    client.force_login(customer)
    client.cookies["django_language"] = "es"
    return customer


def test_a_spanish_speaking_customer_reads_the_whole_journey_in_spanish(
    client, spanish_customer, settings, django_capture_on_commit_callbacks, seeded_agreement
):
    settings.PAYMENT_PROVIDER = "demo"
    settings.STRIPE_SECRET_KEY = ""
    device = ApprovedProductFactory(manufacturer="Sample Maker", model_name="Adapter 1")
    MeterRecordFactory(service_account_number="8123456789", meter_number="M1234567")
    TechnicianFactory(home_zip="91770", windows=[(8, 12, 4), (12, 16, 4)])

    for url in [
        "/",
        reverse("program"),
        reverse("eligibility:product_list"),
        reverse("eligibility:check"),
        reverse("enrollment:request_list"),
    ]:
        spanish_page(client, url)
    spanish_page(client, reverse("eligibility:check"), data={"request_type": "install"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})
    msa_request = Request.objects.get()
    assert msa_request.customer_language == "es"
    answers = {**ANSWERS, "device": {"device": str(device.pk)}}
    for step in STEPS:
        spanish_page(client, step_url(msa_request, step))
        response = client.post(step_url(msa_request, step), answers[step])
        assert response.status_code == 302, step
    spanish_page(client, step_url(msa_request, "photos"))
    client.post(step_url(msa_request, "photos"), {})
    spanish_page(client, step_url(msa_request, "review"))

    sign_url = reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})
    disclosure = spanish_page(client, sign_url)
    assert "Antes de firmar" in disclosure
    consent_through_page(client, sign_url)
    page = spanish_page(client, sign_url)
    assert "Acuerdo del Cliente del Programa MSA" in page
    shown = client.get(sign_url).context["form"].initial["shown_sha256"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            sign_url, {"signer_name": "Dana Cliente", "consent": "on", "shown_sha256": shown}
        )
    signature = msa_request.signatures.get()
    assert signature.language == "es"
    assert "1. Para qué es este acuerdo" in signature.signed_text
    agreement = pdf_text(signature.pdf.read())
    assert "Firma electrónica" in agreement and "Electronic signature" not in agreement

    spanish_page(client, msa_request.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        start = client.post(reverse("payments:checkout_start", kwargs={"pk": msa_request.pk}))
        spanish_page(client, start.url)
        client.post(start.url, {"action": "pay"}, follow=True)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW

    # The check ran in the worker's language; the customer still reads it in Spanish.
    page = spanish_page(client, msa_request.get_absolute_url())
    assert "Medidor residencial autocontenido" in page
    receipt = msa_request.payments.get()
    assert "Recibo" in pdf_text(
        client.get(reverse("payments:receipt_download", args=[msa_request.pk, receipt.pk])).content
    )

    reviewer = staff_in(roles.REVIEWER, "reviewer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        request_decide_ask_for_info(
            msa_request_id=msa_request.pk, actor=reviewer, question="¿Puede enviar otra foto?"
        )
    spanish_page(client, msa_request.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enrollment:info_answer", kwargs={"pk": msa_request.pk}),
            {"answer": "Sí, la envío."},
        )
        request_decide_approve(msa_request_id=msa_request.pk, actor=reviewer)
        schedule_approved_requests()
    visit = Visit.objects.get(msa_request=msa_request)
    spanish_page(client, msa_request.get_absolute_url())
    spanish_page(client, reverse("scheduling:request_visit", kwargs={"pk": msa_request.pk}))

    with on_the_day(visit.date), django_capture_on_commit_callbacks(execute=True):
        visit_record_outcome(
            visit_id=visit.pk,
            actor=reviewer,
            completed=False,
            failure_code=FailureCode.NOT_LEFT_IN_BAG,
        )
    page = spanish_page(client, msa_request.get_absolute_url())
    assert "bolsa impermeable" in page

    to_customer = [m for m in mail.outbox if "dana@example.com" in m.to]
    assert len(to_customer) >= 6
    for message in to_customer:
        spanish_email(message)


def test_an_english_contractor_files_for_a_spanish_speaking_customer(
    client, settings, mailoutbox, django_capture_on_commit_callbacks, seeded_agreement
):
    """Each reads their own language: the contractor's pages and emails in English, the
    customer's signing link, signing page, authorization PDF and emails in Spanish."""
    contractor = ContractorFactory(email="casey@installer.example", preferred_language="en")
    msa_request = contractor_draft(contractor, customer_language="es")
    client.force_login(contractor)
    spanish_contractor = Client()
    spanish_contractor.force_login(contractor)
    spanish_contractor.cookies["django_language"] = "es"
    for url in [
        reverse("accounts:company"),
        reverse("enrollment:company_requests"),
        reverse("accounts:api_tokens"),
        step_url(msa_request, "accounts"),
    ]:
        spanish_page(spanish_contractor, url)
    contractor.refresh_from_db()
    assert contractor.preferred_language == "es"
    # Back to English with the footer's switcher: the next page remembers it for the emails.
    spanish_contractor.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert spanish_contractor.get("/").content.decode().count('<html lang="en"') == 1
    contractor.refresh_from_db()
    assert contractor.preferred_language == "en"

    with django_capture_on_commit_callbacks(execute=True):
        authorizations.authorization_link_send(msa_request_id=msa_request.pk, actor=contractor)
    link_email = mailoutbox[-1]
    assert link_email.to == ["dana@example.com"]
    spanish_email(link_email)
    path = re.search(r"(/requests/\d+/authorize/[^\s/]+/)", link_email.body).group(1)

    customer = Client()
    customer.cookies["django_language"] = "es"
    assert "Antes de firmar" in spanish_page(customer, path)
    consent_through_page(customer, path)
    page = spanish_page(customer, path)
    assert "Acuerdo del Cliente del Programa MSA" in page
    shown = customer.get(path).context["form"].initial["shown_sha256"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer.post(path, {"signer_name": "Dana Cliente", "consent": "on", "shown_sha256": shown})
    authorization = msa_request.authorizations.get()
    assert authorization.language == "es"
    assert "Firma electrónica del cliente" in pdf_text(authorization.pdf.read())

    # The contractor hears about the signature in English; the customer keeps a copy in Spanish.
    copy, signed = mailoutbox  # the copy leaves with its PDF, from the task sent first
    assert copy.attachments and "firmada" in copy.subject
    assert signed.to == ["casey@installer.example"]
    assert "signed" in signed.subject.lower()
