"""Factories and sample files for the enrollment tests."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from enrollment.models import Document
from tests.factories import MeterRecordFactory, MsaRequestFactory


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 84, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def eligible_draft(**fields):
    """A complete install draft whose account and meter are in the utility's records."""
    msa_request = MsaRequestFactory(**fields)
    MeterRecordFactory(
        service_account_number=msa_request.service_account_number,
        meter_number=msa_request.meter_number,
    )
    return msa_request


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    msa_request = factory.SubFactory(MsaRequestFactory)
    kind = Document.Kind.METER_PANEL_PHOTO
    file = factory.django.FileField(filename="0123abcd.png", data=png_bytes())
    original_name = "panel.png"
    content_type = "image/png"
    size = factory.LazyAttribute(lambda d: len(png_bytes()))
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("msa_request.applicant")


def reviewer():
    """A staff member in the Reviewer group (who may accept uploaded forms)."""
    from django.contrib.auth.models import Group

    from accounts import roles
    from tests.factories import StaffFactory

    user = StaffFactory()
    user.groups.add(Group.objects.get(name=roles.REVIEWER))
    return user


def authorize(msa_request, actor=None, *, accepted: bool = True):
    """Put the customer's authorization on file the upload way (through the services).

    The form is uploaded by the contractor and, unless ``accepted`` is False, accepted by a
    reviewer: an uploaded form alone is only a claim.
    """
    from enrollment.authorizations import authorization_accept, authorization_record_upload

    document = DocumentFactory(
        msa_request=msa_request,
        kind=Document.Kind.AUTHORIZATION_FORM,
        original_name="authorization.pdf",
        content_type="application/pdf",
        uploaded_by=actor or msa_request.filed_by,
    )
    authorization = authorization_record_upload(
        document=document, actor=actor or msa_request.filed_by
    )
    if accepted and authorization is not None:
        authorization = authorization_accept(authorization_id=authorization.pk, actor=reviewer())
    return authorization


def consent_to_electronic_records(msa_request, email: str, *, language: str = "en", user=None):
    """Record ``email``'s consent to electronic records for ``msa_request`` (E-SIGN), as the
    consent step does; return it."""
    from enrollment import consent

    return consent.consent_give(
        msa_request_id=msa_request.pk,
        email=email,
        user=user,
        language=language,
        shown_sha256=consent.disclosure(language).sha256,
        ip_address=None,
    )


def consent_through_page(client, url: str):
    """Open the signing page at ``url`` as a browser does, passing its consent step to
    electronic records when it is shown; return the signing page's response."""
    page = client.get(url)
    if page.status_code == 200 and "disclosure" in (page.context or {}):
        client.post(
            url,
            {
                "esign_action": "consent",
                "agree": "on",
                "shown_sha256": page.context["disclosure"].sha256,
            },
        )
        page = client.get(url)
    return page
