"""No server-side request forgery: a PDF fetches only our own static files, never a URL."""

import pytest
from django.conf import settings

from common.pdf import RefusedResource, check_pdf_resource, render_pdf


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/admin/",
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_a_pdf_may_not_fetch_urls_or_files_outside_static(url):
    with pytest.raises(RefusedResource):
        check_pdf_resource(url)


def test_a_pdf_may_use_our_static_files_and_inline_data():
    check_pdf_resource(next((settings.BASE_DIR / "static").rglob("*.css")).as_uri())
    check_pdf_resource("data:image/png;base64,iVBORw0KGgo=")


def test_rendering_a_pdf_that_links_elsewhere_asks_nobody(settings, tmp_path, monkeypatch):
    asked = []

    def record(self, url, *args, **kwargs):
        asked.append(getattr(url, "full_url", url))
        raise OSError("no network in this test")

    # WeasyPrint's fetcher opens every URL through urllib's OpenerDirector.
    monkeypatch.setattr("urllib.request.OpenerDirector.open", record)
    (tmp_path / "ssrf.html").write_text(
        '<img src="http://127.0.0.1:1/x.png"><link rel="stylesheet" href="file:///etc/passwd">'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    assert render_pdf("ssrf.html", {}).startswith(b"%PDF")
    assert asked == []
