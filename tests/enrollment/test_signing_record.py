"""Issue 24: a signature on the exact record — complete facts, the signer's language, voided by a
change, and a copy of the signed PDF for the signer."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from enrollment import authorizations, selectors, services
from enrollment.models import CustomerAuthorization, RequestEvent
from tests.enrollment.factories import consent_through_page
from tests.enrollment.test_authorizations import contractor_draft, send_link, sign
from tests.factories import ContractorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contractor():
    return ContractorFactory(full_name="Casey Contractor")


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes, *, title: str) -> str:
    """The PDF's text without its running page footers and its heading (the title, once more)."""
    lines = [
        line
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().splitlines()
        if not re.fullmatch(r"MSA-\d+ · (page|página) \d+ (of|de) \d+", line.strip())
    ]
    assert lines[0] == title
    return "\n".join(lines[1:])


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_signing_link_before_the_premises_are_filled_is_refused_with_the_reason(
    contractor, language, settings
):
    from django.utils import translation

    msa_request = contractor_draft(contractor, premises_street="", premises_city="")
    with translation.override(language), pytest.raises(ValidationError) as refused:
        authorizations.authorization_link_send(msa_request_id=msa_request.pk, actor=contractor)
    message = refused.value.messages[0]
    expected = "premises street address" if language == "en" else "dirección"
    assert expected in message
    assert not msa_request.authorization_links.exists()


def test_the_api_refuses_a_signing_link_before_the_premises_are_filled(client, contractor):
    from accounts import services as account_services

    token = account_services.api_token_create(user=contractor, name="CRM")[1]
    msa_request = contractor_draft(contractor, premises_street="")
    response = client.post(
        f"/api/v1/requests/{msa_request.pk}/signing-link",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "premises street address" in str(response.json())
    assert not msa_request.authorization_links.exists()


def test_a_spanish_customer_reads_and_signs_the_agreement_in_spanish(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor, customer_language="es")
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)

    consent_page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "derecho a recibir copias en papel" in consent_page.content.decode().lower()
    page = consent_through_page(client, url)
    assert page["Content-Language"] == "es"
    assert "Autorice a su contratista" in page.content.decode()
    shown = page.context["text"]
    assert "Domicilio" in shown or "Instalaciones" in shown or "Premises:" not in shown
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, url)

    authorization = CustomerAuthorization.objects.get(msa_request=msa_request)
    assert authorization.language == "es"
    assert authorization.signed_text == shown
    assert selectors.request_authorization_on_file(msa_request)


@pytest.mark.parametrize("language", ["en", "es"])
def test_changing_a_quoted_fact_voids_the_signature_and_asks_for_a_new_one(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks, language
):
    msa_request = contractor_draft(contractor, customer_language=language)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    sign(client, url)
    assert selectors.request_authorization_on_file(msa_request)

    services.request_update_draft(
        msa_request_id=msa_request.pk,
        actor=contractor,
        step="address",
        data={"premises_street": "500 Other Ave"},
    )

    msa_request.refresh_from_db()
    assert not selectors.request_authorization_on_file(msa_request)
    assert CustomerAuthorization.objects.get().voided_at is not None
    note = RequestEvent.objects.filter(msa_request=msa_request).order_by("-pk").first()
    assert "no longer counts" in str(note.note_message)
    # A new link may be sent, and the new signature counts.
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    sign(client, url)
    assert selectors.request_authorization_on_file(msa_request)


def test_saving_a_step_without_changing_a_quoted_fact_keeps_the_signature(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    sign(client, url)

    services.request_update_draft(
        msa_request_id=msa_request.pk,
        actor=contractor,
        step="address",
        data={"premises_street": msa_request.premises_street},
    )

    assert selectors.request_authorization_on_file(msa_request)
    assert CustomerAuthorization.objects.get().voided_at is None


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_signer_gets_the_signed_pdf_by_email_and_on_the_thank_you_page(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks, language
):
    msa_request = contractor_draft(contractor, customer_language=language)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    shown = consent_through_page(client, url).context["text"]

    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, url)

    authorization = CustomerAuthorization.objects.get(msa_request=msa_request)
    copy = next(m for m in mailoutbox if m.to == ["dana@example.com"] and m.attachments)
    _filename, content, mimetype = copy.attachments[0]
    assert mimetype == "application/pdf"
    download = response.context["authorization"]
    assert download.pk == authorization.pk
    pdf_url = f"/requests/{msa_request.pk}/authorize/signed/{authorization.pk}.pdf"
    assert pdf_url in response.content.decode()
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    downloaded = b"".join(pdf.streaming_content)
    for data in (content, downloaded):
        text = pdf_text(data, title=shown.splitlines()[0])
        # The signed PDF's text is the text the page showed.
        assert words(shown) in words(text)
    # Another browser cannot download it.
    client.logout()
    client.cookies.clear()
    assert client.get(pdf_url).status_code == 404
