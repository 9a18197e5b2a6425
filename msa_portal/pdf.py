"""The one place that renders PDFs (agreements, receipts, work orders) with WeasyPrint."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes.

    Templates should set ``font-family`` inside ``@page`` margin boxes: they do not inherit the
    body font.
    """
    # WeasyPrint takes ~0.5 s to import: only pay it when a PDF is actually made.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
