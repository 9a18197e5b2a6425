"""The receipt prints the customer's name as typed, in any script, inside the page."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from enrollment.models import Status
from payments.models import Payment
from payments.receipts import receipt_pdf
from tests.enrollment.test_agreement_names import LONG_NAME, NAMES
from tests.factories import MsaRequestFactory
from tests.pdfcheck import (
    boxes_past_the_page_edge,
    characters_without_a_glyph,
    embedded_fonts,
    pdf_text,
)

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


def paid_by(name: str) -> Payment:
    return PaymentFactory(
        msa_request=MsaRequestFactory(customer_name=name, status=Status.SUBMITTED),
        status=Payment.Status.SUCCEEDED,
        checkout_session_id="cs_test_42",
    )


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_the_receipt_prints_the_customers_name_in_their_script(name):
    content = receipt_pdf(payment=paid_by(name))

    assert name in pdf_text(content)
    assert characters_without_a_glyph(content, name) == set()
    assert all(font.startswith(("Noto", "DejaVu")) for font in embedded_fonts(content))


def test_a_163_character_name_without_spaces_stays_inside_the_receipt_page():
    payment = paid_by(LONG_NAME)

    assert LONG_NAME in pdf_text(receipt_pdf(payment=payment)).replace("\n", "")
    html = render_to_string(
        "payments/receipt_pdf.html",
        {"payment": payment, "msa_request": payment.msa_request, "issued_at": timezone.now()},
    )
    assert boxes_past_the_page_edge(html) == []
