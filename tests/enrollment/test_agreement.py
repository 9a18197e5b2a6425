"""Signing the Customer Agreement: typed name + consent, the exact text hashed, a real PDF."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from enrollment import selectors, services
from enrollment.models import AgreementSignature, AgreementVersion, Status
from tests.enrollment.factories import consent_to_electronic_records, eligible_draft
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_url(msa_request):
    return reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})


def shown_hash(client, msa_request):
    return client.get(sign_url(msa_request)).context["form"].initial["shown_sha256"]


def test_the_current_agreement_is_seeded_and_covers_the_program():
    version = selectors.agreement_current()
    assert isinstance(version, AgreementVersion)
    for words in (
        "Only the utility's technician installs or removes",
        "You buy and own the MSA",
        "manufacturer",
        "for each site visit",
        "new fee",
        "Rule 21 application",
        "must not use the MSA until this request is complete",
        "without power for a short time",
        "Authorization Form",
        "designated primary contact",
    ):
        assert words in version.body


def test_signing_stores_the_exact_text_its_hash_and_moves_the_request_to_payment(client, customer):
    msa_request = eligible_draft(applicant=customer, customer_name="Dana Q. Customer")
    consent_to_electronic_records(msa_request, customer.email)
    client.force_login(customer)
    page = client.get(sign_url(msa_request))
    assert "$279.22" in page.context["text"]

    response = client.post(
        sign_url(msa_request),
        {
            "signer_name": "  Dana   Q. Customer ",
            "consent": "on",
            "shown_sha256": page.context["form"].initial["shown_sha256"],
        },
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.url == msa_request.get_absolute_url()
    msa_request.refresh_from_db()
    assert msa_request.status == Status.AWAITING_PAYMENT
    assert msa_request.device_snapshot["id"] == msa_request.device_id
    signature = AgreementSignature.objects.get(msa_request=msa_request)
    assert signature.signer_name == "Dana Q. Customer"
    assert signature.signer == customer
    assert signature.ip_address == "203.0.113.9"
    assert signature.signed_text == page.context["text"]
    assert signature.text_sha256 == hashlib.sha256(page.context["text"].encode()).hexdigest()
    assert msa_request.events.filter(to_status=Status.AWAITING_PAYMENT).count() == 1


def test_the_signed_pdf_is_a_real_pdf_with_the_signers_name_and_the_text_hash(client, customer):
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email)
    client.force_login(customer)
    client.post(
        sign_url(msa_request),
        {
            "signer_name": "Dana Customer",
            "consent": "on",
            "shown_sha256": shown_hash(client, msa_request),
        },
    )
    signature = AgreementSignature.objects.get()

    response = client.get(reverse("enrollment:agreement_pdf", kwargs={"pk": msa_request.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Dana Customer" in text
    assert signature.text_sha256 in text.replace("\n", "")
    assert msa_request.reference in text


def test_staff_may_download_the_agreement_and_another_customer_gets_404(client, customer):
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email)
    services.agreement_sign(
        msa_request_id=msa_request.pk,
        actor=customer,
        signer_name="Dana Customer",
        consent=True,
        shown_sha256=selectors.text_sha256(
            selectors.agreement_text(msa_request=msa_request, version=selectors.agreement_current())
        ),
        ip_address=None,
    )
    url = reverse("enrollment:agreement_pdf", kwargs={"pk": msa_request.pk})

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


def test_no_consent_or_no_name_signs_nothing(client, customer):
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email)
    client.force_login(customer)
    digest = shown_hash(client, msa_request)

    response = client.post(sign_url(msa_request), {"signer_name": "Dana", "shown_sha256": digest})
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    response = client.post(sign_url(msa_request), {"consent": "on", "shown_sha256": digest})
    assert response.status_code == 200

    msa_request.refresh_from_db()
    assert msa_request.status == Status.DRAFT
    assert not AgreementSignature.objects.exists()


def test_a_text_that_changed_since_it_was_shown_is_not_signed(client, customer):
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email)
    client.force_login(customer)
    digest = shown_hash(client, msa_request)
    msa_request.premises_street = "1 Other St"
    msa_request.save()

    response = client.post(
        sign_url(msa_request), {"signer_name": "Dana", "consent": "on", "shown_sha256": digest}
    )

    assert response.status_code == 200
    assert "changed since you opened it" in response.content.decode()
    assert not AgreementSignature.objects.exists()


def test_a_request_failing_the_pre_check_cannot_be_signed(customer):
    msa_request = eligible_draft(applicant=customer, esr_violation="yes")
    text = selectors.agreement_text(msa_request=msa_request, version=selectors.agreement_current())

    with pytest.raises(ValidationError):
        services.agreement_sign(
            msa_request_id=msa_request.pk,
            actor=customer,
            signer_name="Dana",
            consent=True,
            shown_sha256=selectors.text_sha256(text),
            ip_address=None,
        )
    msa_request.refresh_from_db()
    assert msa_request.status == Status.DRAFT


def test_signing_twice_keeps_one_signature(customer):
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email)
    text = selectors.agreement_text(msa_request=msa_request, version=selectors.agreement_current())
    kwargs = {
        "msa_request_id": msa_request.pk,
        "actor": customer,
        "signer_name": "Dana",
        "consent": True,
        "shown_sha256": selectors.text_sha256(text),
        "ip_address": "127.0.0.1",
    }

    first = services.agreement_sign(**kwargs)
    second = services.agreement_sign(**kwargs)

    assert first == second
    assert AgreementSignature.objects.count() == 1


@pytest.mark.parametrize(
    "status", [s for s in Status.values if s not in ("draft", "awaiting_payment")]
)
def test_only_a_draft_can_be_signed(customer, status):
    msa_request = eligible_draft(applicant=customer, status=status)

    with pytest.raises(services.TransitionError):
        services.agreement_sign(
            msa_request_id=msa_request.pk,
            actor=customer,
            signer_name="Dana",
            consent=True,
            shown_sha256="0" * 64,
            ip_address=None,
        )


def test_opening_the_agreement_again_after_signing_goes_to_the_status_page(client, customer):
    msa_request = eligible_draft(applicant=customer, status=Status.AWAITING_PAYMENT)
    consent_to_electronic_records(msa_request, customer.email)
    client.force_login(customer)

    response = client.get(sign_url(msa_request))

    assert response.url == msa_request.get_absolute_url()


def test_a_contractor_downloads_an_authorization_form_for_the_customer_to_sign(client):
    from tests.factories import ContractorFactory, MsaRequestFactory

    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name="Owner Person",
        customer_email="owner@example.com",
    )
    url = reverse("enrollment:authorization_form_pdf", kwargs={"pk": msa_request.pk})
    client.force_login(contractor)

    response = client.get(url)

    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Owner Person" in text
    assert contractor.company.name in text
    assert "designated primary contact" in text
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
