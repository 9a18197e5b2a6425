"""The signed agreement prints every customer's name as typed, in any script, inside the page."""

import pytest
from django.template.loader import render_to_string

from enrollment import selectors, services, signing
from tests.enrollment.factories import consent_to_electronic_records, eligible_draft
from tests.pdfcheck import (
    boxes_past_the_page_edge,
    characters_without_a_glyph,
    embedded_fonts,
    pdf_text,
)

pytestmark = pytest.mark.django_db

NAMES = {
    "chinese": "陈美玲",
    "vietnamese": "Nguyễn Thị Hương",
    "korean": "김민준",
    "armenian": "Հովհաննես Պետրոսյան",
    "spanish": "Zoë Ñúñez Peña",
}
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff" * 4 + "Ende" * 5 + "ZZZ"  # 163 characters


def sign(customer, name: str):
    """Sign as ``name``; return the signature with the PDF its task stored."""
    msa_request = eligible_draft(applicant=customer)
    consent_to_electronic_records(msa_request, customer.email)
    text = selectors.agreement_text(msa_request=msa_request, version=selectors.agreement_current())
    signature = services.agreement_sign(
        msa_request_id=msa_request.pk,
        actor=customer,
        signer_name=name,
        consent=True,
        shown_sha256=selectors.text_sha256(text),
        ip_address="127.0.0.1",
    )
    signing.signed_pdf_store(kind="agreement", signature_id=signature.pk)
    signature.refresh_from_db()
    return signature


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_the_signed_agreement_prints_the_signers_name_in_their_script(customer, name):
    signature = sign(customer, name)

    content = signature.pdf.read()

    assert name in pdf_text(content)
    assert characters_without_a_glyph(content, name) == set()
    # Drawn by the fonts the image installs, not by whatever fallback a machine happens to have.
    assert all(font.startswith(("Noto", "DejaVu")) for font in embedded_fonts(content))


def test_a_163_character_name_without_spaces_stays_inside_the_signed_page(customer):
    assert len(LONG_NAME) == 163
    signature = sign(customer, LONG_NAME)
    msa_request = signature.msa_request

    assert LONG_NAME in pdf_text(signature.pdf.read()).replace("\n", "")
    html = render_to_string(
        "enrollment/agreement/agreement_pdf.html",
        {"signature": signature, "msa_request": msa_request, "version": signature.version},
    )
    assert boxes_past_the_page_edge(html) == []
