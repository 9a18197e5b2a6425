"""Uploads are checked by content, size-capped, stored privately and served only to who may see."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrollment import services
from enrollment.models import Document
from tests.enrollment.factories import jpeg_bytes, pdf_bytes, png_bytes, upload
from tests.factories import ApplicationFactory, ContractorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PANEL = Document.Kind.METER_PANEL_PHOTO
AUTHORIZATION = Document.Kind.AUTHORIZATION_FORM


def store(application, name, content, kind=PANEL):
    return services.document_upload(
        application_id=application.pk,
        actor=application.applicant,
        kind=kind,
        upload=upload(name, content),
    )


def test_a_real_png_is_stored_under_a_random_name_with_its_hash(settings):
    application = ApplicationFactory()

    document = store(application, "../../etc/My panel<script>.png", png_bytes())

    assert document.content_type == "image/png"
    assert document.size == len(png_bytes())
    assert len(document.sha256) == 64
    assert document.original_name == "My panel_script_.png"
    assert "panel" not in document.file.name
    assert document.file.name.endswith(".png")
    assert (settings.PRIVATE_STORAGE_ROOT / document.file.name).exists()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("form.pdf", b"I am only text, renamed to look like a PDF.\n" * 10, AUTHORIZATION),
        ("form.pdf", b"%PDF-1.7\nnot really a pdf at all\n", AUTHORIZATION),
        ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', PANEL),
        ("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>", PANEL),
        ("photo.png", pdf_bytes(), PANEL),
        ("form.pdf", png_bytes(), AUTHORIZATION),
    ],
)
def test_a_file_whose_content_is_not_what_is_allowed_is_refused(name, content, kind):
    application = ApplicationFactory()

    with pytest.raises(ValidationError) as error:
        store(application, name, content, kind)

    assert error.value.code == "bad_type"
    assert "we check what is inside" in error.value.messages[0]
    assert not Document.objects.exists()


def test_real_jpeg_and_pdf_are_accepted_where_allowed():
    application = ApplicationFactory()

    assert store(application, "a.jpeg", jpeg_bytes()).content_type == "image/jpeg"
    assert store(application, "auth.pdf", pdf_bytes(), AUTHORIZATION).content_type == (
        "application/pdf"
    )


def test_an_oversized_file_is_refused_with_a_clear_message(settings):
    settings.MSA_UPLOAD_MAX_BYTES = 1024 * 1024
    application = ApplicationFactory()
    big = png_bytes((1200, 1200)) + b"\0" * (1024 * 1024)

    with pytest.raises(ValidationError) as error:
        store(application, "big.png", big)

    assert error.value.code == "too_large"
    assert "at most 1 MB" in error.value.messages[0]
    assert not Document.objects.exists()


def test_the_owner_downloads_the_file_as_an_attachment(client):
    application = ApplicationFactory()
    document = store(application, "panel.png", png_bytes())
    client.force_login(application.applicant)

    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="panel.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_customer_gets_404_for_a_document(client):
    application = ApplicationFactory()
    document = store(application, "panel.png", png_bytes())
    client.force_login(UserFactory())

    assert client.get(document.get_absolute_url()).status_code == 404


def test_a_document_id_under_another_request_is_404(client):
    mine = ApplicationFactory()
    theirs = store(ApplicationFactory(), "panel.png", png_bytes())
    client.force_login(mine.applicant)

    url = reverse("enrollment:document_download", kwargs={"pk": mine.pk, "document_pk": theirs.pk})
    assert client.get(url).status_code == 404


def test_staff_and_the_filing_contractors_colleagues_may_download(client):
    contractor = ContractorFactory()
    application = ApplicationFactory(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name="Owner",
        customer_email="owner@example.com",
    )
    document = services.document_upload(
        application_id=application.pk,
        actor=contractor,
        kind=AUTHORIZATION,
        upload=upload("auth.pdf", pdf_bytes()),
    )
    colleague = ContractorFactory(company=contractor.company)

    client.force_login(colleague)
    assert client.get(document.get_absolute_url()).status_code == 200
    client.force_login(StaffFactory())
    assert client.get(document.get_absolute_url()).status_code == 200


def test_a_photo_can_be_removed_from_a_draft(client):
    application = ApplicationFactory()
    document = store(application, "panel.png", png_bytes())
    client.force_login(application.applicant)

    client.post(
        reverse(
            "enrollment:document_delete", kwargs={"pk": application.pk, "document_pk": document.pk}
        )
    )

    assert not Document.objects.exists()


def test_a_request_holds_a_bounded_number_of_files(settings):
    settings.MSA_MAX_DOCUMENTS_PER_REQUEST = 2
    application = ApplicationFactory()
    store(application, "1.png", png_bytes())
    store(application, "2.png", png_bytes())

    with pytest.raises(ValidationError):
        store(application, "3.png", png_bytes())


def test_one_bad_file_in_a_batch_stores_none_of_them(settings):
    application = ApplicationFactory()

    with pytest.raises(ValidationError):
        services.request_attach_documents(
            application_id=application.pk,
            actor=application.applicant,
            uploads=[(PANEL, upload("ok.png", png_bytes())), (PANEL, upload("bad.png", b"text"))],
        )

    assert not Document.objects.exists()
    stored = settings.PRIVATE_STORAGE_ROOT / "documents"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))
