"""The Customer Agreement and the customer's authorization are signed through one flow."""

import hashlib
import io
import logging
import os
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from enrollment import authorizations, selectors, services, signing, tasks
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


def pdf_words(row, data: bytes | None = None) -> str:
    """The PDF's text without white space or page footers (it wraps and breaks where it likes).

    The PDF is ``data`` when given, else the one stored on ``row``.
    """
    pages = PdfReader(io.BytesIO(data if data is not None else row.pdf.read())).pages
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
    sign, model, monkeypatch, django_capture_on_commit_callbacks
):
    recorded = []
    real_record = signing.signature_record

    def record(**kwargs):
        row = real_record(**kwargs)
        recorded.append(row)
        return row

    monkeypatch.setattr(signing, "signature_record", record)

    with django_capture_on_commit_callbacks(execute=True):  # the PDF task, eager here
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


# --- the PDF is printed off the web request (issue 26) --------------------------------------


@pytest.mark.parametrize(("sign", "model"), KINDS)
def test_signing_records_the_signature_and_prints_no_pdf_itself(sign, model, monkeypatch):
    printed = []
    monkeypatch.setattr(signing, "render_pdf", lambda *args, **kwargs: printed.append(args))

    row, shown = sign()  # the commit's hand-off to the task is not run here

    row.refresh_from_db()
    assert row.signed_text == shown
    assert not row.pdf
    assert printed == []


@pytest.mark.parametrize(("sign", "model"), KINDS)
def test_the_pdf_downloads_before_it_is_stored_printed_on_demand_and_not_stored(
    sign, model, client
):
    row, shown = sign()
    if model is AgreementSignature:
        client.force_login(row.signer)
        url = reverse("enrollment:agreement_pdf", kwargs={"pk": row.msa_request_id})
    else:
        client.force_login(row.msa_request.filed_by)
        url = reverse("enrollment:authorization_pdf", args=[row.msa_request_id, row.pk])
        assert url in client.get(row.msa_request.get_absolute_url()).content.decode()

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    downloaded = b"".join(response.streaming_content)
    assert "".join(shown.split()) in pdf_words(row, downloaded)
    assert not model.objects.get(pk=row.pk).pdf


@pytest.mark.parametrize(("sign", "model"), KINDS)
def test_a_signature_made_while_the_broker_is_down_gets_its_pdf_and_copy_from_the_sweep(
    sign, model, dead_broker, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    kind = "agreement" if model is AgreementSignature else "authorization"
    with (
        caplog.at_level(logging.WARNING, logger="common.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        row, shown = sign()
    assert f"broker unavailable: signed {kind} PDF left for the periodic sweep" in caplog.text
    assert not model.objects.get(pk=row.pk).pdf

    dead_broker.conf.task_always_eager = True  # the broker is back: beat runs the sweep
    assert tasks.sweep_unrendered_signatures.delay().get() == 0  # its own task may be on its way
    with time_machine.travel(timezone.now() + signing.SWEEP_GRACE + timedelta(seconds=1)):
        assert tasks.sweep_unrendered_signatures.delay().get() == 1
        assert tasks.sweep_unrendered_signatures.delay().get() == 0
    assert tasks.store_signed_pdf.delay(kind, row.pk).get() is False  # a repeated task

    row.refresh_from_db()
    assert "".join(shown.split()) in pdf_words(row)
    _, stored = row.pdf.storage.listdir(os.path.dirname(row.pdf.name))
    assert len(stored) == 1
    copies = [m for m in mailoutbox if m.attachments]
    if model is CustomerAuthorization:
        (copy,) = copies
        assert copy.to == ["dana@example.com"]
        assert copy.attachments[0][1] == row.pdf.open("rb").read()
    else:
        assert copies == []
