"""Uploads are checked by content, size-capped, stored privately and served only to who may see."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrollment import services
from enrollment.models import Document
from tests.enrollment.factories import jpeg_bytes, pdf_bytes, png_bytes, upload
from tests.factories import ContractorFactory, MsaRequestFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PANEL = Document.Kind.METER_PANEL_PHOTO
AUTHORIZATION = Document.Kind.AUTHORIZATION_FORM


def store(msa_request, name, content, kind=PANEL):
    return services.document_upload(
        msa_request_id=msa_request.pk,
        actor=msa_request.applicant,
        kind=kind,
        upload=upload(name, content),
    )


def test_a_real_png_is_stored_under_a_random_name_with_its_hash(settings):
    msa_request = MsaRequestFactory()

    document = store(msa_request, "../../etc/My panel<script>.png", png_bytes())

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
    msa_request = MsaRequestFactory()

    with pytest.raises(ValidationError) as error:
        store(msa_request, name, content, kind)

    assert error.value.code == "bad_type"
    assert "we check what is inside" in error.value.messages[0]
    assert not Document.objects.exists()


def test_real_jpeg_and_pdf_are_accepted_where_allowed():
    msa_request = MsaRequestFactory()

    assert store(msa_request, "a.jpeg", jpeg_bytes()).content_type == "image/jpeg"
    assert store(msa_request, "auth.pdf", pdf_bytes(), AUTHORIZATION).content_type == (
        "application/pdf"
    )


def test_an_oversized_file_is_refused_with_a_clear_message(settings):
    settings.MSA_UPLOAD_MAX_BYTES = 1024 * 1024
    msa_request = MsaRequestFactory()
    big = png_bytes((1200, 1200)) + b"\0" * (1024 * 1024)

    with pytest.raises(ValidationError) as error:
        store(msa_request, "big.png", big)

    assert error.value.code == "too_large"
    assert "at most 1 MB" in error.value.messages[0]
    assert not Document.objects.exists()


def test_the_owner_downloads_the_file_as_an_attachment(client):
    msa_request = MsaRequestFactory()
    document = store(msa_request, "panel.png", png_bytes())
    client.force_login(msa_request.applicant)

    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="panel.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_customer_gets_404_for_a_document(client):
    msa_request = MsaRequestFactory()
    document = store(msa_request, "panel.png", png_bytes())
    client.force_login(UserFactory())

    assert client.get(document.get_absolute_url()).status_code == 404


def test_a_document_id_under_another_request_is_404(client):
    mine = MsaRequestFactory()
    theirs = store(MsaRequestFactory(), "panel.png", png_bytes())
    client.force_login(mine.applicant)

    url = reverse("enrollment:document_download", kwargs={"pk": mine.pk, "document_pk": theirs.pk})
    assert client.get(url).status_code == 404


def test_staff_and_the_filing_contractors_colleagues_may_download(client):
    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name="Owner",
        customer_email="owner@example.com",
    )
    document = services.document_upload(
        msa_request_id=msa_request.pk,
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
    msa_request = MsaRequestFactory()
    document = store(msa_request, "panel.png", png_bytes())
    client.force_login(msa_request.applicant)

    client.post(
        reverse(
            "enrollment:document_delete", kwargs={"pk": msa_request.pk, "document_pk": document.pk}
        )
    )

    assert not Document.objects.exists()


def test_a_request_holds_a_bounded_number_of_files(settings):
    settings.MSA_MAX_DOCUMENTS_PER_REQUEST = 2
    msa_request = MsaRequestFactory()
    store(msa_request, "1.png", png_bytes())
    store(msa_request, "2.png", png_bytes())

    with pytest.raises(ValidationError):
        store(msa_request, "3.png", png_bytes())


def test_one_bad_file_in_a_batch_stores_none_of_them(settings):
    msa_request = MsaRequestFactory()

    with pytest.raises(ValidationError):
        services.request_attach_documents(
            msa_request_id=msa_request.pk,
            actor=msa_request.applicant,
            uploads=[(PANEL, upload("ok.png", png_bytes())), (PANEL, upload("bad.png", b"text"))],
        )

    assert not Document.objects.exists()
    stored = settings.PRIVATE_STORAGE_ROOT / "documents"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


# --- issue 17: names, pixels, file modes ------------------------------------------------------


def test_a_png_uploaded_as_html_downloads_as_png(client):
    msa_request = MsaRequestFactory()
    document = store(msa_request, "x.html", png_bytes())
    # A row stored before the fix keeps its old name; the download still follows the type.
    Document.objects.filter(pk=document.pk).update(original_name="old.html")
    client.force_login(msa_request.applicant)

    response = client.get(document.get_absolute_url())

    assert document.original_name == "x.png"
    assert response["Content-Disposition"] == 'attachment; filename="old.png"'


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, format="PNG")  # ~20 KB on disk, 144 megapixels
    msa_request = MsaRequestFactory()

    with pytest.raises(ValidationError) as error:
        store(msa_request, "bomb.png", buffer.getvalue())

    assert error.value.code == "too_many_pixels"
    assert not Document.objects.exists()


def test_an_image_whose_pixels_do_not_decode_is_refused():
    whole = png_bytes((64, 64))
    truncated = whole[: len(whole) - 40]  # the header checks out; the pixel data is cut short
    msa_request = MsaRequestFactory()

    with pytest.raises(ValidationError) as error:
        store(msa_request, "cut.png", truncated)

    assert error.value.code == "bad_type"


def test_private_files_are_readable_by_the_owner_only(settings):
    import stat

    msa_request = MsaRequestFactory()
    document = store(msa_request, "panel.png", png_bytes())

    mode = stat.S_IMODE((settings.PRIVATE_STORAGE_ROOT / document.file.name).stat().st_mode)

    assert mode == 0o600
