"""The one place that renders PDFs (agreements, receipts, work orders) with WeasyPrint."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string


class RefusedResource(ValueError):
    """A PDF asked for something other than one of our own static files."""


def check_pdf_resource(url: str) -> None:
    """Allow only inline data and files under static/: a PDF never reaches the network.

    Templates escape what users type, so no user can add a link; this keeps it so even if a
    template one day marks something safe (no server-side request forgery through a PDF).
    """
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return
    static = (Path(settings.BASE_DIR) / "static").resolve()
    if parsed.scheme != "file" or not Path(unquote(parsed.path)).resolve().is_relative_to(static):
        raise RefusedResource(url[:80])


def _fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            check_pdf_resource(url)
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file", "data"})


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes.

    Templates should set ``font-family`` inside ``@page`` margin boxes: they do not inherit the
    body font.
    """
    # WeasyPrint takes ~0.5 s to import: only pay it when a PDF is actually made.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(
        string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=_fetcher()
    ).write_pdf()
