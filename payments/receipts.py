"""The fee receipt as a PDF, rendered through the project's one WeasyPrint module."""

from django.utils import timezone

from common.pdf import render_pdf

from .models import Payment


def receipt_pdf(*, payment: Payment) -> bytes:
    """Render the receipt of a paid fee."""
    return render_pdf(
        "payments/receipt_pdf.html",
        {"payment": payment, "msa_request": payment.msa_request, "issued_at": timezone.now()},
    )
