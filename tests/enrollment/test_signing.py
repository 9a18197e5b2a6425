"""The Customer Agreement and the customer's authorization are signed through one flow."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from enrollment import authorizations, selectors, services, signing
from enrollment.models import AgreementSignature, CustomerAuthorization
from tests.enrollment.factories import consent_to_electronic_records, eligible_draft
from tests.factories import ContractorFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_agreement(*, shown_sha256: str | None = None):
    """Sign the Customer Agreement as its customer; return the row and the text shown."""
    customer = UserFactory(email="dana@example.com", full_name="Dana Customer")
    msa_request = eligible_draft(applicant=customer, customer_name="Dana Customer")
    consent_to_electronic_records(msa_request, customer.email)
    shown = shown_text(msa_request)
    row = services.agreement_sign(
        msa_request_id=msa_request.pk,
        actor=customer,
        signer_name="Dana Customer",
        consent=True,
        shown_sha256=shown_sha256 or selectors.text_sha256(shown),
        ip_address="203.0.113.9",
    )
    return row, shown


def sign_authorization(*, shown_sha256: str | None = None):
    """Sign a contractor's authorization through the emailed link; return the row and the text."""
    contractor = ContractorFactory()
    msa_request = eligible_draft(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name="Dana Customer",
        customer_email="dana@example.com",
    )
    _, token = authorizations.authorization_link_send(
        msa_request_id=msa_request.pk, actor=contractor
    )
    consent_to_electronic_records(msa_request, "dana@example.com")
    shown = shown_text(msa_request)
    row = authorizations.authorization_sign(
        msa_request_id=msa_request.pk,
        raw_token=token,
        signer_name="Dana Customer",
        consent=True,
        shown_sha256=shown_sha256 or selectors.text_sha256(shown),
        ip_address="203.0.113.9",
    )
    return row, shown


def shown_text(msa_request) -> str:
    """The exact text the signing page shows for ``msa_request``."""
    return selectors.agreement_text(msa_request=msa_request, version=selectors.agreement_current())


def pdf_words(row) -> str:
    """The PDF's text without white space or page footers (it wraps and breaks where it likes)."""
    pages = PdfReader(io.BytesIO(row.pdf.read())).pages
    words = "".join("".join(page.extract_text().split()) for page in pages)
    for number in range(1, len(pages) + 1):
        words = words.replace(f"{row.msa_request.reference}·page{number}of{len(pages)}", "")
    return words


KINDS = [
    pytest.param(sign_agreement, AgreementSignature, id="agreement"),
    pytest.param(sign_authorization, CustomerAuthorization, id="authorization"),
]


@pytest.mark.parametrize(("sign", "model"), KINDS)
def test_each_signature_stores_the_hash_of_the_exact_text_printed_in_its_pdf(
    sign, model, monkeypatch
):
    recorded = []
    real_record = signing.signature_record

    def record(**kwargs):
        row = real_record(**kwargs)
        recorded.append(row)
        return row

    monkeypatch.setattr(signing, "signature_record", record)

    row, shown = sign()

    assert recorded == [row]  # the one signing flow made this signature
    assert isinstance(row, model)
    row.refresh_from_db()
    assert row.signed_text == shown
    assert row.text_sha256 == hashlib.sha256(shown.encode("utf-8")).hexdigest()
    assert row.signer_name == "Dana Customer"
    assert row.ip_address == "203.0.113.9"
    printed = pdf_words(row)
    assert "".join(shown.split()) in printed
    assert row.text_sha256 in printed


@pytest.mark.parametrize(("sign", "model"), KINDS)
def test_a_text_changed_after_it_was_shown_is_refused_alike_and_nothing_is_stored(sign, model):
    stale = hashlib.sha256(b"the text as it was yesterday").hexdigest()

    with pytest.raises(ValidationError) as refused:
        sign(shown_sha256=stale)

    assert refused.value.messages == [
        "The agreement changed since you opened it. Read it again, then sign."
    ]
    assert not model.objects.exists()
