"""Account numbers as the bill prints them, photos as phones take them (issue 19)."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from enrollment.forms import AccountsForm
from enrollment.models import Document, Request
from tests.enrollment.factories import png_bytes, upload
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db


def step_url(msa_request, step):
    return reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": step})


def photo_bytes(format_name: str) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (0, 84, 110)).save(buffer, format=format_name)
    return buffer.getvalue()


ACCOUNTS = {
    "customer_name": "Dana Customer",
    "customer_phone": "(626) 555-0199",
    "meter_number": "M1234567",
    "rule21_reference": "",
}


def test_account_numbers_typed_as_the_bill_prints_them_are_kept_whole(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, filed_by=customer)
    client.force_login(customer)

    response = client.post(
        step_url(msa_request, "accounts"),
        {
            **ACCOUNTS,
            "service_account_number": "8000-000-002",
            "customer_account_number": "7000 0000 0003",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    msa_request.refresh_from_db()
    assert msa_request.service_account_number == "8000000002"
    assert msa_request.customer_account_number == "700000000003"


def test_the_browser_does_not_cut_a_dashed_account_number_short(customer):
    form = AccountsForm(msa_request=MsaRequestFactory(applicant=customer), user=customer)

    widget = form.fields["service_account_number"].widget
    assert int(widget.attrs["maxlength"]) >= len("8000-000-002")


def test_a_too_long_account_number_still_says_how_many_digits(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, filed_by=customer)
    client.force_login(customer)

    response = client.post(
        step_url(msa_request, "accounts"),
        {
            **ACCOUNTS,
            "service_account_number": "8000-000-0021",
            "customer_account_number": "700000000003",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["service_account_number"]


@pytest.mark.parametrize("format_name", ["HEIF", "WEBP"])
def test_a_photo_from_a_phone_is_accepted_and_stored_as_jpeg(client, customer, format_name):
    msa_request = MsaRequestFactory(applicant=customer, filed_by=customer)
    client.force_login(customer)
    extension = {"HEIF": "heic", "WEBP": "webp"}[format_name]

    response = client.post(
        step_url(msa_request, "photos"),
        {"photos": [upload(f"IMG_0001.{extension}", photo_bytes(format_name))]},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.content_type, document.original_name) == ("image/jpeg", "IMG_0001.jpg")
    with document.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (16, 12)


def test_a_refused_photo_keeps_the_good_one_sent_with_it_and_says_why(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, filed_by=customer)
    client.force_login(customer)

    response = client.post(
        step_url(msa_request, "photos"),
        {"photos": [upload("meter.png", png_bytes()), upload("notes.png", b"not a picture")]},
    )

    assert response.status_code == 200
    assert [d.original_name for d in Document.objects.all()] == ["meter.png"]
    html = response.content.decode()
    assert "notes.png" in html and "meter.png" in html
    assert Request.objects.get().wizard_step != "photos"
