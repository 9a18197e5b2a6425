"""Issue 24: consent to electronic records (E-SIGN Act, 15 U.S.C. §7001(c)) before signing.

The disclosure comes first, in the signer's language; the consent is recorded with its version;
no signature is accepted without a current one; withdrawing it or asking for paper reaches staff.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrollment import authorizations, consent, selectors, services
from enrollment.models import (
    AgreementSignature,
    CustomerAuthorization,
    ElectronicRecordsConsent,
    PaperCopyRequest,
)
from tests.backoffice.conftest import staff_in
from tests.enrollment.factories import (
    consent_through_page,
    consent_to_electronic_records,
    eligible_draft,
)
from tests.enrollment.test_authorizations import contractor_draft, send_link, sign
from tests.factories import ContractorFactory, StaffFactory

pytestmark = pytest.mark.django_db

# What the disclosure must say (§7001(c)(1)(B)-(C)), in each language.
DISCLOSURE = {
    "en": [
        "Before you sign: electronic records",
        "Paper copies are free: there is no fee",
        "This consent covers this request only",
        "receipts",
        "Withdraw consent",
        "change it under Account, Email addresses",
        "a PDF reader",
        "web browser",
        "esign-2026-11",
    ],
    "es": [
        "Antes de firmar: documentos electrónicos",
        "Las copias en papel son gratuitas: no hay ningún cargo",
        "Este consentimiento cubre solo esta solicitud",
        "recibos",
        "Retirar el consentimiento",
        "cámbiela en Cuenta, Direcciones de correo electrónico",
        "un lector de PDF",
        "navegador web",
        "esign-2026-11",
    ],
}


def sign_url(msa_request):
    return reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})


def agreement_hash(msa_request) -> str:
    return selectors.text_sha256(
        selectors.agreement_text(msa_request=msa_request, version=selectors.agreement_current())
    )


@pytest.fixture
def contractor():
    return ContractorFactory(full_name="Casey Contractor")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_disclosure_comes_before_the_first_signature_in_the_signers_language(
    client, customer, language
):
    msa_request = eligible_draft(applicant=customer)
    client.force_login(customer)
    client.cookies["django_language"] = language

    page = client.get(sign_url(msa_request))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="signer_name"' not in html
    for words in DISCLOSURE[language]:
        assert words in html, words


@pytest.mark.parametrize("language", ["en", "es"])
def test_consenting_records_the_version_language_time_and_address_then_shows_the_agreement(
    client, customer, language
):
    msa_request = eligible_draft(applicant=customer)
    client.force_login(customer)
    client.cookies["django_language"] = language

    page = consent_through_page(client, sign_url(msa_request))

    assert 'name="signer_name"' in page.content.decode()
    record = ElectronicRecordsConsent.objects.get(msa_request=msa_request)
    assert record.email == customer.email
    assert record.user == customer
    assert record.version == "esign-2026-11"
    assert record.language == language
    assert record.given_at is not None
    assert record.ip_address == "127.0.0.1"
    assert record.disclosure_sha256 == consent.disclosure(language).sha256
    assert ("Withdraw consent" if language == "en" else "Retirar el consentimiento") in (
        page.content.decode()
    )


def test_a_signature_without_consent_is_refused_by_the_service_and_the_page(client, customer):
    msa_request = eligible_draft(applicant=customer)

    with pytest.raises(ValidationError) as refused:
        services.agreement_sign(
            msa_request_id=msa_request.pk,
            actor=customer,
            signer_name="Dana Customer",
            consent=True,
            shown_sha256=agreement_hash(msa_request),
            ip_address=None,
        )
    assert refused.value.error_list[0].code == "esign_consent"

    client.force_login(customer)
    response = client.post(
        sign_url(msa_request),
        {
            "signer_name": "Dana Customer",
            "consent": "on",
            "shown_sha256": agreement_hash(msa_request),
        },
    )
    assert response.status_code == 200
    assert "consent to electronic records first" in response.content.decode()
    assert not AgreementSignature.objects.exists()


def test_the_customer_signing_through_the_link_consents_first(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor, customer_language="es")
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    token = url.rstrip("/").rsplit("/", 1)[1]

    with pytest.raises(ValidationError):
        authorizations.authorization_sign(
            msa_request_id=msa_request.pk,
            raw_token=token,
            signer_name="Dana Customer",
            consent=True,
            shown_sha256=agreement_hash(msa_request),
            ip_address=None,
        )
    disclosure = client.get(url).content.decode()
    assert "Antes de firmar: documentos electrónicos" in disclosure
    assert not CustomerAuthorization.objects.exists()

    sign(client, url)

    record = ElectronicRecordsConsent.objects.get(msa_request=msa_request)
    assert record.email == "dana@example.com"
    assert record.user is None
    assert record.language == "es"
    assert CustomerAuthorization.objects.get().signed_at > record.given_at


def test_withdrawing_on_the_status_page_tells_staff_and_the_next_signature_asks_again(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    staff_in("Reviewer", "reviewer@example.com")
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email, user=customer)
    client.force_login(customer)
    status_page = client.get(msa_request.get_absolute_url()).content.decode()
    assert "Withdraw consent" in status_page
    assert "You consented to electronic records on" in status_page
    assert "(disclosure esign-2026-11)" in status_page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enrollment:esign_records", kwargs={"pk": msa_request.pk}),
            {"esign_action": "withdraw"},
        )

    assert response.status_code == 302
    assert ElectronicRecordsConsent.objects.get().withdrawn_at is not None
    status_page = client.get(msa_request.get_absolute_url()).content.decode()
    assert "You consented to electronic records on" not in status_page
    (alert,) = [m for m in mailoutbox if m.to == ["reviewer@example.com"]]
    assert "withdrawn" in alert.subject
    assert msa_request.reference in alert.body
    assert (
        "consent to electronic records withdrawn"
        in str(msa_request.events.order_by("-pk").first().note_message).lower()
    )
    # Signing electronically asks for consent again, and the service refuses until then.
    assert 'name="signer_name"' not in client.get(sign_url(msa_request)).content.decode()
    with pytest.raises(ValidationError):
        services.agreement_sign(
            msa_request_id=msa_request.pk,
            actor=customer,
            signer_name="Dana Customer",
            consent=True,
            shown_sha256=agreement_hash(msa_request),
            ip_address=None,
        )


@pytest.mark.parametrize("language", ["en", "es"])
def test_asking_for_paper_from_the_signing_link_reaches_staff_and_their_admin(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks, language
):
    staff_in("Reviewer", "reviewer@example.com")
    msa_request = contractor_draft(contractor, customer_language=language)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"esign_action": "paper", "mailing_address": "PO Box 7, Rosemead CA"}
        )
    after = client.get(response.url).content.decode()

    paper = PaperCopyRequest.objects.get(msa_request=msa_request)
    assert paper.email == "dana@example.com"
    assert paper.language == language
    assert paper.mailing_address == "PO Box 7, Rosemead CA"
    assert ("free of charge" if language == "en" else "sin costo") in after
    (alert,) = [m for m in mailoutbox if m.to == ["reviewer@example.com"]]
    assert "Paper copy" in alert.subject
    assert "PO Box 7, Rosemead CA" in alert.body
    client.force_login(StaffFactory())
    admin_page = client.get(reverse("admin:enrollment_request_change", args=[msa_request.pk]))
    assert "Paper copies asked for" in admin_page.content.decode()
    assert "PO Box 7, Rosemead CA" in admin_page.content.decode()


def test_staff_see_consents_in_the_request_admin(client, customer):
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email)
    client.force_login(StaffFactory())

    page = client.get(reverse("admin:enrollment_request_change", args=[msa_request.pk]))

    html = page.content.decode()
    assert "Consents to electronic records" in html
    assert "esign-2026-11" in html


def test_a_consent_to_an_older_disclosure_does_not_count(customer):
    msa_request = eligible_draft(applicant=customer)
    ElectronicRecordsConsent.objects.create(
        msa_request=msa_request,
        email=customer.email,
        version="esign-2020-01",
        language="en",
        disclosure_sha256="0" * 64,
        given_at=msa_request.created_at,
    )

    assert consent.consent_current(msa_request=msa_request, email=customer.email) is None
