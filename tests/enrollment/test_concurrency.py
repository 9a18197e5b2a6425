"""Uploads racing to one draft, on real PostgreSQL row locks (skipped on SQLite, run in CI)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from enrollment import services
from enrollment.models import Document
from tests.conftest import require_service
from tests.enrollment.factories import png_bytes, upload
from tests.factories import MsaRequestFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

UPLOADS = 48


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL to a PostgreSQL database")


def run_together(target, count: int) -> list:
    """Start ``count`` threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_uploads_at_once_to_one_draft_never_pass_the_cap(settings):
    settings.MSA_MAX_DOCUMENTS_PER_REQUEST = 20
    msa_request = MsaRequestFactory()
    content = png_bytes()

    results = run_together(
        lambda: services.document_upload(
            msa_request_id=msa_request.pk,
            actor=msa_request.applicant,
            kind=Document.Kind.METER_PANEL_PHOTO,
            upload=upload("panel.png", content),
        ),
        UPLOADS,
    )

    assert Document.objects.filter(msa_request=msa_request).count() == 20
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == UPLOADS - 20
    assert all(r.code == "too_many" for r in refused)
